"""Half-written answers, kept by what they belong to (e.g. ``practice:rc-edit``)."""

from __future__ import annotations

from tutor.store._connection import Tables, now


class Drafts(Tables):
    def save_draft(self, key: str, body: str) -> None:
        """Keep a half-written answer (an empty one is forgotten)."""
        updated_at = now()
        with self._lock, self._db:
            if body:
                self._db.execute(
                    "INSERT INTO drafts (key, body, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET body = excluded.body,"
                    " updated_at = excluded.updated_at",
                    (key, body, updated_at),
                )
            else:
                self._db.execute("DELETE FROM drafts WHERE key = ?", (key,))

    def draft(self, key: str) -> str:
        with self._lock:
            row = self._db.execute("SELECT body FROM drafts WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""
