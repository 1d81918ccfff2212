"""Review state: each practice item's scheduler card and the log of its reviews.

The cards and logs are ``fsrs`` objects as JSON; ``tutor.practice`` owns what they mean,
this module only keeps them (and the card before each review, so a review can be undone).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tutor.store._connection import Tables


def _due_of(card: str) -> str:
    """When a card (JSON) is due, ISO 8601 in UTC; now for a card too damaged to say,
    so the item comes up again as a new one would."""
    try:
        due = datetime.fromisoformat(json.loads(card)["due"])
        if due.tzinfo is None:
            raise ValueError("a due time without a time zone")
        return due.astimezone(UTC).isoformat(timespec="seconds")
    except (ValueError, TypeError, LookupError, RecursionError, OverflowError):
        return datetime.now(UTC).isoformat(timespec="seconds")


class Reviews(Tables):
    def card(self, item_id: str) -> str | None:
        """The item's card (JSON), or None if it was never reviewed."""
        with self._lock:
            row = self._db.execute(
                "SELECT card FROM cards WHERE item_id = ?", (item_id,)
            ).fetchone()
        return row[0] if row else None

    def record_review(
        self,
        *,
        item_id: str,
        lesson_id: str,
        card: str,
        due: str,
        rating: int,
        correct: bool,
        nudges: int,
        reviewed_at: str,
        log: str,
    ) -> None:
        """Save the new card and its review log in one transaction (the old card kept for undo)."""
        with self._lock, self._db:
            before = self._db.execute(
                "SELECT card FROM cards WHERE item_id = ?", (item_id,)
            ).fetchone()
            self._db.execute(
                "INSERT INTO reviews (item_id, lesson_id, rating, correct, nudges, reviewed_at,"
                " card_before, log) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item_id,
                    lesson_id,
                    rating,
                    int(correct),
                    nudges,
                    reviewed_at,
                    before[0] if before else None,
                    log,
                ),
            )
            self._db.execute(
                "INSERT INTO cards (item_id, lesson_id, card, due) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (item_id) DO UPDATE SET lesson_id = excluded.lesson_id,"
                " card = excluded.card, due = excluded.due",
                (item_id, lesson_id, card, due),
            )

    def undo_last_review(self) -> str | None:
        """Take back the most recent review: its card returns to what it was. Its item id."""
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT id, item_id, card_before FROM reviews ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            review_id, item_id, before = row
            self._db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if before is None:
                self._db.execute("DELETE FROM cards WHERE item_id = ?", (item_id,))
            else:
                due = _due_of(before)
                self._db.execute(
                    "UPDATE cards SET card = ?, due = ? WHERE item_id = ?", (before, due, item_id)
                )
            return item_id

    def due_cards(self, now: str) -> list[tuple[str, str, str]]:
        """``(item_id, lesson_id, due)`` of every card due at ``now``, soonest first."""
        with self._lock:
            return self._db.execute(
                "SELECT item_id, lesson_id, due FROM cards WHERE due <= ? ORDER BY due, item_id",
                (now,),
            ).fetchall()

    def cards(self) -> list[tuple[str, str, str]]:
        """``(item_id, lesson_id, card JSON)`` of every item ever reviewed."""
        with self._lock:
            return self._db.execute("SELECT item_id, lesson_id, card FROM cards").fetchall()

    def next_due(self) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT MIN(due) FROM cards").fetchone()
        return row[0] if row else None

    def reviews_since(self, moment: str) -> tuple[int, int]:
        """Reviews taken at or after ``moment``: ``(first reviews of new items, the others)``,
        what the daily limits count."""
        with self._lock:
            row = self._db.execute(
                "SELECT COALESCE(SUM(card_before IS NULL), 0),"
                " COALESCE(SUM(card_before IS NOT NULL), 0) FROM reviews WHERE reviewed_at >= ?",
                (moment,),
            ).fetchone()
        return int(row[0]), int(row[1])

    def review_outcomes(self) -> dict[str, tuple[int, int]]:
        """Per lesson, ``(reviews taken, reviews answered right)`` over the whole history."""
        with self._lock:
            rows = self._db.execute(
                "SELECT lesson_id, COUNT(*), COALESCE(SUM(correct), 0) FROM reviews"
                " GROUP BY lesson_id"
            ).fetchall()
        return {lesson_id: (int(count), int(right)) for lesson_id, count, right in rows}

    def last_review(self) -> tuple[str, int, str | None, str] | None:
        """``(item_id, rating, card before it, reviewed_at)`` of the most recent review, the
        one an undo would take back."""
        with self._lock:
            row = self._db.execute(
                "SELECT item_id, rating, card_before, reviewed_at FROM reviews"
                " ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return (row[0], int(row[1]), row[2], row[3]) if row else None

    def rerate_last_review(self, item_id: str, card: str, due: str, rating: int, log: str) -> bool:
        """Give the most recent review, if it is ``item_id``'s, another rating and the card
        that rating schedules, in one transaction. Whether it was."""
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT id, item_id FROM reviews ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None or row[1] != item_id:
                return False
            self._db.execute(
                "UPDATE reviews SET rating = ?, log = ? WHERE id = ?", (rating, log, row[0])
            )
            self._db.execute(
                "UPDATE cards SET card = ?, due = ? WHERE item_id = ?", (card, due, item_id)
            )
            return True
