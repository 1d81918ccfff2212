"""``restutor notes``: the learner manages their notes from a shell (add, list, search,
show, edit, delete, ``--json``), and a note's anchor is checked against the lesson path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.lesson_factory import write_lesson
from tests.notes_cli import editor, kept_file, run
from tutor.notes import lab_anchor
from tutor.sim import SimParams, TrainParams
from tutor.store import Store

JSON_KEYS = [
    "id",
    "uid",
    "body",
    "tags",
    "next_action",
    "anchor_kind",
    "anchor_id",
    "lesson_id",
    "anchor_data",
    "created_at",
    "updated_at",
]


@pytest.fixture
def store(isolated_data):
    """The database the commands use (``$RESTUTOR_DB``), with two notes in it."""
    store = Store(isolated_data / "restutor.db")
    store.add_note(
        "The identity term keeps gradients alive in depth.",
        "claim",
        "jacobian-identity",
        lesson_id="residual-connections",
        tags=("two words", "jacobian"),
        next_action="derive it",
    )
    store.add_note("Café: post-norm bends the path \x1b[31m", "concept", "pre-norm-vs-post-norm")
    yield store
    store.close()


def test_the_readme_examples_run_and_check_out(isolated_data):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    added = re.findall(r"^restutor notes add (.*) --body", readme, flags=re.M)
    assert added, "the README shows how to add a note"
    for words in added:
        code, out, err = run("notes", "add", *words.split(), "--strict", "--body", "x")
        assert (code, err) == (0, ""), words
        assert out.startswith("added note ")


# -- delete ----------------------------------------------------------------------------


def test_delete_says_which_note_it_deleted(store):
    code, out, err = run("notes", "delete", "1")
    assert (code, err) == (0, "")
    assert (
        out
        == "deleted note 1 (claim:jacobian-identity — The identity term keeps gradients alive…)\n"
    )
    assert store.note(1) is None and [n.id for n in store.notes()] == [2]
    code, out, err = run("notes", "delete", "1")
    assert (code, out) == (2, "") and err == "restutor: no note 1 (see 'restutor notes list')\n"


# -- edit, directly --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "body", "tags", "next_action"),
    [
        (["--body", "new words"], "new words", ("two words", "jacobian"), "derive it"),
        (["--tag", "a b", "--tag", " c "], None, ("a b", "c"), "derive it"),
        (["--tag", "x", "--tag", "x"], None, ("x",), "derive it"),
        (["--no-tags"], None, (), "derive it"),
        (["--next", ""], None, ("two words", "jacobian"), ""),
        (["--body", "b", "--next", "n", "--tag", "t"], "b", ("t",), "n"),
    ],
)
def test_edit_rewrites_what_it_is_given_and_keeps_the_rest(store, argv, body, tags, next_action):
    before = store.note(1)
    code, out, err = run("notes", "edit", "1", *argv)
    assert (code, out, err) == (0, "edited note 1\n", "")
    after = store.note(1)
    assert (after.body, after.tags, after.next_action) == (
        body or before.body,
        tags,
        next_action,
    )
    assert (after.uid, after.anchor_id, after.created_at) == (
        before.uid,
        before.anchor_id,
        before.created_at,
    )


def test_edit_reads_a_file_or_standard_input(store, tmp_path):
    written = tmp_path / "note.md"
    written.write_text("from a file ✓\n", encoding="utf-8")
    assert run("notes", "edit", "1", "--file", str(written))[0] == 0
    assert store.note(1).body == "from a file ✓\n"
    assert run("notes", "edit", "2", "--file", "-", stdin=b"from a pipe")[0] == 0
    assert store.note(2).body == "from a pipe"


@pytest.mark.parametrize("argv", [["--body", "  \n"], ["--body", ""]])
def test_edit_refuses_an_empty_note_and_changes_nothing(store, argv):
    before = store.note(1)
    code, out, err = run("notes", "edit", "1", *argv)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "note 1 is unchanged" in err and "restutor notes delete 1" in err
    assert store.note(1) == before


# -- edit, in the learner's editor -----------------------------------------------------


def test_the_editor_gets_the_note_and_what_it_writes_is_saved(store, tmp_path, monkeypatch):
    seen = tmp_path / "seen.md"
    editor(tmp_path, monkeypatch, "append", seen=str(seen))
    code, out, err = run("notes", "edit", "1")
    assert (code, out, err) == (0, "edited note 1\n", "")
    assert seen.read_text(encoding="utf-8") == "The identity term keeps gradients alive in depth."
    note = store.note(1)
    assert note.body == "The identity term keeps gradients alive in depth. and a second thought"
    assert note.tags == ("two words", "jacobian")  # only the text was edited


def test_ctrl_c_in_the_editor_is_the_editors(store, tmp_path, monkeypatch):
    editor(tmp_path, monkeypatch, "ctrl-c")
    assert run("notes", "edit", "1") == (0, "edited note 1\n", "")
    assert store.note(1).body == "typed after ctrl-c"


def test_visual_wins_over_editor(store, tmp_path, monkeypatch):
    editor(tmp_path, monkeypatch, "replace", text="by VISUAL")
    import os

    monkeypatch.setenv("VISUAL", os.environ["EDITOR"])
    monkeypatch.setenv("EDITOR", "no-such-editor-at-all")
    assert run("notes", "edit", "1")[0] == 0
    assert store.note(1).body == "by VISUAL"


@pytest.mark.parametrize("mode", ["same", "newline"])
def test_an_editor_that_changes_nothing_changes_nothing(store, tmp_path, monkeypatch, mode):
    before = store.note(1)
    editor(tmp_path, monkeypatch, mode)
    assert run("notes", "edit", "1") == (0, "note 1 unchanged\n", "")
    assert store.note(1) == before


@pytest.mark.parametrize(
    ("mode", "said", "kept"),
    [
        ("fail-written", "exited with code 3", b"half a thought"),
        ("killed-written", "was stopped by signal 9", b"lost to a signal?"),
        ("bad", "not UTF-8 (byte 0xe9 at offset 3)", b"caf\xe9 au lait"),
        ("fail", "exited with code 1", None),
        ("remove", "the edited file is gone", None),
        ("replace", "the note cannot be empty", None),
    ],
)
def test_a_failed_edit_changes_nothing_and_keeps_what_was_written(
    store, tmp_path, monkeypatch, mode, said, kept
):
    before = store.note(1)
    editor(tmp_path, monkeypatch, mode, text=" \n")
    code, out, err = run("notes", "edit", "1")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert said in err and "note 1 is unchanged" in err
    assert store.note(1) == before
    if kept is None:
        assert "kept" not in err
    else:
        assert kept_file(err).read_bytes() == kept


def test_a_missing_or_broken_editor_is_one_line(store, monkeypatch):
    for command, said in [
        ("no-such-editor-anywhere --wait", "cannot run the editor 'no-such-editor-anywhere'"),
        ("'unclosed", "is not a command line"),
    ]:
        monkeypatch.setenv("VISUAL", command)
        code, out, err = run("notes", "edit", "1")
        assert (code, out) == (2, "") and err.count("\n") == 1 and said in err


def test_a_note_deleted_while_the_editor_is_open_keeps_the_edit(store, tmp_path, monkeypatch):
    editor(tmp_path, monkeypatch, "delete-note", note="1")
    code, out, err = run("notes", "edit", "1")
    assert (code, out) == (2, "") and "no note 1" in err
    assert kept_file(err).read_bytes() == b"written while it was deleted"


# -- --json ----------------------------------------------------------------------------


def test_list_and_search_print_one_json_array(store):
    code, out, _ = run("notes", "list", "--json")
    notes = json.loads(out)
    assert code == 0 and [n["id"] for n in notes] == [2, 1]
    assert all(list(note) == JSON_KEYS for note in notes)
    first = notes[1]
    assert first["tags"] == ["two words", "jacobian"] and first["next_action"] == "derive it"
    assert (first["anchor_kind"], first["anchor_id"]) == ("claim", "jacobian-identity")
    assert first["lesson_id"] == "residual-connections" and first["anchor_data"] is None
    assert "Café" in out and "\x1b" not in out and "␛[31m" in out  # readable, and harmless
    found = json.loads(run("notes", "search", "identity", "--json")[1])
    assert [n["id"] for n in found] == [1]
    assert json.loads(run("notes", "search", "nothing-like-it", "--json")[1]) == []
    tagged = json.loads(run("notes", "list", "--tag", "two words", "--json")[1])
    assert [n["id"] for n in tagged] == [1]
    assert json.loads(run("notes", "list", "--tag", "two", "--json")[1]) == []


def test_show_prints_one_json_object(store):
    code, out, _ = run("notes", "show", "1", "--json")
    note = json.loads(out)
    assert code == 0 and list(note) == JSON_KEYS
    assert note == json.loads(run("notes", "list", "--json")[1])[1]
    assert run("notes", "show", "3", "--json")[0] == 2


def test_a_lab_note_shows_its_state_in_json(store):
    assert run("notes", "add", "--anchor", "lab:--depth 60 --plain", "--body", "flat")[0] == 0
    note = json.loads(run("notes", "show", "3", "--json")[1])
    assert note["anchor_data"] == SimParams(depth=60, residual=False).to_dict()


# -- tags ------------------------------------------------------------------------------


def test_a_tag_with_a_space_is_one_tag(store):
    assert (
        run(
            "notes",
            "add",
            "--anchor",
            "concept:residual-connections",
            "--tag",
            "to read",
            "--tag",
            "todo",
            "--body",
            "x",
        )[0]
        == 0
    )
    assert store.note(3).tags == ("to read", "todo")
    assert "[to read, todo]" in run("notes", "list")[1]
    assert [n.id for n in store.notes(tag="to read")] == [3]
    assert store.notes(tag="to") == []


@pytest.mark.parametrize(
    "tag", ["", "   ", "a\tb", "two\nlines", "bell\x07", "esc\x1b[0m", "\u202e"]
)
def test_an_empty_or_control_character_tag_is_refused(store, tag):
    for action in (["add", "--anchor", "concept:residual-connections"], ["edit", "1"]):
        code, out, err = run("notes", *action, "--tag", tag, "--body", "x")
        assert (code, out) == (2, "") and err.count("\n") == 1 and "tag" in err
    assert len(store.notes()) == 2 and store.note(1).tags == ("two words", "jacobian")


# -- anchors checked against the lesson path -------------------------------------------


@pytest.fixture
def lessons(tmp_path, monkeypatch):
    """Two small lessons beside the built-ins, sharing the claim id ``jacobian``."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_lesson(folder)
    write_lesson(folder, id="twin-lesson", practice=[])
    monkeypatch.setenv("RESTUTOR_LESSONS", str(folder))
    return folder


