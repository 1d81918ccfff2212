"""The lesson graph as a layered list: prerequisites above, unlocks below, edges named."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tutor.lessons.graph import layers
from tutor.lessons.index import LessonSummary

SECTIONS_PER_LESSON = 6
TITLE_WIDTH = 40  # intuition, math, code, demo, worked examples, practice


class LessonMap(Widget, can_focus=True):
    """Arrows/hjkl move (up/down between layers, left/right within one); Enter opens."""

    DEFAULT_CSS = """
    LessonMap {
        height: auto;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("up,k", "move(-1, 0)", "Up", show=False),
        Binding("down,j", "move(1, 0)", "Down", show=False),
        Binding("left,h", "move(0, -1)", "Left", show=False),
        Binding("right,l", "move(0, 1)", "Right", show=False),
        Binding("enter", "open", "Open lesson"),
    ]

    @dataclass
    class Opened(Message):
        lesson_id: str

    cursor: reactive[tuple[int, int]] = reactive((0, 0))

    def __init__(self, lessons: list[LessonSummary], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid = layers(lessons)
        self.by_id = {lesson.id: lesson for lesson in lessons}
        self.progress: dict[str, float] = {}
        self.due: dict[str, int] = {}

    @property
    def selected(self) -> LessonSummary | None:
        row, col = self.cursor
        return self.grid[row][col] if self.grid else None

    def select(self, lesson_id: str) -> None:
        for row, layer in enumerate(self.grid):
            for col, lesson in enumerate(layer):
                if lesson.id == lesson_id:
                    self.cursor = (row, col)

    def set_progress(self, progress: dict[str, float], due: dict[str, int]) -> None:
        self.progress, self.due = progress, due
        self.refresh()

    def action_move(self, rows: int, cols: int) -> None:
        if not self.grid:
            return
        row, col = self.cursor
        if rows:
            row = max(0, min(len(self.grid) - 1, row + rows))
            col = min(col, len(self.grid[row]) - 1)
        else:
            col = max(0, min(len(self.grid[row]) - 1, col + cols))
        self.cursor = (row, col)

    def action_open(self) -> None:
        if self.selected:
            self.post_message(self.Opened(self.selected.id))

    def render(self) -> Text:
        text = Text()
        if not self.grid:
            return Text("No lessons on the lesson path.")
        for row, layer in enumerate(self.grid):
            text.append(f"level {row + 1}\n", style="dim")
            for col, lesson in enumerate(layer):
                self._card(text, lesson, (row, col) == self.cursor)
        return text

    def _card(self, text: Text, lesson: LessonSummary, selected: bool) -> None:
        marker = "▶ " if selected else "  "
        title_style = "bold reverse" if selected else "bold"
        done = self.progress.get(lesson.id, 0.0)
        filled = round(done * 10)
        width = min(TITLE_WIDTH, max(len(x.title) for x in self.by_id.values()))
        title = lesson.title if len(lesson.title) <= width else lesson.title[: width - 1] + "…"
        text.append(marker)
        text.append(title, style=title_style)
        text.append(" " * (width - len(title)))
        text.append(f"  {'█' * filled}{'░' * (10 - filled)} {done:4.0%}", style="green")
        due = self.due.get(lesson.id, 0)
        text.append(f"  {due} due", style="yellow" if due else "dim")
        text.append(f"  · {lesson.difficulty}\n", style="dim")
        links = []
        if lesson.prerequisites:
            names = ", ".join(self._title(i) for i in lesson.prerequisites)
            links.append(f"↑ needs {names}")
        if lesson.unlocks:
            links.append(f"↓ unlocks {', '.join(self._title(i) for i in lesson.unlocks)}")
        if links:
            text.append(f"    {'   '.join(links)}\n", style="dim")

    def _title(self, lesson_id: str) -> str:
        lesson = self.by_id.get(lesson_id)
        return lesson.title if lesson else lesson_id

    def watch_cursor(self) -> None:
        self.refresh()
        lesson = self.selected
        if lesson is not None:
            self.post_message(self.Highlighted(lesson.id))

    @dataclass
    class Highlighted(Message):
        lesson_id: str
