"""The lesson graph as a layered list: prerequisites above, unlocks below, edges named."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tutor.lessons.graph import layers
from tutor.lessons.index import LessonSummary
from tutor.practice.mastery import LessonProgress

TITLE_WIDTH = 40
#: The mastery bar's cells.
BAR = 10

#: Lines a card takes on screen: title, progress and reviews; then difficulty and edges.
CARD_LINES = 2

START_HERE = "★ start here"


class LessonMap(Widget, can_focus=True):
    """The levels drawn one below the other, one lesson a card (its bar and figure: the
    concepts mastered; below, the sections read): `↓`/`j` moves to the card
    drawn below (within a level or into the next), `↑`/`k` to the one above, so the keys
    follow the screen (the layout has no columns, so nothing moves sideways). Enter opens.

    Every line is cut to the width rather than wrapped, so each card is ``CARD_LINES``
    tall and the cursor's card can be scrolled into view exactly.
    """

    DEFAULT_CSS = """
    LessonMap {
        height: auto;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False, id="map.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="map.down"),
        Binding("enter", "open", "Open lesson", id="map.open"),
    ]

    @dataclass
    class Opened(Message):
        lesson_id: str

    @dataclass
    class Highlighted(Message):
        lesson_id: str

    #: (level, place in the level) of the lesson under the cursor.
    cursor: reactive[tuple[int, int]] = reactive((0, 0))

    def __init__(self, lessons: list[LessonSummary], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid = layers(lessons)
        #: Every cell of the grid in the order drawn, top to bottom.
        self.drawn = [
            (row, col) for row, layer in enumerate(self.grid) for col in range(len(layer))
        ]
        self.by_id = {lesson.id: lesson for lesson in lessons}
        #: Each lesson's sections read and concepts mastered (none yet: nothing drawn).
        self.progress: dict[str, LessonProgress] = {}
        self.due: dict[str, int] = {}

    @property
    def selected(self) -> LessonSummary | None:
        row, col = self.cursor
        return self.grid[row][col] if self.grid else None

    @property
    def start_here(self) -> LessonSummary | None:
        """The first lesson, in the order drawn (the graph's), not yet begun."""
        return next(
            (
                self.grid[row][col]
                for row, col in self.drawn
                if not self._begun(self.grid[row][col].id)
            ),
            None,
        )

    def _begun(self, lesson_id: str) -> bool:
        progress = self.progress.get(lesson_id)
        return progress is not None and progress.begun

    def select(self, lesson_id: str) -> None:
        for row, col in self.drawn:
            if self.grid[row][col].id == lesson_id:
                self.cursor = (row, col)

    def set_progress(self, progress: dict[str, LessonProgress], due: dict[str, int]) -> None:
        self.progress, self.due = progress, due
        self.refresh()

    def action_move(self, step: int) -> None:
        if not self.grid:
            return
        place = self.drawn.index(self.cursor) + step
        self.cursor = self.drawn[max(0, min(len(self.drawn) - 1, place))]

    def action_open(self) -> None:
        if self.selected:
            self.post_message(self.Opened(self.selected.id))

    def _card_top(self, cell: tuple[int, int]) -> int:
        """The line the card at ``cell`` starts on: each level has a heading above its cards."""
        row, _ = cell
        return self.drawn.index(cell) * CARD_LINES + row + 1

    def render(self) -> Text:
        if not self.grid:
            return Text("No lessons on the lesson path.")
        text = Text()
        begin = self.start_here
        for row, layer in enumerate(self.grid):
            text.append(f"level {row + 1}\n", style="dim")
            for col, lesson in enumerate(layer):
                self._card(text, lesson, (row, col) == self.cursor, lesson is begin)
        text.rstrip()
        return text

    def _card(self, text: Text, lesson: LessonSummary, selected: bool, begin: bool) -> None:
        marker = "▶ " if selected else "  "
        title_style = "bold reverse" if selected else "bold"
        progress = self.progress.get(lesson.id)
        mastery = progress.mastery if progress else None
        filled = round((mastery.fraction if mastery else 0.0) * BAR)
        width = min(TITLE_WIDTH, max(len(x.title) for x in self.by_id.values()))
        title = lesson.title if len(lesson.title) <= width else lesson.title[: width - 1] + "…"
        text.append(marker)
        text.append(title, style=title_style)
        text.append(" " * (width - len(title)))
        text.append(f"  {'█' * filled}{'░' * (BAR - filled)}", style="green")
        if mastery is not None and mastery.total:
            text.append(f" {mastery.figure} concepts", style="green")
        due = self.due.get(lesson.id, 0)
        text.append(f"  {due} due\n", style="yellow" if due else "dim")
        text.append("    ")
        if begin:
            text.append(START_HERE, style="bold")
            text.append(" · ")
        if progress is not None:
            text.append(f"{progress.read_figure} read", style="green" if progress.read else "dim")
            text.append(" · ")
        text.append(lesson.difficulty, style="dim")
        if lesson.prerequisites:
            names = ", ".join(self._title(i) for i in lesson.prerequisites)
            text.append(f"   ↑ needs {names}", style="dim")
        if lesson.unlocks:
            names = ", ".join(self._title(i) for i in lesson.unlocks)
            text.append(f"   ↓ unlocks {names}", style="dim")
        text.append("\n")

    def _title(self, lesson_id: str) -> str:
        lesson = self.by_id.get(lesson_id)
        return lesson.title if lesson else lesson_id

    def watch_cursor(self) -> None:
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)
        lesson = self.selected
        if lesson is not None:
            self.post_message(self.Highlighted(lesson.id))

    def _scroll_to_cursor(self) -> None:
        """Bring the cursor's card (and its level's heading, at a level's first card) into
        view: on a short terminal the lower levels are below the fold."""
        if not self.grid or self.parent is None or not isinstance(self.parent, Widget):
            return
        row, col = self.cursor
        top = self._card_top(self.cursor) - (1 if col == 0 else 0)
        bottom = self._card_top(self.cursor) + CARD_LINES
        card = Region(0, self.virtual_region.y + top, self.size.width, bottom - top)
        self.parent.scroll_to_region(card, animate=False, immediate=True, x_axis=False)
