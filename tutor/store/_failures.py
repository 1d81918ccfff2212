"""What a failure of the learner's file means, said once: ``StoreError``, the one exception
a caller of the store ever handles, its message naming the file and what to do.

SQLite reports why it failed as a result code (``sqlite_errorcode``, extended: a read-only
*folder* is ``SQLITE_READONLY_DIRECTORY``, not just ``SQLITE_READONLY``); the message text
is the fallback where no code came with the error.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """The database cannot be opened, read or written; the message says which file and why."""


class Damaged(Exception):
    """The file at the database's path is damaged (``reason`` says how): it is to be moved
    aside, never used. ``identity`` is the file found damaged, if it is still the one there."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.identity: tuple[int, int] | None = None


def _code(error: BaseException) -> int:
    code: int | None = getattr(error, "sqlite_errorcode", None)
    return code or 0


def is_damage(error: BaseException) -> bool:
    """Does ``error`` say the file itself is damaged (not busy, full or read-only)?"""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    if _code(error) & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    text = str(error).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def is_busy(error: BaseException) -> bool:
    """Does ``error`` say another connection holds the file for now (worth trying again)?"""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code, text = _code(error), str(error)
    if code:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in text or "busy" in text


#: What the store's methods may raise, all of it turned into ``StoreError``: SQLite's
#: errors, the disk's, and a number too large for SQLite to bind (an id typed by hand).
FAILURES = (sqlite3.Error, OSError, OverflowError)


def failure(path: Path, error: BaseException, doing: str = "use") -> StoreError:
    """One line for a failure while ``doing`` something (open, use) with the file at ``path``."""
    if isinstance(error, OverflowError):
        return StoreError(
            f"cannot {doing} the database {path}: a number is too large for it ({error}; "
            "SQLite keeps whole numbers up to 9223372036854775807)"
        )
    if isinstance(error, OSError):
        return StoreError(f"cannot {doing} the database {path}: {error.strerror or error}")
    code, text = _code(error), str(error).rstrip(".")
    if is_busy(error):
        return StoreError(
            f"the database {path} is busy (another restutor is writing to it); "
            "try again in a moment"
        )
    if code == sqlite3.SQLITE_READONLY_DIRECTORY:
        return StoreError(
            f"cannot write the database {path}: its folder {path.parent} is read-only, and "
            "SQLite keeps its journal (the -wal and -shm files) beside the database, so the "
            "folder must be writable too; make it writable, or name another file with --db"
        )
    if code & 0xFF == sqlite3.SQLITE_READONLY or (not code and "readonly" in text):
        return StoreError(
            f"cannot write the database {path}: the file is read-only ({text}); "
            "make it writable, or name another file with --db"
        )
    if code & 0xFF == sqlite3.SQLITE_FULL or (not code and "is full" in text):
        return StoreError(
            f"cannot write the database {path}: the disk (or the database's size limit) is "
            "full; free some space and try again (what was saved before is kept)"
        )
    if is_damage(error):
        return StoreError(
            f"the database {path} is damaged ({text}); it will be moved aside (nothing "
            "deleted) and a new one started the next time restutor opens it"
        )
    if code & 0xFF == sqlite3.SQLITE_CANTOPEN:
        return StoreError(
            f"cannot {doing} the database {path}: {text}; check that its folder exists "
            "and can be written"
        )
    return StoreError(
        f"cannot {doing} the database {path}: {text}; if this keeps happening, name "
        "another file with --db"
    )
