"""How an attempt reads once it is committed: the verdict (``tutor.practice.feedback``: for a
written answer the key ideas found and the misconceptions voiced, with their corrections; for a
number the tolerance), the nudges asked for (before the commit, only they), then the answer,
the reasoning, the common wrong answer, the self-check and when the item comes back, and
which key comes next. The screen decides when; this
widget only says it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Markdown

from tutor.practice.feedback import verdict
from tutor.text import preview, visible

if TYPE_CHECKING:
    from tutor.practice.session import Attempt


def _echo(answer: str) -> str:
    """The learner's answer as the feedback quotes it: its head, however much was typed."""
    return visible(preview(answer))


class AttemptFeedback(Markdown):
    def committed(self, shown: str) -> None:
        """A prediction locked in, its evidence still to come."""
        self.update(f"**You committed:** {_echo(shown)}")

    def show(self, attempt: Attempt) -> None:
        """Everything ``attempt`` has revealed so far: before the commit only its nudges."""
        item, grade = attempt.item, attempt.grade
        parts = [f"**You committed:** {_echo(attempt.committed)}"] if attempt.committed else []
        if grade is not None:
            parts += verdict(item, grade)
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
                parts.append("*Did your answer have it? `y` yes, `x` no (`u` takes it back).*")
            else:
                parts.append(
                    f"{_scheduled(attempt)}*`]` for the next item, `u` takes the grade back.*"
                )
        elif attempt.committed is None:
            parts.append(
                "*A nudge (`g`, or `ctrl+g` while typing) helps you form your answer, and "
                "lowers this review's rating; the answer comes after you commit. While you "
                "type, letters are yours: `escape` leaves the answer for the letter keys.*"
            )
        elif grade is not None:
            parts.append("*`g` for a nudge, `a` for the answer.*")
        self.update("\n\n".join(parts))


def _scheduled(attempt: Attempt) -> str:
    """When the item comes back, and how to say it was easy where that is on offer."""
    if not attempt.again:
        return ""
    easy = " *Was it easy? `4` brings it back later.*" if attempt.may_rate_easy else ""
    return f"**Scheduled:** {attempt.again}{' (rated easy)' if attempt.rated_easy else ''}.{easy} "
