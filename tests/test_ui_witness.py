"""Code witnesses the learner controls: a file from elsewhere asks first (once per file and
content), every run is bounded, stoppable, shown safely, and gone when the app quits."""

import asyncio
import copy
import os

import pytest

from tests.lesson_factory import MINIMAL, write_lesson
from tests.pilot import press, wait_for
from tests.test_witness_run import linux_only, read_line, starts_a_grandchild, wait_until_dead
from tutor.cli import main
from tutor.lessons.index import read_index
from tutor.lessons.loader import read_lesson
from tutor.paths import builtin_lessons_dir
from tutor.store import Store
from tutor.ui.app import RestutorApp
from tutor.ui.screens.run_consent import RunConsent
from tutor.ui.widgets.witness_view import SHOWN_LINES, WitnessView, shown

SIZE = (110, 40)


def lesson_with_witness(folder, code, expected="hello\n", title="Harmless hello"):
    """A third-party lesson (``demo-lesson``) whose one witness runs ``code``."""
    sections = copy.deepcopy(MINIMAL["sections"])
    sections["code"]["witnesses"] = [
        {"id": "hello", "title": title, "code": code, "expected_output": expected}
    ]
    folder.mkdir(exist_ok=True)
    return write_lesson(folder, sections=sections)


def app_on(folder, db):
    summaries = read_index([folder, builtin_lessons_dir()])
    return RestutorApp(summaries, db, start_lesson="demo-lesson")


async def ask_and_answer(pilot, key):
    """Press r on the focused witness, see the question, answer it with ``key``."""
    await press(pilot, "r")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RunConsent), "the question")
    await press(pilot, key)
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, RunConsent), "the answer")


async def start_run(pilot):
    """Once the store is open (it holds the yes): focus the witness and press r."""
    await wait_for(pilot, lambda: pilot.app.store is not None, "the store open")
    view = await focused_witness(pilot)
    await press(pilot, "r")
    return view


async def focused_witness(pilot):
    screen = pilot.app.screen
    screen.show_section("code")
    await wait_for(pilot, lambda: screen.drawn == "code", "the code section drawn")
    view = screen.query_one(WitnessView)
    view.focus()
    return view


def actual(view):
    return str(view.query_one("#actual").render())


def trust_beforehand(path, db):
    store = Store(db)
    origin = read_lesson(path).origin
    store.trust_lesson(str(origin.path), origin.sha256)
    store.close()


async def test_a_hostile_witness_runs_only_after_a_yes_then_asks_again_when_the_file_changes(
    tmp_path,
):
    marker = tmp_path / "marker"
    code = f"import os\nos.system('echo pwned > {marker}')\nprint('hello')\n"
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    path = lesson_with_witness(lessons, code)

    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        view = await start_run(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, RunConsent), "the question")
        assert str(path.resolve()) in str(app.screen.query_one("#question").render())
        await press(pilot, "n")
        await wait_for(pilot, lambda: not isinstance(app.screen, RunConsent), "the answer")
        assert view.active is None and view.outcome is None and not marker.exists()

        await press(pilot, "r")
        await wait_for(pilot, lambda: isinstance(app.screen, RunConsent), "asked again")
        await press(pilot, "y")
        await wait_for(pilot, lambda: view.outcome is not None, "the witness has run")
        assert marker.read_text() == "pwned\n"
        assert "matches the expected output" in actual(view)

    marker.unlink()
    again = app_on(lessons, db)  # the yes is remembered: it runs without asking
    async with again.run_test(size=SIZE) as pilot:
        view = await start_run(pilot)
        await wait_for(pilot, lambda: view.outcome is not None, "the witness has run")
        assert marker.exists()

    marker.unlink()
    path.write_text(path.read_text() + "# one more line\n")
    changed = app_on(lessons, db)  # a changed file is a new question
    async with changed.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: changed.store is not None, "the store open")
        view = await focused_witness(pilot)
        await ask_and_answer(pilot, "escape")
        assert view.active is None and not marker.exists()


async def test_enter_on_the_question_does_not_run_the_code(tmp_path):
    marker = tmp_path / "marker"
    lessons = tmp_path / "lessons"
    lesson_with_witness(lessons, f"open({str(marker)!r}, 'w').write('ran')")
    app = app_on(lessons, tmp_path / "restutor.db")
    async with app.run_test(size=SIZE) as pilot:
        view = await focused_witness(pilot)
        await ask_and_answer(pilot, "enter")
        assert view.active is None and not marker.exists()


