"""Asked before code from a lesson file that is not restutor's own runs for the first time
(and again whenever the file changes): where the file lives, the code, run or not now."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tutor.lessons.trust import Origin
from tutor.lessons.witness_run import Limits
from tutor.text import visible


def consent_text(origin: Origin, limits: Limits) -> Text:
    """The question, with the file's path shown as it is (control characters visible)."""
    text = Text("Run code from a lesson file that is not one of restutor's own?\n\n")
    text.append("The file: ")
    text.append(visible(str(origin.path)), style="bold")
    text.append(
        "\n\nIt runs as a program on your computer, as you, with your files. restutor "
        f"bounds it ({limits.seconds:g} s, {limits.cpu_seconds} s of CPU time, "
        f"{limits.memory_bytes / 2**30:g} GiB of memory, {limits.output_bytes / 1e6:g} MB "
        "of output, none of your environment's secrets) but cannot make it harmless: read "
        "the code first.\n\nA yes holds for this file until it changes."
    )
    return text


class RunConsent(ModalScreen[bool]):
    """Dismissed with True (run, and remember) or False (not now)."""

    DEFAULT_CSS = """
    RunConsent { align: center middle; }
    RunConsent > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    RunConsent VerticalScroll { height: auto; max-height: 12; margin: 1 0; }
    RunConsent Horizontal { height: auto; align-horizontal: right; }
    RunConsent Button { margin: 0 1; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Run it"),
        Binding("n,escape", "answer(False)", "Not now"),
    ]

    def __init__(self, origin: Origin, code: str, limits: Limits | None = None) -> None:
        super().__init__()
        self.origin = origin
        self.code = code
        self.limits = limits or Limits()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(consent_text(self.origin, self.limits), id="question")
            with VerticalScroll():
                yield Static(Syntax(self.code, "python", theme="ansi_dark", word_wrap=True))
            with Horizontal():
                yield Button("Run it (y)", id="run", variant="warning")
                yield Button("Not now (n)", id="not-now", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#not-now", Button).focus()  # Enter alone never runs anything

    def action_answer(self, run: bool) -> None:
        self.dismiss(run)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "run")
