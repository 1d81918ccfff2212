"""`n` anywhere: a note anchored to what is on screen, with a draft that survives."""

from tests.ui_app import make_app
from tutor.ui.screens.note_editor import NoteEditor

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
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
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
        await pilot.pause()
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