async def test_escape_sequences_in_the_output_are_shown_not_obeyed(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    code = "print('\\x1b]0;pwned\\x07\\x1b[2Khello')\nraise SystemExit('\\x1b[8mhidden')"
    trust_beforehand(lesson_with_witness(lessons, code), db)
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        view = await start_run(pilot)
        await wait_for(pilot, lambda: view.outcome is not None, "the witness has run")
        shown_text = actual(view)
        assert "␛]0;pwned␇␛[2Khello" in shown_text and "␛[8mhidden" in shown_text
        assert "\x1b" not in shown_text and "\x07" not in shown_text
        assert "exited with 1" in shown_text


@linux_only
async def test_x_stops_a_running_witness(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    fifo = tmp_path / "ready"
    os.mkfifo(fifo)
    code = f"import time\nopen({str(fifo)!r}, 'w').write('ready\\n')\ntime.sleep(3600)\n"
    trust_beforehand(lesson_with_witness(lessons, code), db)
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        view = await start_run(pilot)
        await asyncio.to_thread(read_line, fifo)
        await press(pilot, "x")
        await wait_for(pilot, lambda: view.outcome is not None, "the run stopped")
        assert view.outcome.stopped == "cancelled" and "✗ stopped" in actual(view)


@linux_only
async def test_quitting_while_a_witness_runs_kills_it_and_all_it_started(tmp_path):
    lessons, db = tmp_path / "lessons", tmp_path / "restutor.db"
    fifo = tmp_path / "pid"
    os.mkfifo(fifo)
    code = starts_a_grandchild(fifo)
    trust_beforehand(lesson_with_witness(lessons, code), db)
    app = app_on(lessons, db)
    async with app.run_test(size=SIZE) as pilot:
        view = await start_run(pilot)
        grandchild = int(await asyncio.to_thread(read_line, fifo))
        run = view.active
        pidfds = [os.pidfd_open(run.pid), os.pidfd_open(grandchild)]
        await press(pilot, "ctrl+q")
    # Had quitting not cancelled the run, this wait would last until the time limit and
    # end as "time".
    assert (await asyncio.to_thread(run.wait)).stopped == "cancelled"
    assert all(wait_until_dead(fd) for fd in pidfds)


def test_a_long_output_is_drawn_as_its_head():
    text = "".join(f"line {i}\n" for i in range(5000))
    head = shown(text)
    assert head.count("\n") == SHOWN_LINES
    assert f"… {5000 - SHOWN_LINES:,} more lines" in head
    assert shown("short\n") == "short\n"


@pytest.mark.parametrize("command", [["validate"], ["glossary"], ["review", "--due"]])
def test_no_command_line_tool_runs_lesson_code(tmp_path, capsys, command):
    marker = tmp_path / "marker"
    lessons = tmp_path / "lessons"
    lesson_with_witness(lessons, f"open({str(marker)!r}, 'w').write('ran')")
    main(["--lessons", str(lessons), "--db", str(tmp_path / "restutor.db"), *command])
    assert not marker.exists()


async def test_after_r_the_output_is_scrolled_into_view(tmp_path):
    """A listing taller than the screen: the output below it is brought into view when the
    run starts and again when it ends (it was left under the fold)."""
    code = "\n".join(f"x{i} = {i}" for i in range(60)) + "\nprint('hello')"
    path = lesson_with_witness(tmp_path / "lessons", code)
    trust_beforehand(path, tmp_path / "db")
    app = app_on(tmp_path / "lessons", tmp_path / "db")
    async with app.run_test(size=(100, 30)) as pilot:
        view = await start_run(pilot)
        section = app.screen.query_one("#section")
        output = view.query_one("#actual")

        def output_shown() -> bool:
            top = output.region.y
            return bool(output.region) and section.region.y <= top < section.region.bottom

        await wait_for(pilot, lambda: view.outcome is not None, "the run done")
        await wait_for(pilot, output_shown, "the output in view")
        assert section.scroll_y > 0
        assert "matches the expected output" in actual(view)
