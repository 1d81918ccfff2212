"""Code witnesses the learner can change: `e` edits a copy kept beside the database, `r` runs
their version beside the expected output (a diff when they differ), `0` puts the lesson's
code back; a lesson file from elsewhere still asks before its witness, edited or not, runs."""

from tests.pilot import press, wait_for
from tests.test_ui_witness import (
    SIZE,
    actual,
    app_on,
    ask_and_answer,
    focused_witness,
    lesson_with_witness,
    trust_beforehand,
)
from tutor.paths import witness_edits_dir
from tutor.ui.screens.confirm import Confirm
from tutor.ui.screens.run_consent import RunConsent
from tutor.ui.widgets.witness_editor import WitnessEditor

HELLO = "print('hello')\n"


def kept_copy(db):
    return witness_edits_dir(db) / "demo-lesson" / "hello.py"


def diff_shown(view):
    diff = view.query_one("#diff")
    return str(diff.render()) if diff.display else ""


def title(view):
    return str(view.query_one("#title").render())


async def run_and_wait(pilot, view, key="r"):
    before = view.outcome
    await press(pilot, key)
    await wait_for(pilot, lambda: view.outcome is not before, "the run done")


async def open_editor(pilot):
    await press(pilot, "e")
    await wait_for(pilot, lambda: isinstance(pilot.app.focused, WitnessEditor), "the editor")
    return pilot.app.focused


async def type_at_line_end(pilot, erase, typed):
    """In the editor: to the end of the first line, ``erase`` backspaces, then ``typed``."""
    await press(pilot, "end", *["backspace"] * erase, *typed)


async def test_an_edited_witness_runs_differs_with_a_diff_then_matches_once_fixed(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    trust_beforehand(lesson_with_witness(lessons, HELLO), db)
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        view = await focused_witness(pilot)
        assert "e edits a copy" in title(view)
        editor = await open_editor(pilot)
        await type_at_line_end(pilot, 2, "!r')")  # print('hello!r'): r is typed, not a run
        assert editor.text == "print('hello!r')\n" and view.outcome is None
        assert kept_copy(db).read_text() == editor.text

        await press(pilot, "escape")
        assert app.focused is view and not editor.display
        assert view.query_one("#code").content.code == "print('hello!r')\n"  # the listing
        assert "your version; 0 resets" in title(view)
        await run_and_wait(pilot, view)
        assert "differs from the expected output" in actual(view)
        diff = diff_shown(view)
        assert "-hello\n" in diff and "+hello!r" in diff

        await open_editor(pilot)
        await type_at_line_end(pilot, 4, "')")
        await run_and_wait(pilot, view, "ctrl+r")  # from the editor
        assert "matches the expected output" in actual(view) and diff_shown(view) == ""
        assert app.focused is editor  # still typing


async def test_the_copy_comes_back_after_quitting_and_0_resets_it_after_asking(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    trust_beforehand(lesson_with_witness(lessons, HELLO), db)
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        await focused_witness(pilot)
        await open_editor(pilot)
        await type_at_line_end(pilot, 2, " again')")
        await press(pilot, "escape")

    again = app_on(lessons, db)
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: again.store is not None, "the store open")
        view = await focused_witness(pilot)
        assert view.code == "print('hello again')\n" and "your version" in title(view)
        editor = await open_editor(pilot)
        assert editor.text == "print('hello again')\n"
        await press(pilot, "escape")
        await run_and_wait(pilot, view)
        assert "hello again" in actual(view)

        await press(pilot, "0")
        await wait_for(pilot, lambda: isinstance(again.screen, Confirm), "the question")
        await press(pilot, "n")
        assert kept_copy(db).exists() and view.edited is not None

        await press(pilot, "0")
        await wait_for(pilot, lambda: isinstance(again.screen, Confirm), "asked again")
        await press(pilot, "y")
        await wait_for(pilot, lambda: not view.query(WitnessEditor), "the editor gone")
        assert not kept_copy(db).exists() and view.edited is None
        assert "your version" not in title(view) and view.code == HELLO
        # What the learner's version printed goes with it: not shown beside the lesson's code.
        assert "hello again" not in actual(view) and "not run yet" in actual(view)
        editor = await open_editor(pilot)
        assert editor.text == HELLO


async def test_an_outside_lesson_s_edited_witness_still_asks_and_a_yes_for_the_file_holds(
    tmp_path,
):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    lesson_with_witness(lessons, HELLO)
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        view = await focused_witness(pilot)
        await open_editor(pilot)
        await type_at_line_end(pilot, 2, "?')")
        await press(pilot, "escape")
        await press(pilot, "r")
        await wait_for(pilot, lambda: isinstance(app.screen, RunConsent), "the question")
        assert app.screen.code == "print('hello?')\n"  # it shows what would run
        await press(pilot, "n")
        await wait_for(pilot, lambda: not isinstance(app.screen, RunConsent), "the answer")
        assert view.outcome is None

        await ask_and_answer(pilot, "y")
        await wait_for(pilot, lambda: view.outcome is not None, "the edited witness run")
        assert "hello?" in actual(view)
        await run_and_wait(pilot, view)  # the yes holds: no question this time
        assert not isinstance(app.screen, RunConsent)

    again = app_on(lessons, db)  # and after quitting, for the file's bytes
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: again.store is not None, "the store open")
        view = await focused_witness(pilot)
        await run_and_wait(pilot, view)
        assert "hello?" in actual(view)


