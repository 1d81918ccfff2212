"""A database that fails is a notification, never a crash, and never costs a typed word.

Every public method of the open store is made to raise ``StoreError`` (as a damaged,
locked, read-only or vanished file makes it), then the learner walks through every screen;
the note editor's refusals keep the words in a file and say where.
"""

from __future__ import annotations

import pytest

from tests.pilot import press, wait_for
from tests.test_ui_fuzz import PASTES
from tests.test_ui_notes import heard, open_room, seed_notes
from tests.test_ui_practice import go_to
from tests.ui_app import make_app
from tutor.notes.keep import KEPT_DIR
from tutor.store import Store, StoreError
from tutor.ui.screens.lab import LabScreen
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.map import MapScreen
from tutor.ui.screens.note_editor import NoteEditor
from tutor.ui.screens.notes import NotesScreen
from tutor.ui.screens.practice import PracticeScreen
from tutor.ui.screens.stats import StatsScreen

SIZE = (110, 36)
BROKEN = "cannot read the database x: database disk image is malformed"


def public_methods(store: Store) -> list[str]:
    return [
        name for name in dir(store) if not name.startswith("_") and callable(getattr(store, name))
    ]


def broken(*args, **kwargs):
    """A store method on a damaged file."""
    raise StoreError(BROKEN)


def fail_every_call(store: Store, monkeypatch) -> list[str]:
    """Make each public method of ``store`` raise ``StoreError``; the names patched."""
    names = public_methods(store)
    for name in names:
        monkeypatch.setattr(store, name, broken)
    return names


def kept_files(tmp_path) -> list[str]:
    """The texts kept beside the database because it refused them, oldest first."""
    folder = tmp_path / KEPT_DIR
    files = sorted(folder.iterdir(), key=lambda f: f.stat().st_mtime_ns) if folder.exists() else []
    return [f.read_text(encoding="utf-8") for f in files]


async def start(pilot, app):
    await wait_for(pilot, lambda: app.store is not None, "the store open")
    await wait_for(pilot, lambda: app.focused is not None, "the map focused")


async def back_to_map(pilot, app):
    while not isinstance(app.screen, MapScreen):
        await press(pilot, "escape")
        await pilot.pause()


async def write(pilot, app, text):
    await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor open")
    for word in text.split(" "):  # a few edits, each autosaved
        app.screen.query_one("TextArea").insert(word + " ")
        await pilot.pause()


async def test_every_screen_stays_up_when_every_store_call_fails(tmp_path, monkeypatch):
    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        said = heard(app)
        assert "close" in fail_every_call(app.store, monkeypatch)

        await press(pilot, "enter")  # the map's first lesson: its section is marked seen
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        assert BROKEN in said
        await press(pilot, "p")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "practice")
        practice = app.screen
        item = go_to(practice, "choice")  # its draft read fails
        await pilot.pause()
        for _ in range(item.correct):
            await press(pilot, "down")
        await press(pilot, "enter")
        practice.query_one("#practice-body").focus()
        await press(pilot, "a")  # the review is recorded: refused
        assert practice.recorded
        await press(pilot, "u")
        assert said[-1].startswith("the last grade was not taken back: " + BROKEN)
        number = go_to(practice, "number")
        await pilot.pause()
        await press(pilot, *"0.25")  # each key's draft refused, said once on this screen
        assert said.count(BROKEN) == 2

        await back_to_map(pilot, app)  # the map's progress and reviews due: unreadable
        await press(pilot, "R")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "the review")
        assert "could not be read" in app.screen.query_one("#prompt").source
        await back_to_map(pilot, app)
        await press(pilot, "S")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), "the stats")
        await back_to_map(pilot, app)

        await press(pilot, "N")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen), "the room")
        room = app.screen
        before = len(said)
        await press(pilot, *"identity")
        assert room.shown == [] and len(said) <= before + 1
        await back_to_map(pilot, app)

        await press(pilot, "n")
        await write(pilot, app, "a thought the database refused")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, NoteEditor)
        assert said[-2].startswith("the note was not saved: " + BROKEN)
        assert "your words are kept in" in said[-1]
        await press(pilot, "escape")
        await back_to_map(pilot, app)

        await press(pilot, "L")
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the lab")
        await press(pilot, "n")
        await write(pilot, app, "flat at depth 30")
        await press(pilot, "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the note closed")
        await back_to_map(pilot, app)
        await press(pilot, "q")
    assert app.return_code == 0 and app.crash_report is None
    kept = kept_files(tmp_path)  # at the first refusal, then as they were on ctrl+s or close
    answer = f"practice item {number.id}\n\n"
    notes = ["a ", "a thought the database refused ", "flat ", "flat at depth 30 "]
    assert kept == [answer + "0", answer + "0.25", *notes]


