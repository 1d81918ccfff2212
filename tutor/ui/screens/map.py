"""The map: every lesson as a small prerequisite graph, with progress and reviews due."""

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
from tutor.ui.widgets.lesson_map import SECTIONS_PER_LESSON, LessonMap

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
        super().on_mount()
        self.query_one(LessonMap).focus()
        self.refresh_progress()

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
        seen = self.tutor.seen_sections()
        progress = {
            lesson_id: min(1.0, len(sections) / SECTIONS_PER_LESSON)
            for lesson_id, sections in seen.items()
        }
        due = self.tutor.due_counts()
        self.query_one(LessonMap).set_progress(progress, due=due)

    @on(LessonMap.Highlighted)
    def _show_detail(self, message: LessonMap.Highlighted) -> None:
        lesson = self.tutor.summary(message.lesson_id)
        if lesson is None:
            return
        detail = Text()
        detail.append(lesson.title, style="bold")
        detail.append(f" — {lesson.one_line}\n\n")
        detail.append(lesson.equation, style="bold")
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
