"""The practice screen's code items: the learner writes the file (``CodeExercise``), runs
its tests as often as they like, and a run that passes commits the attempt as right; giving
up commits it as a miss. Either way the reference solution, the answer and the reasoning
follow, and the review is recorded as for every other kind.

A mixin of ``PracticeScreen``, which has the attempt, the session and the widgets (its
handlers go by name: Textual's ``@on`` is not seen on a plain mixin). The
tests are the lesson file's code: for a lesson that is not restutor's own they run only
after the learner's yes (``RunConsent``), as a witness does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from tutor.lessons.model import CodeItem
from tutor.paths import exercise_files_dir
from tutor.practice import code_check
from tutor.practice.grading import Grade, Guess, grade_code, read_guess
from tutor.ui.keys import relabel
from tutor.ui.widgets.code_exercise import CodeExercise

if TYPE_CHECKING:
    from tutor.practice.session import Attempt
    from tutor.ui.app import RestutorApp

#: What the actions of code items are offered on.
CODE_ACTIONS = {"run_code", "edit_code", "reset_code"}


class PracticesCode:
    """Needs the screen's ``_record_if_finished``, ``_show_feedback`` and ``_update_status``."""

    attempt: Attempt | None
    tutor: RestutorApp

    @property
    def _code(self) -> CodeExercise:
        return self.query_one("#code", CodeExercise)  # type: ignore[attr-defined]

    def _code_item(self) -> CodeItem | None:
        """The item on show, if it is a code item still to be committed."""
        attempt = self.attempt
        if attempt is None or attempt.committed is not None:
            return None
        return attempt.item if isinstance(attempt.item, CodeItem) else None

    def _show_code(self, item: CodeItem | None) -> None:
        """Show ``item``'s editor (None: no code item, nothing watched or run)."""
        if item is None:
            self._code.hide()
            return
        key = self._key_code  # type: ignore[attr-defined]
        hint = (
            f"*Write it in the editor (your file is kept as you type). {key('practice.run_code')} "
            f"runs the tests: a pass commits it. {key('practice.edit_code')} opens it in "
            f"$EDITOR; saving there runs the tests again. Outside the editor "
            f"({key('answer.leave')}), {key('practice.answer')} gives up: counts as a miss; "
            f"{key('practice.reset_code')} puts the starter back.*"
        )
        drafts = self._drafts  # type: ignore[attr-defined]
        self._code.show(
            item,
            exercise_files_dir(self.tutor.db_path) / f"{item.id}.py",
            hint,
            guess=drafts.load_prediction(item.id) or None,
            typed=drafts.load(item.id),
        )

    def on_code_exercise_predicted(self, message: CodeExercise.Predicted) -> None:
        """A prediction locked in is kept until the item is committed (also across a quit)."""
        if (item := self._code_item()) is not None and message.exercise.item is item:
            self._drafts.save_prediction(item.id, message.guess)  # type: ignore[attr-defined]
            self._drafts.save(item.id, "")  # type: ignore[attr-defined]

    def on_input_changed(self, event: Input.Changed) -> None:
        """A prediction half typed is a draft, as an answer is."""
        if event.input.id == "code-guess" and (item := self._code_item()) is not None:
            self._drafts.save(item.id, event.value)  # type: ignore[attr-defined]

    def _guess(self, item: CodeItem) -> Guess | None:
        typed = self._code.guess
        return read_guess(item.predict, typed) if item.predict and typed is not None else None

    def _label_the_answer_key(self) -> None:
        """On a code item still to pass, the answer key gives up: the footer says so."""
        relabel(self, "practice.answer", "Give up" if self._code_item() else "Answer")  # type: ignore[arg-type]

    def action_run_code(self) -> None:
        if self._code_item() is not None:
            self._code.post_message(CodeExercise.RunRequested(self._code))

    def on_code_exercise_run_requested(self, message: CodeExercise.RunRequested) -> None:
        """Restutor's own lessons' tests run; another file's after the learner's yes, asked
        once per file and again whenever it changes."""
        item, exercise = self._code_item(), message.exercise
        if item is None or exercise.item is not item:
            return
        if exercise.needs_guess:  # "before you run it, what will the number be?"
            exercise.ask_guess()
            return
        origin = self.tutor.origin(self.attempt.lesson_id) if self.attempt else None
        if origin is None:  # its file is not known: nobody can say yes to it
            self.tutor.notify("this exercise's lesson file is not found: its tests do not run")
            return
        if self.tutor.trusts(origin):
            exercise.start()
            return

        from tutor.ui.screens.run_consent import RunConsent

        def answered(run: bool | None) -> None:
            if run and exercise.item is item:
                self.tutor.trust(origin)
                exercise.start()

        code = item.tests
        if item.predict is not None:  # it runs too, after the tests
            code += f"\n\n# then the prediction's number:\n{item.predict.measure}\n"
        self.tutor.push_screen(RunConsent(origin, code, code_check.CHECK_LIMITS), answered)

    def on_code_exercise_checked(self, message: CodeExercise.Checked) -> None:
        """A pass commits the attempt as right and reveals the rest; a failure commits
        nothing: the learner fixes it and runs again."""
        if self._code_item() is None or not message.check.correct:
            return
        item = message.exercise.item
        assert item is not None
        grade = grade_code(message.check, self._guess(item))
        self._commit_code("your file: every test passes", grade)

    def _give_up(self) -> None:
        """Once the learner says so, commit as a miss (the schedule hears a failure) and show
        the reference (the miss cannot be taken back: the reference would pass)."""
        from tutor.ui.screens.confirm import Confirm

        item = self._code_item()
        if item is None:
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed and self._code_item() is item:
                check = self._code.last_check
                guess = self._guess(item)
                grade = Grade(
                    False,
                    "you gave up: it counts as a miss",
                    check=check,
                    guess=guess,
                    gave_up=True,
                )
                self._commit_code("you gave up", grade)

        question = Confirm(
            "Give up and see the reference solution?",
            "It counts as a miss, and the exercise comes back for review.",
            "Give up",
        )
        self.tutor.push_screen(question, answered)

    def _commit_code(self, shown: str, grade: Grade) -> None:
        assert self.attempt is not None
        drafts = self._drafts  # type: ignore[attr-defined]
        drafts.save_prediction(self.attempt.item.id, "")  # asked afresh at the next review
        drafts.save(self.attempt.item.id, "")  # and a prediction half typed goes with it
        self.attempt.commit(shown, grade)
        self.attempt.reveal()
        self._code.committed(reveal=True)
        self.query_one("#practice-body").focus()  # type: ignore[attr-defined]
        self._record_if_finished()  # type: ignore[attr-defined]
        self._show_feedback()  # type: ignore[attr-defined]

    def action_edit_code(self) -> None:
        if self._code_item() is not None:
            self._code.edit_outside()

    def action_reset_code(self) -> None:
        """Put the starter back, once the learner says so."""
        if self._code_item() is None:
            return
        from tutor.ui.screens.confirm import Confirm

        def answered(confirmed: bool | None) -> None:
            if confirmed and self._code_item() is not None:
                self._code.reset()

        question = Confirm(
            "Put the starter back?", "Your file is replaced by the starter.", "Reset"
        )
        self.tutor.push_screen(question, answered)
