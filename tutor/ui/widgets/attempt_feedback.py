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
from tutor.ui.keys import key_shown

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
        item, grade, key = attempt.item, attempt.grade, self._key
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
                parts.append(
                    f"*Did your answer have it? {key('practice.had_it')} yes, "
                    f"{key('practice.missed_it')} no ({key('practice.undo')} takes it back).*"
                )
            else:
                # a code item given up stays a miss: the reference it has seen would pass
                undo = (
                    ""
                    if grade and grade.gave_up
                    else f", {key('practice.undo')} takes the grade back"
                )
                parts.append(
                    f"{_scheduled(attempt, key('practice.rate_easy'))}*{key('practice.next')} "
                    f"for the next item{undo}.*"
                )
        elif attempt.committed is None:
            parts.append(
                f"*A nudge ({key('practice.nudge')}, or {key('answer.nudge')} while typing) "
                "helps you form your answer, and lowers this review's rating; the answer comes "
                f"after you commit. While you type, letters are yours: {key('answer.leave')} "
                "leaves the answer for the letter keys.*"
            )
        elif grade is not None:
            parts.append(
                f"*{key('practice.nudge')} for a nudge, {key('practice.answer')} for the answer.*"
            )
        self.update("\n\n".join(parts))

    def _key(self, binding_id: str) -> str:
        """The binding's key now (the learner may have remapped it), as code."""
        return f"`{key_shown(self.app, binding_id)}`"


def _scheduled(attempt: Attempt, easy_key: str) -> str:
    """When the item comes back, and how to say it was easy where that is on offer."""
    if not attempt.scheduled:
        return "**Not scheduled:** a cram leaves the schedule as it was. "
    if not attempt.again:
        return ""
    easy = f" *Was it easy? {easy_key} brings it back later.*" if attempt.may_rate_easy else ""
    return f"**Scheduled:** {attempt.again}{' (rated easy)' if attempt.rated_easy else ''}.{easy} "
