"""Notes: the store's FTS5 index, exports that stand alone, imports without duplicates."""

import json
import subprocess
import sys

import pytest

from tutor.cli import main
from tutor.notes import to_json
from tutor.store import Store


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "restutor.db")
    store.add_note(
        "The identity term keeps gradients alive.",
        "equation",
        "rc-jacobian",
        lesson_id="residual-connections",
        tags=("jacobian", "gradients"),
        next_action="derive it for two blocks",
    )
    store.add_note(
        "Post-norm bends the skip path.", "claim", "pn-claim", lesson_id="pre-norm", tags=("norm",)
    )
    store.add_note(
        "Depth 60 plain is flat",
        "lab",
        "--depth=60 --plain",
        anchor_data={"depth": 60, "residual": False},
    )
    return store


def test_list_filters_by_lesson_tag_and_anchor(store):
    assert len(store.notes()) == 3
    assert [n.anchor_id for n in store.notes(lesson_id="pre-norm")] == ["pn-claim"]
    assert [n.anchor_kind for n in store.notes(tag="gradients")] == ["equation"]
    assert store.notes(tag="gradient") == []  # tags match whole
    assert [n.anchor_kind for n in store.notes(anchor_kind="lab")] == ["lab"]


def test_search_narrows_by_the_same_filters(store):
    assert [n.anchor_id for n in store.notes(query="post* OR identity", lesson_id="pre-norm")] == [
        "pn-claim"
    ]
    assert store.notes(query="identity", anchor_kind="claim") == []
    assert [n.anchor_kind for n in store.notes(query='"(', tag="norm")] == []
    assert store.tags() == ["gradients", "jacobian", "norm"]


def test_an_edited_note_keeps_its_anchor_and_is_found_by_its_new_words(store):
    note = store.notes(anchor_kind="equation")[0]
    edited = store.update_note(note.id, "The +1 on the diagonal.", ("identity",), "check L=2")
    assert (edited.uid, edited.anchor_id, edited.created_at) == (
        note.uid,
        note.anchor_id,
        note.created_at,
    )
    assert (edited.body, edited.tags, edited.next_action) == (
        "The +1 on the diagonal.",
        ("identity",),
        "check L=2",
    )
    assert [n.id for n in store.search_notes("diagonal")] == [note.id]
    assert store.search_notes("gradients") == []  # the old words left the index
    assert store.update_note(10_000, "gone") is None


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("identity", 1),
        ('"skip path"', 1),
        ("grad*", 1),
        ("identity OR norm", 2),
        ("jacobian", 1),
        ("derive", 1),
        ("nothing", 0),
    ],
)
def test_search_speaks_fts5(store, query, found):
    assert len(store.search_notes(query)) == found


@pytest.mark.parametrize(
    "query",
    ['"', "(", "AND", "* OR", "NEAR(", "'; DROP TABLE notes; --", "🙂", "a:b", "-x", ""],
)
def test_hostile_queries_never_fail(store, query):
    store.search_notes(query)
    assert len(store.notes()) == 3


