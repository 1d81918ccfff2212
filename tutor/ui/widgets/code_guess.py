"""A code exercise's prediction, asked before its tests first run ("before you run it, what
will the gradient ratio be?"): the question, and a field for the number until it is locked
in; then the number, which stays until the item is committed. The number it is graded
against is said only after that (``tutor.practice.feedback``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Markdown

from tutor.practice.feedback import code_span
from tutor.practice.grading import NotANumber, parse_number
from tutor.ui.keys import relabel
from tutor.ui.widgets.answer_input import AnswerInput

if TYPE_CHECKING:
    from tutor.lessons.model import CodePrediction


class CodeGuess(Vertical):
    @dataclass
    class Locked(Message):
        guess: str

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.prediction: CodePrediction | None = None
        #: The prediction locked in (None: none yet, or the exercise asks none).
        self.guess: str | None = None
        self._open = True  # False once the item is committed: nothing more to lock in

    def compose(self) -> ComposeResult:
        yield Markdown(id="code-predict")
        field = AnswerInput(id="code-guess")
        field.bound_for("number")
        field.placeholder = "your prediction (a number): Enter locks it in, then run the tests"
        yield field

    def on_mount(self) -> None:
        relabel(self.field, "answer.commit", "Lock in")  # here it commits the prediction

    @property
    def field(self) -> AnswerInput:
        return self.query_one("#code-guess", AnswerInput)

    @property
    def needed(self) -> bool:
        """A prediction is asked, and none is locked in yet."""
        return self._open and self.prediction is not None and self.guess is None

    def show(self, prediction: CodePrediction | None, guess: str | None, typed: str) -> None:
        """``prediction``'s question, with ``guess`` locked in or ``typed`` in the field."""
        self.prediction, self.guess, self._open = prediction, guess, True
        self.field.value = typed
        self._show()

    def _show(self) -> None:
        self.display = self.prediction is not None
        self.field.display = self.needed
        if self.prediction is None:
            return
        text = f"**Before you run it:** {self.prediction.prompt.strip()}"
        if self.guess is not None:
            text += f"\n\n**Your prediction:** {code_span(self.guess)}"
            if self._open:
                text += " *(set beside the number once your file passes)*"
        self.query_one("#code-predict", Markdown).update(text)

    def lock_in(self) -> None:
        """Lock the typed prediction in, if it is a number (else say why, and wait)."""
        if not self.needed:
            return
        typed = self.field.value.strip()
        try:
            parse_number(typed)
        except NotANumber as error:
            self.notify(str(error) if typed else "type your prediction first", severity="warning")
            return
        self.guess = typed
        self._show()
        self.post_message(self.Locked(typed))

    def ask(self) -> None:
        """A run asked for before the prediction: the field, and why."""
        self.notify("predict first: type your number above the editor, then Enter")
        self.field.focus()

    @on(Input.Submitted, "#code-guess")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.lock_in()

    def closed(self) -> None:
        """The item is committed (a give-up may come before any prediction)."""
        self._open = False
        self._show()

    def reopened(self) -> bool:
        """The commit taken back (or the item shown again): a prediction not made yet is
        asked again. Whether a commit was taken back (the commit cleared the kept one)."""
        was_closed, self._open = not self._open, True
        self._show()
        return was_closed
