"""The store: its face, migrations, progress, and clear errors."""

import inspect
import re
import sqlite3
from pathlib import Path

import pytest

import tutor
import tutor.store
from tutor.store import MIGRATIONS, Store, StoreError


def test_every_public_name_resolves_and_is_listed():
    """``__all__`` is the package's whole face: each name resolves, none is left out."""
    for name in tutor.store.__all__:
        assert getattr(tutor.store, name) is not None, name
    public = {
        name
        for name, value in vars(tutor.store).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(tutor.store.__all__)


def test_only_the_store_speaks_sqlite():
    """One package owns all SQL: ``sqlite3`` appears nowhere in the app outside it."""
    package = Path(tutor.__file__).parent
    benchmarks = Path(__file__).parents[1] / "benchmarks"
    files = [*package.rglob("*.py"), *benchmarks.rglob("*.py")]
    outside = [
        str(path)
        for path in files
        if package / "store" not in path.parents
        and re.search(r"\bsqlite3\b", path.read_text(encoding="utf-8"))
    ]
    assert len(files) > 10 and outside == []


def test_a_new_database_is_migrated_to_the_latest_version(tmp_path):
    store = Store(tmp_path / "deep" / "folder" / "restutor.db")
    assert store.version == len(MIGRATIONS)
    journal = store._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_progress_is_kept_across_reopening(tmp_path):
    path = tmp_path / "restutor.db"
    store = Store(path)
    store.mark_seen("residual-connections", "math")
    store.mark_seen("residual-connections", "math")
    store.mark_seen("residual-connections", "code")
    store.close()
    assert Store(path).seen_sections() == {"residual-connections": {"math", "code"}}


def test_a_database_from_version_0_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    assert Store(path).version == len(MIGRATIONS)


def test_a_migration_backs_the_old_file_up_first(tmp_path):
    path = tmp_path / "v1.db"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    old.execute("INSERT INTO progress VALUES ('residual-connections', 'math', 'then')")
    old.commit()
    old.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS)
    assert store.backed_up == tmp_path / "v1.db.v1.backup"
    backup = sqlite3.connect(store.backed_up)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT lesson_id, section FROM progress").fetchall() == [
        ("residual-connections", "math")
    ]
    assert store.notices() == [
        f"the database {path} was upgraded; the previous version is kept at {store.backed_up}"
    ]
    store.close()
    again = Store(path)
    assert again.backed_up is None and again.notices() == []  # nothing to migrate, nothing copied


def version_1_file(path: Path) -> None:
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    old.close()


def test_an_earlier_backup_is_never_written_over(tmp_path):
    path = tmp_path / "v1.db"
    version_1_file(path)
    earlier = tmp_path / "v1.db.v1.backup"
    earlier.write_bytes(b"the learner's own copy")
    store = Store(path)
    assert store.backed_up == tmp_path / "v1.db.v1.backup-2"
    assert earlier.read_bytes() == b"the learner's own copy"
    assert sqlite3.connect(store.backed_up).execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_failed_migration_changes_nothing(tmp_path, monkeypatch):
    """The steps and the version bump are one transaction: a step that fails leaves the
    file exactly at its old version, its tables as they were."""
    import tutor.store._migrations as migrations

    path = tmp_path / "v1.db"
    version_1_file(path)
    broken = (*MIGRATIONS[:2], "CREATE TABLE drafts (key TEXT); SELECT no_such_function();")
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    with pytest.raises(StoreError):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"progress"}


def test_the_statements_of_a_migration_keep_triggers_and_comments_whole():
    from tutor.store._schema import statements

    for script in MIGRATIONS:
        found = list(statements(script))
        assert all(sqlite3.complete_statement(s) for s in found)
        assert "".join(found).replace(";", "").split() == script.replace(";", "").split()
    notes = list(statements(MIGRATIONS[3]))
    assert sum("CREATE TRIGGER" in s for s in notes) == 3 and len(notes) == 6


def test_an_unusable_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(blocker / "restutor.db")


def test_drafts_are_kept_whole_and_forgotten_when_emptied(tmp_path):
    path = tmp_path / "restutor.db"
    store = Store(path)
    big = "x" * 10_000_000
    store.save_draft("practice:rc-a", big)
    store.close()
    store = Store(path)
    assert store.draft("practice:rc-a") == big
    store.save_draft("practice:rc-a", "")
    assert store.draft("practice:rc-a") == ""


