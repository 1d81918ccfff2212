"""Which sections of which lessons the learner has opened."""

from __future__ import annotations

from tutor.store._connection import Tables, now


class Progress(Tables):
    def mark_seen(self, lesson_id: str, section: str) -> None:
        """Remember that the learner opened ``section`` of ``lesson_id`` (idempotent)."""
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
