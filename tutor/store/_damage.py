"""A damaged file is found, marked and moved aside, never deleted and never mixed up.

Damage is what ``quick_check`` lists when a file is opened, or a "malformed" read in the
middle of a session: that one leaves a mark beside the file (``<db>.damaged``, naming the
file by device and inode) so the next opening moves it aside even where ``quick_check``
cannot see the damage (inside the search index's own pages).

Moving aside happens under a lock on the folder, and only if the file at the path is
still the one found damaged: with ten processes opening one damaged file at once, one
moves it and the others open the new file that one started (moving that would hide its
notes in a file nobody opens).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from tutor.store._failures import Damaged

#: A file, as ``os.stat`` tells one from another: (device, inode).
Identity = tuple[int, int]

#: The journal files SQLite keeps beside a database; they go wherever it goes.
JOURNALS = ("-wal", "-shm")


def identity_of(path: Path) -> Identity | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_dev, found.st_ino)


def check_intact(db: sqlite3.Connection) -> None:
    """Damage anywhere in the file is damage: ``quick_check`` says "ok" or lists what it
    found (one bad page let reads raise ``malformed`` later, and writes go into it)."""
    found = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    if found != ["ok"]:
        raise Damaged(f"database disk image is malformed: {found[0]}")


def _mark_of(path: Path) -> Path:
    return path.with_name(path.name + ".damaged")


def mark_damaged(path: Path, identity: Identity | None, reason: str) -> None:
    """Leave word that the file ``identity`` at ``path`` is damaged (best effort: where the
    folder cannot be written, ``quick_check`` at the next opening is all there is)."""
    if identity is None:
        return
    with contextlib.suppress(OSError):
        _mark_of(path).write_text(f"{identity[0]} {identity[1]}\n{reason}\n", encoding="utf-8")


def marked_damage(path: Path, identity: Identity) -> str | None:
    """Why the file ``identity`` was marked damaged during an earlier session, or None
    (no mark, or a mark left for a file that is no longer there)."""
    try:
        device, inode, reason = _mark_of(path).read_text(encoding="utf-8").split(maxsplit=2)
        marked = (int(device), int(inode))
    except (OSError, ValueError):
        return None
    return reason.strip() if marked == identity else None


@contextlib.contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (``flock``: it leaves no file behind, and
    closing it cannot release the locks SQLite holds on the database's own files)."""
    if sys.platform == "win32":  # no flock: a move there is only as safe as os.link
        yield
        return
    import fcntl

    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def move_aside(path: Path, identity: Identity | None) -> Path | None:
    """Move the damaged file ``identity`` (and its journal) out of the way under a name
    that was free; never deletes, never replaces. None if the file there is no longer the
    damaged one (another process moved it and perhaps started a new one)."""
    with _folder_locked(path.parent):
        if identity is None or identity_of(path) != identity:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        for n in itertools.count(1):
            aside = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{n}" if n > 1 else ""))
            if _claim(path, aside):
                break
        # The journal first, the file last: while the damaged file is still at its path,
        # no new file (that would take up its old journal) can be started there.
        for suffix in JOURNALS:
            with contextlib.suppress(FileNotFoundError):
                _move_exclusively(_with(path, suffix), _with(aside, suffix))
        if aside.exists():  # claimed by a hard link: the path's own name goes now
            os.unlink(path)
        else:
            _move_exclusively(path, aside)
        with contextlib.suppress(OSError):
            _mark_of(path).unlink()
    return aside


def _with(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _claim(path: Path, aside: Path) -> bool:
    """Take the name ``aside`` (and its journals' names) for ``path``: a hard link to it,
    which fails rather than replace anything. False if any of the names is taken."""
    if any(_with(aside, suffix).exists() for suffix in JOURNALS):
        return False
    try:
        os.link(path, aside)
    except FileExistsError:
        return False
    except OSError:  # no hard links here: the name is checked now and taken by a rename
        return not aside.exists()
    return True


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
