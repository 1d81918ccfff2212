"""What a review takes: the items due, within the day's limits, then new ones; or, asked
for, the items coming due soon (review ahead) or every item of the lessons (cram).

The limits count the learner's calendar day (local midnight to midnight), so a review
started twice in a day shares one allowance. New items come only from lessons the learner
has begun (read in, or practised): a review does not start a lesson for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tutor.lessons.model import Lesson
    from tutor.store import Store

ReviewMode = Literal["due", "ahead", "cram"]

#: Later than any due time (ISO 8601 compares as text): every card is due by then.
_END_OF_TIME = "9999-12-31"

#: FSRS's default probability of recall at which an item comes due (``review.desired_retention``).
DEFAULT_RETENTION = 0.9

#: How far review ahead looks when not told: the items that would come due this week.
AHEAD_DAYS = 7
MAX_AHEAD_DAYS = 365


@dataclass(frozen=True)
class ReviewRequest:
    """The review the learner asked for: its mode, and how far ahead a review ahead looks."""

    mode: ReviewMode = "due"
    ahead_days: int = AHEAD_DAYS

    @property
    def scheduled(self) -> bool:
        """Whether the answers move the schedule: a cram only drills."""
        return self.mode != "cram"

    @property
    def title(self) -> str:
        if self.mode == "ahead":
            return f"Review ahead · the next {self.ahead_days} days"
        return "Cram · answers leave the schedule as it was" if self.mode == "cram" else "Review"


@dataclass(frozen=True)
class DailyLimits:
    """How many new items a day introduces, and how many due reviews it takes."""

    new_per_day: int = 20
    reviews_per_day: int = 200


@dataclass(frozen=True)
class LessonQueue:
    """One lesson's items waiting: due for review now, and never reviewed."""

    due: int = 0
    new: int = 0


@dataclass
class ReviewPlan:
    """The ``(lesson_id, item_id)`` pairs a review goes through, once, in order."""

    mode: ReviewMode
    items: list[tuple[str, str]] = field(default_factory=list)
    #: Due items left for another day by the review limit, and new items by the new limit.
    held_back: LessonQueue = LessonQueue()
    #: New items of the lessons not begun yet: a review leaves them to the lessons.
    unbegun_new: int = 0


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def start_of_day(now: datetime) -> datetime:
    """Local midnight of ``now``'s day, where the daily limits start counting."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def local_days(now: datetime, later: datetime) -> int:
    """Calendar days from ``now`` to ``later`` on the learner's clock: 0 for later today
    (however late), 1 for any time tomorrow; negative for an earlier day."""
    return (later.astimezone().date() - now.astimezone().date()).days


def lesson_queues(
    store: Store, lessons: Mapping[str, Sequence[str]], now: datetime | None = None
) -> dict[str, LessonQueue]:
    """Per lesson (item ids in lesson order), how many of its items are due and how many
    are new. An item no longer in its lesson is not counted (its history stays)."""
    moment = now or datetime.now(UTC)
    due = {item for item, _, _ in store.due_cards(_iso(moment))}
    reviewed = {item for item, _, _ in store.cards()}
    return {
        lesson_id: LessonQueue(
            due=sum(item in due for item in items),
            new=sum(item not in reviewed for item in items),
        )
        for lesson_id, items in lessons.items()
    }


def plan_review(
    store: Store,
    lessons: Mapping[str, Sequence[str]],
    limits: DailyLimits = DailyLimits(),
    mode: ReviewMode = "due",
    now: datetime | None = None,
    ahead_days: int = AHEAD_DAYS,
) -> ReviewPlan:
    """The review ``mode`` asks for over ``lessons`` (in map order, item ids in lesson order):

    - ``due``: the items due now, soonest first, up to what is left of the day's review
      limit, then new items of begun lessons up to what is left of the new limit;
    - ``ahead``: the items due now or coming due within ``ahead_days``, soonest first (those
      reviewed early FSRS lengthens less), beyond the daily limits: the learner asked;
    - ``cram``: every reviewed item of the begun lessons, soonest due first; the answers
      leave the schedule as it was.
    """
    moment = now or datetime.now(UTC)
    known = {item: lesson_id for lesson_id, items in lessons.items() for item in items}
    plan = ReviewPlan(mode)
    if mode == "ahead":
        until = _iso(moment + timedelta(days=ahead_days))
        plan.items = _known(store.due_cards(until), known)
        return plan
    if mode == "cram":
        begun = _begun(store, lessons, store.cards())
        every_card = store.due_cards(_END_OF_TIME)
        plan.items = [
            (lesson, item) for lesson, item in _known(every_card, known) if lesson in begun
        ]
        return plan
    new_today, reviews_today = store.reviews_since(_iso(start_of_day(moment)))
    due = _known(store.due_cards(_iso(moment)), known)
    reviews_left = max(0, limits.reviews_per_day - reviews_today)
    cards = store.cards()
    reviewed = {item for item, _, _ in cards}
    begun = _begun(store, lessons, cards)
    unreviewed = [
        (lesson_id, item)
        for lesson_id, items in lessons.items()
        for item in items
        if item not in reviewed
    ]
    new = [(lesson_id, item) for lesson_id, item in unreviewed if lesson_id in begun]
    plan.unbegun_new = len(unreviewed) - len(new)
    new_left = max(0, limits.new_per_day - new_today)
    plan.items = due[:reviews_left] + new[:new_left]
    plan.held_back = LessonQueue(
        due=max(0, len(due) - reviews_left), new=max(0, len(new) - new_left)
    )
    return plan


def _known(
    cards: Sequence[tuple[str, str, str]], known: Mapping[str, str]
) -> list[tuple[str, str]]:
    """The cards (soonest due first) of items still in a lesson."""
    return [(known[item], item) for item, _, _ in cards if item in known]


def _begun(
    store: Store, lessons: Mapping[str, Sequence[str]], cards: Sequence[tuple[str, str, str]]
) -> set[str]:
    """Lessons the learner has read a section of, or answered an item of (``cards``)."""
    practised = {lesson_id for _, lesson_id, _ in cards}
    return (set(store.seen_sections()) | practised) & set(lessons)


def lesson_items(lessons: Iterable[Lesson]) -> dict[str, list[str]]:
    """Each lesson's item ids, in the order given (the map's) and the lesson's own."""
    return {lesson.id: [item.id for item in lesson.practice] for lesson in lessons}