@pytest.mark.parametrize(
    ("anchor", "lesson"),
    [
        ("concept:demo-lesson", "demo-lesson"),
        ("equation:key", "demo-lesson"),
        ("equation:jac", "demo-lesson"),
        ("source:he2016deep", "demo-lesson"),
        ("witness:hello", "demo-lesson"),
        ("claim:jacobian", "twin-lesson"),
        ("practice:demo-number", "demo-lesson"),
        ("lab:--depth 3", "demo-lesson"),
    ],
)
def test_a_real_object_is_added_quietly(lessons, anchor, lesson):
    code, out, err = run("notes", "add", "--anchor", anchor, "--lesson", lesson, "--body", "x")
    assert (code, out, err) == (0, "added note 1\n", "")
    assert Store(lessons.parent / "restutor.db").note(1).lesson_id == lesson


def test_a_misconception_is_named_by_its_text(lessons):
    write_lesson(
        lessons,
        id="mistaken",
        common_mistakes=[{"mistake": "F is the output.", "fix": "y = x + F(x)."}],
    )
    assert run("notes", "add", "--anchor", "misconception:F is the output.", "--body", "x") == (
        0,
        "added note 1 (in lesson mistaken)\n",
        "",
    )
    code, _, err = run("notes", "add", "--anchor", "misconception:F is output", "--body", "x")
    assert code == 0 and "nearest: 'F is the output.'" in err


