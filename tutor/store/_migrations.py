"""The schema, one migration a version, and the copy kept before a migration runs.

The version lives in ``PRAGMA user_version``. Bringing a file up to date is one write
transaction, begun ``IMMEDIATE`` (so no other process can write in between) and with
whose file it is and its version read again inside it: thirty processes opening a new
file at once create its tables once, and none of them sees a half-migrated file. The
same transaction builds again what a file lacks but can be rebuilt (an index, a trigger,
the search index), marks the file as restutor's and records which restutor wrote it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tutor.store._schema import (
    APPLICATION_ID,
    NEEDS_RESTUTOR,
    missing_objects,
    recognize,
    repair,
    restutor_version,
    statements,
)

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
        tags        TEXT NOT NULL DEFAULT '',  -- space-separated; a JSON list from version 6
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
    # Tags become a JSON list, so a tag may hold a space and is matched whole.
    """
    UPDATE notes SET tags = (
        WITH RECURSIVE split (word, rest) AS (
            SELECT '', trim(notes.tags) || ' '
            UNION ALL
            SELECT substr(rest, 1, instr(rest, ' ') - 1),
                   ltrim(substr(rest, instr(rest, ' ') + 1))
            FROM split WHERE rest != ''
        )
        SELECT json_group_array(word) FROM split WHERE word != ''
    );
    """,
    # What the file says about itself: which restutor wrote its schema (``needs_restutor``),
    # so an older restutor can say which one the file needs.
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # Where the learner left off: one row, rewritten as they move (``restutor continue``).
    """
    CREATE TABLE place (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        lesson_id TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN ('section', 'practice', 'lab')),
        target    TEXT NOT NULL,  -- JSON: a section's key, an item's id, or a lab state
        at        TEXT NOT NULL
    );
    """,
)


def schema_version(db: sqlite3.Connection) -> int:
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    return version


def needs_backup(version: int) -> bool:
    """A file with the learner's data (not a new one) that a migration is about to change."""
    return 0 < version < len(MIGRATIONS)


def back_up(path: Path, version: int) -> Path:
    """Copy the learner's committed data before a migration touches it (SQLite's online
    backup from a reader of its own, so the copy is consistent even with a WAL), to a
    name no earlier copy has. Where the copy is."""
    target = _new_file(path.with_name(f"{path.name}.v{version}.backup"))
    source, copy = sqlite3.connect(path), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target


def _new_file(wanted: Path) -> Path:
    """``wanted``, or ``wanted-2``, ``-3``…: created here, so never an existing file."""
    for n in range(1, 10_000):
        candidate = wanted if n == 1 else wanted.with_name(f"{wanted.name}-{n}")
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free name beside {wanted}")


def up_to_date(db: sqlite3.Connection) -> bool:
    """At the newest schema with every object there: opening has nothing to write."""
    return schema_version(db) == len(MIGRATIONS) and not missing_objects(db, MIGRATIONS)


def migrate(db: sqlite3.Connection, path: Path) -> Path | None:
    """Bring restutor's file to the newest schema, whole, in one write transaction; the
    copy kept of the learner's data if an upgrade of it really happened (None: already up
    to date, new, or only rebuilt). ``Damaged`` if a table of the learner's is gone."""
    if up_to_date(db):
        return None
    db.execute("BEGIN IMMEDIATE")
    try:
        # Again, inside: another process may have migrated (or started) the file meanwhile.
        version = recognize(db, path, MIGRATIONS)
        missing = missing_objects(db, MIGRATIONS[:version])
        kept = back_up(path, version) if needs_backup(version) else None
        repair(db, MIGRATIONS[:version], missing)
        for step in range(version, len(MIGRATIONS)):
            for statement in statements(MIGRATIONS[step]):
                db.execute(statement)
        if version < len(MIGRATIONS):
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            _sign(db)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return kept


def _sign(db: sqlite3.Connection) -> None:
    """Record, in the migration's transaction, which restutor wrote this schema."""
    written_by = restutor_version()
    if written_by is not None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (NEEDS_RESTUTOR, written_by),
        )
