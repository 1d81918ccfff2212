"""Notes as files: an import that checks every field, exports that other tools read back,
and an export that never lands on the database or leaves half a file."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.notes_cli import run
from tests.notes_strategies import (
    TEXT,
    anchor_ids,
    bodies,
    expected_metadata,
    export_records,
    odd_notes,
    record_lists,
    tag_lists,
)
from tutor.lessons.index import read_index
from tutor.lessons.loader import read_lesson
from tutor.notes import (
    ANCHOR_KINDS,
    anchored_content,
    check_export,
    importing,
    to_json,
    to_markdown,
    vault_pages,
)
from tutor.notes.markdown import yaml_text
from tutor.paths import builtin_lessons_dir
from tutor.store import Store
from tutor.text import visible


def export_of(notes: list) -> str:
    return json.dumps({"version": 1, "notes": notes})


# --- import: every field typed and bounded --------------------------------------------

NOT_TEXT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _is_iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


bad_times = st.one_of(NOT_TEXT, TEXT.filter(lambda t: not _is_iso(t)))
#: For each field, values no note may hold there (lone surrogates crash SQLite's encoder).
WRONG = {
    "uid": st.one_of(NOT_TEXT, st.sampled_from(["", "u" * 201, "a\ud800"])),
    "body": st.one_of(NOT_TEXT, st.sampled_from(["x" * (importing.MAX_BODY + 1), "\udfff"])),
    "tags": st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.lists(NOT_TEXT, min_size=1, max_size=3),
        st.sampled_from([[""], ["t" * 201], ["t"] * 101, ["ok", "\ud800"]]),
    ),
    "next_action": st.one_of(NOT_TEXT.filter(lambda v: v is not None), st.just("\ud83d")),
    "anchor_kind": st.one_of(NOT_TEXT, TEXT.filter(lambda k: k not in ANCHOR_KINDS)),
    "anchor_id": st.one_of(NOT_TEXT, st.just("")),
    "lesson_id": st.one_of(NOT_TEXT.filter(lambda v: v is not None), st.just("")),
    "anchor_data": st.one_of(
        st.lists(st.integers(), max_size=2),
        st.integers(),
        st.text(max_size=5),
        st.sampled_from(
            [
                {"a": [[[[[[[[[[1]]]]]]]]]]},
                {"x": "\ud800"},
                {"\udc80": 1},
                {"a": float("nan")},
                {"a": [float("inf")]},
            ]
        ),
    ),
    "created_at": bad_times,
    "updated_at": bad_times,
}


@st.composite
def broken_records(draw: st.DrawFn) -> tuple[dict, str]:
    """A note with one thing wrong, and the word its problem line must hold."""
    record = draw(export_records())
    how = draw(st.sampled_from([*WRONG, "extra", "missing", "not an object", "lab state"]))
    if how == "extra":
        record[draw(TEXT.filter(lambda key: key not in record))] = 1
        return record, "unknown key"
    if how == "missing":
        del record[draw(st.sampled_from(["uid", "body", "anchor_kind", "anchor_id"]))]
        return record, "is required"
    if how == "not an object":
        return draw(NOT_TEXT.filter(lambda v: not isinstance(v, dict))), "not an object"
    if how == "lab state":
        record.update(anchor_kind="lab", anchor_data={"depth": draw(st.integers(-5, 0))})
        return record, "not a state the lab can run"
    record[how] = draw(WRONG[how])
    return record, how


@settings(max_examples=300)
@given(st.lists(export_records(), min_size=2, max_size=2), broken_records())
def test_a_note_with_anything_wrong_is_refused_alone_in_one_line(good, broken):
    bad, word = broken
    good[1]["uid"] = good[0]["uid"] + "-second"
    checked = check_export(export_of([good[0], bad, good[1]]))
    assert [n["uid"] for n in checked.notes] == [good[0]["uid"], good[1]["uid"]]
    (problem,) = checked.problems
    assert problem.startswith("note 2: ") and word in problem and "\n" not in problem


def test_the_problems_the_issue_names_are_reported_not_raised(tmp_path):
    good = {
        "uid": "u1",
        "body": "fine",
        "anchor_kind": "claim",
        "anchor_id": "c",
        "created_at": "2024-01-01T00:00:00+00:00",
        "updated_at": "2024-01-01T00:00:00+00:00",
    }
    notes = [
        {**good, "uid": [1]},
        {**good, "body": {}},
        {**good, "tags": [1, 2]},
        {**good, "tags": None},
        {**good, "anchor_kind": "evil"},
        {**good, "anchor_data": [1, 2]},
        {**good, "anchor_kind": "lab", "anchor_data": {"depth": "deep"}},
        good,
    ]
    path = tmp_path / "mixed.json"
    path.write_text(export_of(notes), encoding="utf-8")
    db = str(tmp_path / "x.db")
    assert run("--db", db, "notes", "add", "--anchor", "claim:c", "--body", "old")[0] == 0
    code, out, err = run("--db", db, "notes", "import", str(path))
    lines = err.splitlines()
    assert code == 2 and len(lines) == 7
    assert all(line.startswith(f"{path}: note {n}: ") for n, line in enumerate(lines, 1))
    assert out == f"imported 1 new note(s) from {path}; 0 already present, 7 refused\n"
    assert run("--db", db, "notes", "import", str(path))[1].startswith(
        f"imported 0 new note(s) from {path}; 1 already present"
    )
    assert [n.body for n in Store(tmp_path / "x.db").notes()] == ["old", "fine"]


NESTED = "[" * 100_000
HUGE_INT = "9" * 5_000


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (NESTED.encode(), "nests too deeply"),
        (('{"a":' * 100_000).encode(), "nests too deeply"),
        (f'{{"version": 1, "notes": [], "n": {HUGE_INT}}}'.encode(), "5,000 digits"),
        (f'{{"version": 1, "notes": [{{"uid": -{HUGE_INT}}}]}}'.encode(), "digits"),
        (b'{"version": 1, "notes": ["\xff"]}', "not UTF-8"),
        (b"\xfe\xff\x00{", "not UTF-8"),
        (b"", "not JSON"),
        (b"{", "not JSON"),
        (b"\x00", "not JSON"),
        (b"[]", "not a restutor notes export"),
        (b'"notes"', "not a restutor notes export"),
        (b"null", "not a restutor notes export"),
        (b'{"version": 99, "notes": []}', "99 is not a version"),
        (b'{"version": "1", "notes": []}', "version"),
        (b'{"version": true, "notes": []}', "version"),
        (b'{"notes": []}', "'version' is required"),
        (b'{"version": 1}', "'notes' is required"),
        (b'{"version": 1, "notes": null}', "notes"),
        (b'{"version": 1, "notes": [], "\\u001b[2J": 1}', "unknown key '\u241b[2J'"),
        (b'{"version": 1, "notes": [], "\\ud800": 1}', "lone surrogate"),
    ],
)
def test_a_file_that_is_no_export_is_one_line_and_changes_nothing(tmp_path, content, words):
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    code, out, err = run("--db", str(tmp_path / "x.db"), "notes", "import", str(path))
    assert (code, out) == (2, "")
    assert err.startswith("restutor: ") and words in err and err.count("\n") == 1
    assert "\x1b" not in err
    assert Store(tmp_path / "x.db").notes() == []


@pytest.mark.parametrize("make", ["fifo", "folder", "missing", "device", "too big"])
def test_a_path_that_is_no_file_to_read_is_one_line(tmp_path, monkeypatch, make):
    path = tmp_path / "export.json"
    if make == "fifo":
        os.mkfifo(path)  # reading would block forever
    elif make == "folder":
        path.mkdir()
    elif make == "device":
        path = Path("/dev/zero")  # reading would never end
    elif make == "too big":
        monkeypatch.setattr(importing, "MAX_FILE_BYTES", 100)
        path.write_text(export_of([{"body": "x" * 200}]), encoding="utf-8")
    code, out, err = run("--db", str(tmp_path / "x.db"), "notes", "import", str(path))
    assert (code, out) == (2, "") and err.startswith("restutor: ") and err.count("\n") == 1


# --- odd notes already stored ---------------------------------------------------------


@pytest.fixture(scope="module")
def a_lesson():
    summary = next(s for s in read_index([builtin_lessons_dir()]) if s.id == "residual-connections")
    return read_lesson(summary.path).lesson


def odd_store(folder: Path, odd: list[dict]) -> Store:
    store = Store(folder / "odd.db")
    for note in odd:
        store.add_note(**note)
    return store


@settings(max_examples=150)
@given(st.lists(odd_notes(), min_size=1, max_size=3))
def test_an_odd_stored_note_never_breaks_a_view_or_an_export(tmp_path_factory, a_lesson, odd):
    store = odd_store(tmp_path_factory.mktemp("odd"), odd)  # one a Hypothesis example
    notes = store.notes()
    for note in notes:
        for lesson in (None, a_lesson):
            shown = anchored_content(note, lesson)
            assert isinstance(shown, str) and "\x1b" not in shown

    def anchored(note):
        return anchored_content(note, a_lesson)

    for front_matter in (True, False):
        shown = to_markdown(notes, anchored, front_matter=front_matter)
        assert shown.count("**Anchored to**") == len(notes)
    assert len(json.loads(to_json(notes))["notes"]) == len(notes)
    assert len(vault_pages(notes, anchored, "2024-01-01T00:00:00+00:00")) > len(notes)


@settings(max_examples=8)  # each command reads the lessons: the views are fuzzed above
@given(st.lists(odd_notes(), min_size=1, max_size=3))
def test_an_odd_stored_note_never_breaks_a_command(tmp_path_factory, odd):
    folder = tmp_path_factory.mktemp("odd")
    odd_store(folder, odd).close()
    db, vault = str(folder / "odd.db"), str(folder / "vault")
    for argv in (["export", "--format", "md"], ["export", "--format", "json"], ["show", "1"]):
        code, out, err = run("--db", db, "notes", *argv)
        assert (code, err) == (0, ""), argv
    assert run("--db", db, "notes", "export", "--format", "vault", "--out", vault)[0] == 0


# --- Markdown that a YAML parser and Obsidian read back ---------------------------------

FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


def note_blocks(markdown: str) -> list[dict]:
    """Each note's metadata as a CommonMark parser finds it: a YAML fence right under a
    second-level heading, at the top level of the document."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    blocks = []
    for index, token in enumerate(tokens[:-3]):
        after = tokens[index + 3]
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0:
            if after.type == "fence" and after.info == "yaml":
                blocks.append(yaml.safe_load(after.content))
    return blocks


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
        st.one_of(st.none(), st.text(), st.lists(st.text())),
    )
)
def test_yaml_is_read_back_as_written_one_line_a_string(data):
    written = yaml_text(data)
    assert yaml.safe_load(written) == data
    lines = sum(1 + (len(v) if isinstance(v, list) else 0) for v in data.values())
    assert written.count("\n") == max(1, lines)  # a key or an item a line, whatever it holds


