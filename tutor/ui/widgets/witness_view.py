"""A code witness: its code, a key to run it, and what it printed beside what it should print."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from tutor.lessons.model import CodeWitness
from tutor.ui.plain import plain

#: A witness that runs longer than this is stopped and reported.
RUN_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class RunOutcome:
    stdout: str
    stderr: str
    returncode: int | None  # None: stopped at the time limit


def run_witness(code: str, timeout: float = RUN_TIMEOUT_SECONDS) -> RunOutcome:
    """Run ``code`` in a fresh Python process with a time limit (never in this process)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout.decode() if isinstance(expired.stdout, bytes) else expired.stdout
        return RunOutcome(out or "", f"stopped after {timeout:g} s", None)
    return RunOutcome(proc.stdout, proc.stderr, proc.returncode)


class WitnessView(Vertical, can_focus=True):
    """Focus it and press `r`: the code runs in a worker; the screen never waits."""

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

    BINDINGS = [Binding("r", "run", "Run code")]

    @dataclass
    class Finished(Message):
        view: WitnessView
        outcome: RunOutcome

    def __init__(self, witness: CodeWitness) -> None:
        super().__init__(id=f"witness-{witness.id}")
        self.witness = witness
        self.outcome: RunOutcome | None = None

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
        self.query_one("#actual", Static).update(Text("running…", style="italic"))
        self._run()

    @work(thread=True, exclusive=True, group="witness", exit_on_error=False)
    def _run(self) -> None:
        self.post_message(self.Finished(self, run_witness(self.witness.code)))

    @on(Finished)
    def _show(self, message: Finished) -> None:
        message.stop()
        outcome = self.outcome = message.outcome
        same = outcome.returncode == 0 and outcome.stdout == self.witness.expected_output
        if outcome.returncode is None:
            verdict, style = f"✗ {outcome.stderr}", "red"
        elif outcome.returncode != 0:
            verdict, style = f"✗ exited with {outcome.returncode}", "red"
        else:
            verdict, style = (
                ("✓ matches the expected output", "green")
                if same
                else ("✗ differs from the expected output", "red")
            )
        text = self._panel("actual", outcome.stdout)
        if outcome.returncode != 0 and outcome.stderr:
            text.append("\n" + outcome.stderr[-600:], style="red")
        text.append(f"\n{verdict}", style=f"bold {style}")
        self.query_one("#actual", Static).update(text)
