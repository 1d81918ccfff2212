"""`n` anywhere: a note anchored to what is on screen, with a draft that survives; the
research room, where notes are found, edited, deleted and brought back."""

import asyncio
import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.pilot import press, settle, wait_for
from tests.test_ui_fuzz import EXAMPLES
from tests.ui_app import make_app
from tutor.store import Store
from tutor.ui.screens.note_editor import COMMA_TAGS, NoteEditor, draft_fields, tags_of

SIZE = (110, 36)


async def write_and(pilot, app, text, key):
    assert isinstance(app.screen, NoteEditor)
    app.screen.query_one("TextArea").insert(text)
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()


async def test_a_note_from_the_lesson_is_anchored_to_the_concept(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await write_and(pilot, app, "Why does the identity make depth cheap?", "ctrl+s")
        [note] = app.store.notes()
        assert (note.anchor_kind, note.anchor_id) == ("concept", "residual-connections")
        assert note.lesson_id == "residual-connections"


async def test_a_note_from_the_lab_keeps_its_exact_state(tmp_path):
    from tutor.sim import SimParams

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_lab(SimParams(depth=60, residual=False))
        await press(pilot, "n")
        await write_and(pilot, app, "flat at depth 60", "ctrl+s")
        [note] = app.store.notes()
        assert note.anchor_kind == "lab" and note.anchor_id == "--depth=60 --plain"
        assert SimParams(**note.anchor_data) == SimParams(depth=60, residual=False)


async def test_a_draft_survives_closing_and_quitting(tmp_path):
    db = tmp_path / "db"
    app = make_app(db, start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await write_and(pilot, app, "half a thought", "escape")
        assert not isinstance(app.screen, NoteEditor) and app.store.notes() == []
    again = make_app(db, start_lesson="residual-connections")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert again.screen.query_one("TextArea").text == "half a thought"


async def test_a_note_on_a_practice_item_and_on_a_focused_witness(tmp_path):
    from tutor.ui.widgets.witness_view import WitnessView

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_section("code")
        await wait_for(pilot, lambda: app.screen.drawn == "code", "the section drawn")
        witness = app.screen.query(WitnessView).first()
        witness.focus()
        await pilot.press("n")
        await pilot.pause()
        await write_and(pilot, app, "on the witness", "ctrl+s")
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#practice-body").focus()
        await pilot.press("n")
        await pilot.pause()
        await write_and(pilot, app, "on the item", "ctrl+s")
        kinds = {(n.anchor_kind, n.body) for n in app.store.notes()}
        assert ("witness", "on the witness") in kinds and ("practice", "on the item") in kinds


async def test_a_refused_write_is_a_message_and_the_draft_stays(tmp_path):
    from tutor.store import StoreError

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        notes = []
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]

        def busy(*args, **kwargs):
            raise StoreError("the database x is busy (another restutor is writing to it)")

        app.store.add_note = busy  # type: ignore[method-assign]
        await write_and(pilot, app, "must not be lost", "ctrl+s")
        assert isinstance(app.screen, NoteEditor)
        assert any("busy" in n for n in notes)
        assert "must not be lost" in app.store.draft("note:concept:residual-connections")


async def test_the_notes_screen_searches_as_you_type_and_jumps_back(tmp_path):
    from tutor.sim import SimParams
    from tutor.store import Store
    from tutor.ui.screens.lab import LabScreen
    from tutor.ui.screens.lesson import LessonScreen
    from tutor.ui.screens.notes import NotesScreen

    db = tmp_path / "db"
    store = Store(db)
    store.add_note("the identity term again", "equation", "key", lesson_id="residual-connections")
    store.add_note(
        "flat at depth 60",
        "lab",
        "--depth=60 --plain",
        anchor_data=SimParams(depth=60, residual=False).to_dict(),
    )
    store.close()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NotesScreen) and len(screen.shown) == 2
        await pilot.press(*"flat")
        await pilot.pause()
        assert [n.body for n in screen.shown] == ["flat at depth 60"]
        await press(pilot, "ctrl+g")
        assert isinstance(app.screen, LabScreen)
        assert app.screen.params == SimParams(depth=60, residual=False)
        await press(pilot, "escape")
        screen.query_one("#notes-query").value = "identity"
        await pilot.pause()
        copied = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("ctrl+r")
        assert "Object: equation key" in copied[0] and "Open question:" in copied[0]
        [written] = (tmp_path / "research-prompts").glob("note-*.md")
        assert written.read_text() == copied[0]
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.section == "math"


