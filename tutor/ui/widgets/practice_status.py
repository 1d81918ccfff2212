"""Where a practice session stands: the screen's top line (the item's place in the queue, the
difficulty filters and their keys, this session's tally), and what shows when no item does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tutor.practice.feedback import when_due
from tutor.practice.review_plan import AHEAD_DAYS
from tutor.practice.session import DIFFICULTIES

if TYPE_CHECKING:
    from tutor.practice.review_plan import ReviewRequest
    from tutor.practice.session import Session


class PracticeStatus(Static):
    def show(self, session: Session, typing: bool) -> None:
        """``typing``: an answer field has the letters, so the filter keys are not offered."""
        queue = session.queue
        filters = "  ".join(
            f"{'●' if d in session.difficulties else '○'} {d}" for d in DIFFICULTIES
        )
        if session.over:
            where = "review over"
        elif not queue:
            where = "no items"
        else:
            where = f"item {session.position % len(queue) + 1} of {len(queue)}"
        self.update(
            Text(
                f"{where}   {filters}{'' if typing else ' (e/m/d)'}   this session: "
                f"{session.done} done, {session.right} right"
            )
        )


def session_summary(
    session: Session, next_due: str | None, key: Callable[[str], str], now: datetime
) -> str:
    """Markdown for a session with no item to show: filtered to nothing, or a review over
    (with what the day's limits left for later, and the reviews to go on with). ``key``
    names a binding's key as the learner has it."""
    if not session.over:
        return "No practice items match these filters."
    held = session.held_back
    if session.done:
        done = f"## Review done\n\n{session.done} done, {session.right} right."
    elif held is None:
        done = "## No review\n\nWhat is due could not be read from the database."
    elif held.due or held.new:
        done = "## Today's limits are reached"
    else:
        done = f"## Nothing to review\n\n{_nothing_in(session.review)}"
    later = []
    if held is not None and (held.due or held.new):
        later.append(
            f"The daily limits keep {held.due} due and {held.new} new items for later days "
            "(`restutor config set review.new_per_day N` or `review.reviews_per_day N` "
            "changes them)."
        )
    if session.unbegun_new:
        later.append(
            f"{session.unbegun_new} new items wait in lessons you have not begun: open one "
            "from the map, and once you have read in it, its items join your reviews."
        )
    when = when_due(datetime.fromisoformat(next_due), now) if next_due else ""
    later.append(f"The next item is due {when}." if when else "Nothing else is scheduled.")
    return (
        done
        + "".join(f"\n\n{line}" for line in later)
        + f"\n\n{key('practice.review_ahead')} reviews ahead (the items due now or in the "
        f"next {AHEAD_DAYS} days), {key('practice.cram')} crams (every item you have "
        f"reviewed, the schedule left as it was), {key('practice.back')} goes back."
    )


def _nothing_in(review: ReviewRequest | None) -> str:
    if review is not None and review.mode == "ahead":
        return f"No item is due now or in the next {review.ahead_days} days."
    if review is not None and review.mode == "cram":
        return "You have not reviewed any item of the lessons you have begun yet."
    return "No item is due now, and no new item waits in the lessons you have begun."