def test_a_corrupt_database_is_moved_aside_never_deleted(tmp_path):
    path = tmp_path / "restutor.db"
    junk = b"this was never a database " * 100
    path.write_bytes(junk)
    store = Store(path)
    assert store.moved_aside is not None and store.moved_aside.read_bytes() == junk
    store.mark_seen("l", "math")
    assert Store(path).seen_sections() == {"l": {"math"}}


def test_a_truncated_database_is_moved_aside(tmp_path):
    path = tmp_path / "restutor.db"
    store = Store(path)
    store.add_note("keep me", "concept", "residual-connections")
    store.close()
    (tmp_path / "restutor.db-wal").unlink(missing_ok=True)
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\x00" * 50 + data[150:4096])
    reopened = Store(path)
    assert reopened.moved_aside is not None and reopened.moved_aside.exists()


def test_a_busy_database_waits_then_says_so(tmp_path):
    import sqlite3

    path = tmp_path / "restutor.db"
    store = Store(path, busy_timeout=0.2)
    other = sqlite3.connect(path)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    with pytest.raises(StoreError, match="is busy"):
        store.mark_seen("l", "s")
    other.rollback()
    store.mark_seen("l", "s")  # free again: the write goes through
    assert store.seen_sections() == {"l": {"s"}}


def test_thirty_processes_adding_notes_to_a_new_database_keep_every_note(tmp_path):
    """Issue 14: the version was read outside a write transaction, so racing first opens
    created the tables twice ("table progress already exists") and notes were lost. Each
    process starts, opens the file and writes as the scheduler lets it: whatever the
    interleaving, all thirty notes are there, and nothing claims an upgrade."""
    import os
    import subprocess
    import sys

    db = tmp_path / "new.db"
    env = {**os.environ, "RESTUTOR_DB": str(db)}
    anchor = "concept:residual-connections"  # a real lesson: an unknown one is warned of
    command = [sys.executable, "-m", "tutor", "notes", "add", "--anchor", anchor]
    runs = [
        subprocess.Popen(
            [*command, "--body", f"note {i}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(30)
    ]
    results = [(run.wait(), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0] * 30, [err for _, _, err in results]
    assert not any(err for _, _, err in results)  # no "was upgraded", no error
    store = Store(db)
    assert sorted(n.body for n in store.notes()) == sorted(f"note {i}" for i in range(30))
    assert store.version == len(MIGRATIONS)
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == []


def damaged_page_file(path: Path) -> bytes:
    """A restutor file whose header is fine and one page in its middle is garbage: it
    opens, and only quick_check (or a read that reaches the page) finds the damage."""
    store = Store(path)
    for i in range(200):
        store.add_note("word " * 50 + str(i), "concept", "c")
    store.close()
    checkpoint = sqlite3.connect(path)
    checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpoint.close()
    data = bytearray(path.read_bytes())
    middle = 4096 * (len(data) // 4096 // 2)
    data[middle + 100 : middle + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))
    return bytes(data)


def aside_files(folder: Path) -> list[Path]:
    """The damaged databases moved aside in ``folder`` (not the journals moved with them)."""
    return [
        p
        for p in folder.iterdir()
        if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]


def test_one_damaged_page_is_damage_the_whole_file_is_kept_aside(tmp_path):
    path = tmp_path / "notes.db"
    damaged = damaged_page_file(path)
    store = Store(path)
    assert store.moved_aside is not None and store.moved_aside.read_bytes() == damaged
    assert "was damaged" in store.notices()[0] and store.notes() == []
    store.add_note("a fresh start", "concept", "c")  # into the new file, not the damaged one
    assert store.moved_aside.read_bytes() == damaged


def test_two_damaged_files_in_the_same_second_are_both_kept(tmp_path, monkeypatch):
    import datetime as dt

    import tutor.store._connection as connection

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 12, 1, 12, 0, 0, tzinfo=tz)

    monkeypatch.setattr(connection, "datetime", Frozen)
    path = tmp_path / "notes.db"
    kept = []
    for junk in (b"first damaged file " * 100, b"second damaged file " * 100):
        path.write_bytes(junk)
        store = Store(path)
        kept.append(store.moved_aside)
        store.close()
    assert kept[0] != kept[1]
    assert kept[0].read_bytes().startswith(b"first") and kept[1].read_bytes().startswith(b"second")


# -- whose file it is (issue 14, item 1) ------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _foreign_table(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE foo (a)")
    db.execute("INSERT INTO foo VALUES ('their data')")


#: Files that are someone else's: each made by its own statements, in its own journal mode.
FOREIGN_FILES = {
    "a table foo": ["CREATE TABLE foo (a)", "INSERT INTO foo VALUES (1)"],
    "only a view": ["CREATE VIEW v AS SELECT 1"],
    "a table named like restutor's": ["CREATE TABLE progress (x)"],
    "an index and a trigger": [
        "CREATE TABLE t (a)",
        "CREATE INDEX t_a ON t (a)",
        "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN SELECT 1; END",
    ],
    "a schema version of its own": ["CREATE TABLE foo (a)", "PRAGMA user_version = 3"],
    "a version far beyond restutor's": ["CREATE TABLE foo (a)", "PRAGMA user_version = 99"],
    "another program's id": ["CREATE TABLE foo (a)", "PRAGMA application_id = 1234"],
    "another id on restutor's tables": [*MIGRATIONS[0].split(";")[:1], "PRAGMA application_id = 7"],
    "in WAL mode": ["PRAGMA journal_mode = WAL", "CREATE TABLE foo (a)"],
    "in WAL mode, versioned": [
        "PRAGMA journal_mode = WAL",
        "CREATE TABLE foo (a)",
        "PRAGMA user_version = 2",
    ],
}


def _make(path: Path, statements: list[str]) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        db.execute(statement)
    db.close()


@pytest.mark.parametrize("made", FOREIGN_FILES.values(), ids=FOREIGN_FILES.keys())
def test_someone_elses_database_is_refused_and_left_byte_for_byte(tmp_path, made):
    """Issue 14: a file holding only ``foo`` got 20 restutor objects and WAL mode."""
    path = tmp_path / "other.db"
    _make(path, made)
    before = _files(tmp_path)
    with pytest.raises(StoreError, match=r"is not restutor's \(.*\); it was left as it is"):
        Store(path)
    assert _files(tmp_path) == before  # the same bytes, no -wal, -shm or backup beside it


def test_someone_elses_database_is_one_line_from_the_command_line(tmp_path, capsys):
    from tutor.cli import main

    path = tmp_path / "other.db"
    _make(path, FOREIGN_FILES["a table foo"])
    before = path.read_bytes()
    for command in (["notes", "list"], ["notes", "add", "--anchor", "concept:c", "--body", "x"]):
        assert main(["--db", str(path), *command]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"the database {path} is not restutor's" in err
    assert path.read_bytes() == before and sorted(_files(tmp_path)) == ["other.db"]


def test_a_new_or_empty_file_becomes_restutors_and_says_so(tmp_path):
    from tutor.store._schema import APPLICATION_ID, restutor_version

    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (tmp_path / "new.db", empty):
        store = Store(path)
        assert store._db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        written = dict(store._db.execute("SELECT key, value FROM meta").fetchall())
        assert written == {"needs_restutor": restutor_version()} and store.notices() == []


def old_database(
    path: Path, version: int, notes: list[tuple[str, str, str]] | None = None
) -> sqlite3.Connection:
    """A file as restutor's schema ``version`` left it, holding ``notes`` (uid, body, tags
    as that version stored them); open for what a test adds, which commits and closes it."""
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:version]:
        db.executescript(script)
    db.execute(f"PRAGMA user_version = {version}")
    if notes:  # versions before 4 have no notes table
        db.executemany(
            "INSERT INTO notes (uid, body, tags, anchor_kind, anchor_id, created_at, updated_at)"
            " VALUES (?, ?, ?, 'concept', 'x', 't', 't')",
            notes,
        )
    return db


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
def test_restutors_files_from_before_the_id_are_still_its_own(tmp_path, version):
    """A file at any earlier schema, made before restutor marked its files, is upgraded
    (and marked), its data kept."""
    from tutor.store._schema import APPLICATION_ID

    path = tmp_path / "old.db"
    db = old_database(path, version)
    db.execute("INSERT INTO progress VALUES ('l', 'math', 'then')")
    db.commit()
    db.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS) and store.seen_sections() == {"l": {"math"}}
    assert store._db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert store.backed_up is not None


def _newer(path: Path, needs: str | None) -> bytes:
    store = Store(path)
    store.add_note("from the future", "concept", "c")
    if needs is None:
        store._db.execute("DROP TABLE meta")
    else:
        store._db.execute("UPDATE meta SET value = ?", (needs,))
    store._db.execute("PRAGMA user_version = 99")
    store._db.commit()
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path.read_bytes()


def test_a_file_from_a_newer_restutor_says_which_it_needs_and_is_left_alone(tmp_path):
    from tutor.store._schema import restutor_version

    path = tmp_path / "newer.db"
    before = _newer(path, "9.4.1")
    files = _files(tmp_path)
    with pytest.raises(StoreError) as refused:
        Store(path)
    this = restutor_version() or "an uninstalled copy"
    assert f"it needs restutor 9.4.1 or later (this is {this})" in str(refused.value)
    assert "schema version 99" in str(refused.value)
    assert path.read_bytes() == before and _files(tmp_path) == files


def test_a_newer_file_from_before_the_record_names_its_schema(tmp_path):
    path = tmp_path / "newer.db"
    before = _newer(path, None)
    with pytest.raises(StoreError, match="has schema version 99, newer than this restutor knows"):
        Store(path)
    assert path.read_bytes() == before


def test_the_restutor_a_newer_file_needs_is_shown_not_obeyed(tmp_path):
    path = tmp_path / "newer.db"
    _newer(path, "\x1b[2J" + "9" * 500)
    with pytest.raises(StoreError) as refused:
        Store(path)
    assert "\x1b" not in str(refused.value) and len(str(refused.value)) < 400


# -- a file of restutor's that lacks something (item 2) ---------------------------------


def _full_store(path: Path) -> Store:
    store = Store(path)
    store.mark_seen("l", "math")
    store.add_note("an identity path keeps the signal", "concept", "c", tags=("t",))
    store.add_note("second thought", "claim", "k")
    store.save_draft("practice:a", "half")
    store.trust_lesson("/x.yaml", "abc")
    store.record_review(
        item_id="i",
        lesson_id="l",
        card='{"due": "2026-01-01T00:00:00+00:00"}',
        due="2026-01-01T00:00:00+00:00",
        rating=3,
        correct=True,
        nudges=0,
        reviewed_at="2025-12-01T00:00:00+00:00",
        log="{}",
    )
    return store


def _rebuildable() -> list[str]:
    from tutor.store._schema import data_tables, expected_objects

    return [name for name in expected_objects(MIGRATIONS) if name not in data_tables(MIGRATIONS)]


def _drop(path: Path, name: str) -> None:
    from tutor.store._schema import expected_objects

    kind = expected_objects(MIGRATIONS)[name][0]
    db = sqlite3.connect(path)
    db.execute(f"DROP {kind.upper()} {name}")
    db.commit()
    db.close()


def _every_read(store: Store) -> dict:
    return {
        "notes": [n.body for n in store.notes()],
        "search": [n.body for n in store.search_notes("identity")],
        "tagged": [n.body for n in store.notes(tag="t")],
        "tags": store.tags(),
        "note": store.note(1) and store.note(1).body,
        "seen": store.seen_sections(),
        "draft": store.draft("practice:a"),
        "trust": store.trusts_lesson("/x.yaml", "abc"),
        "cards": store.cards(),
        "due": store.due_cards("2030"),
        "next": store.next_due(),
    }


@pytest.mark.parametrize("name", _rebuildable())
def test_a_missing_index_trigger_or_search_index_is_built_again(tmp_path, name):
    """Issue 14: with ``notes_fts`` (or a shadow table, a trigger) dropped, every read
    crashed. What can be rebuilt from the data is rebuilt, on opening."""
    path = tmp_path / "restutor.db"
    expected = _every_read(_full_store(path))
    _drop(path, name)
    store = Store(path)
    assert store.moved_aside is None and _every_read(store) == expected
    store.add_note("found again later", "concept", "c")
    store.update_note(1, "an identity path, edited", tags=("t",))
    assert [n.body for n in store.search_notes("later")] == ["found again later"]
    assert [n.body for n in store.search_notes("edited")] == ["an identity path, edited"]
    assert store._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    fts = "INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')"
    store._db.execute(fts)  # the search index agrees with the notes


@pytest.mark.parametrize(
    "name", [n for n in ("progress", "cards", "notes", "drafts", "meta", "place")]
)
def test_a_missing_table_of_the_learners_is_damage(tmp_path, name):
    path = tmp_path / "restutor.db"
    _full_store(path).close()
    _drop(path, name)
    (tmp_path / "restutor.db-wal").unlink(missing_ok=True)
    damaged = path.read_bytes()
    store = Store(path)
    assert store.moved_aside is not None and store.moved_aside.read_bytes() == damaged
    assert f"(its table {name} is missing)" in store.notices()[0]
    assert _every_read(store)["notes"] == []


def test_an_old_file_without_its_search_index_is_rebuilt_and_upgraded(tmp_path):
    path = tmp_path / "v4.db"
    db = old_database(path, 4, [("u", "kept words", "a b")])
    db.execute("DROP TABLE notes_fts")
    db.commit()
    db.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS)
    assert [n.tags for n in store.search_notes("kept")] == [("a", "b")]


