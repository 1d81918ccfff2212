"""Practice: predict (nudges if wanted), commit, then the answer, the reasoning, a self-check.

The order is the session's (``tutor.practice.session``): the answer and any measurement wait
for the commit. Each finished item is recorded as a review (FSRS) and says when it comes
back; half-typed answers are drafts (``PracticeDrafts``). Letter keys work outside the answer
fields, which bind the modifier keys that work while typing (``answer_input``). This screen
keeps the flow (commit, nudges, answer, grade, schedule, undo); a prediction's evidence (its
experiment, run in a worker, then drawn) is ``PredictionEvidence``, an attempt's reading
``AttemptFeedback``; a code item's editor and test runs are ``CodeExercise``, its commit
``PracticesCode``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Markdown, OptionList, TextArea

from tutor.lessons.model import ChoiceItem, CodeItem, Prediction, PredictSimItem, PredictTrainItem
from tutor.practice.grading import Grade, NotANumber, grade_answer, parse_number
from tutor.practice.session import Attempt, NotYet, Session
from tutor.ui.keys import key_shown
from tutor.ui.practice_code import CODE_ACTIONS, PracticesCode
from tutor.ui.practice_drafts import PracticeDrafts
from tutor.ui.practice_grades import RecordsGrades
from tutor.ui.practice_lab import OpensTheLab
from tutor.ui.screens.base import BaseScreen
from tutor.ui.widgets.answer_input import AnswerArea, AnswerInput, Asked
from tutor.ui.widgets.attempt_feedback import AttemptFeedback
from tutor.ui.widgets.choice_list import ChoiceList
from tutor.ui.widgets.code_exercise import CodeEditor, CodeExercise
from tutor.ui.widgets.practice_status import PracticeStatus, session_summary
from tutor.ui.widgets.prediction_evidence import PredictionEvidence

#: The actions bound to letters: they work (and the footer shows them) only while no answer
#: field has focus, where the letters are the learner's.
LETTER_ACTIONS = {
    "nudge",
    "reveal",
    "self_check",
    "next_item",
    "toggle",
    "undo",
    "open_lab",
    "rate_easy",
    "reset_code",
}
#: What acts on the item on show.
ITEM_ACTIONS = {"nudge", "reveal", "self_check", "next_item", "rate_easy", "open_lab"}
#: Offered once a review is over: the next kind of review.
AFTER_REVIEW = {"review_ahead", "cram"}

if TYPE_CHECKING:
    from tutor.notes import Anchor


class PracticeScreen(PracticesCode, OpensTheLab, RecordsGrades, BaseScreen):
    CSS_PATH = "practice.tcss"
    BINDINGS = [
        Binding("g", "nudge", "Nudge", id="practice.nudge"),
        Binding("a", "reveal", "Answer", id="practice.answer"),
        Binding("4", "rate_easy", "It was easy", id="practice.rate_easy"),
        Binding("y", "self_check(True)", "I had it", id="practice.had_it"),
        Binding("x", "self_check(False)", "I missed it", id="practice.missed_it"),
        Binding("right_square_bracket", "next_item", "Next", key_display="]", id="practice.next"),
        Binding("ctrl+n", "next_item", "Skip", show=False, id="practice.skip"),  # as answer_input
        Binding("e", "toggle('easy')", "Easy", id="practice.easy"),
        Binding("m", "toggle('medium')", "Medium", id="practice.medium"),
        Binding("d", "toggle('hard')", "Hard", id="practice.hard"),
        Binding("u", "undo", "Undo grade", id="practice.undo"),
        Binding("l", "open_lab", "Lab", id="practice.lab"),
        Binding("v", "review_ahead", "Review ahead", id="practice.review_ahead"),
        Binding("c", "cram", "Cram", id="practice.cram"),
        Binding("escape", "back", "Back", id="practice.back"),
        Binding("ctrl+r", "run_code", "Run tests", id="practice.run_code"),
        Binding("ctrl+b", "edit_code", "In $EDITOR", id="practice.edit_code"),
        Binding("0", "reset_code", "Starter back", id="practice.reset_code"),
    ]

    def __init__(self, session: Session, title: str) -> None:
        super().__init__()
        self.session = session
        self.LOCATION = title
        self.attempt: Attempt | None = None
        self.recorded = False
        self._pending: tuple[str, int | str] = ("", "")  # a prediction waiting for its evidence

    @cached_property
    def _drafts(self) -> PracticeDrafts:
        return PracticeDrafts(self.tutor)

    def compose_content(self) -> ComposeResult:
        yield PracticeStatus(id="practice-status")
        with VerticalScroll(id="practice-body"):
            yield Markdown(id="prompt")
            yield ChoiceList(id="choices")
            yield AnswerInput(id="answer")
            yield AnswerArea(id="answer-text")
            yield CodeExercise(id="code")
            yield AttemptFeedback(id="feedback")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_item()

    def _typing(self) -> bool:
        return isinstance(self.focused, AnswerInput | AnswerArea | CodeEditor)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A letter key types into a focused answer field: its action waits till it is left.
        The self-check and the lab are offered only on the items that have them."""
        item = self.attempt.item if self.attempt else None
        if action == "self_check" and (item is None or item.kind != "text"):
            return False
        if action == "open_lab" and not isinstance(item, Prediction):
            return False
        if action in CODE_ACTIONS and self._code_item() is None:
            return False
        if action == "rate_easy" and not (self.attempt and self.attempt.may_rate_easy):
            return False
        if action in AFTER_REVIEW and not self.session.over:
            return False
        if item is None and action in ITEM_ACTIONS:
            return False  # no item on show: nothing to nudge, answer or move past
        return not (action in LETTER_ACTIONS and self._typing())

    def on_descendant_focus(self) -> None:
        self._update_status()  # the filter keys are offered only outside the answer field

    def on_descendant_blur(self) -> None:
        self._update_status()

    # -- showing -------------------------------------------------------------------

    def _field(self) -> AnswerInput | AnswerArea:
        """The answer field of the item shown: several lines for a written answer."""
        if self.attempt is not None and self.attempt.item.kind == "text":
            return self.query_one("#answer-text", AnswerArea)
        return self.query_one("#answer", AnswerInput)

    def show_item(self) -> None:
        self.query(PredictionEvidence).remove()  # and its experiment, if still running
        self.attempt = self.session.current()
        self.recorded = False
        choices = self.query_one("#choices", ChoiceList)
        fields = self.query_one("#answer", AnswerInput), self.query_one("#answer-text", AnswerArea)
        feedback = self.query_one("#feedback", AttemptFeedback)
        for field in fields:
            field.display = False
        self._show_code(None)
        if self.attempt is None:
            self.query_one("#prompt", Markdown).update(self._empty_text())
            feedback.update("")
            choices.display = False
            self.query_one("#practice-body").focus()  # not the hidden input: keys reach no one
            self._update_status()
            return
        item = self.attempt.item
        self.tutor.remember_place(self, self.attempt.lesson_id, "practice", item.id)
        self.query_one("#prompt", Markdown).update(
            f"*{item.difficulty} · {item.kind}*\n\n{item.prompt.strip()}"
        )
        options = item.choices if isinstance(item, ChoiceItem | Prediction) else []
        choices.display = bool(options)
        if options:
            choices.offer(item.id, options)
        elif isinstance(item, CodeItem):
            self._show_code(item)
        else:
            field = self._field()
            field.display = True
            if isinstance(field, AnswerInput):
                field.bound_for(item.kind)
            field.value = self._drafts.load(item.id)
        feedback.show(self.attempt)
        self._open_inputs()
        self._update_status()

    def _open_inputs(self) -> None:
        """The current item's choices or answer field, ready for a prediction."""
        choices, field = self.query_one("#choices", OptionList), self._field()
        choices.disabled = field.disabled = False
        if choices.display:
            choices.highlighted = 0
            choices.focus()
        elif self._code.display:
            self._code.reopened()
        else:
            field.focus()

    def _empty_text(self) -> str:
        store = self.tutor.store
        next_due = self.tutor.safely(store.next_due) if store and self.session.over else None
        return session_summary(self.session, next_due, self._key_code, datetime.now(UTC))

    def _key_code(self, binding_id: str) -> str:
        return f"`{key_shown(self.tutor, binding_id)}`"

    def _update_status(self) -> None:
        self.query_one("#practice-status", PracticeStatus).show(self.session, self._typing())
        self._label_the_answer_key()
        self.refresh_bindings()  # the footer's keys follow the item and the focus

    def _show_feedback(self) -> None:
        assert self.attempt is not None
        self.query_one("#feedback", AttemptFeedback).show(self.attempt)

    # -- committing ----------------------------------------------------------------

    @on(OptionList.OptionSelected, "#choices")
    def _chose(self, event: OptionList.OptionSelected) -> None:
        attempt = self.attempt
        if attempt is None or attempt.committed is not None:
            return
        item, index = attempt.item, int(event.option.id or 0)
        if isinstance(item, Prediction):
            self._commit_prediction(item, item.choices[index], index)
        elif isinstance(item, ChoiceItem):
            self._commit(item.choices[index], grade_answer(item, index))

    @on(Input.Submitted, "#answer")
    def _submitted(self) -> None:
        self.action_commit()

    @on(Asked)
    def _asked(self, message: Asked) -> None:
        """A modifier key pressed while typing: the action its letter does elsewhere."""
        actions = {
            "commit": self.action_commit,
            "nudge": self.action_nudge,
            "next_item": self.action_next_item,
            # Focus moves to the page, not nowhere: its keys scroll, and the letters act.
            "leave": self.query_one("#practice-body").focus,
        }
        actions[message.action]()

    def action_commit(self) -> None:
        """Commit the typed answer (choices commit on Enter); an empty one is refused, and
        said why."""
        attempt = self.attempt
        if attempt is None or attempt.committed is not None:
            return
        if self._code_item() is not None:  # its field is the prediction asked first
            self._code.lock_guess()
            return
        typed = self._field().value
        if not typed.strip():
            self.notify("type an answer first", severity="warning")
            return
        item = attempt.item
        try:
            if isinstance(item, Prediction):
                self._commit_prediction(item, typed, typed)
            else:  # a number or a written answer (a choice item has no input)
                self._commit(typed, grade_answer(item, typed))
        except NotANumber as error:
            self.notify(str(error), severity="warning")

    def _commit(self, shown: str, grade: Grade) -> None:
        assert self.attempt is not None
        self.attempt.commit(shown, grade)
        self._lock_inputs()
        self._show_feedback()

    def _lock_inputs(self) -> None:
        self.query_one("#choices", OptionList).disabled = True
        self._field().disabled = True
        self._save_draft("")
        self.query_one("#practice-body").focus()

    def _commit_prediction(
        self, item: PredictSimItem | PredictTrainItem, shown: str, answer: int | str
    ) -> None:
        """Lock the prediction in (a choice's index or the typed number), then gather the
        evidence: the item's experiment runs, and ``_measured`` grades what it measured."""
        prediction = item.bounds[answer] if isinstance(answer, int) else parse_number(answer)
        self._pending = (shown, answer)
        self.query(PredictionEvidence).remove()  # an earlier attempt's failed run
        self._lock_inputs()
        self.query_one("#feedback", AttemptFeedback).committed(shown)
        self.query_one("#practice-body").mount(
            PredictionEvidence(item, prediction), after="#feedback"
        )

    @on(PredictionEvidence.Measured)
    def _measured(self, message: PredictionEvidence.Measured) -> None:
        attempt = self.attempt
        if attempt is None or attempt.item.id != message.item_id:
            return
        item = attempt.item
        if not isinstance(item, Prediction):
            return
        shown, answer = self._pending
        attempt.commit(shown, grade_answer(item, answer, message.value))
        self._show_feedback()

    @on(PredictionEvidence.Failed)
    def _not_measured(self, message: PredictionEvidence.Failed) -> None:
        """Nothing was graded: give the inputs back, with the prediction as it was typed."""
        attempt = self.attempt
        if attempt is None or attempt.item.id != message.item_id:
            return
        self.query_one("#feedback", AttemptFeedback).update("")  # nothing is committed
        self._reopen(self._pending[0])

    def _reopen(self, typed: str) -> None:
        """The inputs given back, a typed prediction in its field as it was."""
        if not (self.query_one("#choices", OptionList).display or self._code.display):
            self._field().value = typed
            self._save_draft(typed)
        self._open_inputs()

    # -- revealing -----------------------------------------------------------------

    def _refuse(self, error: NotYet) -> None:
        self.notify(str(error), severity="warning")

    def action_nudge(self) -> None:
        """The next nudge, before or after the commit (each one lowers the review's rating)."""
        if self.attempt is None:
            return
        try:
            self.attempt.next_nudge()
        except NotYet as error:
            self._refuse(error)
            return
        self._show_feedback()

    def action_reveal(self) -> None:
        if self.attempt is None:
            return
        if self._code_item() is not None:
            self._give_up()
            return
        try:
            if self.attempt.grade is None:
                raise NotYet("commit a prediction first: the answer comes after you commit")
            self.attempt.reveal()
        except NotYet as error:
            self._refuse(error)
            return
        self._record_if_finished()
        self._show_feedback()

    def action_self_check(self, right: bool) -> None:
        if self.attempt is None or self.attempt.item.kind != "text":
            return
        try:
            self.attempt.check_self(right)
        except NotYet as error:
            self._refuse(error)
            return
        self._record_if_finished()
        self._show_feedback()

    # -- moving ----------------------------------------------------------------------

    def action_next_item(self) -> None:
        attempt = self.attempt
        if attempt is not None and attempt.committed is not None and not attempt.finished:
            self.notify(
                "finish this item first: reveal the answer (a)"
                + (" and check yourself (y/x)" if attempt.needs_self_check else ""),
                severity="warning",
            )
            return
        self._drafts.keep_unsaved()
        self.session.advance()
        self.show_item()

    def action_toggle(self, difficulty: str) -> None:
        self.session.toggle(difficulty)
        self.show_item()

    @property
    def lesson_in_view(self) -> str | None:
        return self.attempt.lesson_id if self.attempt is not None else None

    def note_anchor(self) -> Anchor | None:
        from tutor.notes import Anchor

        if self.attempt is None:
            return None
        item = self.attempt.item
        return Anchor(
            "practice", item.id, " ".join(item.prompt.split())[:80], self.attempt.lesson_id
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self._drafts.keep_unsaved()

    # -- drafts ------------------------------------------------------------------------

    @on(Input.Changed, "#answer")
    @on(TextArea.Changed, "#answer-text")
    def _keep_draft(self) -> None:
        if self.attempt is not None and self.attempt.committed is None:
            self._save_draft(self._field().value)

    def _save_draft(self, body: str) -> None:
        if self.attempt is not None:
            self._drafts.save(self.attempt.item.id, body)