async def test_hostile_searches_in_the_notes_screen(tmp_path):
    from tutor.ui.screens.notes import NotesScreen

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_notes()
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        await pilot.press(*'"(NEAR* OR')
        await pilot.pause()
        assert app.screen.shown == []


def seed_notes(db):
    store = Store(db)
    store.add_note("why +1", "equation", "key", lesson_id="residual-connections", tags=("why",))
    store.add_note("pre keeps the skip clean", "claim", "c1", lesson_id="pre-norm-vs-post-norm")
    store.add_note("why branches?", "concept", "unraveled-view", lesson_id="unraveled-view")
    store.close()


async def test_the_notes_screen_filters_by_object_lesson_and_tag(tmp_path):
    from textual.widgets import Select

    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_notes()
        await pilot.pause()
        screen = app.screen
        assert len(screen.shown) == 3
        screen.query_one("#filter-kind", Select).value = "claim"
        await pilot.pause()
        assert [n.body for n in screen.shown] == ["pre keeps the skip clean"]
        screen.query_one("#filter-kind", Select).clear()
        screen.query_one("#filter-tag", Select).value = "why"
        await pilot.pause()
        assert [n.body for n in screen.shown] == ["why +1"]
        screen.query_one("#filter-tag", Select).clear()
        screen.query_one("#filter-lesson", Select).value = "unraveled-view"
        screen.query_one("#notes-query").value = "why"
        await pilot.pause()
        assert [n.body for n in screen.shown] == ["why branches?"]


async def test_N_in_a_lesson_shows_that_lessons_notes(tmp_path):
    from tutor.ui.screens.notes import NotesScreen

    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        assert [n.body for n in app.screen.shown] == ["why +1"]


async def test_editing_a_note_rewrites_it_in_place_with_its_own_draft(tmp_path):
    from tutor.ui.screens.notes import NotesScreen

    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_notes("residual-connections")
        await pilot.pause()
        [original] = app.screen.shown
        await pilot.press("f2")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        assert editor.query_one("TextArea").text == "why +1"
        body = editor.query_one("TextArea")
        assert body.cursor_location == body.document.end  # F2 continues the note
        body.insert(", because the Jacobian is I + J")
        assert editor.query_one("#note-tags").value == "why"
        editor.query_one("#note-tags").value = "why, jacobian"
        await pilot.pause()
        assert "Jacobian" in app.store.draft(f"note-edit:{original.uid}")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        [edited] = app.screen.shown
        assert edited.id == original.id and edited.anchor_id == "key"
        assert edited.body == "why +1, because the Jacobian is I + J"
        assert edited.tags == ("why", "jacobian")
        assert app.store.draft(f"note-edit:{original.uid}") == ""
        assert len(app.store.notes()) == 3
        app.screen.query_one("#filter-tag").value = "jacobian"  # the new tag is offered
        await pilot.pause()
        assert [n.id for n in app.screen.shown] == [original.id]


async def test_a_highlight_from_a_list_since_replaced_shows_its_note_or_nothing(tmp_path):
    """Holding backspace in the search: a highlight posted for the old result list
    arrives after the list was rebuilt (it raised IndexError)."""
    from textual.widgets import OptionList

    from tutor.store import Store
    from tutor.ui.screens.notes import NotesScreen

    db = tmp_path / "db"
    store = Store(db)
    for body in ("skip path one", "skip path two", "identity three"):
        store.add_note(body, "concept", "residual-connections")
    store.close()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press(pilot, "N")
        screen = app.screen
        assert isinstance(screen, NotesScreen) and len(screen.shown) == 3
        options = screen.query_one("#notes-list", OptionList)
        stale = [
            OptionList.OptionHighlighted(options, options.get_option_at_index(i), i)
            for i in range(3)
        ]
        screen.query_one("#notes-query").value = "identity"
        await pilot.pause()
        assert [n.body for n in screen.shown] == ["identity three"]
        for event in stale:
            screen._highlight(event)  # no IndexError, and only a note still listed shows
        await pilot.pause()
        assert "identity three" in screen.query_one("#note-detail").source


# -- deleting in the research room, and undoing it ---------------------------------------


