"""The map: every lesson as a small prerequisite graph, with what the learner has shown
(concepts mastered), read (sections) and has due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tutor.ui.messages import OpenLesson
from tutor.ui.screens.base import BaseScreen
from tutor.ui.widgets.lesson_map import LessonMap

if TYPE_CHECKING:
    from tutor.notes import Anchor


class MapScreen(BaseScreen):
    LOCATION = "Map"
    CSS_PATH = "map.tcss"
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="map.quit"),
        Binding("c", "continue", "Continue", id="map.continue"),
        Binding("L", "open_lab", "Lab", id="map.lab"),
        Binding("R", "review", "Review", id="map.review"),
        Binding("S", "stats", "Stats", id="map.stats"),
        Binding("N", "notes", "Notes", id="map.notes"),
    ]

    def compose_content(self) -> ComposeResult:
        with VerticalScroll(id="map-scroll"):
            yield LessonMap(self.tutor.summaries, id="lesson-map")
        yield Static(id="map-detail")

    def on_mount(self) -> None:
        """The store is open by now: the first frame shows the stored figures and the
        cursor on the lesson last worked in."""
        super().on_mount()
        self.query_one(LessonMap).focus()
        self.refresh_progress()
        self.show_place()

    def on_screen_resume(self) -> None:
        self.refresh_progress()
        self.refresh_bindings()  # a place may have been made since: `c` shows

    def show_place(self) -> None:
        """Put the cursor on the lesson last worked in (first run: it stays on the first)."""
        place = self.tutor.place
        if place is not None:
            self.query_one(LessonMap).select(place.lesson_id)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`c` is offered only where there is a place to continue."""
        return self.tutor.place is not None if action == "continue" else True

    def action_continue(self) -> None:
        self.tutor.continue_place()

    def refresh_progress(self) -> None:
        """Sections read and concepts mastered, from the store and the light index (no
        full lesson needs to load for it)."""
        from tutor.practice.mastery import ConceptMap, LessonProgress, lesson_mastery, sections_read

        tutor = self.tutor
        seen = tutor.seen_sections()
        store = tutor.store
        latest = tutor.safely(store.latest_answers, fallback={}) if store else {}
        progress = {
            summary.id: LessonProgress(
                sections_read(seen.get(summary.id, ())),
                lesson_mastery(ConceptMap.of(summary), latest),
            )
            for summary in tutor.summaries
        }
        lesson_map = self.query_one(LessonMap)
        lesson_map.set_progress(progress, due=tutor.due_counts())
        if lesson_map.selected is not None:
            self._describe(lesson_map.selected.id)

    @on(LessonMap.Highlighted)
    def _show_detail(self, message: LessonMap.Highlighted) -> None:
        self._describe(message.lesson_id)

    def _describe(self, lesson_id: str) -> None:
        """The detail pane: the lesson, its figures, its key equation and the first of its
        concepts not yet mastered."""
        lesson = self.tutor.summary(lesson_id)
        if lesson is None:
            return
        detail = Text()
        detail.append(lesson.title, style="bold")
        detail.append(f" — {lesson.one_line}\n")
        progress = self.query_one(LessonMap).progress.get(lesson.id)
        if progress is not None:
            detail.append(f"concepts mastered {progress.mastery.figure}", style="green")
            detail.append(f" · sections read {progress.read_figure}\n", style="green")
        detail.append("\n")
        detail.append(lesson.equation, style="bold")
        if progress is not None:  # last: on a short pane, the line that is cut
            waiting = [name for i, name in lesson.concepts if i not in progress.mastery.mastered]
            if waiting:
                detail.append(f"\nnext to show: {_one_line(waiting[0])}", style="dim")
        self.query_one("#map-detail", Static).update(detail)

    @on(LessonMap.Opened)
    def _open(self, message: LessonMap.Opened) -> None:
        self.post_message(OpenLesson(message.lesson_id))

    def note_anchor(self) -> Anchor:
        from tutor.notes import Anchor

        lesson = self.query_one(LessonMap).selected
        if lesson is None:
            return None
        return Anchor("concept", lesson.id, lesson.title, lesson_id=lesson.id)

    def action_notes(self) -> None:
        self.tutor.open_notes()

    def action_stats(self) -> None:
        from tutor.ui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_review(self) -> None:
        self.tutor.open_review()

    def action_open_lab(self) -> None:
        self.tutor.open_lab()


#: The longest concept name the detail pane shows whole: with its label, one line at 80 columns.
NAME_WIDTH = 62


def _one_line(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"
