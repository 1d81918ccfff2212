"""``restutor export anki``: the practice items that need no restutor, as an Anki package.

Each test opens the ``.apkg`` it wrote (a zip holding an SQLite collection) and reads what an
Anki import would: the notes, their GUIDs, fields and tags, the decks and the note type.
"""

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import genanki
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile_lessons import ESCAPES, every_field_lesson, tainted
from tests.lesson_factory import write_lesson
from tests.notes_cli import run
from tutor import paths
from tutor.lessons.catalog import load_catalog
from tutor.lessons.model import Lesson
from tutor.practice.anki import FIELDS, MODEL, build_export, deck_id

CARD_KINDS = {"choice", "number", "text"}


@dataclass
class AnkiNote:
    guid: str
    model_id: int
    deck: str
    fields: dict[str, str]
    tags: list[str]


@dataclass
class Collection:
    notes: dict[str, AnkiNote]  # by the Item field: the practice item's id
    decks: dict[str, int]  # by name
    models: dict[int, dict]


def read_apkg(path: Path, scratch: Path) -> Collection:
    """What an Anki import reads from ``path``."""
    with zipfile.ZipFile(path) as archive:
        assert {"collection.anki2", "media"} <= set(archive.namelist())
        scratch.mkdir(exist_ok=True)
        database = scratch / "collection.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        deck_json, model_json = connection.execute("SELECT decks, models FROM col").fetchone()
        decks = {d["name"]: d["id"] for d in json.loads(deck_json).values()}
        models = {int(key): value for key, value in json.loads(model_json).items()}
        names = {deck_id: name for name, deck_id in decks.items()}
        notes = {}
        rows = connection.execute(
            "SELECT n.guid, n.mid, n.flds, n.tags, c.did FROM notes n JOIN cards c ON c.nid = n.id"
        )
        for guid, model_id, flds, tags, card_deck in rows:
            field_names = [f["name"] for f in models[model_id]["flds"]]
            fields = dict(zip(field_names, flds.split("\x1f"), strict=True))
            note = AnkiNote(guid, model_id, names[card_deck], fields, tags.split())
            assert fields["Item"] not in notes, "one card per note, one note per item"
            notes[fields["Item"]] = note
    finally:
        connection.close()
    return Collection(notes, decks, models)


def builtin_lessons() -> list[Lesson]:
    return load_catalog(paths.lesson_dirs(None)).lessons


