"""The schema, one migration a version, and the copy kept before a migration runs.

The version lives in ``PRAGMA user_version``; each step runs in its own transaction with
its version bump, so a file is never left half-migrated.
"""

from __future__ import annotations

import sqlite3
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
    """
    CREATE TABLE trusted_lessons (
        path       TEXT PRIMARY KEY,  -- a lesson file from outside the built-ins, resolved
        sha256     TEXT NOT NULL,     -- of its bytes when the learner said its code may run
        trusted_at TEXT NOT NULL
    );
    """,
)


def schema_version(db: sqlite3.Connection) -> int:
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    return version


def needs_backup(version: int) -> bool:
    """A file with the learner's data (not a new one) that a migration is about to change."""
    return 0 < version < len(MIGRATIONS)


def back_up(db: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the learner's data before a migration touches it (SQLite's online backup,
    so the copy is consistent even with a WAL). Where the copy is."""
    target = path.with_name(f"{path.name}.v{version}.backup")
    copy = sqlite3.connect(target)
    try:
        db.backup(copy)
    finally:
        copy.close()
    return target


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Apply every migration after ``version``, in order."""
    for step in range(version, len(MIGRATIONS)):
        with db:  # one transaction per step, version bump included
            db.executescript(f"BEGIN; {MIGRATIONS[step]} PRAGMA user_version = {step + 1}; COMMIT;")
