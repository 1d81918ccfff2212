"""A code witness: its code, a key to run it, and what it printed beside what it should print."""

from __future__ import annotations

from dataclasses import dataclass

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tutor.lessons.model import CodeWitness
from tutor.lessons.trust import Origin
from tutor.lessons.witness_run import Run, RunOutcome, output_matches
from tutor.text import preview, visible
from tutor.ui.plain import plain

#: How much of a run's output is drawn (the verdict always compares all of it).
SHOWN_LINES, SHOWN_CHARS = 200, 20_000


def shown(text: str) -> str:
    """``text`` as the learner may see it: control characters visible, and only its head
    when it is long (a megabyte in one widget would freeze the screen)."""
    return visible(preview(text, SHOWN_LINES, SHOWN_CHARS))


class WitnessView(Vertical, can_focus=True):
    """Focus it and press `r`: it asks its screen to run the code (``RunRequested``); the
    code runs in a bounded process waited on by a worker; the screen never waits."""

    DEFAULT_CSS = """
    WitnessView {
        height: auto;
        border: round $primary-background;
        padding: 0 1;
        margin: 1 0;
    }
    WitnessView:focus {
        border: round $accent;
    }
    WitnessView .witness-title { text-style: bold; }
    WitnessView Horizontal { height: auto; }
    WitnessView .output { width: 1fr; height: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("r", "run", "Run code", id="witness.run"),
        Binding("x", "stop", "Stop", id="witness.stop"),
    ]

    @dataclass
    class RunRequested(Message):
        """The learner asked to run ``view``'s code; the screen decides whether it may."""

        view: WitnessView

    @dataclass
    class Finished(Message):
        view: WitnessView
        run: Run
        outcome: RunOutcome

    def __init__(self, witness: CodeWitness, origin: Origin) -> None:
        super().__init__(id=f"witness-{witness.id}")
        self.witness = witness
        self.origin = origin
        self.outcome: RunOutcome | None = None
        #: The run in progress (None when nothing runs).
        self.active: Run | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(plain(self.witness.title), "  (focus and press r to run)"),
            classes="witness-title",
        )
        yield Static(Syntax(self.witness.code, "python", theme="ansi_dark", word_wrap=True))
        with Horizontal():
            yield Static(self._panel("expected", self.witness.expected_output), classes="output")
            yield Static(Text("not run yet", style="dim"), id="actual", classes="output")

    @staticmethod
    def _panel(label: str, body: str, style: str = "") -> Text:
        text = Text(f"{label}\n", style="bold underline")
        text.append(body or "(nothing)", style=style)
        return text

    def action_run(self) -> None:
        self.post_message(self.RunRequested(self))

    def start(self) -> None:
        """Run the code now (the screen has decided it may), stopping an earlier run."""
        self.action_stop()
        try:
            self.active = Run(self.witness.code)
        except OSError as error:
            self._say(f"✗ could not start Python: {error}")
            return
        self._put(Text("running… (x stops)", style="italic"))
        self._wait(self.active)

    def action_stop(self) -> None:
        if self.active is not None:
            self.active.cancel()

    def on_unmount(self) -> None:
        """Leaving the section, the lesson or the app kills the run: nothing waits on it."""
        self.action_stop()

    @work(thread=True, group="witness", exit_on_error=False)
    def _wait(self, run: Run) -> None:
        self.post_message(self.Finished(self, run, run.wait()))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.active = None
            self._say(f"✗ the run failed: {event.worker.error}")

    def _say(self, line: str) -> None:
        self._put(Text(line, style="bold red"))

    def _put(self, text: Text) -> None:
        """Show ``text`` as the run's output, and scroll it into view once it is laid out:
        below a long listing it would appear under the fold, where nobody sees it."""
        actual = self.query_one("#actual", Static)
        actual.update(text)
        self.call_after_refresh(actual.scroll_visible, animate=False)

    @on(Finished)
    def _show(self, message: Finished) -> None:
        message.stop()
        if message.run is not self.active:
            return  # an earlier run, stopped when this one started
        self.active = None
        outcome = self.outcome = message.outcome
        failure = outcome.failure()
        if failure:
            verdict, style = f"✗ {failure}", "red"
        elif output_matches(outcome.stdout, self.witness.expected_output):
            verdict, style = "✓ matches the expected output", "green"
        else:
            verdict, style = "✗ differs from the expected output", "red"
        text = self._panel("actual", shown(outcome.stdout))
        if not outcome.succeeded and outcome.stderr:
            text.append("\n" + visible(outcome.stderr[-600:]), style="red")
        text.append(f"\n{verdict}", style=f"bold {style}")
        self._put(text)
