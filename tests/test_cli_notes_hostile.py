"""Issue 14, "input that is lost or crashes": whatever the learner (or a script) hands
``restutor notes``, the answer is a note saved or one line and exit 2, never a traceback,
and text that cannot be saved is kept in a file the line names."""

from __future__ import annotations

import sqlite3
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.notes_cli import editor, kept_file, run, run_with_stdin_as_is
from tutor.cli.notes_input import MAX_NOTE_ID
from tutor.notes import ANCHOR_KINDS
from tutor.store import Store, StoreError
from tutor.text import visible

ANCHOR = ["--anchor", "concept:residual-connections"]

#: A command-line word as Python hands it over: bytes decoded with surrogateescape.
argv_words = st.binary(max_size=40).map(lambda b: b.decode("utf-8", "surrogateescape"))
#: Anchor ids that look like what a learner (or a fuzzer) would type.
anchor_ids = st.one_of(
    argv_words,
    st.text(string.ascii_letters + string.digits + " -=.:'\"\\", max_size=40),
    st.sampled_from(["--help", "-h", "--he", "defaults", "train --help", "lesion -h"]),
)


def notes_in(db: Path) -> list:
    store = Store(db)
    try:
        return store.notes()
    finally:
        store.close()


# -- standard input that is not UTF-8 ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"ab\xffcd", "byte 0xff at offset 2"),
        (b"\xe9t\xe9", "byte 0xe9 at offset 0"),
        ("ok ✓ ".encode() + b"\xed\xa0\x80", "byte 0xed at offset 7"),  # a UTF-8 surrogate
        (b"cut short \xe2\x9c", "byte 0xe2 at offset 10"),
    ],
)
def test_piped_text_that_is_not_utf8_is_named_and_kept_byte_for_byte(isolated_data, data, said):
    code, out, err = run("notes", "add", *ANCHOR, stdin=data)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert f"standard input is not UTF-8 text ({said})" in err
    kept = kept_file(err)
    assert kept.parent == isolated_data / "kept-notes" and kept.read_bytes() == data
    assert notes_in(isolated_data / "restutor.db") == []


def test_a_file_that_is_not_utf8_is_named(isolated_data):
    Store(isolated_data / "restutor.db").add_note("old words", "concept", "c")
    bad = isolated_data / "note.md"
    bad.write_bytes(b"caf\xe9")
    for action in (["add", *ANCHOR], ["edit", "1"]):
        code, out, err = run("notes", *action, "--file", str(bad))
        assert (code, out) == (2, "")
        assert err == f"restutor: {bad} is not UTF-8 text (byte 0xe9 at offset 3)\n"
    assert notes_in(isolated_data / "restutor.db")[0].body == "old words"


@pytest.mark.parametrize("option", ["--body", "--tag", "--next", "--lesson", "--anchor"])
def test_a_command_line_word_that_is_not_utf8_is_one_line(isolated_data, option):
    word = b"caf\xe9".decode("utf-8", "surrogateescape")  # how Python reads it from argv
    argv = {"--anchor": ["--body", "x"], "--body": ANCHOR}.get(option, [*ANCHOR, "--body", "x"])
    code, out, err = run("notes", "add", *argv, option, word)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert f"argument {option}: not UTF-8 text (byte 0xe9 at offset 3)" in err


# -- a lab anchor never prints help -----------------------------------------------------


@pytest.mark.parametrize(
    "lab_id", ["--help", "-h", "--he", "--depth 3 --help", "train --help", "lesion -h", "'x"]
)
def test_a_lab_anchor_asking_for_help_is_refused_and_the_note_kept(isolated_data, lab_id):
    code, out, err = run("notes", "add", "--anchor", f"lab:{lab_id}", stdin=b"a lab thought")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "--anchor lab:OPTIONS takes the options of 'restutor sim'" in err
    assert kept_file(err).read_bytes() == b"a lab thought"


# -- ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["99999999999999999999999", str(MAX_NOTE_ID + 1), "0", "-1", "1.5", "x", "", "٣" * 30]
)
@pytest.mark.parametrize("action", [["show"], ["delete"], ["edit", "--body", "x"]])
def test_an_id_out_of_range_is_one_line(isolated_data, action, word):
    code, out, err = run("notes", action[0], word, *action[1:])
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "a note id is a whole number from 1" in err or "no note" in err


def test_the_largest_id_is_just_not_there(isolated_data):
    for action in (["show"], ["delete"], ["edit", "--body", "x"]):
        code, _, err = run("notes", action[0], str(MAX_NOTE_ID), *action[1:])
        assert code == 2 and err == f"restutor: no note {MAX_NOTE_ID} (see 'restutor notes list')\n"


# -- a database that refuses the write ---------------------------------------------------


def refuse(*args, **kwargs):
    raise StoreError("cannot write the database: disk I/O error")


