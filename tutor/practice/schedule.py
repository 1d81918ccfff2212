"""Spaced review with FSRS: each practice item is a card, each committed answer a review.

The grade and the nudges used map to an FSRS rating; the ``fsrs`` package does
the scheduling, and the store keeps every card and review log.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

from tutor.practice.review_plan import DEFAULT_RETENTION, local_days
from tutor.store import Store


class LessonStats:
    """What the stats view shows for one lesson."""

    def __init__(self, days: int) -> None:
        self.seen = 0
        self.recall_sum = 0.0
        self.reviews = 0
        self.right = 0
        self.due_by_day = [0] * days

    @property
    def retention(self) -> float:
        """The share of the lesson's reviews answered right: what the learner has shown,
        so a failed review always lowers it."""
        return self.right / self.reviews if self.reviews else 0.0

    @property
    def recall_now(self) -> float:
        """FSRS's estimate of recalling a seen item right now (retrievability), on average:
        high just after any review, failed or not, so it is shown beside the retention."""
        return self.recall_sum / self.seen if self.seen else 0.0


#: What reading or trying a damaged card raises: bad JSON (or too deep), a dict without
#: a card's fields or with values of the wrong type, and FSRS failing on values it
#: cannot use (a step past its list, a time out of range, its own asserts).
_DAMAGED_CARD = (
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    RecursionError,
    ArithmeticError,
    AssertionError,
)

#: Nudges an item offers; using all of them means the answer was as good as given.
NUDGES = 3


def rating_for(correct: bool, nudges_used: int) -> Rating:
    """Wrong, or right only after every nudge → Again; right after some nudges → Hard;
    right on your own → Good."""
    if not correct or nudges_used >= NUDGES:
        return Rating.Again
    return Rating.Hard if nudges_used else Rating.Good


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Reviewer:
    """Records reviews and answers 'what is due' (``now`` is injectable for tests)."""

    def __init__(
        self,
        store: Store,
        scheduler: Scheduler | None = None,
        desired_retention: float = DEFAULT_RETENTION,
    ) -> None:
        self.store = store
        self.scheduler = scheduler or Scheduler(desired_retention=desired_retention)

    def record(
        self,
        item_id: str,
        lesson_id: str,
        correct: bool,
        nudges_used: int,
        now: datetime | None = None,
    ) -> Card:
        """Schedule the item's next review from this answer, and save it."""
        moment = now or datetime.now(UTC)
        card = self._card(self.store.card(item_id), moment)
        rating = rating_for(correct, nudges_used)
        card, log = self.scheduler.review_card(card, rating, review_datetime=moment)
        self.store.record_review(
            item_id=item_id,
            lesson_id=lesson_id,
            card=json.dumps(card.to_dict()),
            due=_iso(card.due),
            rating=int(rating),
            correct=correct,
            nudges=nudges_used,
            reviewed_at=_iso(moment),
            log=json.dumps(log.to_dict()),
        )
        return card

    def mark_easy(self, item_id: str) -> Card | None:
        """Rate the last review again as Easy, where it was ``item_id`` answered right without
        a nudge (Good): scheduled from the card before it, at its time, so it comes back later.
        None, and nothing changed, where the last review is anything else."""
        last = self.store.last_review()
        if last is None or last[:2] != (item_id, int(Rating.Good)):
            return None
        _, _, before, reviewed_at = last
        moment, card_id = datetime.fromisoformat(reviewed_at), None
        try:  # the card the Good answer made: its exact time, and the card's id to keep
            rated_good = Card.from_dict(json.loads(self.store.card(item_id) or ""))
            moment, card_id = rated_good.last_review or moment, rated_good.card_id
        except _DAMAGED_CARD:
            pass  # the stored time (to the second) does
        start = self._card(before, moment)
        if before is None and card_id is not None:
            start.card_id = card_id  # a new item's first card: the same card, rated Easy
        card, log = self.scheduler.review_card(start, Rating.Easy, review_datetime=moment)
        changed = self.store.rerate_last_review(
            item_id,
            card=json.dumps(card.to_dict()),
            due=_iso(card.due),
            rating=int(Rating.Easy),
            log=json.dumps(log.to_dict()),
        )
        return card if changed else None

    def _card(self, stored: str | None, moment: datetime) -> Card:
        """The item's card as the store keeps it; a new card (due at ``moment``) where there
        is none, or where the stored one is damaged: not JSON, or not a card FSRS can
        schedule (hand-edited, or written by something else). Its review history is kept."""
        if stored:
            try:
                card = Card.from_dict(json.loads(stored))
                if self._schedulable(card, moment):
                    return card
            except _DAMAGED_CARD:
                pass  # scheduled afresh, below
        return Card(due=moment)

    def _schedulable(self, card: Card, moment: datetime) -> bool:
        """Can FSRS work with ``card``? Its times compare with now (time-zone aware), its
        numbers are in FSRS's ranges, and a review of it goes through with every rating
        (raising where not)."""
        if card.due.tzinfo is None or (card.last_review and card.last_review.tzinfo is None):
            return False
        if card.step is not None and not (type(card.step) is int and card.step >= 0):
            return False
        if card.stability is not None and not 0 < card.stability < math.inf:
            return False
        if card.difficulty is not None and not 1 <= card.difficulty <= 10:
            return False
        recall = self.scheduler.get_card_retrievability(card, moment)
        for rating in Rating:
            self.scheduler.review_card(card, rating, review_datetime=moment.astimezone(UTC))
        return isinstance(recall, int | float) and 0 <= recall <= 1

    def due(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """``(item_id, lesson_id)`` of every item due now, in scheduler order."""
        moment = _iso(now or datetime.now(UTC))
        return [(item, lesson) for item, lesson, _ in self.store.due_cards(moment)]

    def stats(self, now: datetime | None = None, days: int = 7) -> dict[str, LessonStats]:
        """Per lesson: items seen, reviews and how many were right, mean recall probability
        now (FSRS retrievability), and how many come due on each of the next ``days`` days
        of the learner's calendar (today first, anything overdue with it)."""
        moment = now or datetime.now(UTC)
        found: dict[str, LessonStats] = {}
        for _, lesson_id, raw in self.store.cards():
            card = self._card(raw, moment)
            stats = found.setdefault(lesson_id, LessonStats(days))
            stats.seen += 1
            stats.recall_sum += self.scheduler.get_card_retrievability(card, moment)
            day = max(0, local_days(moment, card.due))
            if day < days:
                stats.due_by_day[day] += 1
        for lesson_id, (reviews, right) in self.store.review_outcomes().items():
            stats = found.setdefault(lesson_id, LessonStats(days))
            stats.reviews, stats.right = reviews, right
        return found

    def due_counts(self, now: datetime | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, lesson_id in self.due(now):
            counts[lesson_id] = counts.get(lesson_id, 0) + 1
        return counts
