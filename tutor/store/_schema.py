"""Whose file this is, and whether restutor's objects in it are all there.

A file is restutor's when it carries restutor's ``application_id``, or, written before the
id existed, when it has a ``user_version`` and at least one of restutor's tables; a new,
empty file becomes restutor's. Anything else is someone else's and is left exactly as it
is: the header is read as bytes first, and where that cannot decide, a read-only
connection looks (a read-write one would switch the file to WAL, or checkpoint it on
closing). Only ``repair`` writes, inside the caller's transaction.

What a schema version holds is what its migrations create: they are run once on an
in-memory database and its ``sqlite_master`` read back.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import struct
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from tutor.store._failures import Damaged, StoreError
from tutor.text import visible

#: Marks a file as restutor's (``PRAGMA application_id``): "REST" in ASCII.
APPLICATION_ID = 0x52455354

#: The key in the ``meta`` table of the restutor release that wrote the schema.
NEEDS_RESTUTOR = "needs_restutor"

_MAGIC = b"SQLite format 3\x00"


def restutor_version() -> str | None:
    """The installed restutor's version (None when running from an uninstalled tree)."""
    try:
        return metadata.version("restutor")
    except metadata.PackageNotFoundError:
        return None


def statements(script: str) -> Iterator[str]:
    """The statements of ``script`` one by one (``executescript`` would commit first);
    SQLite decides where each ends, so a trigger's body or a comment's ';' stays whole."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""


@functools.cache
def _fresh(scripts: tuple[str, ...]) -> tuple[dict[str, tuple[str, str]], dict[str, list]]:
    """What ``scripts`` create (see ``expected_objects``), and the rows each shadow table
    of a search index starts with."""
    db = sqlite3.Connection(":memory:")
    try:
        for script in scripts:
            for statement in statements(script):
                db.execute(statement)
        found = db.execute("SELECT name, type, sql FROM sqlite_master ORDER BY rowid").fetchall()
        objects = {name: (kind, sql) for name, kind, sql in found if sql}
        indexes = _search_indexes(objects)
        shadows = [name for name in objects if _index_of(name, indexes) not in (None, name)]
        rows = {name: db.execute(f'SELECT * FROM "{name}"').fetchall() for name in shadows}
    finally:
        db.close()
    return objects, rows


def expected_objects(scripts: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """``name → (type, sql)`` of what ``scripts`` create, in creation order (the automatic
    indexes of UNIQUE and PRIMARY KEY columns, which have no SQL of their own, left out)."""
    return _fresh(scripts)[0]


def _search_indexes(objects: dict[str, tuple[str, str]]) -> set[str]:
    return {name for name, (_, sql) in objects.items() if sql.startswith("CREATE VIRTUAL TABLE")}


def _index_of(name: str, indexes: set[str]) -> str | None:
    """The search index ``name`` is part of (itself, or one of its shadow tables)."""
    return next((i for i in indexes if name == i or name.startswith(i + "_")), None)


def data_tables(scripts: tuple[str, ...]) -> list[str]:
    """The tables that hold the learner's data, not rebuilt from it (a search index is)."""
    objects = expected_objects(scripts)
    indexes = _search_indexes(objects)
    return [
        name
        for name, (kind, _) in objects.items()
        if kind == "table" and _index_of(name, indexes) is None
    ]


def look_inside(path: Path, known: int) -> str | None:
    """Refuse someone else's file from its first bytes alone, touching nothing; else the
    URI to look inside it through, read-only (None: no file, or a new one, which becomes
    restutor's: nothing in it, not even a second page).

    A file without restutor's mark, in WAL mode and without its journal beside it, is
    read as ``immutable``: even a read-only connection would create the -wal and -shm
    files beside someone else's database, and without a -wal file everything committed is
    in the file itself.
    """
    try:
        with open(path, "rb") as file:
            head = file.read(108)
            size = os.fstat(file.fileno()).st_size
    except FileNotFoundError:
        return None
    if not head:
        return None
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise Damaged("file is not a database")
    (page_size,) = struct.unpack(">H", head[16:18])
    (user_version,) = struct.unpack(">i", head[60:64])
    (application_id,) = struct.unpack(">i", head[68:72])
    if application_id not in (0, APPLICATION_ID):
        raise _not_restutors(path, f"its application id is {application_id}")
    if application_id == APPLICATION_ID and user_version > known:
        raise _newer(path, user_version, known)
    if application_id == 0 and user_version == 0 and len(head) == 108:
        if head[100] != 0x0D or head[103:105] != b"\0\0":  # page 1 lists schema objects
            raise _not_restutors(path, "it holds tables restutor did not make")
        if size <= (65536 if page_size == 1 else page_size):
            return None
    uri = _read_only_uri(path)
    in_wal_mode = head[18] == 2
    if application_id == 0 and in_wal_mode and not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    return uri


