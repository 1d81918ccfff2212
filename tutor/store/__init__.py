"""The learner's data in one SQLite file: the only module that speaks SQL.

WAL mode, foreign keys on, and a schema version in ``PRAGMA user_version`` with
migrations applied in order inside a transaction. Later features (notes,
drafts, review state) add migrations here; they never fork the file.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

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
    """
    CREATE TABLE notes (
        id          INTEGER PRIMARY KEY,
        uid         TEXT NOT NULL UNIQUE,  -- stable across export and import
        body        TEXT NOT NULL,
        tags        TEXT NOT NULL DEFAULT '',  -- space-separated
        next_action TEXT NOT NULL DEFAULT '',
        anchor_kind TEXT NOT NULL,  -- concept, equation, source, witness, claim, ...
        anchor_id   TEXT NOT NULL,  -- the anchored object's stable id
        lesson_id   TEXT,
        anchor_data TEXT,           -- JSON: e.g. the lab's parameters
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX notes_lesson ON notes (lesson_id);
    CREATE VIRTUAL TABLE notes_fts USING fts5(
        body, tags, next_action, content='notes', content_rowid='id'
    );
    CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts (rowid, body, tags, next_action)
        VALUES (new.id, new.body, new.tags, new.next_action);
    END;
    CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, body, tags, next_action)
        VALUES ('delete', old.id, old.body, old.tags, old.next_action);
    END;
    CREATE TRIGGER notes_au AFTER UPDATE ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, body, tags, next_action)
        VALUES ('delete', old.id, old.body, old.tags, old.next_action);
        INSERT INTO notes_fts (rowid, body, tags, next_action)
        VALUES (new.id, new.body, new.tags, new.next_action);
    END;
    """,
)

#: The columns of a note, in the order ``Note`` takes them.
NOTE_COLUMNS = (
    "id, uid, body, tags, next_action, anchor_kind, anchor_id, lesson_id, anchor_data,"
    " created_at, updated_at"
)


@dataclass(frozen=True)
class Note:
    """A research-room note, anchored to one object (see ``tutor.notes`` for the kinds)."""

    id: int
    uid: str
    body: str
    tags: tuple[str, ...]
    next_action: str
    anchor_kind: str
    anchor_id: str
    lesson_id: str | None
    anchor_data: dict | None
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: tuple) -> Note:
        values = list(row)
        values[3] = tuple(values[3].split()) if values[3] else ()
        values[8] = json.loads(values[8]) if values[8] else None
        return cls(*values)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tags"] = list(self.tags)
        del data["id"]
        return data


class StoreError(Exception):
    """The database cannot be opened or written; the message says which file and why."""


def _writes(method: Callable[..., T]) -> Callable[..., T]:
    """A write that fails (the file busy past the timeout, read-only, full) raises
    ``StoreError`` naming the file, so callers handle one exception, never a traceback."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: object, **kwargs: object) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreError(
                    f"the database {self.path} is busy (another restutor is "
                    "writing to it); try again in a moment"
                ) from None
            raise StoreError(f"cannot write the database {self.path}: {error}") from None

    return wrapper


