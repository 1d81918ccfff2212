"""Practice: predict, commit, then nudges, the answer, the reasoning and a self-check.

The order is the session's (``tutor.practice.session``): nothing is revealed
before a prediction is committed, and the keys that reveal say so. Each finished
item is recorded as a review (FSRS), half-typed answers are kept as drafts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tutor.lessons.model import Prediction
from tutor.practice.grading import (
    Grade,
    NotANumber,
    grade_choice,
    grade_number,
    grade_prediction,
    grade_text,
    parse_number,
)
from tutor.practice.session import DIFFICULTIES, Attempt, NotYet, Session
from tutor.ui.screens.base import BaseScreen
from tutor.ui.widgets.prediction_plot import PredictionPlot

PLACEHOLDERS = {
    "number": "your number (0.2, 1/5 or 2e-1), then Enter",
    "text": "your answer in a sentence or two, then Enter",
    "predict-sim": "your predicted value, then Enter",
    "predict-train": "your predicted value, then Enter",
}
#: How often a training item's progress is redrawn while the networks train.
PROGRESS_EVERY_SECONDS = 0.2

if TYPE_CHECKING:
    from tutor.notes import Anchor


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

    @dataclass
    class Measured(Message):
        """What the experiment measured for a prediction item, and the run as evidence
        (a ``SimResult``, ``LesionResult`` or ``TrainResult``)."""

        item_id: str
        value: float | None
        result: object

    @dataclass
    class Training(Message):
        """How far a training item's networks have got."""

        item_id: str
        text: str

    def __init__(self, session: Session, title: str) -> None:
        super().__init__()
        self.session = session
        self.LOCATION = title
        self.attempt: Attempt | None = None
        self.recorded = False
        self._pending: tuple[str, int | str] = ("", "")  # a prediction waiting for the engine

    def compose_content(self) -> ComposeResult:
        yield Static(id="practice-status")
        with VerticalScroll(id="practice-body"):
            yield Markdown(id="prompt")
            yield OptionList(id="choices")
            yield Input(id="answer")
            yield Markdown(id="feedback")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_item()

    # -- showing -------------------------------------------------------------------

    def show_item(self) -> None:
        self.workers.cancel_group(self, "practice")  # an experiment for the item left behind
        self.attempt = self.session.current()
        self.recorded = False
        choices, answer = self.query_one("#choices", OptionList), self.query_one("#answer", Input)
        feedback = self.query_one("#feedback", Markdown)
        feedback.update("")
        self.query(PredictionPlot).remove()
        if self.attempt is None:
            self.query_one("#prompt", Markdown).update(self._empty_text())
            choices.display = answer.display = False
            self._update_status()
            return
        item = self.attempt.item
        self.query_one("#prompt", Markdown).update(
            f"*{item.difficulty} · {item.kind}*\n\n{item.prompt.strip()}"
        )
        options = list(getattr(item, "choices", []) or [])
        choices.display = bool(options)
        answer.display = not options
        choices.disabled = answer.disabled = False
        if options:
            choices.clear_options()
            choices.add_options([Option(text, id=str(i)) for i, text in enumerate(options)])
            choices.highlighted = 0
            choices.focus()
        else:
            answer.placeholder = PLACEHOLDERS[item.kind]
            answer.value = self._store_draft()
            answer.focus()
        self._update_status()

    def _empty_text(self) -> str:
        session = self.session
        if not session.over:
            return "No practice items match these filters."
        reviewer = self.tutor.reviewer()
        next_due = reviewer.store.next_due() if reviewer else None
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
        attempt = self.attempt
        assert attempt is not None and attempt.grade is not None
        item = attempt.item
        verdict = "✓" if attempt.grade.correct else "✗"
        parts = [f"**You committed:** {attempt.committed}"]
        if item.kind == "text":
            grade = attempt.grade
            parts.append(f"Key ideas found: {', '.join(grade.covered) or 'none'}")
            if grade.missing:
                parts.append(f"Not found: {', '.join(grade.missing)}")
        else:
            parts.append(f"{verdict} {attempt.grade.message}")
        for number in range(attempt.nudges_shown):
            parts.append(f"**Nudge {number + 1}.** {item.nudges[number].strip()}")
        if attempt.answer_shown:
            parts += [
                f"**Answer.** {item.answer.strip()}",
                f"**Why.** {item.reasoning.strip()}",
                f"**The common wrong answer:** {item.wrong_answer.answer} — "
                f"{item.wrong_answer.why.strip()}",
                "**Check yourself:**\n\n" + "\n".join(f"- [ ] {r}" for r in item.rubric),
            ]
            if attempt.needs_self_check:
                parts.append("*Did your answer have it? `y` yes, `x` no.*")
            else:
                parts.append("*`]` for the next item.*")
        else:
            parts.append("*`g` for a nudge, `a` for the answer.*")
        self.query_one("#feedback", Markdown).update("\n\n".join(parts))

    # -- committing ----------------------------------------------------------------

    @on(OptionList.OptionSelected, "#choices")
    def _chose(self, event: OptionList.OptionSelected) -> None:
        attempt = self.attempt
        if attempt is None or attempt.committed is not None:
            return
        index = int(event.option.id or 0)
        label = attempt.item.choices[index]  # type: ignore[union-attr]
        if attempt.item.kind == "choice":
            self._commit(label, grade_choice(attempt.item, index))  # type: ignore[arg-type]
        else:
            self._commit_prediction(label, index)

    @on(Input.Submitted, "#answer")
    def _typed(self, event: Input.Submitted) -> None:
        attempt = self.attempt
        if attempt is None or attempt.committed is not None or not event.value.strip():
            return
        item = attempt.item
        try:
            if item.kind == "number":
                self._commit(event.value, grade_number(item, event.value))  # type: ignore[arg-type]
            elif item.kind == "text":
                self._commit(event.value, grade_text(item, event.value))  # type: ignore[arg-type]
            else:
                parse_number(event.value)
                self._commit_prediction(event.value, event.value)
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

    def _commit_prediction(self, shown: str, answer: int | str) -> None:
        """Lock the prediction in, then let the engine run the item's lab state."""
        assert self.attempt is not None
        self._pending = (shown, answer)
        self._lock_inputs()
        doing = "Training the networks" if self.attempt.item.kind == "predict-train" else "Running"
        self.query_one("#feedback", Markdown).update(f"**You committed:** {shown}\n\n*{doing}…*")
        self._measure(self.attempt.item)

    @work(thread=True, exclusive=True, group="practice", exit_on_error=False)
    def _measure(self, item: Prediction) -> None:
        from tutor.practice import measures

        if item.kind == "predict-train":
            result = self._train(item)
            if result is None:
                return  # the learner moved on: the worker was cancelled
            value = measures.train_measure(result, item.measure)
        else:
            result = measures.run_lab_state(item.lab.params, item.measure)
            value = measures.measure(result, item.measure)
        self.post_message(self.Measured(item.id, value, result))

    def _train(self, item: Prediction) -> object | None:
        """Train the item's networks, reporting progress; None if cancelled on the way."""
        from tutor.practice.measures import train_params
        from tutor.sim import paced, training

        worker = get_current_worker()
        for result in paced(training(train_params(item.train)), PROGRESS_EVERY_SECONDS):
            if worker.is_cancelled:
                return None
            if result.complete:
                return result
            percent = 100 * result.done // result.total
            self.post_message(self.Training(item.id, f"Training the networks… {percent}%"))
        return None  # no snapshots: nothing was trained

    @on(Training)
    def _training(self, message: Training) -> None:
        attempt = self.attempt
        if attempt is not None and attempt.item.id == message.item_id and attempt.grade is None:
            self.query_one("#feedback", Markdown).update(
                f"**You committed:** {self._pending[0]}\n\n*{message.text}*"
            )

    @on(Measured)
    def _measured(self, message: Measured) -> None:
        attempt = self.attempt
        if attempt is None or attempt.item.id != message.item_id:
            return
        shown, answer = self._pending
        item = attempt.item
        grade = grade_prediction(item, answer, message.value)  # type: ignore[arg-type]
        attempt.commit(shown, grade)
        self._show_feedback()
        prediction = (
            tuple(item.bounds[answer])
            if isinstance(answer, int)  # type: ignore[union-attr]
            else parse_number(answer)
        )
        self.query_one("#practice-body").mount(
            PredictionPlot(message.result, item.measure, prediction),  # type: ignore[union-attr, arg-type]
            after="#feedback",
        )

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
        self.session.advance()
        self.show_item()

    def action_toggle(self, difficulty: str) -> None:
        self.session.toggle(difficulty)
        self.show_item()

    def action_undo(self) -> None:
        store = self.tutor.store
        item_id = self.tutor.safely(store.undo_last_review) if store else None
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
        item = attempt.item
        if item.kind == "predict-train":
            from tutor.practice.measures import train_params

            self.tutor.open_lab(train_params(item.train), "from practice", "train")
            return
        from tutor.practice.measures import LESION_VARIANTS
        from tutor.sim import SimParams

        lab = item.lab
        experiment = "lesion" if item.measure in LESION_VARIANTS else "signal"
        self.tutor.open_lab(SimParams(**lab.params), lab.title, experiment)  # type: ignore[arg-type]

    def note_anchor(self) -> Anchor:
        from tutor.notes import Anchor

        if self.attempt is None:
            return None
        item = self.attempt.item
        return Anchor(
            "practice", item.id, " ".join(item.prompt.split())[:80], self.attempt.lesson_id
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- drafts ------------------------------------------------------------------------

    @on(Input.Changed, "#answer")
    def _keep_draft(self, event: Input.Changed) -> None:
        if self.attempt is not None and self.attempt.committed is None:
            self._store_draft(event.value)

    def _store_draft(self, body: str | None = None) -> str:
        """Save ``body`` as the current item's draft; with no body, return the saved one."""
        store = self.tutor.store
        if store is None or self.attempt is None:
            return ""
        key = f"practice:{self.attempt.item.id}"
        if body is None:
            return store.draft(key)
        self.tutor.safely(store.save_draft, key, body)
        return body