async def test_the_research_room_with_a_failing_store_says_so_once_and_stays(tmp_path, monkeypatch):
    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        said = heard(app)
        fail_every_call(app.store, monkeypatch)
        room = await open_room(pilot, app)
        assert room.shown == [] and said.count(BROKEN) == 1
        room.query_one("#notes-query").focus()
        await press(pilot, *"skip")  # a search a key: no toast a key
        await press(pilot, "f2", "ctrl+r", "ctrl+g")  # nothing listed: nothing to act on
        assert said.count(BROKEN) == 1 and isinstance(app.screen, NotesScreen)
        monkeypatch.undo()  # the database is back
        await press(pilot, "space")
        assert [n.body for n in room.shown] == ["pre keeps the skip clean"]


@pytest.mark.parametrize(
    ("method", "left"),
    [
        ("notes", 3),  # nothing listed, so nothing to delete
        ("tags", 3),  # the tag filter not refreshed; the delete and the undo work
        ("delete_note", 3),
        ("restore_note", 2),  # deleted on a yes; the undo refused, said
    ],
)
async def test_one_failing_call_in_the_research_room_is_said_and_the_room_goes_on(
    tmp_path, monkeypatch, method, left
):
    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        room = await open_room(pilot, app)
        said = heard(app)
        monkeypatch.setattr(app.store, method, broken)
        room._list_notes()
        await press(pilot, "d", "y")
        await press(pilot, "u")
        assert app.screen is room and any(BROKEN in message for message in said)
        monkeypatch.undo()
        assert len(app.store.notes()) == left and len(room.deleted) == 3 - left


# -- the note editor never loses text ----------------------------------------------------


async def open_editor(pilot, app):
    await start(pilot, app)
    await press(pilot, "n")
    await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor open")
    return app.screen


@pytest.mark.parametrize("text", PASTES[:-1] + ["ünïcode ✓ 中文", "line one\n\nline three"])
async def test_a_refused_autosave_keeps_the_words_once_a_streak(tmp_path, text):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, app)
        said = heard(app)
        save_draft = app.store.save_draft

        def refused(*args, **kwargs):
            raise StoreError("the database x is busy (another restutor is writing to it)")

        app.store.save_draft = refused
        area = editor.query_one("TextArea")
        area.insert(text)
        await pilot.pause()
        for key in "abc":  # three more refusals, in the same streak
            area.insert(key)
            await pilot.pause()
        assert kept_files(tmp_path) == [text]
        assert sum("your words are kept in" in m for m in said) == 1
        app.store.save_draft = save_draft  # a draft saved ends the streak
        area.insert("d")
        await pilot.pause()
        app.store.save_draft = refused
        area.insert("e")
        await pilot.pause()
        assert kept_files(tmp_path) == [text, text + "abcde"]
        editor.query_one("#note-tags").value = "open question, why"
        editor.query_one("#note-next").value = "ask"
        await press(pilot, "escape")  # closing keeps what changed since
        assert not isinstance(app.screen, NoteEditor)
        assert kept_files(tmp_path)[-1] == (
            f"{text}abcde\n\ntags: open question, why\n\nnext action: ask"
        )
        assert "your words are kept in" in said[-1]


async def test_a_refused_save_keeps_the_words_and_the_editor_stays_open(tmp_path, monkeypatch):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, app)
        said = heard(app)
        fail_every_call(app.store, monkeypatch)
        editor.query_one("TextArea").insert("must not be lost")
        await pilot.pause()
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, NoteEditor)
        assert said[-2] == "the note was not saved: " + BROKEN
        path = said[-1].rsplit(" ", 1)[-1]
        assert said[-1].startswith("the note was not saved: your words are kept in ")
        assert kept_files(tmp_path) == ["must not be lost"]
        await press(pilot, "ctrl+s")  # the same words: the same file, said again
        assert kept_files(tmp_path) == ["must not be lost"] and said[-1].endswith(path)
        monkeypatch.undo()
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, NoteEditor)
        assert [n.body for n in app.store.notes()] == ["must not be lost"]