def test_an_id_only_one_lesson_has_finds_its_lesson(lessons):
    assert run("notes", "add", "--anchor", "practice:demo-choice", "--body", "x")[1] == (
        "added note 1 (in lesson demo-lesson)\n"
    )
    assert run("notes", "add", "--anchor", "concept:twin-lesson", "--body", "x")[1] == (
        "added note 2\n"
    )
    store = Store(lessons.parent / "restutor.db")
    assert [store.note(1).lesson_id, store.note(2).lesson_id] == ["demo-lesson", "twin-lesson"]


def test_an_id_two_lessons_have_is_saved_with_a_warning(lessons):
    code, out, err = run("notes", "add", "--anchor", "claim:jacobian", "--body", "x")
    assert (code, out) == (0, "added note 1\n") and err.count("\n") == 1
    assert "in 2 lessons ('demo-lesson', 'twin-lesson')" in err and "--lesson" in err
    assert Store(lessons.parent / "restutor.db").note(1).lesson_id is None


def test_an_unknown_object_is_a_warning_naming_the_nearest(lessons):
    code, out, err = run(
        "notes", "add", "--anchor", "witness:helo", "--lesson", "demo-lesson", "--body", "x"
    )
    assert (code, out) == (0, "added note 1\n")
    assert err == (
        "restutor: note 1 is saved, but lesson 'demo-lesson' has no witness 'helo' "
        "(nearest: 'hello') (--strict refuses such a note)\n"
    )
    code, _, err = run(
        "notes", "add", "--anchor", "practice:x", "--lesson", "twin-lesson", "--body", "x"
    )
    assert code == 0 and "lesson 'twin-lesson' has no practice items" in err