WRITES = {
    "add --body": (["add", *ANCHOR, "--body", "typed words"], None, "typed words"),
    "add --file": (["add", *ANCHOR, "--file", "FILE"], None, "words from a file"),
    "add, piped": (["add", *ANCHOR], b"piped words", "piped words"),
    "edit --body": (["edit", "1", "--body", "edited words"], None, "edited words"),
    "edit --file -": (["edit", "1", "--file", "-"], b"piped edit", "piped edit"),
    "edit in the editor": (["edit", "1"], None, "old words and a second thought"),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_keeps_the_text_when_the_store_refuses_it(
    isolated_data, tmp_path, monkeypatch, write
):
    argv, stdin, text = write
    Store(isolated_data / "restutor.db").add_note("old words", "concept", "c")
    source = tmp_path / "note.md"
    source.write_text("words from a file", encoding="utf-8")
    editor(tmp_path, monkeypatch, "append")
    monkeypatch.setattr(Store, "add_note", refuse)
    monkeypatch.setattr(Store, "update_note", refuse)
    argv = [str(source) if word == "FILE" else word for word in argv]
    code, out, err = run("notes", *argv, stdin=stdin)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith("restutor: cannot write the database: disk I/O error; ")
    assert kept_file(err).read_text(encoding="utf-8") == text


def test_an_edit_of_the_tags_alone_keeps_nothing(isolated_data, monkeypatch):
    Store(isolated_data / "restutor.db").add_note("old words", "concept", "c")
    monkeypatch.setattr(Store, "update_note", refuse)
    code, _, err = run("notes", "edit", "1", "--tag", "t")
    assert code == 2 and "kept" not in err  # the text is in the database, unchanged


def test_a_read_only_database_is_one_line_and_the_input_is_kept(isolated_data, monkeypatch):
    """What SQLite says when the file or its folder cannot be written, as the CLI reports it."""
    db = isolated_data / "restutor.db"
    Store(db).close()
    connect = sqlite3.connect
    monkeypatch.setattr(
        sqlite3, "connect", lambda path, **kw: connect(f"file:{path}?mode=ro", uri=True, **kw)
    )
    for typed, stdin in ((["--body", "typed"], None), ([], b"a thought from a pipe\n")):
        code, out, err = run("notes", "add", *ANCHOR, *typed, stdin=stdin)
        assert (code, out) == (2, "") and err.count("\n") == 1
        assert str(db) in err
        kept = kept_file(err)
        assert kept.parent == isolated_data / "kept-notes"
        assert kept.read_bytes() == (stdin or b"typed")


def test_a_database_that_cannot_be_opened_keeps_piped_text(tmp_path):
    folder = tmp_path / "a folder, not a database"
    folder.mkdir()
    code, out, err = run("--db", str(folder), "notes", "add", *ANCHOR, stdin=b"not lost")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert kept_file(err).read_bytes() == b"not lost"


# -- generated hostile input -------------------------------------------------------------


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(st.binary(max_size=200), st.text(max_size=100).map(str.encode)),
    kind=st.sampled_from([*ANCHOR_KINDS, "nope", ""]),
    anchor_id=anchor_ids,
    extra=st.lists(
        st.one_of(
            st.just(["--strict"]),
            st.tuples(st.sampled_from(["--lesson", "--tag", "--next"]), argv_words).map(
                lambda pair: ["=".join(pair)]  # the value is taken whatever it starts with
            ),
        ),
        max_size=3,
    ),
)
def test_hostile_piped_notes_are_saved_or_kept(isolated_data, data, kind, anchor_id, extra):
    """Random bytes on standard input, random anchors and options: a note is saved with
    exactly the text piped in, or the exit is 2 with one line, and the text (unless it was
    blank) is in the file that line names."""
    db = isolated_data / "restutor.db"
    before = len(notes_in(db))
    options = [word for option in extra for word in option]
    code, out, err = run("notes", "add", f"--anchor={kind}:{anchor_id}", *options, stdin=data)
    assert code in (0, 2)
    if code == 0:
        assert out.startswith("added note ") and err.count("\n") <= 1
        assert notes_in(db)[0].body == visible(data.decode("utf-8"))  # as the store shows it
        return
    assert out == "" and err.count("\n") == 1 and len(notes_in(db)) == before
    try:
        blank = not data.decode("utf-8").strip()
    except UnicodeDecodeError:
        blank = False
    if not blank:
        assert kept_file(err).read_bytes() == data


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    action=st.sampled_from([["show"], ["show", "--json"], ["delete"], ["edit", "--next", "n"]]),
    word=st.one_of(argv_words, st.integers(-(2**70), 2**70).map(str)),
)
def test_any_id_is_a_note_or_one_line(isolated_data, action, word):
    Store(isolated_data / "restutor.db").add_note("a note", "concept", "c")
    code, out, err = run("notes", *action, "--", word)  # the word is the id, whatever it is
    assert code in (0, 2)
    if code == 2:
        assert out == "" and err.count("\n") == 1


def test_ctrl_c_while_the_database_is_waited_for_keeps_piped_text(isolated_data, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "add_note", interrupted)
    code, out, err = run("notes", "add", *ANCHOR, stdin=b"half-saved?")
    assert (code, out) == (130, "")
    kept_line, interrupted_line = err.splitlines()
    assert interrupted_line == "restutor: interrupted"
    assert kept_file(kept_line).read_bytes() == b"half-saved?"


def test_no_standard_input_at_all_is_one_line(isolated_data, monkeypatch):
    monkeypatch.setattr("sys.stdin", None)  # started with standard input closed
    code, out, err = run_with_stdin_as_is("notes", "add", *ANCHOR)
    assert (code, out) == (2, "")
    assert err == "restutor: give the note's text with --body, --file, or on standard input\n"


@pytest.mark.parametrize(
    ("anchor", "data"),
    [("concept:residual-connections", b"ab\xffcd"), ("lab:--help", b"a lab thought")],
)
def test_a_real_pipe_into_a_real_process(isolated_data, anchor, data):
    """The issue's own reproductions, through a real pipe into ``python -m tutor``."""
    proc = subprocess.run(
        [sys.executable, "-m", "tutor", "notes", "add", "--anchor", anchor],
        input=data,
        capture_output=True,
        check=False,
    )
    err = proc.stderr.decode()
    assert (proc.returncode, proc.stdout) == (2, b"") and err.count("\n") == 1, err
    assert kept_file(err).read_bytes() == data
