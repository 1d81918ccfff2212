"""What every screen shares: header, footer, and a note when the terminal is too small."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

if TYPE_CHECKING:
    from tutor.ui.app import RestutorApp

#: Below this size a screen shows how big the terminal must be instead of its content.
MIN_WIDTH, MIN_HEIGHT = 60, 16


class TutorScreen:
    """Mixed into every screen of the app: the app, typed as restutor's."""

    app: App[object]

    @property
    def tutor(self) -> RestutorApp:
        """The app's store, lessons and ``open_*`` methods, without a ``type: ignore``."""
        return cast("RestutorApp", self.app)

    @property
    def lesson_in_view(self) -> str | None:
        """The lesson this screen shows (a lesson, or a practice item of one), if any: what a
        lab opened above it belongs to."""
        return None


class BaseScreen(TutorScreen, Screen[None]):
    """Subclasses compose their content in ``compose_content``; the frame is shared."""

    #: Where the learner is, shown in the header.
    LOCATION = ""

    #: What had focus when the content was hidden, to focus again once it shows.
    _focus_before_hiding: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"restutor needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; "
            "make this one bigger.",
            id="too-small",
        )
        with Container(id="content"):
            yield from self.compose_content()
        yield Footer()

    def compose_content(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = self.LOCATION
        self._fit(self.app.size.width, self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        """Hide the content below the minimum size, show it again above.

        Hiding the content blurs the focused widget, and nothing outside the content can
        take focus: without a note of what had it, the keys (arrows, Enter) would reach
        no widget once the terminal grows again.
        """
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        if too_small == self.has_class("too-small"):
            return
        if too_small:
            if self.focused is not None:  # else: shrunk again before the focus came back
                self._focus_before_hiding = self.focused
        else:
            self.call_after_refresh(self._restore_focus)
        self.set_class(too_small, "too-small")

    def _restore_focus(self) -> None:
        """Focus again what had focus before the content was hidden, or, if it has gone
        meanwhile (a section redrawn), the first widget that can take focus. A widget
        focused while the content was hidden (the next practice item's input) keeps it."""
        if self.has_class("too-small"):
            return  # hidden again before this ran: the next growth restores the focus
        remembered, self._focus_before_hiding = self._focus_before_hiding, None
        if remembered is None or self.focused is not None:
            return
        chain = self.focus_chain
        target = remembered if remembered in chain else next(iter(chain), None)
        if target is not None:
            self.set_focus(target)