# -- paths that could keep nothing (item 3) ---------------------------------------------


@pytest.mark.parametrize(
    "given, said",
    [
        (":memory:", "would keep nothing"),
        ("", "is empty"),
        ("file:x.db", "restutor takes a plain file path"),
        ("file:/tmp/x.db?mode=ro", "restutor takes a plain file path"),
        ("file::memory:?cache=shared", "restutor takes a plain file path"),
        ("file:relative/folder/x.db", "restutor takes a plain file path"),
        ("file:", "restutor takes a plain file path"),
        (".", "is empty"),
    ],
)
def test_a_path_that_would_keep_nothing_is_one_line(tmp_path, monkeypatch, capsys, given, said):
    from tutor.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RESTUTOR_DB", given)
    assert main(["notes", "add", "--anchor", "concept:c", "--body", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err
    # No folder named 'file:' and no database; only the learner's words, kept in a file.
    assert [p.name for p in tmp_path.iterdir()] in ([], ["kept-notes"])
    for kept in tmp_path.glob("kept-notes/*"):
        assert kept.read_text() == "x"


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match=f"{tmp_path} is a folder; name a file in it"):
        Store(tmp_path)


def _readonly(code: int) -> sqlite3.OperationalError:
    """The error SQLite raises for a write it cannot make, with its extended code."""
    error = sqlite3.OperationalError("attempt to write a readonly database")
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    "code",
    [
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_READONLY_CANTINIT,
        sqlite3.SQLITE_READONLY_CANTLOCK,
        sqlite3.SQLITE_READONLY_DBMOVED,
        sqlite3.SQLITE_READONLY_RECOVERY,
    ],
)
def test_a_read_only_file_is_said_to_be_one(tmp_path, code):
    from tutor.store._failures import failure

    said = str(failure(tmp_path / "x.db", _readonly(code)))
    assert said.startswith(f"cannot write the database {tmp_path / 'x.db'}: the file is read-only")


