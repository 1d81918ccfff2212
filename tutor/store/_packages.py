"""SQLite files that are not the learner's database: an export format's file (an Anki
collection) filled by another library and kept as bytes. Built in memory, so nothing is
left in a temporary folder; here because this package is the one that speaks SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def sqlite_file(fill: Callable[[sqlite3.Cursor], object]) -> bytes:
    """The bytes of a new SQLite file once ``fill`` has written into it through a cursor."""
    connection = sqlite3.connect(":memory:")
    try:
        fill(connection.cursor())
        connection.commit()
        return connection.serialize()
    finally:
        connection.close()
