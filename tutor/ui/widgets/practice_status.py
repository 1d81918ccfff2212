"""Where a practice session stands: the screen's top line (the item's place in the queue, the
difficulty filters and their keys, this session's tally), and what shows when no item does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tutor.practice.session import DIFFICULTIES

if TYPE_CHECKING:
    from tutor.practice.session import Session


class PracticeStatus(Static):
    def show(self, session: Session, typing: bool) -> None:
        """``typing``: an answer field has the letters, so the filter keys are not offered."""
        queue = session.queue
        filters = "  ".join(
            f"{'●' if d in session.difficulties else '○'} {d}" for d in DIFFICULTIES
        )
        where = f"item {session.position % max(len(queue), 1) + 1} of {len(queue)}"
        self.update(
            Text(
                f"{where}   {filters}{'' if typing else ' (e/m/d)'}   this session: "
                f"{session.done} done, {session.right} right"
            )
        )


def session_summary(session: Session, next_due: str | None) -> str:
    """Markdown for a session with no item to show: filtered to nothing, or a review done."""
    if not session.over:
        return "No practice items match these filters."
    return (
        f"## Review done\n\n{session.done} done, {session.right} right.\n\n"
        + (f"The next item is due {next_due}." if next_due else "Nothing else is scheduled.")
        + "\n\n`escape` goes back."
    )