def export(folder: Path, *words: str) -> tuple[int, str, str]:
    """``restutor export anki *words`` run from ``folder`` (where the default file goes)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return run("export", "anki", *words)


@pytest.fixture
def exported(isolated_data) -> Collection:
    code, out, err = export(isolated_data)
    assert (code, err) == (0, ""), err
    return read_apkg(isolated_data / "restutor.apkg", isolated_data / "read")


def _text_of(field: str) -> str:
    """What a card shows of ``field``: its text, tags dropped and entities resolved."""
    reader = _Tags()
    reader.feed(field)
    reader.close()
    return "".join(reader.text)


def _words(text: str) -> list[str]:
    """The words of Markdown or of card text (markup characters are no words)."""
    return re.findall(r"[^\W_]+", text)


def test_every_choice_number_and_text_item_is_a_note_in_its_lessons_deck(exported):
    expected = {
        item.id: (lesson, item)
        for lesson in builtin_lessons()
        for item in lesson.practice
        if item.kind in CARD_KINDS
    }
    assert len(expected) > 40
    assert set(exported.notes) == set(expected)
    for item_id, (lesson, item) in expected.items():
        note = exported.notes[item_id]
        assert note.deck == f"restutor::{lesson.title}"
        assert note.guid == genanki.guid_for("restutor", item_id)
        assert note.fields["Prompt"].startswith("<p>")  # Markdown, rendered
        for name, markdown in (
            ("Prompt", item.prompt),
            ("Reasoning", item.reasoning),
            ("Rubric", " ".join(item.rubric)),
        ):
            assert _words(_text_of(note.fields[name])) == _words(markdown), (item_id, name)
            if name != "Rubric" and "`" in markdown:  # a rubric line is plain text
                assert "<code>" in note.fields[name], (item_id, name)
        answer = _text_of(note.fields["Answer"])
        assert _words(answer)[-len(_words(item.answer)) :] == _words(item.answer)
        wrong = _text_of(note.fields["Wrong answer"])
        assert _words(wrong) == _words(item.wrong_answer.answer + " " + item.wrong_answer.why)
        assert note.tags == [
            f"restutor::lesson::{lesson.id}",
            f"restutor::difficulty::{item.difficulty}",
            *(f"restutor::concept::{concept}" for concept in item.concepts),
        ]


def test_a_choice_lists_its_choices_on_the_front_and_names_the_right_one_on_the_back(
    exported,
):
    items = [i for lesson in builtin_lessons() for i in lesson.practice if i.kind == "choice"]
    for item in items:
        fields = exported.notes[item.id].fields
        assert (
            fields["Choices"]
            == '<ol start="0">'  # numbered from 0, as restutor numbers them
            + "".join(f"<li>{_escaped(choice)}</li>" for choice in item.choices)
            + "</ol>"
        )
        assert fields["Answer"].startswith(f"<p><b>{_escaped(item.choices[item.correct])}</b></p>")
    model = next(iter(exported.models.values()))
    front = model["tmpls"][0]["qfmt"]
    assert "{{Prompt}}" in front and "{{Choices}}" in front and "{{Answer}}" not in front


def test_a_number_gives_its_value_and_tolerance_with_the_answer(exported):
    items = [i for lesson in builtin_lessons() for i in lesson.practice if i.kind == "number"]
    for item in items:
        fields = exported.notes[item.id].fields
        assert fields["Choices"] == ""
        assert fields["Answer"].startswith(f"<p><b>{item.value:g}</b> (± {item.tolerance:g})</p>")


def test_predictions_and_code_exercises_are_left_out_and_counted(isolated_data):
    lessons = builtin_lessons()
    kinds = Counter(item.kind for lesson in lessons for item in lesson.practice)
    code, out, err = export(isolated_data)
    assert (code, err) == (0, "")
    notes = kinds["choice"] + kinds["number"] + kinds["text"]
    decks = sum(any(i.kind in CARD_KINDS for i in lesson.practice) for lesson in lessons)
    predict = kinds["predict-sim"] + kinds["predict-train"]
    assert predict and kinds["code"]
    assert out == (
        f"wrote restutor.apkg: {notes} notes in {decks} decks; left out {predict} predict and "
        f"{kinds['code']} code items (they need restutor to run)\n"
    )
    collection = read_apkg(isolated_data / "restutor.apkg", isolated_data / "read")
    left_out = {i.id for lesson in lessons for i in lesson.practice if i.kind not in CARD_KINDS}
    assert not left_out & set(collection.notes)
    guids = {note.guid for note in collection.notes.values()}
    assert not {genanki.guid_for("restutor", item_id) for item_id in left_out} & guids


def test_json_says_where_and_what(isolated_data):
    code, out, err = export(isolated_data, "--json", "--out", "deck.apkg")
    assert (code, err) == (0, "")
    said = json.loads(out)
    collection = read_apkg(isolated_data / "deck.apkg", isolated_data / "read")
    kinds = Counter(item.kind for lesson in builtin_lessons() for item in lesson.practice)
    assert said == {
        "out": "deck.apkg",
        "notes": len(collection.notes),
        "decks": len({note.deck for note in collection.notes.values()}),
        "left_out": {
            "predict-sim": kinds["predict-sim"],
            "predict-train": kinds["predict-train"],
            "code": kinds["code"],
            "same-id": 0,
        },
    }


def test_a_second_export_updates_the_same_notes_instead_of_adding_twins(isolated_data):
    export(isolated_data, "--out", "first.apkg")
    # another process: ids drawn at random (or from a process's hash seed) would differ
    subprocess.run(
        [sys.executable, "-m", "tutor", "export", "anki", "--out", "second.apkg"],
        cwd=isolated_data,
        check=True,
        capture_output=True,
    )
    first = read_apkg(isolated_data / "first.apkg", isolated_data / "one")
    second = read_apkg(isolated_data / "second.apkg", isolated_data / "two")
    assert first.decks == second.decks
    assert set(first.models) == set(second.models) == {MODEL.model_id}
    assert {k: (n.guid, n.model_id, n.deck) for k, n in first.notes.items()} == {
        k: (n.guid, n.model_id, n.deck) for k, n in second.notes.items()
    }
    for lesson in builtin_lessons():
        assert first.decks[f"restutor::{lesson.title}"] == deck_id(lesson.id)


def test_the_lessons_option_adds_a_lessons_deck(isolated_data):
    folder = isolated_data / "mine"
    folder.mkdir()
    write_lesson(folder)
    code, out, err = export(isolated_data, "--lessons", str(folder))
    assert (code, err) == (0, "")
    collection = read_apkg(isolated_data / "restutor.apkg", isolated_data / "read")
    assert collection.notes["demo-choice"].deck == "restutor::Demo lesson"
    assert collection.notes["demo-number"].deck == "restutor::Demo lesson"
    assert "rc-zero-branch" in collection.notes  # the built-ins follow on the lesson path


def test_an_item_id_taken_by_an_earlier_lesson_is_left_out_and_said(isolated_data):
    folder = isolated_data / "mine"
    folder.mkdir()
    write_lesson(folder)
    write_lesson(folder, "copy.yaml", id="copy-lesson", title="Copy", phase=2)
    code, out, err = export(isolated_data, "--lessons", str(folder), "--json")
    assert json.loads(out)["left_out"]["same-id"] == 2
    collection = read_apkg(isolated_data / "restutor.apkg", isolated_data / "read")
    assert collection.notes["demo-choice"].deck == "restutor::Demo lesson"
    assert "restutor::Copy" not in collection.decks  # it had nothing else
    code, out, err = export(isolated_data, "--lessons", str(folder))
    assert out.endswith("; left out 2 items whose id an earlier lesson already uses\n")


# -- lesson text is data -------------------------------------------------------------------

#: Tags and attributes a card may hold: what CommonMark makes of text, and nothing active.
SAFE_TAGS = {
    "p", "b", "em", "strong", "code", "pre", "ol", "ul", "li", "a", "blockquote", "hr", "br",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
SAFE_ATTRIBUTES = {("a", "href"), ("a", "title"), ("code", "class"), ("ol", "start")}
#: Text that is active in a browser or in Anki if it reaches a card as it is.
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "![pixel](https://example.com/track.png)",
    "<iframe src=//example.com>",
    "[latex]\\write18{rm -rf ~}[/latex]",
    "[$]x[/$]",
    "[sound:../../secret.mp3]",
    "{{FrontSide}}",
    "restutor::elsewhere",
    '"><svg onload=alert(1)>',
    "<!-- -->",
    "&lt;b&gt;",
    ESCAPES,
]


class _Tags(HTMLParser):
    """Every tag and attribute of a field, and its text as a card shows it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append(("!--", []))


