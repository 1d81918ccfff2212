"""Which sections of which lessons the learner has read, how they last answered each item,
and where they left off."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from tutor.store._connection import Tables, now

PlaceKind = Literal["section", "practice", "lab"]


@dataclass(frozen=True)
class Place:
    """Where the learner was last: in ``lesson_id``, a section (its key), a practice item
    (its id), or the lab (``{"tab": …, "params": {…}}``); ``at`` is ISO 8601, UTC."""

    lesson_id: str
    kind: PlaceKind
    target: Any
    at: str

    def as_json(self) -> dict[str, Any]:
        return {"lesson": self.lesson_id, "kind": self.kind, "target": self.target, "at": self.at}


class Progress(Tables):
    def mark_seen(self, lesson_id: str, section: str) -> None:
        """Remember that the learner read ``section`` of ``lesson_id`` (idempotent)."""
        seen_at = now()
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO progress (lesson_id, section, seen_at) VALUES (?, ?, ?)",
                (lesson_id, section, seen_at),
            )

    def seen_sections(self) -> dict[str, set[str]]:
        """Every lesson's seen sections."""
        with self._lock:
            rows = self._db.execute("SELECT lesson_id, section FROM progress").fetchall()
        seen: dict[str, set[str]] = {}
        for lesson_id, section in rows:
            seen.setdefault(lesson_id, set()).add(section)
        return seen

    def latest_answers(self) -> dict[str, tuple[bool, int]]:
        """Each answered item's most recent committed answer: ``(right, nudges used)``
        (an undone review is gone from the log, so the answer before it counts again)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT reviews.item_id, reviews.correct, reviews.nudges FROM reviews"
                " JOIN (SELECT item_id, MAX(id) AS last FROM reviews GROUP BY item_id) AS latest"
                " ON reviews.id = latest.last"
            ).fetchall()
        return {item_id: (bool(correct), int(nudges)) for item_id, correct, nudges in rows}

    def set_place(self, lesson_id: str, kind: PlaceKind, target: Any) -> Place:
        """Remember where the learner is now (the one place kept: the last)."""
        place = Place(lesson_id, kind, target, now())
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO place (id, lesson_id, kind, target, at) VALUES (1, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET lesson_id = excluded.lesson_id,"
                " kind = excluded.kind, target = excluded.target, at = excluded.at",
                (lesson_id, kind, json.dumps(target), place.at),
            )
        return place

    def place(self) -> Place | None:
        """Where the learner left off (None: nowhere yet, or a row no restutor wrote)."""
        with self._lock:
            row = self._db.execute("SELECT lesson_id, kind, target, at FROM place").fetchone()
        if row is None:
            return None
        lesson_id, kind, target, at = row
        try:
            return Place(lesson_id, kind, json.loads(target), at)
        except (TypeError, ValueError):
            return None

    def forget_place(self) -> None:
        """Nothing to continue: the place's lesson is gone."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM place")