def test_a_read_only_folder_says_the_journal_lives_beside_the_file(tmp_path, monkeypatch, capsys):
    """Issue 14: "attempt to write a readonly database" for a writable file in a read-only
    folder. SQLite says which (``SQLITE_READONLY_DIRECTORY``): the -wal and -shm files
    cannot be made. Root writes anywhere, so the refusal is SQLite's error, injected."""
    import tutor.store._connection as connection
    from tutor.cli import main

    db = tmp_path / "data" / "restutor.db"
    Store(db).close()

    def refused(path, timeout):
        raise _readonly(sqlite3.SQLITE_READONLY_DIRECTORY)

    monkeypatch.setattr(connection, "_connect_sqlite", refused)
    assert main(["--db", str(db), "notes", "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"its folder {db.parent} is read-only" in err and "-wal and -shm" in err


def test_a_read_only_file_is_one_line_and_left_unchanged(tmp_path, monkeypatch):
    import tutor.store._connection as connection

    path = tmp_path / "restutor.db"
    _full_store(path).close()
    before = path.read_bytes()

    def read_only(path, timeout):
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=timeout)

    monkeypatch.setattr(connection, "_connect_sqlite", read_only)
    store = Store(path)
    assert [n.body for n in store.notes()] == [
        "second thought",
        "an identity path keeps the signal",
    ]
    with pytest.raises(StoreError, match="the file is read-only"):
        store.add_note("lost?", "concept", "c")
    assert path.read_bytes() == before


# -- every failure is one StoreError (item 4) -------------------------------------------

#: Arguments for each public method of ``Store``: a method added without one fails the
#: test below, so no method escapes the guard unnoticed.
CALLS = {
    "add_note": ("body", "concept", "c"),
    "card": ("i",),
    "cards": (),
    "close": (),
    "delete_note": (1,),
    "draft": ("k",),
    "due_cards": ("2030",),
    "import_notes": (
        [
            {
                "uid": "u",
                "body": "b",
                "anchor_kind": "concept",
                "anchor_id": "c",
                "created_at": "t",
                "updated_at": "t",
            }
        ],
    ),
    "forget_place": (),
    "latest_answers": (),
    "mark_seen": ("l", "s"),
    "next_due": (),
    "note": (1,),
    "notes": (),
    "place": (),
    "record_review": (),
    "restore_note": ((1, "u", "b", "[]", "", "concept", "c", None, None, "t", "t"),),
    "save_draft": ("k", "body"),
    "search_notes": ("words",),
    "seen_sections": (),
    "set_place": ("l", "section", "math"),
    "tags": (),
    "trust_lesson": ("/x", "abc"),
    "trusts_lesson": ("/x", "abc"),
    "undo_last_review": (),
    "last_review": (),
    "rerate_last_review": ("i", "{}", "2030", 4, "{}"),
    "review_outcomes": (),
    "reviews_since": ("2030",),
    "update_note": (1, "body"),
    "version": None,  # a property
}
REVIEW = dict(
    item_id="i",
    lesson_id="l",
    card="{}",
    due="d",
    rating=3,
    correct=True,
    nudges=0,
    reviewed_at="r",
    log="{}",
)
#: What may go wrong under any of them, as SQLite (or the disk) raises it.
FAILURES = [
    sqlite3.DatabaseError("database disk image is malformed"),
    sqlite3.IntegrityError("UNIQUE constraint failed: notes.uid"),
    sqlite3.InterfaceError("bad parameter or other API misuse"),
    sqlite3.OperationalError("disk I/O error"),
    sqlite3.OperationalError("database is locked"),
    sqlite3.ProgrammingError("Cannot operate on a closed database."),
    _readonly(sqlite3.SQLITE_READONLY),
    OSError(5, "Input/output error"),
    OverflowError("Python int too large to convert to SQLite INTEGER"),
]


class FailingConnection:
    """Stands in for the connection: every use of it raises ``error``."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __getattr__(self, name):
        raise self.error

    def __enter__(self):
        raise self.error

    def __exit__(self, *exc):
        return False


def _public(cls) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))
    }


def test_every_public_method_is_listed_for_the_failure_test():
    assert _public(Store) == set(CALLS) | {"notices"}  # notices reads no file


@pytest.mark.parametrize("error", FAILURES, ids=lambda e: f"{type(e).__name__}:{e}")
@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_failure_of_every_public_method_is_one_store_error(tmp_path, name, error):
    path = tmp_path / "restutor.db"
    store = Store(path)
    real, store._db = store._db, FailingConnection(error)
    try:
        with pytest.raises(StoreError) as raised:
            if CALLS[name] is None:
                getattr(store, name)
            elif name == "record_review":
                store.record_review(**REVIEW)
            else:
                getattr(store, name)(*CALLS[name])
    finally:
        real.close()
    said = str(raised.value)
    assert str(path) in said and "\n" not in said and raised.value.__cause__ is None


def test_the_messages_say_what_each_failure_means(tmp_path):
    from tutor.store._failures import failure

    path = tmp_path / "x.db"
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    said = {type(e).__name__ + str(e): str(failure(path, e)) for e in [*FAILURES, full]}
    assert "is damaged" in said["DatabaseErrordatabase disk image is malformed"]
    assert "is busy" in said["OperationalErrordatabase is locked"]
    assert "is full; free some space" in said["OperationalErrordatabase or disk is full"]
    assert "Input/output error" in said["OSError[Errno 5] Input/output error"]
    assert all(str(path) in line for line in said.values())


def test_damage_found_during_a_session_moves_the_file_aside_at_the_next_opening(
    tmp_path, monkeypatch
):
    """A "malformed" read says the file is damaged and will be moved aside; the next
    opening does move it, even where its own check would not have seen the damage."""
    import tutor.store._connection as connection

    path = tmp_path / "notes.db"
    damaged = damaged_page_file(path)
    monkeypatch.setattr(connection, "check_intact", lambda db: None)  # damage it cannot see
    store = Store(path)
    with pytest.raises(StoreError, match="is damaged .*; it will be moved aside"):
        store.notes()
    store.close()
    reopened = Store(path)
    assert reopened.moved_aside is not None and reopened.moved_aside.read_bytes() == damaged
    assert "found while it was in use" in reopened.notices()[0]
    assert reopened.notes() == [] and not (tmp_path / "notes.db.damaged").exists()
    reopened.close()
    assert Store(path).moved_aside is None  # the new file is not taken for the old one


@pytest.mark.parametrize("note_id", [2**63, -(2**63) - 1, 10**30])
def test_an_id_too_large_for_sqlite_is_one_line(tmp_path, note_id):
    store = Store(tmp_path / "restutor.db")
    for method in (store.note, store.delete_note):
        with pytest.raises(StoreError, match="a number is too large for it"):
            method(note_id)


def test_a_mark_left_for_another_file_is_ignored(tmp_path):
    path = tmp_path / "restutor.db"
    Store(path).add_note("keep me", "concept", "c")
    (tmp_path / "restutor.db.damaged").write_text("1 2\nmalformed, long ago\n")
    store = Store(path)
    assert store.moved_aside is None and [n.body for n in store.notes()] == ["keep me"]


def test_a_late_opener_leaves_the_new_file_another_process_started(tmp_path, monkeypatch):
    """Found damaged, but moved aside (and a new file started, and written) by another
    process before this one could move it: this one opens the new file, moving nothing."""
    import tutor.store._connection as connection

    path = tmp_path / "notes.db"
    damaged = damaged_page_file(path)
    real = connection.check_intact

    def another_process_first(db):
        monkeypatch.setattr(connection, "check_intact", real)
        other = Store(path)
        other.add_note("the other's note", "concept", "c")
        other.close()
        real(db)  # this one's look at the old file: damaged

    monkeypatch.setattr(connection, "check_intact", another_process_first)
    store = Store(path)
    assert store.moved_aside is None and [n.body for n in store.notes()] == ["the other's note"]
    aside = aside_files(tmp_path)
    assert len(aside) == 1 and aside[0].read_bytes() == damaged


# -- where the learner left off (issue 16, resume) ------------------------------------


def test_a_file_from_version_7_gains_the_place_and_keeps_its_data(tmp_path):
    path = tmp_path / "v7.db"
    db = old_database(path, 7, [("u", "kept words", '["a"]')])
    db.execute("INSERT INTO progress VALUES ('l', 'math', 'then')")
    db.commit()
    db.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS) == 8 and store.backed_up is not None
    assert store.place() is None and store.seen_sections() == {"l": {"math"}}
    assert [n.body for n in store.search_notes("kept")] == ["kept words"]


@pytest.mark.parametrize(
    "kind, target",
    [
        ("section", "math"),
        ("practice", "rc-edit"),
        ("lab", {"tab": "train", "params": {"depths": [4, 16], "steps": 200}}),
    ],
)
def test_the_place_is_kept_across_reopening_and_only_the_last(tmp_path, kind, target):
    path = tmp_path / "restutor.db"
    store = Store(path)
    store.set_place("other-lesson", "section", "intuition")
    written = store.set_place("residual-connections", kind, target)
    store.close()
    again = Store(path)
    assert again.place() == written
    assert written.as_json() == {
        "lesson": "residual-connections",
        "kind": kind,
        "target": target,
        "at": written.at,
    }
    again.forget_place()
    assert again.place() is None