def _escaped(text: str) -> str:
    return html.escape(text).replace("[", "&#91;")


def assert_inert(field: str) -> None:
    reader = _Tags()
    reader.feed(field)
    reader.close()
    for tag, attrs in reader.tags:
        assert tag in SAFE_TAGS, (tag, field)
        for name, value in attrs:
            assert (tag, name) in SAFE_ATTRIBUTES, (tag, name, field)
            if name == "href":
                assert value is not None and value.startswith(("http://", "https://", "#"))
    assert "[" not in field  # no [latex], [$] or [sound:] for Anki to act on
    assert "\x1f" not in field  # Anki's field separator


def _hostile_lesson(text: str) -> Lesson:
    return Lesson.model_validate(tainted(every_field_lesson(), text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), min_size=1, max_size=4).map(
        " ".join
    )
)
def test_hostile_lesson_text_never_reaches_a_card_live(text):
    lesson = _hostile_lesson(text)
    package = build_export([lesson]).package
    (deck,) = package.decks
    assert "::" not in deck.name.removeprefix("restutor::")  # no subdeck of the lesson's making
    for note in deck.notes:
        assert len(note.fields) == len(FIELDS)
        for field in note.fields:
            assert_inert(field)
        item = next(i for i in lesson.practice if i.id == note.fields[-1])
        # plain text (a rubric line, a choice) is shown exactly as it was written
        assert _text_of(note.fields[FIELDS.index("Rubric")]) == "".join(item.rubric)
        assert _text_of(note.fields[FIELDS.index("Choices")]) == "".join(
            getattr(item, "choices", [])
        )