@settings(max_examples=60)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"tags": tag_lists, "anchor_id": anchor_ids, "body": bodies, "next_action": TEXT}
        ),
        max_size=5,
    )
)
def test_the_markdown_file_is_one_front_matter_and_a_yaml_block_a_note(tmp_path_factory, written):
    store = Store(tmp_path_factory.mktemp("md") / "md.db")
    for note in written:
        store.add_note(anchor_kind="claim", lesson_id="residual-connections", **note)
    notes = store.notes()
    text = to_markdown(notes, lambda note: f"the claim\n```\n{note.anchor_id}")
    front = FRONT_MATTER.match(text)
    assert front is not None
    about = yaml.safe_load(front.group(1))
    assert (about["restutor_export"], about["count"]) == (1, len(notes))
    datetime.fromisoformat(about["exported"])
    rest = text[front.end() :]
    assert note_blocks(rest) == [expected_metadata(note) for note in notes]
    for note in notes:
        assert note.body.strip() in rest  # as written, or shown literally in a fence


def test_the_screen_view_keeps_the_notes_text_as_written(tmp_path):
    store = Store(tmp_path / "screen.db")
    note = store.add_note("a\n```\nopen", "claim", "c", tags=("t",), next_action="go")
    shown = to_markdown([note], lambda n: "the claim", front_matter=False)
    assert shown.startswith(f"### Note {note.id}\n") and "```yaml" not in shown
    assert "> the claim" in shown and "a\n```\nopen" in shown and "**Next action:** go" in shown


