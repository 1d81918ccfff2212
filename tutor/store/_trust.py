"""The lesson files whose code the learner has said may run, each as it was then."""

from __future__ import annotations

from tutor.store._connection import Tables, now


class Trust(Tables):
    def trust_lesson(self, path: str, sha256: str) -> None:
        """Remember the learner's yes for the file at ``path`` with exactly these bytes
        (a yes to an earlier version of the file is forgotten)."""
        trusted_at = now()
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO trusted_lessons (path, sha256, trusted_at) VALUES (?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256,"
                " trusted_at = excluded.trusted_at",
                (path, sha256, trusted_at),
            )

    def trusts_lesson(self, path: str, sha256: str) -> bool:
        """Did the learner say yes to this file as it is now?"""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM trusted_lessons WHERE path = ? AND sha256 = ?", (path, sha256)
            ).fetchone()
        return row is not None
