"""Code items in the practice screen: the learner's file in an editor, kept beside the
database; ctrl+r runs the tests in the bounded runner (a pass commits, a failure commits
nothing); giving up is a miss; the watch re-runs a file saved elsewhere; a run is killed
when the learner leaves; a stranger's lesson asks before its tests run."""

import os
import sqlite3
from contextlib import closing, nullcontext
from pathlib import Path

import pytest

from tests.lesson_factory import write_lesson
from tests.pilot import ManualClock, press, wait_for
from tests.test_ui_practice import go_to, open_practice
from tests.test_witness_run import linux_only, wait_until_dead
from tests.ui_app import make_app
from tutor.lessons.index import read_index
from tutor.lessons.witness_run import Limits
from tutor.paths import builtin_lessons_dir, exercise_files_dir
from tutor.practice import code_check
from tutor.ui.app import RestutorApp
from tutor.ui.screens.confirm import Confirm
from tutor.ui.screens.run_consent import RunConsent
from tutor.ui.widgets.code_exercise import CodeEditor, CodeExercise

SIZE = (110, 40)
ITEM = "rc-code-block-forward"


@pytest.fixture(autouse=True)
def hand_driven_watch(monkeypatch):
    """The watch's timer fires only when a test ticks it."""
    monkeypatch.setattr(CodeExercise, "CLOCK", ManualClock)


def ratings(db):
    with closing(sqlite3.connect(db)) as connection:
        return [
            tuple(row) for row in connection.execute("SELECT item_id, correct, nudges FROM reviews")
        ]


async def code_item(app, pilot, item_id=ITEM, lesson_id="residual-connections"):
    """The practice screen on the code item ``item_id``, its editor focused."""
    screen = await open_practice(app, pilot, lesson_id)
    await wait_for(pilot, lambda: app.store is not None, "the store open")
    item = go_to(screen, lambda item: item.id == item_id)
    await wait_for(pilot, lambda: screen.focused is exercise(screen).editor, "the editor focused")
    return screen, item


def exercise(screen) -> CodeExercise:
    return screen.query_one("#code", CodeExercise)


def results(screen) -> str:
    return exercise(screen).query_one("#code-results").source


def write_in_editor(screen, text):
    """Replace the whole file, as select-all and a paste would."""
    editor = screen.query_one("#code-editor", CodeEditor)
    editor.replace(text, editor.document.start, editor.document.end)


async def run_tests(pilot, screen):
    await press(pilot, "ctrl+r")
    await wait_for(pilot, lambda: not exercise(screen).running, "the run over")