# --- export never lands on the database, never leaves half a file ---------------------


@pytest.fixture
def db_with_notes(tmp_path):
    db = tmp_path / "learner.db"
    store = Store(db)
    store.add_note("one", "claim", "c", lesson_id="residual-connections")
    store.add_note("two", "lab", "--depth=60", anchor_data={"depth": 60})
    store.mark_seen("residual-connections", "intuition")
    store.close()
    return db


def _database_is_whole(db: Path) -> None:
    assert db.read_bytes().startswith(b"SQLite format 3\x00")
    with contextlib.closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = Store(db)
    assert [n.body for n in store.notes()] == ["two", "one"]
    assert store.seen_sections() == {"residual-connections": {"intuition"}}


@pytest.mark.parametrize("form", ["md", "json"])
@pytest.mark.parametrize("aim", ["itself", "-wal", "-shm", "-journal", "symlink", "hard link"])
def test_an_export_never_writes_over_the_database(db_with_notes, form, aim):
    db = db_with_notes
    out = {"itself": db, "symlink": db.with_name("link.md"), "hard link": db.with_name("h.md")}
    target = out.get(aim, db.with_name(db.name + aim))
    if aim == "symlink":
        target.symlink_to(db)
    elif aim == "hard link":
        os.link(db, target)
    code, out_text, err = run(
        "--db", str(db), "notes", "export", "--format", form, "--out", str(target)
    )
    assert code == 2 and "refusing to write" in err and err.count("\n") == 1
    _database_is_whole(db)