@pytest.mark.parametrize("stdin", [None, b"a piped thought"])
def test_strict_refuses_an_unknown_object_and_keeps_piped_text(lessons, stdin):
    body = ["--body", "typed"] if stdin is None else []
    code, out, err = run(
        "notes", "add", "--anchor", "source:he2016", "--strict", *body, stdin=stdin
    )
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "no lesson has the source 'he2016' (nearest: 'he2016deep'" in err
    assert "nothing saved (--strict)" in err
    assert Store(lessons.parent / "restutor.db").notes() == []
    if stdin is None:
        assert "kept" not in err  # the text is still on the command line
    else:
        assert kept_file(err).read_bytes() == stdin


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--lesson", "demo-lesso"],
        ["search", "x", "--lesson", "demo-lesso"],
        ["add", "--anchor", "concept:demo-lesson", "--lesson", "demo-lesso", "--body", "x"],
        ["add", "--anchor", "lab:defaults", "--lesson", "demo-lesso", "--body", "x"],
    ],
)
def test_an_unknown_lesson_is_an_error_naming_the_nearest(lessons, argv):
    code, out, err = run("notes", *argv)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "no lesson 'demo-lesso' on the lesson path (nearest: 'demo-lesson'" in err


def test_a_lesson_taken_off_the_path_still_lists_its_notes(store):
    store.add_note("old", "claim", "gone-claim", lesson_id="gone-lesson")
    code, out, _ = run("notes", "list", "--lesson", "gone-lesson")
    assert code == 0 and "claim:gone-claim" in out


@pytest.mark.parametrize(
    ("lab_id", "experiment", "params"),
    [
        ("--depth=60 --plain", "signal", SimParams(depth=60, residual=False)),
        ("defaults", "signal", SimParams()),
        ("lesion --depth 8", "lesion", SimParams(depth=8)),
        ("train --steps 50", "train", TrainParams(steps=50)),
    ],
)
def test_a_lab_anchor_reads_like_the_labs_own(store, lab_id, experiment, params):
    assert run("notes", "add", "--anchor", f"lab:{lab_id}", "--body", "x")[0] == 0
    note = store.notes()[0]
    assert note.anchor_data == lab_anchor(experiment, params).data
    assert lab_anchor(experiment, params).description in run("notes", "show", str(note.id))[1]
