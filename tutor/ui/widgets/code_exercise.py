"""A code exercise on the practice screen: the learner's file in a Python editor, its tests'
results, and (once passed or given up) the reference solution.

The file lives beside the database (``exercise_files_dir``), one per exercise: it is written
whole (a temporary file, then a rename) at every change, so nothing typed is lost on quit or
crash, and read back next time (the starter the first time). A clock watches it: saved from
another editor, it is read back and the tests run again, as rustlings' watch does. The tests
run in the bounded runner (``CodeRun``), waited on by a thread worker; a new run, another
item or leaving the screen (or the app) kills the one going. The screen decides whether a
run may start (``RunRequested``: a stranger's lesson asks first) and what a result means
(``Checked``: a pass commits the attempt).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.message import Message
from textual.widgets import Markdown, TextArea
from textual.worker import Worker, WorkerState

from tutor.lessons.files import RefusedFile, read_regular_file
from tutor.notes.writing import write_atomically
from tutor.practice import code_check
from tutor.practice.code_check import CodeRun, first_failure
from tutor.practice.feedback import code_span, test_lines
from tutor.ui.screens.lab.pane import Clock, TextualClock, Ticker
from tutor.ui.widgets.answer_input import TYPING_BINDINGS, Asked
from tutor.ui.widgets.code_guess import CodeGuess

if TYPE_CHECKING:
    from tutor.lessons.model import CodeItem
    from tutor.practice.code_check import CodeCheck

#: How often the file on disk is looked at for a save from another editor.
WATCH_SECONDS = 1.0
#: The typing keys the editor shares with the answer fields: a nudge, and leaving it.
_EDITOR_KEYS = [
    b for b in TYPING_BINDINGS if getattr(b, "id", "") in {"answer.nudge", "answer.leave"}
]


#: The biggest file read back into the editor (an exercise asks for about thirty lines).
MOST_BYTES = 1_000_000


class CodeEditor(TextArea):
    """The learner's file: Python highlighting where the grammar is installed (a plain
    editor where it is not); Tab indents, so ``escape`` leaves it for the letter keys."""

    BINDINGS = _EDITOR_KEYS

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, show_line_numbers=True, tab_behavior="indent", soft_wrap=False)
        if "python" in self.available_languages:
            with contextlib.suppress(Exception):  # a grammar that will not load: plain text
                self.language = "python"

    def action_ask(self, action: str) -> None:
        self.post_message(Asked(action))

    def action_leave(self) -> None:
        self.post_message(Asked("leave"))


def editor_command() -> list[str]:
    """The learner's editor: ``$VISUAL``, else ``$EDITOR``, else ``vi`` (as ``notes edit``)."""
    try:
        words = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
    except ValueError:
        words = []
    return words or ["vi"]


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells a changed file: its modification time and size (None: no file)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class CodeExercise(Vertical):
    """Shown by ``show`` for one item; ``start`` runs the tests (the screen has said it may)."""

    #: Makes the watch's clock (tests install a hand-driven one).
    CLOCK: ClassVar[Callable[[DOMNode], Clock]] = TextualClock

    @dataclass
    class RunRequested(Message):
        """The learner (or the watch) asks for the tests to run."""

        exercise: CodeExercise

    @dataclass
    class Predicted(Message):
        """The learner locked in a prediction (before the first run), for the screen to keep."""

        exercise: CodeExercise
        guess: str

    @dataclass
    class Checked(Message):
        """A run ended: every test's result, for the screen to grade."""

        exercise: CodeExercise
        check: CodeCheck

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.clock = type(self).CLOCK(self)
        self.item: CodeItem | None = None
        self.path: Path | None = None
        self.active: CodeRun | None = None
        self.last_check: CodeCheck | None = None
        self._watch: Ticker | None = None
        self._seen: tuple[int, int] | None = None  # the file as last written or read here
        self._warned = False  # one toast for a folder that will not keep the file

    def compose(self) -> ComposeResult:
        yield CodeGuess(id="code-prediction")
        yield Markdown(id="code-hint")
        yield CodeEditor(id="code-editor")
        yield Markdown(id="code-results")
        yield Markdown(id="code-reference")

    @property
    def editor(self) -> CodeEditor:
        return self.query_one("#code-editor", CodeEditor)

    # -- the item and its file -------------------------------------------------------

    def show(
        self, item: CodeItem, path: Path, hint: str, guess: str | None = None, typed: str = ""
    ) -> None:
        """Show ``item`` with the learner's file at ``path`` (the starter if there is none),
        and its prediction: ``guess`` if locked in, else the field with ``typed`` in it."""
        self.hide()
        self.item, self.path, self.last_check = item, path, None
        self.query_one(CodeGuess).show(item.predict, guess, typed)
        self.query_one("#code-hint", Markdown).update(hint)
        self._results("")
        self.query_one("#code-reference", Markdown).display = False
        self.editor.read_only = False
        self.editor.load_text(self._read() or item.starter)
        self.editor.move_cursor((0, 0))
        self.display = True
        self._watch = self.clock.every(WATCH_SECONDS, self._look_at_file, paused=False)

    def hide(self) -> None:
        """No item here any more: its run is killed and its file no longer watched."""
        self.cancel()
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        self.item = self.path = None
        self.display = False

    # -- the prediction, before the first run ----------------------------------------

    @property
    def guess(self) -> str | None:
        """The prediction locked in (None: none yet, or the exercise asks none)."""
        return self.query_one(CodeGuess).guess

    @property
    def needs_guess(self) -> bool:
        """The exercise asks a prediction, and none is locked in yet: no run before it."""
        return self.query_one(CodeGuess).needed

    def ask_guess(self) -> None:
        self.query_one(CodeGuess).ask()

    def lock_guess(self) -> None:
        self.query_one(CodeGuess).lock_in()

    @on(CodeGuess.Locked)
    def _guessed(self, event: CodeGuess.Locked) -> None:
        event.stop()
        self.post_message(self.Predicted(self, event.guess))
        self.editor.focus()

    def _read(self) -> str | None:
        """The learner's file, or None (then the starter is shown): one that is not UTF-8
        text is moved aside, kept, and said, rather than shown garbled or half read."""
        assert self.path is not None
        try:
            data = read_regular_file(self.path, MOST_BYTES, "your code is a Python text file")
        except FileNotFoundError:
            return None
        except (OSError, RefusedFile) as error:
            self.notify(f"{self.path.name} cannot be read: {error}", severity="warning")
            return None
        self._seen = _stamp(self.path)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            aside = self.path.with_name(self.path.name + ".not-utf8")
            with contextlib.suppress(OSError):
                self.path.replace(aside)
            self.notify(
                f"{self.path.name} is not UTF-8 text: it is kept as {aside.name}, and the "
                "starter is shown",
                severity="warning",
                timeout=8,
            )
            return None

    @on(TextArea.Changed, "#code-editor")
    def _save(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.item is not None and not self.editor.read_only:
            self.save()

    def save(self) -> bool:
        """Write the editor's text to the file; a folder that refuses it is said once."""
        if self.path is None:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, self.editor.text)
        except OSError as error:
            if not self._warned:
                self._warned = True
                self.notify(
                    f"your code is not being saved ({error.strerror or error}): "
                    "it lasts only while restutor runs",
                    severity="warning",
                    timeout=8,
                )
            return False
        self._seen = _stamp(self.path)
        return True

    def _look_at_file(self) -> None:
        """The watch: a file changed on disk (another editor saved it) is read and run."""
        if self.path is None or self.editor.read_only or _stamp(self.path) == self._seen:
            return
        text = self._read()
        if text is not None and text != self.editor.text:
            self.editor.load_text(text)
            self.post_message(self.RunRequested(self))

    def reset(self) -> None:
        """The starter back in the editor (and in the file)."""
        if self.item is not None:
            self.editor.load_text(self.item.starter)

    def edit_outside(self) -> None:
        """Save, open the file in the learner's editor (restutor suspended), read it back
        and run it."""
        if self.path is None or not self.save():
            self.notify("the file could not be saved, so no editor can open it", severity="warning")
            return
        command = [*editor_command(), str(self.path)]
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c is the editor's
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except OSError as error:
            self.notify(f"cannot run the editor {command[0]}: {error.strerror or error}")
            return
        except SuspendNotSupported:
            self.notify("this terminal cannot hand the screen to an editor", severity="warning")
            return
        finally:
            signal.signal(signal.SIGINT, previous)
        text = self._read()
        if text is not None:
            self.editor.load_text(text)
        self.post_message(self.RunRequested(self))

    # -- running ---------------------------------------------------------------------

    def start(self) -> None:
        """Run the tests on the editor's text, stopping a run still going."""
        if self.item is None:
            return
        self.cancel()
        try:
            self.active = CodeRun(self.item, self.editor.text, code_check.CHECK_LIMITS)
        except OSError as error:
            self._results(f"✗ could not start Python: {error}")
            return
        self._results("*running the tests…*")
        self._wait(self.active)

    def cancel(self) -> None:
        if self.active is not None:
            self.active.cancel()
            self.active = None

    @property
    def running(self) -> bool:
        return self.active is not None

    def on_unmount(self) -> None:
        """Leaving the screen or the app kills the run: nothing waits on it."""
        self.hide()

    @work(thread=True, group="code-run", exit_on_error=False)
    def _wait(self, run: CodeRun) -> None:
        check = run.wait()
        self.app.call_from_thread(self._finished, run, check)

    def _finished(self, run: CodeRun, check: CodeCheck) -> None:
        if run is not self.active:
            return  # stopped: another run, another item, or the screen left
        self.active, self.last_check = None, check
        if check.correct:
            head = f"✓ all {len(check.tests)} tests pass"
        else:
            head = f"✗ **Fix first:** {code_span(first_failure(check) or '')}"
        self._results("\n\n".join([head, *self._measured(check), *test_lines(check)]))
        self.call_after_refresh(self.query_one("#code-results").scroll_visible)
        self.post_message(self.Checked(self, check))

    def _measured(self, check: CodeCheck) -> list[str]:
        """What the learner's code computes for the prediction's question (not yet the
        number it is graded against: that comes once the file passes)."""
        if self.item is None or self.item.predict is None or check.failure:
            return []
        if check.measured is None and not check.correct:
            return []  # the tests say what is wrong first
        if check.measured is not None:
            return [f"For the prediction's question your code computes {check.measured:.6g}."]
        return [
            f"For the prediction's question your code computes no number: "
            f"{code_span(check.measure_problem or '')}"
        ]

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.node is self:
            self.active = None
            self._results(f"✗ the run failed: {event.worker.error}")

    def _results(self, text: str) -> None:
        results = self.query_one("#code-results", Markdown)
        results.display = bool(text)
        results.update(text)

    # -- after the commit --------------------------------------------------------------

    def committed(self, reveal: bool) -> None:
        """Committed: the file stays as it is; the reference is shown if ``reveal``."""
        self.cancel()
        self.editor.read_only = True
        self.query_one(CodeGuess).closed()
        self._results("")  # the attempt's feedback says it now
        if reveal and self.item is not None:
            reference = self.query_one("#code-reference", Markdown)
            reference.update(
                "**The reference solution:**\n\n```python\n" + self.item.solution.rstrip() + "\n```"
            )
            reference.display = True

    def reopened(self) -> None:
        """The grade taken back: the file is the learner's again."""
        self.editor.read_only = False
        self.query_one("#code-reference", Markdown).display = False
        guess = self.query_one(CodeGuess)
        if guess.reopened() and guess.guess is not None:  # the commit cleared it: keep it again
            self.post_message(self.Predicted(self, guess.guess))
        (guess.field if guess.needed else self.editor).focus()