async def test_a_right_solution_passes_commits_and_shows_the_reference(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        assert screen.query_one("#code-editor").text == item.starter
        assert screen.query_one("#code-editor").language == "python"  # highlighted
        write_in_editor(screen, item.solution)
        await run_tests(pilot, screen)
        await wait_for(pilot, lambda: screen.recorded, "the review recorded")
        check = screen.attempt.grade.check
        assert check.tests and all(test.passed for test in check.tests)
        assert screen.attempt.correct is True
        feedback = screen.query_one("#feedback").source
        assert all(f"✓ ` {test.name} `" in feedback for test in check.tests)
        assert "**Answer.**" in feedback and "**Why.**" in feedback
        reference = exercise(screen).query_one("#code-reference")
        assert reference.display and item.solution.strip() in reference.source
        assert "```python" in reference.source
        assert screen.query_one("#code-editor").read_only  # committed: the file stays put
    assert ratings(db) == [(ITEM, 1, 0)]  # right, without a nudge


async def test_a_wrong_solution_says_what_failed_and_commits_nothing(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        await run_tests(pilot, screen)  # the starter, as it is
        check = exercise(screen).last_check
        failed = next(test for test in check.tests if not test.passed)
        assert failed.message in results(screen) and "Fix first" in results(screen)
        assert screen.attempt.committed is None and not screen.recorded
        assert not exercise(screen).query_one("#code-reference").display
        await press(pilot, "ctrl+g")  # a nudge from inside the editor
        assert screen.attempt.nudges_shown == 1
        write_in_editor(screen, item.solution)  # fixed, and run again
        await run_tests(pilot, screen)
        await wait_for(pilot, lambda: screen.recorded, "the review recorded")
    assert ratings(db) == [(ITEM, 1, 1)]  # right, after a nudge


async def test_giving_up_is_a_miss_and_shows_the_reference(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        await press(pilot, "a")  # typed into the file: the letters are the learner's
        assert screen.attempt.committed is None
        await press(pilot, "escape", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "are you sure?")
        await press(pilot, "n")  # not yet: nothing is committed
        await wait_for(pilot, lambda: app.screen is screen, "back to the item")
        assert screen.attempt.committed is None and not screen.recorded
        await press(pilot, "a")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "are you sure?")
        await press(pilot, "y")
        await wait_for(pilot, lambda: screen.recorded, "the miss recorded")
        assert screen.attempt.correct is False
        assert item.solution.strip() in exercise(screen).query_one("#code-reference").source
        await press(pilot, "u")  # the reference is seen: the miss is not taken back
        assert screen.recorded and screen.attempt.correct is False
        assert "stays a miss" in " ".join(str(n.message) for n in app._notifications)
    assert ratings(db) == [(ITEM, 0, 0)]  # a miss


async def test_the_file_survives_a_restart_and_0_puts_the_starter_back(tmp_path):
    db = tmp_path / "db"
    mine = "def residual_block(x, w1, w2):\n    return x  # half done\n"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        write_in_editor(screen, mine)
        await pilot.pause()
    assert (exercise_files_dir(db) / f"{ITEM}.py").read_text() == mine
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        assert screen.query_one("#code-editor").text == mine
        await press(pilot, "escape", "0")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "the question")
        await press(pilot, "y")
        await wait_for(pilot, lambda: screen.query_one("#code-editor").text == item.starter)
    assert (exercise_files_dir(db) / f"{ITEM}.py").read_text() == item.starter


async def test_a_folder_that_keeps_nothing_is_said_once_and_the_editor_still_works(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        exercise_files_dir(db).parent.mkdir(parents=True, exist_ok=True)
        exercise_files_dir(db).write_text("a file where the folder should be")
        screen, item = await code_item(app, pilot)
        write_in_editor(screen, item.solution)
        write_in_editor(screen, item.solution + "\n")
        await pilot.pause()
        warnings = [n for n in app._notifications if "not being saved" in n.message]
        assert len(warnings) == 1
        await run_tests(pilot, screen)
        await wait_for(pilot, lambda: screen.recorded, "the review recorded")


async def test_a_save_from_another_editor_is_read_back_and_run(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        [watch] = [t for t in exercise(screen).clock.timers if not t.stopped]
        watch.tick()  # nothing changed: nothing runs
        assert not exercise(screen).running and exercise(screen).last_check is None
        (exercise_files_dir(db) / f"{ITEM}.py").write_text(item.solution)
        watch.tick()
        assert screen.query_one("#code-editor").text == item.solution
        await wait_for(pilot, lambda: screen.recorded, "the saved file run and passed")


async def test_ctrl_b_opens_the_file_in_the_learners_editor_then_runs_it(tmp_path, monkeypatch):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        solution = tmp_path / "solution.py"
        solution.write_text(item.solution)
        monkeypatch.setattr(app, "suspend", nullcontext)  # a headless driver cannot suspend
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setenv("EDITOR", f"cp {solution}")  # "edits" the file into the solution
        await press(pilot, "ctrl+b")
        assert screen.query_one("#code-editor").text == item.solution
        await wait_for(pilot, lambda: screen.recorded, "the edited file run and passed")


async def test_an_endless_loop_ends_with_a_clear_line(tmp_path, monkeypatch):
    monkeypatch.setattr(code_check, "CHECK_LIMITS", Limits(seconds=30.0, cpu_seconds=1))
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        write_in_editor(screen, item.solution + "\nwhile True:\n    pass\n")
        await run_tests(pilot, screen)
        assert "endless loop?" in results(screen)
        assert screen.attempt.committed is None


@linux_only
async def test_leaving_while_a_run_goes_kills_it_and_the_ui_answers_meanwhile(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        write_in_editor(screen, "while True:\n    pass\n")
        await press(pilot, "ctrl+r")
        run = exercise(screen).active
        assert run is not None and "running" in results(screen)
        pidfd = os.pidfd_open(run._run.pid)
        try:
            await press(pilot, "ctrl+g")  # the screen answers while the tests run
            assert screen.attempt.nudges_shown == 1 and exercise(screen).running
            await press(pilot, "escape", "escape")  # leave the editor, then the screen
            assert app.screen is not screen
            assert wait_until_dead(pidfd)
        finally:
            os.close(pidfd)


async def test_a_strangers_exercise_asks_before_its_tests_run(tmp_path):
    builtin = RestutorApp(read_index([builtin_lessons_dir()]), tmp_path / "x.db")
    practice = builtin.lesson("residual-connections").practice
    item = next(item for item in practice if item.id == ITEM)
    folder = tmp_path / "lessons"
    folder.mkdir()
    code = item.model_dump(mode="json", exclude_none=True)
    write_lesson(folder, practice=[code])
    app = RestutorApp(read_index([folder, builtin_lessons_dir()]), tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen, _ = await code_item(app, pilot, lesson_id="demo-lesson")
        await press(pilot, "ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RunConsent), "the question")
        assert not exercise(screen).running
        await press(pilot, "n")
        await wait_for(pilot, lambda: app.screen is screen, "the question answered")
        assert not exercise(screen).running and exercise(screen).last_check is None
        await press(pilot, "ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RunConsent), "asked again")
        await press(pilot, "y")
        await wait_for(pilot, lambda: exercise(screen).last_check is not None, "the run")
        assert Path(folder / "demo-lesson.yaml").exists()


async def test_undo_after_a_pass_gives_the_file_back(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        write_in_editor(screen, item.solution)
        await run_tests(pilot, screen)
        await wait_for(pilot, lambda: screen.recorded, "the review recorded")
        await press(pilot, "u")
        assert screen.attempt.committed is None and not screen.recorded
        editor = screen.query_one("#code-editor", CodeEditor)
        assert not editor.read_only and screen.focused is editor
        assert not exercise(screen).query_one("#code-reference").display
    assert ratings(db) == []


async def test_without_the_python_grammar_the_editor_is_a_plain_one(tmp_path, monkeypatch):
    monkeypatch.setattr(CodeEditor, "available_languages", property(lambda self: set()))
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        editor = screen.query_one("#code-editor", CodeEditor)
        assert editor.language is None and editor.text == item.starter
        write_in_editor(screen, item.solution)
        await run_tests(pilot, screen)
        await wait_for(pilot, lambda: screen.recorded, "the review recorded")


@linux_only
async def test_quitting_while_a_run_goes_kills_it(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        write_in_editor(screen, "while True:\n    pass\n")
        await press(pilot, "ctrl+r")
        pidfd = os.pidfd_open(exercise(screen).active._run.pid)
        await pilot.press("ctrl+q")
    try:
        assert wait_until_dead(pidfd)
    finally:
        os.close(pidfd)


async def test_a_file_that_is_not_utf8_is_kept_aside_and_the_starter_shown(tmp_path):
    """Written by another editor in another encoding: shown garbled it crashed the editor
    on every visit; now it is moved aside, kept byte for byte, and said."""
    from tutor.paths import exercise_files_dir

    db = tmp_path / "db"
    folder = exercise_files_dir(db)
    folder.mkdir(parents=True)
    mine = folder / f"{ITEM}.py"
    mine.write_bytes(b"# r\xe9sum\xe9\ndef residual_block(x, W1, W2):\n    return x\n")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        assert screen.query_one("#code-editor").text == item.starter
        aside = folder / f"{ITEM}.py.not-utf8"
        assert aside.read_bytes().startswith(b"# r\xe9sum\xe9")
        said = " ".join(str(n.message) for n in app._notifications)
        assert f"{ITEM}.py is not UTF-8 text: it is kept as {aside.name}" in said
        write_in_editor(screen, item.solution)
        await run_tests(pilot, screen)
        assert screen.attempt.correct is True  # and the app goes on
    assert app.return_code in (0, None)


async def test_an_exercise_whose_lesson_file_is_not_known_runs_nothing(tmp_path, monkeypatch):
    """Whose code the tests are decides whether they may run: unknown, they do not."""
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item = await code_item(app, pilot)
        monkeypatch.setattr(app, "origin", lambda lesson_id: None)
        await press(pilot, "ctrl+r")
        await pilot.pause()
        assert not exercise(screen).running and screen.attempt.committed is None
        said = " ".join(str(n.message) for n in app._notifications)
        assert "lesson file is not found: its tests do not run" in said