def test_a_hostile_lesson_file_exports_as_text(isolated_data):
    folder = isolated_data / "hostile"
    folder.mkdir()
    data = tainted(every_field_lesson(), "<script>alert(1)</script>[latex]x[/latex]")
    write_lesson(folder, **data)
    code, out, err = export(isolated_data, "--lessons", str(folder))
    assert (code, err) == (0, "")
    collection = read_apkg(isolated_data / "restutor.apkg", isolated_data / "read")
    note = collection.notes["every-field-text"]
    for field in note.fields.values():
        assert_inert(field)
    assert "<script>" not in note.fields["Prompt"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#91;latex]" in note.fields["Prompt"]
    assert _text_of(note.fields["Prompt"]).startswith("<script>alert(1)</script>[latex]x")
    assert "every-field-sim" not in collection.notes  # a prediction, left out


# -- bad input: one line, exit 2, nothing half-written -----------------------------------


def _one_line_exit_2(result: tuple[int, str, str], said: str) -> None:
    code, out, err = result
    assert (code, out) == (2, "")
    assert err.startswith("restutor: ") and err.count("\n") == 1 and "Traceback" not in err
    assert said in err


def test_a_folder_as_out_is_one_line(isolated_data):
    _one_line_exit_2(export(isolated_data, "--out", str(isolated_data)), "is a folder")


def test_a_missing_folder_is_one_line(isolated_data):
    _one_line_exit_2(
        export(isolated_data, "--out", "no/such/deck.apkg"), "No such file or directory"
    )


def test_a_file_where_a_folder_should_be_is_one_line(isolated_data):
    (isolated_data / "plain").write_text("x")
    _one_line_exit_2(export(isolated_data, "--out", "plain/deck.apkg"), "cannot write")


def test_the_database_is_never_written_over(isolated_data):
    database = isolated_data / "restutor.db"
    database.write_bytes(b"precious")
    _one_line_exit_2(export(isolated_data, "--out", str(database)), "refusing to write")
    assert database.read_bytes() == b"precious"


def test_no_lessons_is_one_line(isolated_data, monkeypatch):
    monkeypatch.setattr(paths, "builtin_lessons_dir", lambda: isolated_data / "none")
    _one_line_exit_2(export(isolated_data, "--lessons", str(isolated_data / "empty")), "no lessons")
    assert not (isolated_data / "restutor.apkg").exists()


def test_a_failed_write_leaves_the_earlier_export_whole(isolated_data, monkeypatch):
    earlier = isolated_data / "restutor.apkg"
    earlier.write_bytes(b"the earlier export")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tutor.notes.writing.os.replace", full_disk)
    _one_line_exit_2(export(isolated_data), "No space left on device")
    assert earlier.read_bytes() == b"the earlier export"
    assert sorted(p.name for p in isolated_data.iterdir() if "apkg" in p.name) == ["restutor.apkg"]


def test_the_command_line_starts_without_genanki_or_markdown_it():
    code = (
        "import sys; from tutor.cli import build_parser; build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('genanki', 'markdown_it')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("command", [("export", "anki"), ("notes", "export")])
def test_an_export_never_replaces_a_pipe_or_a_device(isolated_data, command):
    """Renaming a finished file over ``--out`` would replace a FIFO (or, as root, /dev/null)
    with a regular file: anything but a regular file is refused, and left as it was."""
    pipe = isolated_data / "a-pipe"
    os.mkfifo(pipe)
    code, out, err = run(*command, "--out", str(pipe))
    assert (code, out) == (2, "") and "not a regular file" in err and err.count("\n") == 1
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_an_export_to_a_dash_is_refused_as_binary(isolated_data):
    code, out, err = export(isolated_data, "--out", "-")
    assert (code, out) == (2, "") and "zip file" in err
    assert not (isolated_data / "-").exists()
