"""What every screen shares: header, footer, and a note when the terminal is too small."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.screen import Screen
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


class BaseScreen(TutorScreen, Screen[None]):
    """Subclasses compose their content in ``compose_content``; the frame is shared."""

    #: Where the learner is, shown in the header.
    LOCATION = ""

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
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "too-small")
