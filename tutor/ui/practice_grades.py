"""The practice screen's grades as reviews: a finished item is recorded (FSRS) and says when
it comes back; a right answer may be called easy; a grade can be taken back exactly; and a
review that is over offers the next one (ahead of schedule, or a cram).

A mixin of ``PracticeScreen``, which has the attempt, the session and the widgets.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tutor.practice.feedback import again_in
from tutor.practice.review_plan import ReviewRequest
from tutor.ui.widgets.prediction_evidence import PredictionEvidence

if TYPE_CHECKING:
    from tutor.practice.session import Attempt, Session
    from tutor.ui.app import RestutorApp


class RecordsGrades:
    """Needs the screen's ``_update_status``, ``_show_feedback`` and ``_reopen``."""

    attempt: Attempt | None
    session: Session
    recorded: bool
    tutor: RestutorApp

    def _record_if_finished(self) -> None:
        attempt = self.attempt
        if attempt is None or self.recorded or not attempt.finished:
            return
        self.recorded = True
        self.session.record(attempt)
        if self.session.scheduled and (reviewer := self.tutor.reviewer()) is not None:
            card = self.tutor.safely(
                reviewer.record,
                attempt.item.id,
                attempt.lesson_id,
                bool(attempt.correct),
                attempt.nudges_shown,
            )
            if card is not None:
                attempt.again = again_in(card.due, datetime.now(UTC))
        self._update_status()

    def action_rate_easy(self) -> None:
        """The right answer just recorded was easy: rated Easy instead of Good."""
        attempt = self.attempt
        reviewer = self.tutor.reviewer()
        if attempt is None or not attempt.may_rate_easy or reviewer is None:
            return
        failed = "the review was not rated easy"
        card = self.tutor.safely(reviewer.mark_easy, attempt.item.id, failed=failed)
        if card is None:
            return
        attempt.again, attempt.rated_easy = again_in(card.due, datetime.now(UTC)), True
        self._show_feedback()
        self._update_status()

    def action_undo(self) -> None:
        """Take back the last grade of this session: the item shown returns to just before
        it (a self-check can be given again, a commit made again); an item left behind loses
        its review. Reviews of earlier sessions are never reached."""
        attempt = self.attempt
        if attempt is not None and attempt.committed is not None and not self.recorded:
            self._take_back(attempt)  # graded but nothing recorded yet
            return
        item_id = self.session.last_recorded
        if item_id is None:
            self.tutor.notify("nothing to undo in this session")
            return
        if self.session.seen_the_reference(*self.session.recorded[-1]):
            self.tutor.notify(
                "you have seen the reference solution: this exercise stays a miss, and comes "
                "back for review",
                severity="warning",
            )
            return
        store = self.tutor.store
        if self.session.scheduled and store is not None:
            failed = "the last grade was not taken back"
            undone = self.tutor.safely(store.undo_last_review, fallback=False, failed=failed)
            if undone is False:  # the store failed, and said so
                return
        if attempt is not None and self.recorded and attempt.item.id == item_id:
            self.recorded = False
            self._take_back(attempt)
        self.session.undo()
        self._update_status()
        self.tutor.notify(f"took back the grade of “{self.session.prompt_of(item_id)}”")

    def _take_back(self, attempt: Attempt) -> None:
        typed = attempt.committed or ""
        attempt.take_back()
        if attempt.committed is None:
            self.query(PredictionEvidence).remove()
            self._reopen(typed)
        self._show_feedback()

    def action_review_ahead(self) -> None:
        """A review over: the items coming due this week, reviewed early."""
        self.tutor.pop_screen()
        self.tutor.open_review(ReviewRequest("ahead"))

    def action_cram(self) -> None:
        """A review over: every item of the begun lessons again, the schedule left alone."""
        self.tutor.pop_screen()
        self.tutor.open_review(ReviewRequest("cram"))