def heard(app) -> list[str]:
    """Every notification the app shows from now on (still shown, and recorded)."""
    messages: list[str] = []
    show = app.notify

    def notify(message, **kwargs):
        messages.append(message)
        show(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return messages


async def open_room(pilot, app):
    """The research room, its list focused (where d and u are keys, not letters typed)."""
    from tutor.ui.screens.notes import NotesScreen

    await wait_for(pilot, lambda: app.store is not None, "the store open")
    app.open_notes()
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, NotesScreen) and app.focused is not None,
        "the room open, its search focused",
    )
    screen = app.screen
    screen.query_one("#notes-list").focus()
    await pilot.pause()
    return screen


def highlight(screen, note_id):
    screen.query_one("#notes-list").highlighted = [n.id for n in screen.shown].index(note_id)


def undo_offered(screen) -> bool:
    return "u" in screen.active_bindings


async def test_delete_asks_first_and_only_a_yes_deletes(tmp_path):
    from tutor.ui.screens.confirm import Confirm

    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_room(pilot, app)
        target = next(n for n in screen.shown if n.body == "why +1")
        highlight(screen, target.id)
        for keep in ("enter", "escape", "n"):  # Enter presses the focused Keep
            await press(pilot, "d")
            modal = app.screen
            assert isinstance(modal, Confirm) and app.focused is modal.query_one("#keep")
            about = str(modal.query_one("#about").render())
            assert "equation:key" in about and "why +1" in about
            await press(pilot, keep)
            await wait_for(pilot, lambda: app.screen is screen, f"{keep} closed the question")
            assert len(app.store.notes()) == 3 and not undo_offered(screen)
        said = heard(app)
        await press(pilot, "delete", "y")
        await wait_for(pilot, lambda: len(app.store.notes()) == 2, "the note deleted")
        assert f"note {target.id} deleted — u to undo" in said
        assert target.id not in [n.id for n in screen.shown] and undo_offered(screen)


async def test_the_delete_button_deletes_and_u_brings_the_note_back_exactly(tmp_path):
    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_room(pilot, app)
        original = screen.shown[1]
        highlight(screen, original.id)
        await press(pilot, "d")
        await pilot.click("#confirm")
        await wait_for(pilot, lambda: app.screen is screen, "the question closed")
        assert app.store.note(original.id) is None
        assert screen.selected.id == screen.shown[1].id  # the note that followed it
        await press(pilot, "u")
        assert app.store.note(original.id) == original  # id, uid, text, tags and times
        assert screen.selected == original and not undo_offered(screen)


async def test_undo_survives_searching_and_filtering_and_goes_in_reverse_order(tmp_path):
    from textual.widgets import Select

    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_room(pilot, app)
        originals = sorted(app.store.notes(), key=lambda n: n.id)
        first = next(n for n in screen.shown if n.body == "why +1")  # the only tag "why"
        highlight(screen, first.id)
        await press(pilot, "d", "y")
        await wait_for(pilot, lambda: app.store.note(first.id) is None, "the first deleted")
        screen.query_one("#notes-query").value = "skip"
        await wait_for(pilot, lambda: len(screen.shown) == 1, "the search narrowed")
        second = screen.shown[0]
        await press(pilot, "d", "y")
        await wait_for(pilot, lambda: screen.shown == [], "the second deleted")
        screen.query_one("#filter-kind", Select).value = "concept"
        await pilot.pause()
        await press(pilot, "u")  # the second is back, though the filter hides it
        assert app.store.note(second.id) == second and app.store.note(first.id) is None
        screen.query_one("#filter-kind", Select).clear()
        screen.query_one("#notes-query").value = ""
        await pilot.pause()
        await press(pilot, "u")
        assert sorted(app.store.notes(), key=lambda n: n.id) == originals
        assert screen.selected == first and not undo_offered(screen)
        screen.query_one("#filter-tag", Select).value = "why"  # its tag is offered again
        await pilot.pause()
        assert [n.id for n in screen.shown] == [first.id]


