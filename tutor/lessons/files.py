"""Reading a file named by someone else, which may not be a file at all.

Kept free of YAML and pydantic: the lesson index reads its cache through it at startup.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class RefusedFile(Exception):
    """Not read: the path is not a regular file, or is bigger than the reader allows."""


def read_regular_file(path: Path, limit: int, what: str = "a lesson is a YAML text file") -> bytes:
    """The bytes of ``path``, if it is a regular file of at most ``limit`` bytes (``what``
    says, when it is not, what it should have been).

    Whatever its name promises, a FIFO would block the read forever and ``/dev/zero``
    would fill the memory: the file is opened without blocking, checked for what it is
    once open (so a rename in between changes nothing), and read no further than
    ``limit``. Raises ``RefusedFile`` (with a message for the learner) or ``OSError``.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"not a regular file ({what})")
        raw = file.read(limit + 1) if info.st_size <= limit else b""
    size = max(len(raw), info.st_size)
    if size > limit:
        raise RefusedFile(f"the file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB")
    return raw


def real_path(path: Path) -> Path:
    """Where ``path`` leads, for telling files apart; never raises (``Path.resolve``
    raises on a link loop, which is then left as it is, for its reader to refuse)."""
    return Path(os.path.realpath(path))
