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
    from tutor.store._migrations import _statements

    for script in MIGRATIONS:
        statements = list(_statements(script))
        assert all(sqlite3.complete_statement(s) for s in statements)
        assert "".join(statements).replace(";", "").split() == script.replace(";", "").split()
    notes = list(_statements(MIGRATIONS[3]))
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