async def test_a_refused_delete_or_undo_is_said_and_nothing_is_lost(tmp_path):
    from tutor.store import StoreError

    def refused(*args, **kwargs):
        raise StoreError("cannot write the database x: attempt to write a readonly database")

    seed_notes(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_room(pilot, app)
        target = screen.selected
        said = heard(app)
        delete_note, app.store.delete_note = app.store.delete_note, refused
        await press(pilot, "d", "y")
        assert f"note {target.id} was not deleted: cannot write the database x" in said[-1]
        assert app.store.note(target.id) == target and not undo_offered(screen)
        app.store.delete_note = delete_note
        await press(pilot, "d", "y")
        await wait_for(pilot, lambda: app.store.note(target.id) is None, "deleted this time")
        app.store.restore_note = refused
        await press(pilot, "u")
        assert "was not brought back: cannot write" in said[-1] and undo_offered(screen)
        del app.store.restore_note  # the store's own method again: u tries again
        await press(pilot, "u")
        assert app.store.note(target.id) == target and not undo_offered(screen)


#: The steps, deleting and undoing drawn most often (a dozen examples must mix them).
OPS = ["delete"] * 3 + ["undo"] * 3 + ["down", "up", "keep", "search", "clear"]
#: What each step presses in the room (a search is typed into its box instead).
KEYS = {"down": ("down",), "up": ("up",), "delete": ("d", "y"), "keep": ("d", "n"), "undo": ("u",)}


async def test_any_mix_of_deletes_undos_and_searches_loses_nothing(tmp_path):
    """Hypothesis draws what the learner does; a model (the stack of deleted notes) says
    what the store must hold after each step, and undoing everything gives back every
    note exactly. One app serves the run; each example starts on a fresh database."""
    app = make_app(tmp_path / "first.db")
    examples = iter(range(10_000))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_room(pilot, app)
        loop = asyncio.get_running_loop()

        async def start() -> dict:
            """A fresh database seeded, the room showing all of it, nothing to undo."""
            app.store.close()
            db = tmp_path / f"example-{next(examples)}.db"
            seed_notes(db)
            app.store = Store(db)
            screen.deleted.clear()
            screen.refresh_bindings()
            screen.query_one("#notes-query").value = ""
            await settle(pilot)
            screen.query_one("#notes-list").focus()
            return {n.id: n for n in app.store.notes()}

        async def run(ops: list[str]) -> None:
            originals = await start()
            deleted: list[int] = []  # the model: what u brings back, the latest last
            for op in ops:
                chosen = screen.selected
                if op in ("search", "clear"):
                    screen.query_one("#notes-query").value = "why" if op == "search" else ""
                    await settle(pilot)
                else:
                    await press(pilot, *KEYS[op])
                    await wait_for(pilot, lambda: app.screen is screen, "back in the room")
                if op == "delete" and chosen is not None:
                    deleted.append(chosen.id)
                elif op == "undo" and deleted:
                    back = deleted.pop()
                    if back in [n.id for n in screen.shown]:
                        assert screen.selected.id == back, ops
                held = {n.id: n for n in app.store.notes()}
                assert held == {i: n for i, n in originals.items() if i not in deleted}, ops
                assert undo_offered(screen) == bool(deleted), ops
            await press(pilot, *["u"] * len(deleted))
            assert {n.id: n for n in app.store.notes()} == originals, ops

        # Half the fuzz's examples: each is a dozen key presses (RESTUTOR_FUZZ_EXAMPLES
        # goes deeper), and the one example below always runs first.
        @settings(max_examples=EXAMPLES // 2, suppress_health_check=[HealthCheck.too_slow])
        @given(ops=st.lists(st.sampled_from(OPS), max_size=8))
        @example(ops=["delete", "search", "delete", "clear", "undo", "undo"])
        def learner(ops: list[str]) -> None:
            asyncio.run_coroutine_threadsafe(run(ops), loop).result()

        await asyncio.to_thread(learner)


# -- tags in the editor: separated by commas, a tag may hold a space -----------------------

#: A tag as the editor takes it: anything without a comma, not blank at either end.
TAG = st.text(st.characters(blacklist_characters=","), min_size=1).map(str.strip).filter(bool)
#: A tag as the space-separated editor took it.
WORD = st.text(st.characters(blacklist_characters=","), min_size=1).filter(
    lambda word: word.split() == [word]
)


@given(tags=st.lists(TAG, max_size=6), spaces=st.sampled_from([", ", ",", " , ", ",\t"]))
def test_tags_typed_with_commas_come_back_as_typed(tags, spaces):
    assert tags_of(spaces.join(tags)) == tuple(tags)
    assert tags_of(", ".join(tags) + ", , ,") == tuple(tags)  # empty ones are dropped


@given(words=st.lists(WORD, max_size=6), body=st.text())
def test_a_draft_from_before_commas_reads_back_as_it_did(words, body):
    old = draft_fields(json.dumps({"body": body, "tags": " ".join(words), "next": ""}))
    assert old["body"] == body and tags_of(old["tags"]) == tuple(words)


@given(fields=st.fixed_dictionaries({"body": st.text(), "tags": st.text(), "next": st.text()}))
def test_a_draft_with_commas_reads_back_exactly(fields):
    read = draft_fields(json.dumps({**fields, **COMMA_TAGS}))
    assert {key: read[key] for key in fields} == fields


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=10,
)


@given(saved=st.text() | JSON.map(json.dumps))
def test_any_stored_draft_reads_as_text_fields(saved):
    """A draft is read from the learner's file: whatever it holds, fields of text come back."""
    fields = draft_fields(saved)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())


