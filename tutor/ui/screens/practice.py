"""Practice: predict, commit, then nudges, the answer, the reasoning and a self-check.

The order is the session's (``tutor.practice.session``): nothing is revealed
before a prediction is committed, and the keys that reveal say so. Each finished
item is recorded as a review (FSRS), half-typed answers are kept as drafts.

This screen keeps that flow (commit, nudges, answer, grade, schedule). A prediction's
evidence (its experiment, run in a worker, then drawn) is ``PredictionEvidence``; how
an attempt reads is ``AttemptFeedback``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from tutor.lessons.model import ChoiceItem, Prediction, PredictSimItem, PredictTrainItem
from tutor.practice.grading import Grade, NotANumber, grade_answer, parse_number
from tutor.practice.session import DIFFICULTIES, Attempt, NotYet, Session
from tutor.ui.kept_words import KeptWords
from tutor.ui.screens.base import BaseScreen
from tutor.ui.widgets.answer_input import AnswerInput
from tutor.ui.widgets.attempt_feedback import AttemptFeedback
from tutor.ui.widgets.markdown_line import markdown_line
from tutor.ui.widgets.prediction_evidence import PredictionEvidence

PLACEHOLDERS = {
    "number": "your number (0.2, 1/5 or 2e-1), then Enter",
    "text": "your answer in a sentence or two, then Enter",
    "predict-sim": "your predicted value, then Enter",
    "predict-train": "your predicted value, then Enter",
}

if TYPE_CHECKING:
    from tutor.notes import Anchor


#: What a notification says when an answer's draft could not be saved.
REFUSED = "the answer's draft was not saved"


class PracticeScreen(BaseScreen):
    CSS_PATH = "practice.tcss"
    BINDINGS = [
        Binding("g", "nudge", "Nudge"),
        Binding("a", "reveal", "Answer"),
        Binding("y", "self_check(True)", "I had it"),
        Binding("x", "self_check(False)", "I missed it"),
        Binding("right_square_bracket", "next_item", "Next", key_display="]"),
        Binding("ctrl+n", "next_item", "Skip", show=False),  # works while typing or choosing
        Binding("e", "toggle('easy')", "Easy"),
        Binding("m", "toggle('medium')", "Medium"),
        Binding("d", "toggle('hard')", "Hard"),
        Binding("u", "undo", "Undo grade"),
        Binding("l", "open_lab", "Lab"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, session: Session, title: str) -> None:
        super().__init__()
        self.session = session
        self.LOCATION = title
        self.attempt: Attempt | None = None
        self.recorded = False
        self._pending: tuple[str, int | str] = ("", "")  # a prediction waiting for its evidence
        #: The typed answer the database did not take as a draft (kept in a file on leaving).
        self._unsaved = ""
        self._kept = KeptWords()

    def compose_content(self) -> ComposeResult:
        yield Static(id="practice-status")
        with VerticalScroll(id="practice-body"):
            yield Markdown(id="prompt")
            yield OptionList(id="choices")
            yield AnswerInput(id="answer")
            yield AttemptFeedback(id="feedback")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_item()

    # -- showing -------------------------------------------------------------------

    def show_item(self) -> None:
        self.query(PredictionEvidence).remove()  # and its experiment, if still running
        self.attempt = self.session.current()
        self.recorded = False
        choices = self.query_one("#choices", OptionList)
        answer = self.query_one("#answer", AnswerInput)
        self.query_one("#feedback", AttemptFeedback).update("")
        if self.attempt is None:
            self.query_one("#prompt", Markdown).update(self._empty_text())
            choices.display = answer.display = False
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
        answer.display = not options
        choices.disabled = answer.disabled = False
        if options:
            choices.clear_options()
            choices.add_options(
                [Option(markdown_line(text), id=str(i)) for i, text in enumerate(options)]
            )
            choices.highlighted = 0
            choices.focus()
        else:
            answer.placeholder = PLACEHOLDERS[item.kind]
            answer.bound_for(item.kind)
            answer.value = self._store_draft()
            answer.focus()
        self._update_status()

    def _empty_text(self) -> str:
        session = self.session
        if not session.over:
            return "No practice items match these filters."
        store = self.tutor.store
        next_due = self.tutor.safely(store.next_due) if store else None
        return (
            f"## Review done\n\n{session.done} done, {session.right} right.\n\n"
            + (f"The next item is due {next_due}." if next_due else "Nothing else is scheduled.")
            + "\n\n`escape` goes back."
        )

    def _update_status(self) -> None:
        session = self.session
        queue = session.queue
        filters = "  ".join(
            f"{'●' if d in session.difficulties else '○'} {d}" for d in DIFFICULTIES
        )
        where = f"item {session.position % max(len(queue), 1) + 1} of {len(queue)}"
        self.query_one("#practice-status", Static).update(
            Text(
                f"{where}   {filters} (e/m/d)   this session: "
                f"{session.done} done, {session.right} right"
            )
        )

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
    def _typed(self, event: Input.Submitted) -> None:
        attempt = self.attempt
        if attempt is None or attempt.committed is not None or not event.value.strip():
            return
        item = attempt.item
        try:
            if isinstance(item, Prediction):
                self._commit_prediction(item, event.value, event.value)
            else:  # a number or a written answer (a choice item has no input)
                self._commit(event.value, grade_answer(item, event.value))
        except NotANumber as error:
            self.notify(str(error), severity="warning")

    def _commit(self, shown: str, grade: Grade) -> None:
        assert self.attempt is not None
        self.attempt.commit(shown, grade)
        self._lock_inputs()
        self._show_feedback()

    def _lock_inputs(self) -> None:
        self.query_one("#choices", OptionList).disabled = True
        self.query_one("#answer", Input).disabled = True
        self._store_draft("")
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
        choices, answer = self.query_one("#choices", OptionList), self.query_one("#answer", Input)
        choices.disabled = answer.disabled = False
        self.query_one("#feedback", AttemptFeedback).update("")  # nothing is committed
        shown, typed = self._pending
        if isinstance(typed, str):
            answer.value = shown
            self._store_draft(shown)
            answer.focus()
        else:
            choices.focus()

    # -- revealing -----------------------------------------------------------------

    def _refuse(self, error: NotYet) -> None:
        self.notify(str(error), severity="warning")

    def action_nudge(self) -> None:
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

    def _record_if_finished(self) -> None:
        attempt = self.attempt
        if attempt is None or self.recorded or not attempt.finished:
            return
        self.recorded = True
        self.session.record(attempt)
        reviewer = self.tutor.reviewer()
        if reviewer is not None:
            self.tutor.safely(
                reviewer.record,
                attempt.item.id,
                attempt.lesson_id,
                bool(attempt.correct),
                attempt.nudges_shown,
            )
        self._update_status()

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
        self._keep_unsaved()
        self.session.advance()
        self.show_item()

    def action_toggle(self, difficulty: str) -> None:
        self.session.toggle(difficulty)
        self.show_item()

    def action_undo(self) -> None:
        store = self.tutor.store
        failed = "the last grade was not taken back"
        item_id = (
            self.tutor.safely(store.undo_last_review, fallback=False, failed=failed)
            if store
            else None
        )
        if item_id is False:
            return
        if item_id is None:
            self.notify("nothing to undo")
            return
        self.session.undo()
        self._update_status()
        self.notify(f"took back the last grade ({item_id})")

    def action_open_lab(self) -> None:
        attempt = self.attempt
        if attempt is None or not isinstance(attempt.item, Prediction):
            return
        if attempt.committed is None:
            self._refuse(NotYet("commit a prediction first: the lab would give it away"))
            return
        from tutor.practice.measures import sim_params, train_params

        item = attempt.item
        lesson = self.tutor.lesson(attempt.lesson_id)
        if isinstance(item, PredictTrainItem):
            self.tutor.open_lab(train_params(item.train), "from practice", "train", lesson=lesson)
            return
        # The lesson model checks that a lab state's tab fits its measure (lesion or signal).
        self.tutor.open_lab(
            sim_params(item.lab.params), item.lab.title, item.lab.experiment, lesson=lesson
        )

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
        self._keep_unsaved()

    # -- drafts ------------------------------------------------------------------------

    @on(Input.Changed, "#answer")
    def _keep_draft(self, event: Input.Changed) -> None:
        if self.attempt is not None and self.attempt.committed is None:
            self._store_draft(event.value)

    def _store_draft(self, body: str | None = None) -> str:
        """Save ``body`` as the current item's draft; with no body, return the saved one."""
        store = self.tutor.store
        if self.attempt is None:
            return ""
        key = f"practice:{self.attempt.item.id}"
        if body is None:
            return self.tutor.safely(store.draft, key, fallback="") if store else ""
        refused = store is None or (
            self.tutor.safely(store.save_draft, key, body, fallback=False) is False
        )
        if refused:  # (or no database): the words must not die with this screen
            if store is not None and not self._unsaved and body.strip():
                self._kept.keep(self.app, self.tutor.db_path, self._words(body), REFUSED)
            self._unsaved = body
        else:
            self._unsaved = ""
        return body

    def _words(self, answer: str) -> str:
        assert self.attempt is not None
        return f"practice item {self.attempt.item.id}\n\n{answer}"

    def _keep_unsaved(self) -> None:
        """Leaving an answer typed but neither committed nor saved as a draft: keep it."""
        if self._unsaved.strip() and self.attempt is not None:
            words = self._words(self._unsaved)
            if not self._kept.holds(words):
                self._kept.keep(self.app, self.tutor.db_path, words, REFUSED)
        self._unsaved = ""