def _read_only_uri(path: Path) -> str:
    return "file:" + quote(str(path.absolute())) + "?mode=ro"


@contextlib.contextmanager
def read_only(uri: str, timeout: float) -> Iterator[sqlite3.Connection]:
    """A connection through ``uri`` (``look_inside``'s) that cannot write the file."""
    db = sqlite3.Connection(uri, uri=True, timeout=timeout)
    try:
        yield db
    finally:
        db.close()


def recognize(db: sqlite3.Connection, path: Path, scripts: tuple[str, ...]) -> int:
    """The schema version of restutor's file ``path`` (0: new and empty); ``StoreError``
    for someone else's file, or one from a newer restutor."""
    application_id: int = db.execute("PRAGMA application_id").fetchone()[0]
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    names = {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'"
        )
    }
    if application_id not in (0, APPLICATION_ID):
        raise _not_restutors(path, f"its application id is {application_id}")
    if version == 0:
        if names:
            raise _not_restutors(path, f"it holds {_some(names)}")
        return 0
    if application_id == 0 and not names & set(data_tables(scripts[:version])):
        raise _not_restutors(path, f"its schema version is {version} and it holds {_some(names)}")
    if version > len(scripts):
        raise _newer(path, version, len(scripts))
    return version


def _some(names: set[str]) -> str:
    shown = sorted(names)
    listed = ", ".join(visible(name[:40]) for name in shown[:3])
    more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
    return f"{listed}{more}" if shown else "no tables"


def _not_restutors(path: Path, why: str) -> StoreError:
    return StoreError(
        f"the database {path} is not restutor's ({why}); it was left as it is: "
        "name another file with --db or RESTUTOR_DB"
    )


def _newer(path: Path, version: int, known: int) -> StoreError:
    """The refusal of a file from a newer restutor, saying which one it needs where the
    file records it (read ``immutable``: nothing is created beside it, not even a -wal)."""
    uri = _read_only_uri(path) + "&immutable=1"
    try:
        with read_only(uri, timeout=0) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (NEEDS_RESTUTOR,)).fetchone()
    except sqlite3.Error:  # a file from before the meta table, or unreadable
        row = None
    this = restutor_version() or "an uninstalled copy"
    if row and isinstance(row[0], str) and row[0].strip():
        needs = visible(row[0].strip()[:40])
        return StoreError(
            f"the database {path} was written by a newer restutor (schema version {version},"
            f" this one knows {known}): it needs restutor {needs} or later (this is {this});"
            " it was left as it is"
        )
    return StoreError(
        f"the database {path} has schema version {version}, newer than this restutor knows "
        f"({known}; this is restutor {this}): update restutor; the file was left as it is"
    )


def missing_objects(db: sqlite3.Connection, scripts: tuple[str, ...]) -> list[str]:
    """What ``scripts`` create that the file lacks, all of it rebuildable (indexes,
    triggers, a search index); ``Damaged`` if a table of the learner's data is gone."""
    present = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    missing = [name for name in expected_objects(scripts) if name not in present]
    lost = [name for name in data_tables(scripts) if name in missing]
    if lost:
        tables = "table " + lost[0] + " is" if len(lost) == 1 else f"tables {', '.join(lost)} are"
        raise Damaged(f"its {tables} missing")
    return missing


def repair(db: sqlite3.Connection, scripts: tuple[str, ...], missing: list[str]) -> None:
    """Build again what ``missing_objects`` found missing, then rebuild every search index
    from its table (notes written while a trigger was gone are not in it).

    A search index that is gone is created again (what was left of it dropped first); one
    that lacks a shadow table gets it back as a new index has it, which is all it needs to
    open for its 'rebuild' (it cannot even be dropped without it).
    """
    if not missing:
        return
    objects, fresh_rows = _fresh(scripts)
    indexes = _search_indexes(objects)
    for name in missing:
        index = _index_of(name, indexes)
        if index == name:  # a whole search index
            _drop_leftovers(db, name)
        if index is None or index == name:  # that, or an index, or a trigger
            db.execute(objects[name][1])
        elif index not in missing:
            db.execute(objects[name][1])
            for row in fresh_rows[name]:
                db.execute(f'INSERT INTO "{name}" VALUES ({", ".join("?" * len(row))})', row)
    for index in sorted(indexes):
        db.execute(f'INSERT INTO "{index}" ("{index}") VALUES (\'rebuild\')')


def _drop_leftovers(db: sqlite3.Connection, index: str) -> None:
    """The shadow tables of a search index that is itself gone."""
    leftovers = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '!'",
        (index.replace("_", "!_") + "!_%",),
    ).fetchall()
    for (name,) in leftovers:
        db.execute(f'DROP TABLE "{name}"')
