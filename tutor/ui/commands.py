"""The command palette (`ctrl+p`): every screen the help names, and every lesson."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from tutor.practice.review_plan import AHEAD_DAYS, ReviewRequest
from tutor.text import visible
from tutor.ui.plain import as_markup, plain

if TYPE_CHECKING:
    from tutor.ui.app import RestutorApp


class ScreenCommands(Provider):
    """Command-palette entries for every screen: the map, each lesson, the lab, review,
    stats, the research room, help and the theme."""

    def _entries(self) -> list[tuple[str, Callable[[], object], str]]:
        from tutor.ui.app import RestutorApp

        app = self.app
        assert isinstance(app, RestutorApp)
        lessons = [
            (f"Open lesson: {lesson.title}", partial(app.open_lesson, lesson.id), lesson.one_line)
            for lesson in app.summaries
        ]
        return [*_screens(app), *lessons]

    async def discover(self) -> Hits:
        for name, callback, help_text in self._entries():
            yield Hit(1.0, plain(name), callback, text=name, help=as_markup(help_text))  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    self._highlighted(matcher, name),
                    callback,
                    text=name,
                    help=as_markup(help_text),
                )

    def _highlighted(self, matcher: Matcher, name: str) -> Content:
        """The name with the matched letters styled, read as plain text (Textual's own
        ``Matcher.highlight`` reads its candidate as markup: a title with ``[/]`` raised)."""
        shown = visible(name)
        content = Content(shown)
        _, offsets = matcher.fuzzy_search.match(matcher.query, shown)
        for offset in offsets:
            if not shown[offset].isspace():
                content = content.stylize(self.match_style or "reverse", offset, offset + 1)
        return content


def _screens(app: RestutorApp) -> list[tuple[str, Callable[[], object], str]]:
    """The screens that are not lessons, named by the words the help and footers use."""
    return [
        ("Open the map", app.open_map, "all lessons and how they connect"),
        ("Open the lab", app.open_lab, "forward and gradient norms across depth"),
        (
            "Open the lab: lesion",
            partial(app.open_lab, None, None, "lesion"),
            "delete one block at a time: which network shrugs?",
        ),
        (
            "Open the lab: train",
            partial(app.open_lab, None, None, "train"),
            "plain and residual networks of several depths, trained side by side",
        ),
        (
            "Review what is due",
            app.open_review,
            "the items due now, then new ones of begun lessons, within the day's limits",
        ),
        (
            "Review ahead",
            partial(app.open_review, ReviewRequest("ahead")),
            f"the items coming due in the next {AHEAD_DAYS} days, reviewed early",
        ),
        (
            "Cram",
            partial(app.open_review, ReviewRequest("cram")),
            "every item you have reviewed, once more; the schedule is left as it was",
        ),
        ("Open the stats", app.open_stats, "items seen, retention, recall now, what comes due"),
        (
            "Open the notes: the research room",
            app.open_notes,
            "search every note, filter, jump back to its object",
        ),
        ("Help: the keys of this screen", app.action_help, "and how restutor is laid out"),
        ("Theme: switch light/dark", app.action_toggle_theme, "the same as ctrl+t"),
    ]