async def test_the_editor_shows_tags_joined_by_commas_and_keeps_spaces_inside_one(tmp_path):
    store = Store(tmp_path / "db")
    note = store.add_note("why +1", "equation", "key", tags=("open question", "why"))
    store.close()
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_room(pilot, app)
        await press(pilot, "f2")
        editor = app.screen
        assert editor.query_one("#note-tags").value == "open question, why"
        assert editor.query_one("#note-tags").placeholder == "tags, separated by commas"
        editor.query_one("#note-tags").value = "open question,why , depth 60,"
        await press(pilot, "ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "back in the room")
        assert app.store.note(note.id).tags == ("open question", "why", "depth 60")


async def test_a_draft_typed_before_commas_opens_with_commas_and_saves_the_same_tags(tmp_path):
    store = Store(tmp_path / "db")
    old = {"body": "half a thought", "tags": "why  jacobian", "next": ""}
    store.save_draft("note:concept:residual-connections", json.dumps(old))
    store.close()
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        await press(pilot, "n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor open")
        assert app.screen.query_one("#note-tags").value == "why, jacobian"
        await press(pilot, "ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteEditor), "saved")
        [note] = app.store.notes()
        assert note.body == "half a thought" and note.tags == ("why", "jacobian")


async def test_ctrl_g_on_a_practice_note_opens_that_item_and_a_removed_one_its_section(tmp_path):
    from tutor.ui.screens.lesson import LessonScreen
    from tutor.ui.screens.notes import NotesScreen
    from tutor.ui.screens.practice import PracticeScreen

    db = tmp_path / "db"
    lesson_id = "residual-connections"
    app = make_app(db)
    item = app.lesson(lesson_id).practice[3]  # not the first: the jump must find it
    store = Store(db)
    store.add_note("on the item", "practice", item.id, lesson_id=lesson_id)
    store.add_note("on a removed item", "practice", "gone-item", lesson_id=lesson_id)
    store.close()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        app.open_notes()
        await wait_for(pilot, lambda: app.screen.query("#notes-list"), "the research room")
        notes = app.screen
        assert isinstance(notes, NotesScreen)
        await wait_for(pilot, lambda: len(notes.shown) == 2, "both notes listed")
        await settle(pilot)  # the filters' first Changed lists the notes again, from the top
        place = next(i for i, n in enumerate(notes.shown) if n.anchor_id == item.id)
        notes.query_one("#notes-list").highlighted = place
        await wait_for(pilot, lambda: notes.selected.anchor_id == item.id, "its note")
        await press(pilot, "ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "the practice")
        await wait_for(pilot, lambda: app.screen.attempt is not None, "its item shown")
        assert app.screen.attempt.item.id == item.id
        await press(pilot, "escape")
        if app.screen is not notes:  # an answer field had the focus: escape first leaves it
            await press(pilot, "escape")
        assert app.screen is notes
        gone = next(i for i, n in enumerate(notes.shown) if n.anchor_id == "gone-item")
        notes.query_one("#notes-list").highlighted = gone
        await wait_for(pilot, lambda: notes.selected.anchor_id == "gone-item", "its note")
        await press(pilot, "ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        await wait_for(pilot, lambda: app.screen.drawn == "practice", "its Practice section")
        said = [n.message for n in app._notifications]
        assert any("'gone-item' is no longer in this lesson" in m for m in said)
