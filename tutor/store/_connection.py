"""Opening the learner's file: WAL, foreign keys, the busy wait, the corrupt file moved
aside, and every SQLite failure turned into one ``StoreError`` that names the file.

``Tables`` is what each table's methods (``_progress``, ``_reviews``, ``_notes``,
``_drafts``, ``_trust``) share: the file, its connection, and the one lock that makes a ``Store``
safe to share between threads.
"""

from __future__ import annotations

import functools
import itertools
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from tutor.store._migrations import migrate, schema_version

T = TypeVar("T")
P = ParamSpec("P")
S = TypeVar("S", bound="Tables")


class StoreError(Exception):
    """The database cannot be opened or written; the message says which file and why."""


def _failure(path: Path, error: sqlite3.OperationalError, doing: str) -> StoreError:
    """What an ``OperationalError`` while ``doing`` (open, write) means to the learner."""
    if "locked" in str(error) or "busy" in str(error):
        return StoreError(
            f"the database {path} is busy (another restutor is writing to it); "
            "try again in a moment"
        )
    return StoreError(f"cannot {doing} the database {path}: {error}")


def writes(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """A write that fails (the file busy past the timeout, read-only, full) raises
    ``StoreError`` naming the file, so callers handle one exception, never a traceback."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.OperationalError as error:
            raise _failure(self.path, error, "write") from None

    return wrapper


def now() -> str:
    """The time a row is written: ISO 8601, UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Tables:
    """The file, its connection and the lock every read and write holds."""

    path: Path
    _db: sqlite3.Connection
    _lock: threading.Lock


class Connection(Tables):
    """Open (create, migrate, or move a damaged file aside and start again) and close."""

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
                self.moved_aside = _move_aside(path)  # None: another process just did
                self._connect()
        except sqlite3.OperationalError as error:
            raise _failure(path, error, "open") from None
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the database {path}: {error}") from None

    def _connect(self) -> None:
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=self.busy_timeout)
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            _check_intact(self._db)
            self._migrate()
        except sqlite3.Error:
            self._db.close()
            raise

    @property
    def version(self) -> int:
        return schema_version(self._db)

    def _migrate(self) -> None:
        with self._lock:
            self.backed_up = migrate(self._db, self.path)

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


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    text = str(error).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _check_intact(db: sqlite3.Connection) -> None:
    """Damage anywhere in the file is damage: ``quick_check`` says "ok" or lists what it
    found (one bad page let reads raise ``malformed`` later, and writes go into it)."""
    found = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    if found != ["ok"]:
        raise sqlite3.DatabaseError(f"database disk image is malformed: {found[0]}")


def _move_aside(path: Path) -> Path | None:
    """Rename a corrupt database (and its WAL files) out of the way under a name that was
    free: each file is linked to its new name first (which fails rather than replace
    anything) and only then unlinked. Never deletes. None if the file is already gone."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for n in itertools.count(1):
        aside = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            _move_exclusively(path, aside)
        except FileExistsError:
            continue
        except FileNotFoundError:
            return None
        break
    for suffix in ("-wal", "-shm"):
        source, target = path.with_name(path.name + suffix), aside.with_name(aside.name + suffix)
        try:
            _move_exclusively(source, target)
        except FileNotFoundError:
            continue
    return aside


def _move_exclusively(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``, raising ``FileExistsError`` rather than replacing it
    (a hard link where the file system has them; else a rename checked just before)."""
    try:
        os.link(source, target)
    except (FileExistsError, FileNotFoundError):
        raise
    except OSError:  # no hard links here
        if target.exists():
            raise FileExistsError(target) from None
        os.rename(source, target)
        return
    os.unlink(source)
