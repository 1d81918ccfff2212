"""The learner's data in one SQLite file: the only module that speaks SQL.

WAL mode, foreign keys on, and a schema version in ``PRAGMA user_version`` with
migrations applied in order inside a transaction. Later features (notes,
drafts, review state) add migrations here; they never fork the file.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

#: Each entry migrates from version ``index`` to ``index + 1``.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE progress (
        lesson_id TEXT NOT NULL,
        section   TEXT NOT NULL,
        seen_at   TEXT NOT NULL,
        PRIMARY KEY (lesson_id, section)
    );
    """,
)


class StoreError(Exception):
    """The database cannot be opened or written; the message says which file and why."""


class Store:
    """A connection to the learner's database, safe to share between threads (one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=5.0)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the database {path}: {error}") from None

    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        with self._lock:
            for version in range(self.version, len(MIGRATIONS)):
                with self._db:  # one transaction per step, version bump included
                    self._db.executescript(
                        f"BEGIN; {MIGRATIONS[version]} PRAGMA user_version = {version + 1}; COMMIT;"
                    )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- progress ---------------------------------------------------------------

    def mark_seen(self, lesson_id: str, section: str) -> None:
        """Remember that the learner opened ``section`` of ``lesson_id`` (idempotent)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO progress (lesson_id, section, seen_at) VALUES (?, ?, ?)",
                (lesson_id, section, now),
            )

    def seen_sections(self) -> dict[str, set[str]]:
        """Every lesson's seen sections."""
        with self._lock:
            rows = self._db.execute("SELECT lesson_id, section FROM progress").fetchall()
        seen: dict[str, set[str]] = {}
        for lesson_id, section in rows:
            seen.setdefault(lesson_id, set()).add(section)
        return seen