async def test_with_no_database_the_words_are_kept_on_save_and_on_close(tmp_path, monkeypatch):
    import tutor.store

    def unopenable(path, *args, **kwargs):
        raise StoreError(f"cannot open the database {path}: unable to open database file")

    monkeypatch.setattr(tutor.store, "Store", unopenable)
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    said = heard(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("will not be saved" in m for m in said), "told")
        assert app.store is None
        await press(pilot, "n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor open")
        await write(pilot, app, "no database to hold this")
        assert kept_files(tmp_path) == []  # nothing a key: no database is no refusal
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, NoteEditor)
        assert "the database is not open, so the note was not saved" in said[-1]
        assert kept_files(tmp_path) == ["no database to hold this "]
        app.screen.query_one("TextArea").insert("and more")
        await press(pilot, "escape")
        assert not isinstance(app.screen, NoteEditor)
        assert kept_files(tmp_path)[-1] == "no database to hold this and more"
        assert "the draft was not saved: your words are kept in" in said[-1]
        await press(pilot, "n")  # closed unchanged: nothing new to keep
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor open")
        await press(pilot, "escape")
        assert len(kept_files(tmp_path)) == 2


async def test_with_nowhere_to_keep_the_words_the_editor_stays_open(tmp_path, monkeypatch):
    import tutor.ui.kept_words as kept_words

    def full(text, db_path, what="note"):
        raise OSError(28, "No space left on device")

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, app)
        said = heard(app)
        fail_every_call(app.store, monkeypatch)
        monkeypatch.setattr(kept_words, "keep_text", full)
        editor.query_one("TextArea").insert("nowhere to go")
        await pilot.pause()
        await press(pilot, "escape")
        assert app.screen is editor and "copy them elsewhere" in said[-1]
        assert "No space left on device" in said[-1]
        editor.query_one("TextArea").clear()  # nothing left to keep: it closes
        await press(pilot, "escape")
        assert app.screen is not editor


async def test_a_long_note_refused_is_kept_whole(tmp_path, monkeypatch):
    long = "".join(f"line {i:05d} of a long note\n" for i in range(3_000))
    store = Store(tmp_path / "db")
    store.add_note(long, "concept", "residual-connections")
    store.close()
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        room = await open_room(pilot, app)
        await press(pilot, "f2")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor open")
        fail_every_call(app.store, monkeypatch)
        app.screen.query_one("TextArea").insert("Top. ", location=(0, 0))
        await pilot.pause()
        await press(pilot, "escape")
        assert app.screen is room
        assert kept_files(tmp_path) == ["Top. " + long]


async def test_a_note_opened_and_closed_unchanged_keeps_no_file(tmp_path, monkeypatch):
    """The words the editor opened with are the note's own, already in the database."""
    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        room = await open_room(pilot, app)
        for method in ("draft", "save_draft", "update_note"):  # the editor's calls
            monkeypatch.setattr(app.store, method, broken)
        for _ in range(2):
            await press(pilot, "f2")
            await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor")
            await press(pilot, "escape")
            assert app.screen is room and kept_files(tmp_path) == []
        await press(pilot, "f2")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor")
        app.screen.query_one("#note-next").value = "look it up"
        await press(pilot, "escape")
        assert kept_files(tmp_path)[-1].endswith("\n\nnext action: look it up")


async def test_an_answer_whose_draft_is_refused_is_kept_in_a_file(tmp_path, monkeypatch):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        said = heard(app)
        await press(pilot, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        await press(pilot, "p")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "practice")
        item = go_to(app.screen, "number")
        await pilot.pause()
        monkeypatch.setattr(app.store, "save_draft", broken)
        await press(pilot, *"0.25")
        head = f"practice item {item.id}\n\n"
        assert kept_files(tmp_path) == [head + "0"]  # at the first refusal, at once
        await back_to_map(pilot, app)  # left unanswered: what was typed last is kept too
        assert kept_files(tmp_path) == [head + "0", head + "0.25"]
        assert sum("your words are kept in" in line for line in said) == 2


async def test_an_answer_typed_with_no_database_is_kept_on_leaving(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        await press(pilot, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        await press(pilot, "p")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "practice")
        item = go_to(app.screen, "number")
        await pilot.pause()
        app.store.close()
        app.store = None
        await press(pilot, *"12")
        assert kept_files(tmp_path) == []  # said once on leaving, not at each key
        await back_to_map(pilot, app)
        assert kept_files(tmp_path) == [f"practice item {item.id}\n\n12"]
