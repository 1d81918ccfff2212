"""Research-room notes: the ``Note`` record and its table, searched through FTS5.

What a note is anchored to, and how notes are exported, is ``tutor.notes``'s business;
this module keeps them and finds them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tutor.store._connection import Tables, now
from tutor.text import visible

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
        """A note as the terminal may show it: text from the database (typed, pasted or
        imported from someone's file) keeps its control characters only as stand-ins."""
        values: list[Any] = list(row)
        values[3] = _tags_of(values[3])
        values[8] = _data_of(values[8])
        values = [visible(v) if isinstance(v, str) else v for v in values]
        values[3] = tuple(visible(tag) for tag in values[3])
        return cls(*values)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tags"] = list(self.tags)
        del data["id"]
        return data


def _tags_of(stored: str | None) -> tuple[str, ...]:
    """The tags column read back: a JSON list of strings (anything else, from a file edited
    by hand, is read as words rather than failing every read of the note)."""
    try:
        tags = json.loads(stored) if stored else []
    except (ValueError, RecursionError):
        return tuple(str(stored).split())
    if isinstance(tags, list) and all(isinstance(tag, str) for tag in tags):
        return tuple(tags)
    return tuple(str(stored).split())


def _data_of(stored: str | None) -> dict | None:
    """A note's anchor data read back (None where it is not a JSON object)."""
    try:
        data = json.loads(stored) if stored else None
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _tags_column(tags: Sequence[str]) -> str:
    return json.dumps(list(tags), ensure_ascii=False)


class Notes(Tables):
    def add_note(
        self,
        body: str,
        anchor_kind: str,
        anchor_id: str,
        *,
        lesson_id: str | None = None,
        tags: Sequence[str] = (),
        next_action: str = "",
        anchor_data: dict | None = None,
    ) -> Note:
        written = now()
        row = (
            str(uuid.uuid4()),
            body,
            _tags_column(tags),
            next_action,
            anchor_kind,
            anchor_id,
            lesson_id,
            json.dumps(anchor_data) if anchor_data is not None else None,
            written,
            written,
        )
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO notes (uid, body, tags, next_action, anchor_kind, anchor_id,"
                " lesson_id, anchor_data, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            note_id = cursor.lastrowid
        assert note_id is not None  # set by every INSERT that went through
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
        clauses: list[str] = []
        args: list[str] = []
        if lesson_id:
            clauses.append("n.lesson_id = ?")
            args.append(lesson_id)
        if anchor_kind:
            clauses.append("n.anchor_kind = ?")
            args.append(anchor_kind)
        if tag:
            clauses.append("EXISTS (SELECT 1 FROM json_each(n.tags) WHERE value = ?)")
            args.append(tag)
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
            rows = self._db.execute("SELECT DISTINCT tags FROM notes").fetchall()
        return sorted({visible(tag) for (tags,) in rows for tag in _tags_of(tags)})

    def update_note(
        self, note_id: int, body: str, tags: Sequence[str] = (), next_action: str = ""
    ) -> Note | None:
        """Rewrite a note's text, tags and next action (its anchor stays); None if it is gone."""
        updated_at = now()
        with self._lock, self._db:
            self._db.execute(
                "UPDATE notes SET body = ?, tags = ?, next_action = ?, updated_at = ? WHERE id = ?",
                (body, _tags_column(tags), next_action, updated_at, note_id),
            )
        return self.note(note_id)

    def delete_note(self, note_id: int) -> tuple | None:
        """Remove a note; what ``restore_note`` needs to bring it back exactly (its row as
        stored, not as shown), or None if there was no such note."""
        with self._lock, self._db:
            row = self._db.execute(
                f"SELECT {NOTE_COLUMNS} FROM notes WHERE id = ?", (note_id,)
            ).fetchone()
            if row is not None:
                self._db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        return tuple(row) if row is not None else None

    def restore_note(self, deleted: tuple) -> Note:
        """Undo ``delete_note``: the same id, uid, text and times as before."""
        with self._lock, self._db:
            self._db.execute(
                f"INSERT INTO notes ({NOTE_COLUMNS}) VALUES ({', '.join('?' * len(deleted))})",
                deleted,
            )
        note = self.note(deleted[0])
        assert note is not None
        return note

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
                        _tags_column(data.get("tags", [])),
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


def _plain_words(query: str) -> str:
    """Each word of ``query`` as a quoted FTS5 string, so no character is taken as syntax."""
    words = re.findall(r"\w+", query)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words) or '""'
