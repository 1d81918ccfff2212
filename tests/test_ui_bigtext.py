"""A 10 MB note or answer is shown by its head, and nothing of it is ever lost."""

from __future__ import annotations

import re

import pytest

from tests.pilot import press, wait_for
from tests.ui_app import make_app
from tutor.store import Store
from tutor.ui.screens.note_editor import EDITABLE_CHARS, NoteEditor
from tutor.ui.screens.notes import NotesScreen

SIZE = (110, 36)
#: Ten megabytes of note, one numbered line after another.
LONG = "".join(f"line {i:07d} of a very long note\n" for i in range(330_000))


@pytest.fixture
def long_note_db(tmp_path):
    db = tmp_path / "db"
    store = Store(db)
    store.add_note("a short one", "equation", "key", lesson_id="residual-connections")
    store.add_note(LONG, "concept", "residual-connections", lesson_id="residual-connections")
    store.close()
    return db


def stored_body(app) -> str:
    return next(n.body for n in app.store.notes() if n.anchor_kind == "concept")


async def open_long_note(pilot, app) -> NotesScreen:
    app.open_notes()
    await wait_for(
        pilot, lambda: isinstance(app.screen, NotesScreen) and app.screen.shown, "the notes"
    )
    screen = app.screen
    assert screen.shown[0].anchor_kind == "concept"  # the newest, shown first
    return screen


async def test_a_ten_megabyte_note_is_previewed_by_its_head(long_note_db):
    assert len(LONG) >= 10_000_000
    app = make_app(long_note_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_long_note(pilot, app)
        detail = screen.query_one("#note-detail")
        await wait_for(pilot, lambda: "more lines" in detail.source, "the preview")
        [more] = re.findall(r"… ([\d,]+) more lines", detail.source)
        shown = re.findall(r"line \d{7} of", detail.source)
        assert int(more.replace(",", "")) == 330_000 - len(shown) and len(shown) < 100
        assert len(detail.source) < 10_000
        label = str(screen.query_one("#notes-list").get_option_at_index(0).prompt)
        assert label.startswith("concept:residual-connections — line 0000000") and len(label) < 80
        screen.query_one("#notes-list").highlighted = 1  # and back: the highlight shows it too
        await wait_for(pilot, lambda: "a short one" in detail.source, "the short note")
        screen.query_one("#notes-list").highlighted = 0
        await wait_for(pilot, lambda: "more lines" in detail.source, "the preview again")
        assert stored_body(app) == LONG


async def test_editing_a_ten_megabyte_note_keeps_every_byte(long_note_db):
    app = make_app(long_note_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_long_note(pilot, app)
        await press(pilot, "f2")
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        area = editor.query_one("TextArea")
        assert LONG.startswith(area.text) and len(area.text) <= EDITABLE_CHARS
        assert "kept as it is" in str(editor.query_one("#note-rest").render())
        area.insert("Edited at the top. ", location=(0, 0))
        await press(pilot, "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen), "back in the room")
        assert stored_body(app) == "Edited at the top. " + LONG
        assert app.store.draft(f"{editor.draft_key}:rest") == ""


async def test_a_draft_of_a_long_note_comes_back_whole(long_note_db):
    app = make_app(long_note_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_long_note(pilot, app)
        await press(pilot, "f2")
        app.screen.query_one("TextArea").insert("Half a thought. ", location=(0, 0))
        await press(pilot, "escape")
        assert stored_body(app) == LONG  # closing saves nothing but the draft
        await press(pilot, "f2")
        editor = app.screen
        assert editor.query_one("TextArea").text.startswith("Half a thought. line 0000000")
        await press(pilot, "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen), "back in the room")
        assert stored_body(app) == "Half a thought. " + LONG


async def test_a_pasted_ten_megabytes_is_refused_and_a_long_answer_echoed_by_its_head(tmp_path):
    from textual import events

    from tests.test_ui_practice import go_to, open_practice
    from tutor.ui.widgets.answer_input import MOST_CHARACTERS

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        go_to(screen, "text")
        answer = screen.query_one("#answer-text")
        said = []
        app.notify = lambda message, **kw: said.append(message)  # type: ignore[method-assign]
        answer.post_message(events.Paste("the identity path " * 600_000))
        await wait_for(pilot, lambda: said, "the refusal")
        assert answer.value == "" and "at most 20,000 characters" in said[0]
        long_answer = ("a branch with small weights learns a small correction " * 500)[
            : MOST_CHARACTERS["text"]
        ]
        answer.post_message(events.Paste(long_answer))
        await wait_for(pilot, lambda: answer.value == long_answer, "the long answer typed")
        await press(pilot, "ctrl+s")
        feedback = screen.query_one("#feedback")
        await wait_for(pilot, lambda: "more characters" in feedback.source, "the echo")
        assert len(feedback.source) < 10_000 and screen.attempt.committed == long_answer
        assert len(screen.attempt.grade.covered) == 2  # graded on the whole answer


def test_notes_list_prints_a_line_a_note_and_show_prints_all(long_note_db, capsys):
    from tutor.cli import main

    assert main(["--db", str(long_note_db), "notes", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and all(len(line) < 120 for line in listed)
    assert "line 0000000 of a very long note line 0000001" in listed[0]
    assert main(["--db", str(long_note_db), "notes", "search", "0329999"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["--db", str(long_note_db), "notes", "show", "2"]) == 0
    assert LONG.strip() in capsys.readouterr().out