def test_cli_add_list_search_show_export_import(tmp_path, capsys):
    db = str(tmp_path / "cli.db")

    def run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    assert (
        run(
            "--db",
            db,
            "notes",
            "add",
            "--anchor",
            "concept:residual-connections",
            "--tag",
            "big",
            "--body",
            "x" * 10_000_000,
        )[0]
        == 0
    )
    assert (
        run("--db", db, "notes", "add", "--anchor", "lab:--depth 60 --plain", "--body", "flat")[0]
        == 0
    )
    code, out, _ = run("--db", db, "notes", "list")
    assert code == 0 and "lab:--depth 60 --plain" in out
    code, out, _ = run("--db", db, "notes", "search", "flat")
    assert "flat" in out
    code, out, _ = run("--db", db, "notes", "search", "flat", "--anchor", "concept")
    assert "flat" not in out
    code, out, _ = run("--db", db, "notes", "show", "2")
    assert "restutor sim --depth=60 --plain" in out  # the lab state as a command
    code, out, _ = run("--db", db, "notes", "show", "1")
    assert "Residual connections:" in out and len(out) > 10_000_000  # the whole paste
    out_file = tmp_path / "notes.json"
    assert run("--db", db, "notes", "export", "--format", "json", "--out", str(out_file))[0] == 0
    other = str(tmp_path / "other.db")
    assert "imported 2 new" in run("--db", other, "notes", "import", str(out_file))[1]
    assert "imported 0 new" in run("--db", other, "notes", "import", str(out_file))[1]
    code, out, _ = run("--db", db, "notes", "export", "--format", "md")
    assert out.startswith("---\n") and out.count("```yaml\nuid: ") == 2


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["notes", "add", "--anchor", "nowhere", "--body", "x"], "--anchor must be KIND:ID"),
        (["notes", "add", "--anchor", "lab:--depth 0", "--body", "x"], "depth must be from 1"),
        (["notes", "add", "--anchor", "claim:c", "--body", "  "], "the note is empty"),
        (["notes", "show", "99"], "no note 99"),
        (["notes", "import", "/nonexistent/file.json"], "cannot read"),
    ],
)
def test_cli_bad_input_is_one_line(tmp_path, capsys, argv, words):
    code = main(["--db", str(tmp_path / "x.db"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and words in err and err.count("\n") == 1


def test_a_body_from_standard_input(tmp_path):
    db = str(tmp_path / "stdin.db")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tutor",
            "--db",
            db,
            "notes",
            "add",
            "--anchor",
            "concept:residual-connections",
        ],
        input="from a pipe",
        text=True,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert Store(tmp_path / "stdin.db").notes()[0].body == "from a pipe"
    data = json.loads(to_json(Store(tmp_path / "stdin.db").notes()))
    assert data["notes"][0]["anchor_id"] == "residual-connections"


WRITER = """
import sys
from pathlib import Path
from tutor.store import Store
store = Store(Path(sys.argv[1]))
for i in range(int(sys.argv[3])):
    store.add_note(f"{sys.argv[2]} note {i}", "concept", "residual-connections")
    print(i, flush=True)
"""


def test_two_writers_at_once_lose_nothing(tmp_path):
    db = str(tmp_path / "shared.db")
    Store(tmp_path / "shared.db").close()  # created and migrated before the race
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db, name, "150"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for name in ("left", "right")
    ]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    bodies = {note.body for note in Store(tmp_path / "shared.db").notes()}
    assert len(bodies) == 300
    assert {f"left note {i}" for i in range(150)} <= bodies


def test_kill_9_mid_save_keeps_every_committed_note(tmp_path):
    import signal

    db = tmp_path / "killed.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "w", "100000"], stdout=subprocess.PIPE, text=True
    )
    committed = -1
    for line in writer.stdout:  # each line is printed after its note was committed
        committed = int(line)
        if committed >= 300:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    store = Store(db)
    assert store.moved_aside is None  # the file is intact, not damaged
    bodies = {note.body for note in store.notes()}
    assert {f"w note {i}" for i in range(committed + 1)} <= bodies


@pytest.mark.parametrize("tag", ["two words", "%", "_", "a,b", "#todo", "key:value"])
def test_a_tag_is_kept_whole_and_matched_exactly(tmp_path, tag):
    store = Store(tmp_path / "restutor.db")
    store.add_note("tagged", "concept", "c", tags=(tag,))
    store.add_note("other", "concept", "c", tags=("x" + tag + "x", "two", "words"))
    assert [n.body for n in store.notes(tag=tag)] == ["tagged"]
    assert store.note(1).tags == (tag,)
    assert tag in store.tags()


def test_a_deleted_note_is_restored_exactly(store):
    before = store.note(1)
    deleted = store.delete_note(1)
    assert store.note(1) is None
    assert store.search_notes("identity") == []
    assert store.delete_note(1) is None
    assert store.restore_note(deleted) == before
    assert [n.id for n in store.search_notes("identity")] == [1]


def test_space_separated_tags_become_lists_on_upgrade(tmp_path):
    from tests.test_store import old_database

    path = tmp_path / "v5.db"
    db = old_database(path, 5, [("u", "old", "a  b #c")])
    db.commit()
    db.close()
    store = Store(path)
    assert store.note(1).tags == ("a", "b", "#c")
    assert [n.body for n in store.notes(tag="b")] == ["old"]
    assert [n.body for n in store.search_notes("c")] == ["old"]


def test_a_row_nested_too_deep_to_parse_reads_back(tmp_path):
    store = Store(tmp_path / "restutor.db")
    deep = "[" * 5000 + "]" * 5000
    note = store.add_note("deep", "concept", "c", tags=("t",))
    store.import_notes([])  # the store open and working
    import sqlite3

    db = sqlite3.connect(tmp_path / "restutor.db")
    db.execute("UPDATE notes SET tags = ?, anchor_data = ? WHERE id = ?", (deep, deep, note.id))
    db.commit()
    db.close()
    again = store.note(note.id)
    assert again.anchor_data is None
    assert again.body == "deep"
