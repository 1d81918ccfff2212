"""The learner's data in one SQLite file: the only module that speaks SQL.

WAL mode, foreign keys on, and a schema version in ``PRAGMA user_version`` with
migrations applied in order inside a transaction. Later features (notes,
drafts, review state) add migrations here; they never fork the file.
"""

from __future__ import annotations

import json
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
    """
    CREATE TABLE cards (
        item_id   TEXT PRIMARY KEY,
        lesson_id TEXT NOT NULL,
        card      TEXT NOT NULL,  -- the fsrs Card as JSON
        due       TEXT NOT NULL   -- ISO 8601, UTC: sorts as time
    );
    CREATE INDEX cards_due ON cards (due);
    CREATE TABLE reviews (
        id          INTEGER PRIMARY KEY,
        item_id     TEXT NOT NULL,
        lesson_id   TEXT NOT NULL,
        rating      INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        nudges      INTEGER NOT NULL,
        reviewed_at TEXT NOT NULL,
        card_before TEXT,          -- to undo this review; NULL for a first review
        log         TEXT NOT NULL  -- the fsrs ReviewLog as JSON
    );
    CREATE INDEX reviews_item ON reviews (item_id);
    """,
    """
    CREATE TABLE drafts (
        key        TEXT PRIMARY KEY,  -- what the draft belongs to, e.g. 'practice:rc-edit'
        body       TEXT NOT NULL,
        updated_at TEXT NOT NULL
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

    # -- review state ---------------------------------------------------------------

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
                due = (
                    datetime.fromisoformat(json.loads(before)["due"])
                    .astimezone(UTC)
                    .isoformat(timespec="seconds")
                )
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

    # -- drafts ---------------------------------------------------------------------

    def save_draft(self, key: str, body: str) -> None:
        """Keep a half-written answer (an empty one is forgotten)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._db:
            if body:
                self._db.execute(
                    "INSERT INTO drafts (key, body, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET body = excluded.body,"
                    " updated_at = excluded.updated_at",
                    (key, body, now),
                )
            else:
                self._db.execute("DELETE FROM drafts WHERE key = ?", (key,))

    def draft(self, key: str) -> str:
        with self._lock:
            row = self._db.execute("SELECT body FROM drafts WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def seen_sections(self) -> dict[str, set[str]]:
        """Every lesson's seen sections."""
        with self._lock:
            rows = self._db.execute("SELECT lesson_id, section FROM progress").fetchall()
        seen: dict[str, set[str]] = {}
        for lesson_id, section in rows:
            seen.setdefault(lesson_id, set()).add(section)
        return seen