class Store:
    """A connection to the learner's database, safe to share between threads (one lock)."""

    def __init__(self, path: Path, busy_timeout: float = 5.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout  # how long a write waits for another writer
        self._lock = threading.Lock()
        #: Where a corrupt database was moved aside on opening (None if it was not).
        self.moved_aside: Path | None = None
        #: Where the database was copied before this opening migrated it (None if it was not).
        self.backed_up: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._connect()
            except sqlite3.DatabaseError as error:
                if not _is_corrupt(error):
                    raise
                self.moved_aside = _move_aside(path)
                self._connect()
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreError(
                    f"the database {path} is busy (another restutor is writing "
                    "to it); try again in a moment"
                ) from None
            raise StoreError(f"cannot open the database {path}: {error}") from None
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the database {path}: {error}") from None

    def _connect(self) -> None:
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=self.busy_timeout)
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA quick_check").fetchone()
            self._migrate()
        except sqlite3.Error:
            self._db.close()
            raise

    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        with self._lock:
            if 0 < self.version < len(MIGRATIONS):
                self._back_up(self.version)
            for version in range(self.version, len(MIGRATIONS)):
                with self._db:  # one transaction per step, version bump included
                    self._db.executescript(
                        f"BEGIN; {MIGRATIONS[version]} PRAGMA user_version = {version + 1}; COMMIT;"
                    )

    def _back_up(self, version: int) -> None:
        """Copy the learner's data before a migration touches it (SQLite's online backup,
        so the copy is consistent even with a WAL)."""
        target = self.path.with_name(f"{self.path.name}.v{version}.backup")
        copy = sqlite3.connect(target)
        try:
            self._db.backup(copy)
        finally:
            copy.close()
        self.backed_up = target

    def notices(self) -> list[str]:
        """What opening the file did that the learner should hear of (damage, an upgrade)."""
        said = []
        if self.moved_aside is not None:
            said.append(
                f"the database {self.path} was damaged; it was moved to {self.moved_aside} "
                "(nothing deleted) and a new one started"
            )
        if self.backed_up is not None:
            said.append(
                f"the database {self.path} was upgraded; the previous version is kept at "
                f"{self.backed_up}"
            )
        return said

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- progress ---------------------------------------------------------------

    @_writes
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

    @_writes
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

    @_writes
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

    # -- notes ------------------------------------------------------------------------

    @_writes
    def add_note(
        self,
        body: str,
        anchor_kind: str,
        anchor_id: str,
        *,
        lesson_id: str | None = None,
        tags: tuple[str, ...] = (),
        next_action: str = "",
        anchor_data: dict | None = None,
    ) -> Note:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        row = (
            str(uuid.uuid4()),
            body,
            " ".join(tags),
            next_action,
            anchor_kind,
            anchor_id,
            lesson_id,
            json.dumps(anchor_data) if anchor_data is not None else None,
            now,
            now,
        )
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO notes (uid, body, tags, next_action, anchor_kind, anchor_id,"
                " lesson_id, anchor_data, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            note_id = cursor.lastrowid
        note = self.note(note_id)
        assert note is not None
        return note

    def note(self, note_id: int) -> Note | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {NOTE_COLUMNS} FROM notes WHERE id = ?", (note_id,)
            ).fetchone()
        return Note.from_row(row) if row else None

    def notes(
        self,
        lesson_id: str | None = None,
        tag: str | None = None,
        anchor_kind: str | None = None,
        query: str = "",
        limit: int | None = None,
    ) -> list[Note]:
        """Notes, newest first, optionally only one lesson's, one tag's or one kind's.

        With a ``query``, only the notes it matches, best first: FTS5 syntax (phrases,
        prefixes, AND/OR/NOT); input that is not valid FTS5 is searched for as plain words
        instead of failing.
        """
        clauses, args = [], []
        if lesson_id:
            clauses.append("n.lesson_id = ?")
            args.append(lesson_id)
        if anchor_kind:
            clauses.append("n.anchor_kind = ?")
            args.append(anchor_kind)
        if tag:
            clauses.append("(' ' || n.tags || ' ') LIKE ?")
            args.append(f"% {tag} %")
        columns = ", ".join("n." + c.strip() for c in NOTE_COLUMNS.split(","))
        if query.strip():
            clauses.insert(0, "notes_fts MATCH ?")
            source = "notes_fts JOIN notes n ON n.id = notes_fts.rowid"
            order = "rank"
        else:
            source, order = "notes n", "n.updated_at DESC, n.id DESC"
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT {columns} FROM {source} {where} ORDER BY {order} LIMIT ?"
        limit_arg = -1 if limit is None else limit
        with self._lock:
            if not query.strip():
                rows = self._db.execute(sql, (*args, limit_arg)).fetchall()
            else:
                try:
                    rows = self._db.execute(sql, (query, *args, limit_arg)).fetchall()
                except sqlite3.OperationalError:
                    plain = _plain_words(query)
                    rows = self._db.execute(sql, (plain, *args, limit_arg)).fetchall()
        return [Note.from_row(row) for row in rows]

    def search_notes(self, query: str, limit: int = 200) -> list[Note]:
        """The notes ``query`` matches, best first (nothing for an empty query)."""
        return self.notes(query=query, limit=limit) if query.strip() else []

    def tags(self) -> list[str]:
        """Every tag in use, sorted."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT tags FROM notes WHERE tags != ''").fetchall()
        return sorted({tag for (tags,) in rows for tag in tags.split()})

    @_writes
    def update_note(
        self, note_id: int, body: str, tags: tuple[str, ...] = (), next_action: str = ""
    ) -> Note | None:
        """Rewrite a note's text, tags and next action (its anchor stays); None if it is gone."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._db:
            self._db.execute(
                "UPDATE notes SET body = ?, tags = ?, next_action = ?, updated_at = ? WHERE id = ?",
                (body, " ".join(tags), next_action, now, note_id),
            )
        return self.note(note_id)

    @_writes
    def import_notes(self, notes: list[dict]) -> int:
        """Add notes exported earlier; a note already here (same uid) is kept, not duplicated.

        Returns how many were new.
        """
        added = 0
        with self._lock, self._db:
            for data in reversed(notes):  # exports list newest first: keep the creation order
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO notes (uid, body, tags, next_action, anchor_kind,"
                    " anchor_id, lesson_id, anchor_data, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        data["uid"],
                        data["body"],
                        " ".join(data.get("tags", [])),
                        data.get("next_action", ""),
                        data["anchor_kind"],
                        data["anchor_id"],
                        data.get("lesson_id"),
                        json.dumps(data["anchor_data"])
                        if data.get("anchor_data") is not None
                        else None,
                        data["created_at"],
                        data["updated_at"],
                    ),
                )
                added += cursor.rowcount
        return added

    # -- drafts ---------------------------------------------------------------------

    @_writes
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


def _plain_words(query: str) -> str:
    """Each word of ``query`` as a quoted FTS5 string, so no character is taken as syntax."""
    words = re.findall(r"\w+", query)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words) or '""'


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    text = str(error).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _move_aside(path: Path) -> Path:
    """Rename a corrupt database (and its WAL files) out of the way; never delete it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            source.rename(aside.with_name(aside.name + suffix))
    return aside
