"""Writing an export where the learner said, without ever costing them a file.

An export never lands on the database (or its ``-wal``, ``-shm`` or ``-journal``): a
Markdown file written over the live database loses every review and all progress. And a
write goes to a new file beside the target, renamed over it only once complete, so a full
disk or a crash leaves the earlier export whole.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

#: The files SQLite keeps beside a database.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


class RefusedWrite(Exception):
    """Not written: the message says why, in one line."""


def _same_file(one: Path, other: Path) -> bool:
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(one, other)  # a hard link has another name
    except OSError:
        return False  # one of them does not exist (yet)


def refuse_database(path: Path, db: Path) -> None:
    """Raise ``RefusedWrite`` if writing ``path`` would write over the database ``db`` or
    one of the files SQLite keeps beside it, by any name (a symbolic or hard link)."""
    real_db = Path(os.path.realpath(db))
    for base in {db, real_db}:
        for suffix in _COMPANIONS:
            if _same_file(path, base.with_name(base.name + suffix)):
                what = f"the database's {suffix} file" if suffix else "the database"
                raise RefusedWrite(
                    f"refusing to write {path}: it is {what} {db}{suffix} (or a link to it); "
                    "choose another file"
                )


def _mode_for(target: Path) -> int:
    """The permissions the new file gets: the old file's, else what the umask allows."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(target: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8, or bytes as they are) to ``target`` through a new file renamed
    over it, so ``target`` is the old file or the new one, never half of either. Raises
    ``OSError``."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, _mode_for(target))
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def write_export(out: Path, text: str | bytes, db: Path) -> Path:
    """Write an export to ``out`` (through a link, to where it leads) unless that is the
    database or anything but a regular file (a new file is made whole, then renamed into
    place, which would replace a device or a pipe); returns the file written. Raises
    ``RefusedWrite`` or ``OSError``."""
    refuse_database(out, db)
    target = Path(os.path.realpath(out))
    try:
        kind = os.stat(target).st_mode
    except FileNotFoundError:
        kind = stat.S_IFREG
    if not stat.S_ISREG(kind):  # a device, a pipe, a folder: renaming over it would replace it
        what = "a folder" if stat.S_ISDIR(kind) else "not a regular file (a device or a pipe?)"
        raise RefusedWrite(f"refusing to write {out}: it is {what}; name a file to write")
    write_atomically(target, text)
    return target