def test_a_failed_write_leaves_the_earlier_export_whole(db_with_notes, monkeypatch):
    out = db_with_notes.with_name("notes.md")
    assert run("--db", str(db_with_notes), "notes", "export", "--out", str(out))[0] == 0
    earlier = out.read_bytes()
    out.chmod(0o640)

    def full_disk(descriptor):
        raise OSError(28, "No space left on device")

    from tutor.notes import writing

    monkeypatch.setattr(writing.os, "fsync", full_disk)
    code, _, err = run("--db", str(db_with_notes), "notes", "export", "--out", str(out))
    assert code == 2 and "No space left on device" in err and err.count("\n") == 1
    assert out.read_bytes() == earlier
    assert sorted(p.name for p in out.parent.iterdir() if "notes" in p.name) == ["notes.md"]
    monkeypatch.undo()
    assert run("--db", str(db_with_notes), "notes", "export", "--out", str(out))[0] == 0
    assert out.stat().st_mode & 0o777 == 0o640  # the learner's permissions stay


def test_an_export_through_a_link_replaces_the_file_it_leads_to(db_with_notes):
    real = db_with_notes.with_name("real.json")
    real.write_text("old", encoding="utf-8")
    link = db_with_notes.with_name("link.json")
    link.symlink_to(real)
    run("--db", str(db_with_notes), "notes", "export", "--format", "json", "--out", str(link))
    assert link.is_symlink() and len(json.loads(real.read_text("utf-8"))["notes"]) == 2


# --- the round trip -------------------------------------------------------------------


def _as_shown(record: dict) -> dict:
    """A record as an export shows it back: its text made visible, its defaults filled."""
    shown = {
        key: visible(value) if isinstance(value, str) else value for key, value in record.items()
    }
    shown["tags"] = [visible(tag) for tag in record.get("tags", [])]
    return shown


@settings(max_examples=40)
@given(record_lists)
def test_export_import_export_gives_the_same_notes(tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("round-trip")
    first, second = Store(folder / "first.db"), Store(folder / "second.db")
    assert first.import_notes(check_export(export_of(records)).notes) == len(records)
    exported = to_json(first.notes())
    by_uid = sorted(json.loads(exported)["notes"], key=lambda n: n["uid"])
    assert by_uid == sorted(map(_as_shown, records), key=lambda n: n["uid"])
    checked = check_export(exported)
    assert checked.problems == []
    assert second.import_notes(checked.notes) == len(records)
    assert to_json(second.notes()) == exported
