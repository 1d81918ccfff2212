"""Opening the learner's file carefully, and every SQLite failure as one ``StoreError``.

Opening is one careful step: a path that could keep nothing is refused; whose file it is
is decided before anything writes (someone else's is left as it is); a damaged one is
moved aside and a new one started; then WAL, foreign keys, and the migration.

``Tables`` is what each table's methods (``_progress``, ``_reviews``, ``_notes``,
``_drafts``, ``_trust``) share: the file, its connection, the one lock that makes a
``Store`` safe to share between threads, and the guard on every public method.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tutor.store._damage import (
    Identity,
    check_intact,
    identity_of,
    mark_damaged,
    marked_damage,
    move_aside,
)
from tutor.store._failures import FAILURES, Damaged, StoreError, failure, is_busy, is_damage
from tutor.store._migrations import MIGRATIONS, migrate, schema_version
from tutor.store._schema import look_inside, read_only, recognize

#: How often opening starts again after moving a damaged file aside (or finding that
#: another process just did) before it gives up.
OPEN_ATTEMPTS = 3
#: How long opening pauses before trying a busy step again.
BUSY_RETRY_SECONDS = 0.02


def now() -> str:
    """The time a row is written: ISO 8601, UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: Tables, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except FAILURES as error:
            raise self._failed(error) from None

    return guarded


class Tables:
    """The file, its connection and the lock every read and write holds.

    Every public method and property of a subclass is guarded: whatever SQLite (or the
    disk) raises in it, reads included, reaches the caller as one ``StoreError`` naming
    the file and what to do, so a caller handles one exception and never a traceback.
    """

    path: Path
    _db: sqlite3.Connection
    _lock: threading.Lock
    _opened: Identity | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if name.startswith("_"):
                continue
            if isinstance(member, property) and member.fget is not None:
                setattr(cls, name, property(_guarded(member.fget), doc=member.__doc__))
            elif inspect.isfunction(member):
                setattr(cls, name, _guarded(member))

    def _failed(self, error: BaseException) -> StoreError:
        """The ``StoreError`` for ``error``; damage found now is marked, so the next
        opening moves the file aside even if its own check cannot see it."""
        if is_damage(error):
            mark_damaged(self.path, self._opened, str(error))
        return failure(self.path, error)


class _Replaced(Exception):
    """The file at the path changed while it was being opened: start the opening again."""


def _connect_sqlite(path: Path, timeout: float) -> sqlite3.Connection:
    """The read-write connection to restutor's own file."""
    return sqlite3.connect(path, check_same_thread=False, timeout=timeout)


def refuse_unusable(path: Path) -> None:
    """A path where restutor could keep nothing, or only by surprise, is one clear line."""
    text = str(path)
    if text == ":memory:":
        raise StoreError(
            "the database path ':memory:' would keep nothing (notes and progress would be "
            "lost when restutor ends): name a file, e.g. --db ~/restutor.db"
        )
    if text == ".":  # what an empty path becomes
        raise StoreError(
            "the database path is empty (or '.', the current folder): name a file, "
            "e.g. --db restutor.db"
        )
    if text.startswith("file:"):
        raise StoreError(
            f"the database path {text} looks like an SQLite URI; restutor takes a plain "
            "file path (e.g. --db /tmp/x.db)"
        )
    if path.is_dir():
        raise StoreError(
            f"the database path {path} is a folder; name a file in it, e.g. "
            f"--db {path / 'restutor.db'}"
        )


class Connection(Tables):
    """Open (create, migrate, or move a damaged file aside and start again) and close."""

    def __init__(self, path: Path, busy_timeout: float = 5.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout  # how long a write waits for another writer
        self._lock = threading.Lock()
        #: Where a damaged database was moved aside on opening (None if it was not).
        self.moved_aside: Path | None = None
        #: Why it was found damaged (None if it was not).
        self.damage: str | None = None
        #: Where the database was copied before this opening migrated it (None if it was not).
        self.backed_up: Path | None = None
        try:
            refuse_unusable(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
        except FAILURES as error:
            raise failure(path, error, "open") from None

    def _open(self) -> None:
        """Connect, moving a damaged file aside and trying again; a step of opening that
        SQLite reports busy without waiting (switching to WAL while another process opens
        the file, say) is tried again until the busy timeout has passed."""
        deadline = time.monotonic() + self.busy_timeout
        attempts = 0
        while attempts < OPEN_ATTEMPTS:
            try:
                self._connect()
                return
            except Damaged as damage:
                attempts += 1
                moved = move_aside(self.path, damage.identity)  # None: another process did
                if moved is not None:
                    self.moved_aside, self.damage = moved, damage.reason
            except _Replaced:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"the database {self.path} kept changing while it was opened "
                        "(another program replacing it?); try again"
                    ) from None
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() > deadline:
                    raise
                time.sleep(BUSY_RETRY_SECONDS)
        raise StoreError(
            f"the database {self.path} was found damaged {OPEN_ATTEMPTS} times over (each "
            "damaged file is kept beside it, nothing deleted); check the disk and try again"
        )

    def _connect(self) -> None:
        """One attempt: look before anything writes, then connect, migrate, keep it."""
        before = identity_of(self.path)
        try:
            self._look(before)
            db = _connect_sqlite(self.path, self.busy_timeout)
            try:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA foreign_keys = ON")
                with self._lock:
                    self.backed_up = migrate(db, self.path)
            except BaseException:
                db.close()
                raise
        except sqlite3.DatabaseError as error:
            if identity_of(self.path) != before:
                # Another process moved a damaged file aside (or started the new one) while
                # this one looked: SQLite found no file to open, or another. Look again.
                raise _Replaced from None
            if not is_damage(error):
                raise
            damage = Damaged(str(error))
            damage.identity = before if identity_of(self.path) == before else None
            raise damage from None
        except Damaged as damage:
            damage.identity = before if identity_of(self.path) == before else None
            raise
        self._db = db
        self._opened = identity_of(self.path)

    def _look(self, identity: Identity | None) -> None:
        """Whose file it is, and whether it is whole, with nothing written: ``StoreError``
        for someone else's file (or a newer restutor's), ``Damaged`` for a damaged one."""
        if identity is not None and (reason := marked_damage(self.path, identity)):
            raise Damaged(f"found while it was in use: {reason}")
        uri = look_inside(self.path, len(MIGRATIONS))
        if uri is None:
            return  # no file yet, or an empty one: it becomes restutor's
        with read_only(uri, self.busy_timeout) as db:
            recognize(db, self.path, MIGRATIONS)
            check_intact(db)

    @property
    def version(self) -> int:
        return schema_version(self._db)

    def notices(self) -> list[str]:
        """What opening the file did that the learner should hear of (damage, an upgrade)."""
        said = []
        if self.moved_aside is not None:
            said.append(
                f"the database {self.path} was damaged; it was moved to {self.moved_aside} "
                f"(nothing deleted) and a new one started ({self.damage})"
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
