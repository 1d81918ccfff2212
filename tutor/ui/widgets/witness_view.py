"""A code witness: its code, a key to run it, and what it printed beside what it should print
(with a diff when the two differ). The learner may edit a copy (``witness_editor``): `r` then
runs their version, and `0` puts the lesson's back."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static, TextArea
from textual.worker import Worker, WorkerState

from tutor.lessons.model import CodeWitness
from tutor.lessons.trust import Origin
from tutor.lessons.witness_run import Run, RunOutcome, output_matches
from tutor.paths import witness_edits_dir
from tutor.text import preview, visible
from tutor.ui.keys import key_shown
from tutor.ui.plain import plain
from tutor.ui.widgets.witness_editor import UNREADABLE, KeptCopy, WitnessEditor

if TYPE_CHECKING:
    from tutor.ui.app import RestutorApp

#: How much of a run's output is drawn (the verdict always compares all of it).
SHOWN_LINES, SHOWN_CHARS = 200, 20_000


def shown(text: str) -> str:
    """``text`` as the learner may see it: control characters visible, and only its head
    when it is long (a megabyte in one widget would freeze the screen)."""
    return visible(preview(text, SHOWN_LINES, SHOWN_CHARS))


#: How many lines of each output the diff compares (difflib is quadratic at worst).
DIFFED_LINES = 2_000


def _compared_lines(text: str) -> list[str]:
    """``text``'s lines as ``output_matches`` compares them: line endings, spaces at the
    end of a line and blank lines at the end dropped, control characters made visible."""
    lines = text.replace("\r\n", "\n").split("\n")[:DIFFED_LINES]
    return visible("\n".join(line.rstrip() for line in lines).rstrip("\n")).split("\n")


def output_diff(actual: str, expected: str) -> list[str]:
    """The unified diff from the expected output to the actual one (empty when they match)."""
    if output_matches(actual, expected):
        return []
    diff = difflib.unified_diff(
        _compared_lines(expected), _compared_lines(actual), "expected", "yours", lineterm=""
    )
    return list(diff)


def diff_text(lines: list[str]) -> Text:
    """The diff, coloured: what only the expected output has in red, only yours in green."""
    text = Text("diff (- expected, + yours)\n", style="bold underline")
    for line in preview("\n".join(lines), SHOWN_LINES, SHOWN_CHARS).split("\n"):
        style = {"-": "red", "+": "green", "@": "cyan"}.get(line[:1], "")
        text.append(line + "\n", style="bold " + style if line[:3] in ("---", "+++") else style)
    text.rstrip()
    return text


class WitnessView(Vertical, can_focus=True):
    """Focus it and press `r`: it asks its screen to run the code (``RunRequested``); the
    code runs in a bounded process waited on by a worker; the screen never waits. `e`
    opens the learner's copy in an editor in place of the listing; the copy is kept at
    each change and read back when the witness is next drawn."""

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
    WitnessView #diff { height: auto; padding: 0 1; display: none; }
    WitnessView #editor { height: auto; max-height: 20; }
    """

    BINDINGS = [
        Binding("r", "run", "Run code", id="witness.run"),
        Binding("x", "stop", "Stop", id="witness.stop"),
        Binding("e", "edit", "Edit a copy", id="witness.edit"),
        Binding("0", "reset", "Reset the code", id="witness.reset"),
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
        #: The diff of its output from the expected one, worked out in the worker.
        diff: list[str]

    def __init__(self, witness: CodeWitness, origin: Origin, lesson_id: str) -> None:
        super().__init__(id=f"witness-{witness.id}")
        self.witness = witness
        self.origin = origin
        self.lesson_id = lesson_id
        self.outcome: RunOutcome | None = None
        #: The run in progress (None when nothing runs).
        self.active: Run | None = None
        #: The learner's version (None: they have not changed the witness's code).
        self.edited: str | None = None
        #: Whether the learner was told their copy could not be kept (told once).
        self._keep_failed = False

    @property
    def code(self) -> str:
        """What `r` runs: the learner's version when there is one, else the witness's."""
        return self.witness.code if self.edited is None else self.edited

    def compose(self) -> ComposeResult:
        try:
            self.edited = self._kept.read()
        except UNREADABLE as error:
            self.notify(f"your version of this witness was not read: {error}", severity="error")
        yield Static(self._title(), id="title", classes="witness-title")
        yield Static(self._listing(), id="code")
        with Horizontal():
            yield Static(self._panel("expected", self.witness.expected_output), classes="output")
            yield Static(Text("not run yet", style="dim"), id="actual", classes="output")
        yield Static(id="diff")

    @property
    def _app(self) -> RestutorApp:
        return cast("RestutorApp", self.app)

    @property
    def _kept(self) -> KeptCopy:
        """Where the learner's version is kept: beside the app's database."""
        return KeptCopy(witness_edits_dir(self._app.db_path), self.lesson_id, self.witness.id)

    def _title(self) -> Text:
        def key(binding_id: str) -> str:
            return key_shown(self._app, binding_id)

        hint = f"  ({key('witness.run')} runs it, {key('witness.edit')} edits a copy)"
        if self.edited is not None:
            hint = f"  · your version; {key('witness.reset')} resets, {key('witness.run')} runs it"
        return Text.assemble(plain(self.witness.title), (hint, "dim"))

    def _listing(self) -> Syntax:
        return Syntax(visible(self.code), "python", theme="ansi_dark", word_wrap=True)

    @staticmethod
    def _panel(label: str, body: str, style: str = "") -> Text:
        text = Text(f"{label}\n", style="bold underline")
        text.append(body or "(nothing)", style=style)
        return text

    def action_run(self) -> None:
        self.post_message(self.RunRequested(self))

    # -- the learner's copy ------------------------------------------------------------

    def _editor(self) -> WitnessEditor | None:
        found = self.query(WitnessEditor)
        return found.first() if found else None

    async def action_edit(self) -> None:
        """Open the copy in the editor, in place of the listing (made on the first `e`)."""
        editor = self._editor()
        if editor is None:
            editor = WitnessEditor.holding(self.code)
            await self.mount(editor, after=self.query_one("#code"))
        self.query_one("#code").display = False
        editor.display = True
        editor.focus()

    @on(WitnessEditor.Left)
    def _left_editor(self, message: WitnessEditor.Left) -> None:
        """Back to the witness's keys, the listing showing the learner's version."""
        message.stop()
        self.focus()
        self._show_listing()

    @on(WitnessEditor.RunAsked)
    def _run_from_editor(self, message: WitnessEditor.RunAsked) -> None:
        message.stop()
        self.action_run()

    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        """Keep the copy at each change; if it cannot be kept, say so once and go on."""
        event.stop()
        was_edited, self.edited = self.edited is not None, event.text_area.text
        if not was_edited:
            self.query_one("#title", Static).update(self._title())
        try:
            self._kept.write(self.edited)
        except OSError as error:
            if not self._keep_failed:
                self.notify(f"your version is not kept: {error}", severity="warning")
            self._keep_failed = True
        else:
            self._keep_failed = False

    def action_reset(self) -> None:
        """Asked first (the learner's version is gone after a yes)."""
        if self.edited is None:
            self.notify("this is the lesson's code already")
            return
        from tutor.ui.screens.confirm import Confirm

        def answered(reset: bool | None) -> None:
            if reset and self.is_mounted:
                self._reset()

        question = Confirm(
            "Put the lesson's code back?",
            f"Your version of “{self.witness.title}” will be deleted.",
            "Reset",
        )
        self.app.push_screen(question, answered)

    def _reset(self) -> None:
        """The lesson's code back; the editor goes (the next `e` opens a fresh one), and so
        do the run of the learner's version and what it printed."""
        self.action_stop()
        self.active = self.outcome = None
        self.query_one("#actual", Static).update(Text("not run yet", style="dim"))
        self.query_one("#diff", Static).display = False
        self.edited = None
        try:
            self._kept.delete()
        except OSError as error:
            self.notify(f"your version was not deleted: {error}", severity="error")
        self._show_listing()
        editor = self._editor()
        if editor is not None:
            editor.remove()
        self.query_one("#title", Static).update(self._title())
        self.focus()

    def _show_listing(self) -> None:
        listing = self.query_one("#code", Static)
        listing.update(self._listing())
        listing.display = True
        editor = self._editor()
        if editor is not None:
            editor.display = False

    # -- running -------------------------------------------------------------------

    def start(self) -> None:
        """Run the code now (the screen has decided it may), stopping an earlier run."""
        self.action_stop()
        try:
            self.active = Run(self.code)
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
        outcome = run.wait()
        # A run that failed says why on its own (its error); a diff would only add noise.
        expected = self.witness.expected_output
        diff = output_diff(outcome.stdout, expected) if outcome.succeeded else []
        self.post_message(self.Finished(self, run, outcome, diff))

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
        self.query_one("#diff").display = False
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
        diff = self.query_one("#diff", Static)
        diff.update(diff_text(message.diff) if message.diff else "")
        diff.display = bool(message.diff)
        if message.diff:
            self.call_after_refresh(diff.scroll_visible, animate=False)