async def test_escape_codes_in_the_diff_are_shown_not_obeyed(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    trust_beforehand(lesson_with_witness(lessons, HELLO), db)
    kept_copy(db).parent.mkdir(parents=True)
    kept_copy(db).write_text("print('\\x1b]0;pwned\\x07\\x1b[2Khello')\n")
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        view = await focused_witness(pilot)
        await run_and_wait(pilot, view)
        diff = diff_shown(view)
        assert "+␛]0;pwned␇␛[2Khello" in diff and "-hello" in diff
        assert "\x1b" not in diff and "\x07" not in diff


async def test_a_copy_that_cannot_be_kept_is_said_once_and_the_editor_still_works(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    trust_beforehand(lesson_with_witness(lessons, HELLO), db)
    witness_edits_dir(db).write_text("a file where the folder should be")
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        view = await focused_witness(pilot)
        editor = await open_editor(pilot)
        await type_at_line_end(pilot, 2, "!!')")
        said = [n.message for n in app._notifications]
        assert len([m for m in said if "not kept" in m]) == 1, said
        assert editor.text == "print('hello!!')\n"
        await run_and_wait(pilot, view, "ctrl+r")
        assert "hello!!" in actual(view)


async def test_without_the_python_grammar_the_editor_is_plain_text(tmp_path, monkeypatch):
    import textual.widgets._text_area as text_area

    monkeypatch.setattr(text_area, "get_language", lambda name: None)
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    lesson_with_witness(lessons, HELLO)
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        await focused_witness(pilot)
        editor = await open_editor(pilot)
        await press(pilot, "tab", "x")
        assert editor.language is None and editor.text == "    xprint('hello')\n"


async def test_0_on_the_lesson_s_own_code_asks_nothing(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    lesson_with_witness(lessons, HELLO)
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        view = await focused_witness(pilot)
        await press(pilot, "0")
        assert app.screen is not None and not isinstance(app.screen, Confirm)
        assert app.focused is view and not witness_edits_dir(db).exists()


async def test_a_version_that_fails_shows_its_error_not_a_diff(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    trust_beforehand(lesson_with_witness(lessons, HELLO), db)
    kept_copy(db).parent.mkdir(parents=True)
    kept_copy(db).write_text("print('half')\nraise SystemExit('broken')\n")
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        view = await focused_witness(pilot)
        await run_and_wait(pilot, view)
        assert "broken" in actual(view) and "exited with 1" in actual(view)
        assert diff_shown(view) == ""


async def test_a_kept_copy_that_cannot_be_read_is_said_and_the_lesson_s_code_shown(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    lesson_with_witness(lessons, HELLO)
    kept_copy(db).parent.mkdir(parents=True)
    kept_copy(db).write_bytes(b"print('\xff')\n")
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        view = await focused_witness(pilot)
        said = [n.message for n in app._notifications]
        assert any("was not read" in m for m in said), said
        assert view.edited is None and view.code == HELLO
