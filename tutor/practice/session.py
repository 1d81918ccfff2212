"""One practice session: a queue of items and, per item, the commit-before-reveal states.

Pure logic (no Textual), so the order of the loop is enforced and tested here:
nudges one at a time (before or after the commit: they help form the prediction, and
each one lowers the review's rating) → commit a prediction → then the answer → (text
items) the learner's self-check → the review is recorded → next. A grade taken back
returns the attempt to just before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tutor.lessons.model import PracticeItem
from tutor.practice.grading import Grade
from tutor.practice.review_plan import LessonQueue, ReviewRequest
from tutor.text import one_line

DIFFICULTIES = ("easy", "medium", "hard")


class NotYet(Exception):
    """A reveal asked for before the prediction was committed (the message says why)."""


@dataclass
class Attempt:
    """The learner's progress through one item."""

    item: PracticeItem
    lesson_id: str
    committed: str | None = None  # the prediction, as shown back
    grade: Grade | None = None
    nudges_shown: int = 0
    answer_shown: bool = False
    self_check: bool | None = None  # text items: the learner's own verdict
    again: str | None = None  # when the recorded review brings the item back ("again today")
    rated_easy: bool = False  # the learner said a right answer was easy: it comes back later
    scheduled: bool = True  # False in a cram: the answer moves no schedule

    @property
    def needs_self_check(self) -> bool:
        return self.item.kind == "text" and self.answer_shown and self.self_check is None

    @property
    def correct(self) -> bool | None:
        """The final verdict: a text item's self-check, otherwise the grade."""
        if self.item.kind == "text":
            return self.self_check
        return None if self.grade is None else self.grade.correct

    @property
    def may_rate_easy(self) -> bool:
        """A scheduled answer, right without a nudge, can be called easy (once)."""
        return (
            bool(self.again)
            and self.correct is True
            and not self.nudges_shown
            and not (self.rated_easy)
        )

    @property
    def finished(self) -> bool:
        return self.answer_shown and self.correct is not None

    def commit(self, shown: str, grade: Grade) -> None:
        if self.committed is not None:
            raise NotYet("this prediction is already committed")
        self.committed, self.grade = shown, grade

    def _require_commit(self, what: str) -> None:
        if self.committed is None:
            raise NotYet(f"commit a prediction first: {what} comes after you commit")

    def next_nudge(self) -> str:
        if self.nudges_shown >= len(self.item.nudges):
            raise NotYet("no nudges left: reveal the answer")
        self.nudges_shown += 1
        return self.item.nudges[self.nudges_shown - 1]

    def reveal(self) -> None:
        self._require_commit("the answer")
        self.answer_shown = True

    def check_self(self, right: bool) -> None:
        if not self.answer_shown:
            raise NotYet("reveal the answer before checking yourself against it")
        self.self_check = right

    def take_back(self) -> None:
        """Undo the last grade: a text item's self-check (it can be given again), otherwise
        the commit and what it revealed (the nudges seen stay seen)."""
        self.again, self.rated_easy = None, False
        if self.item.kind == "text" and self.self_check is not None:
            self.self_check = None
        else:
            self.committed = self.grade = None
            self.answer_shown = False


@dataclass
class Session:
    """The items of some lessons, filtered by difficulty, worked through in order."""

    items: list[tuple[str, PracticeItem]]
    difficulties: set[str] = field(default_factory=lambda: set(DIFFICULTIES))
    #: A practice session cycles through its items; a review goes through them once.
    cycle: bool = True
    #: The review this session is (None: practice on a lesson's items).
    review: ReviewRequest | None = None
    #: What the day's limits left out of a review, said when it is over.
    held_back: LessonQueue | None = None
    #: New items in lessons not begun yet, which a review does not bring.
    unbegun_new: int = 0

    @property
    def scheduled(self) -> bool:
        """Whether the answers are recorded as reviews (a cram leaves the schedule alone)."""
        return self.review is None or self.review.scheduled

    position: int = 0
    #: Each item recorded in this session and its verdict, in order: what undo may take back.
    recorded: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return len(self.recorded)

    @property
    def right(self) -> int:
        return sum(right for _, right in self.recorded)

    @property
    def last_recorded(self) -> str | None:
        """The item whose grade an undo would take back (none from an earlier session)."""
        return self.recorded[-1][0] if self.recorded else None

    @property
    def queue(self) -> list[tuple[str, PracticeItem]]:
        return [(lid, item) for lid, item in self.items if item.difficulty in self.difficulties]

    def toggle(self, difficulty: str) -> None:
        """Turn a difficulty on or off (at least one stays on)."""
        if difficulty in self.difficulties and len(self.difficulties) > 1:
            self.difficulties.discard(difficulty)
        else:
            self.difficulties.add(difficulty)
        self.position = min(self.position, max(len(self.queue) - 1, 0))

    @property
    def over(self) -> bool:
        """A review is over once it has moved past its last item."""
        return not self.cycle and self.position >= len(self.queue)

    def current(self) -> Attempt | None:
        queue = self.queue
        if not queue or self.over:
            return None
        lesson_id, item = queue[self.position % len(queue)]
        return Attempt(item, lesson_id, scheduled=self.scheduled)

    def record(self, attempt: Attempt) -> None:
        self.recorded.append((attempt.item.id, bool(attempt.correct)))

    def prompt_of(self, item_id: str) -> str:
        """The first words of the item's prompt, as read (no code marks): how a learner
        recognises it."""
        prompt = next((item.prompt for _, item in self.items if item.id == item_id), item_id)
        return one_line(prompt.replace("`", ""), 40)

    def undo(self) -> None:
        if self.recorded:
            self.recorded.pop()

    def seen_the_reference(self, item_id: str, right: bool) -> bool:
        """A code exercise missed (given up, its reference solution shown): taking the miss
        back would let the reference be pasted in for a pass."""
        item = next((item for _, item in self.items if item.id == item_id), None)
        return item is not None and item.kind == "code" and not right

    def advance(self) -> None:
        if self.cycle:
            self.position = (self.position + 1) % max(len(self.queue), 1)
        else:
            self.position = min(self.position + 1, len(self.queue))
