"""A question asked before something is undone only by an undo: what it is about, then
"Keep" (focused, so Enter alone changes nothing) or the action."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class Confirm(ModalScreen[bool]):
    """Dismissed with True (``y``, or the action's button) or False (``n``, ``escape``,
    or Keep). ``about`` is shown as plain text: it quotes the learner's words."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 90%;
        max-width: 80;
        height: auto;
        max-height: 90%;
        border: thick $error;
        background: $surface;
        padding: 0 1;
    }
    Confirm #about { margin: 1 0; }
    Confirm Horizontal { height: auto; align-horizontal: right; }
    Confirm Button { margin: 0 1; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "Keep"),
    ]

    def __init__(self, question: str, about: str, action: str) -> None:
        super().__init__()
        self.question = question
        self.about = about
        self.action = action

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question, style="bold"), id="question")
            yield Static(Text(self.about), id="about")
            with Horizontal():
                yield Button(f"{self.action} (y)", id="confirm", variant="error")
                yield Button("Keep (n)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def action_answer(self, confirmed: bool) -> None:
        self.dismiss(confirmed)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")
