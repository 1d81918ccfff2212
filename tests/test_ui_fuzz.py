"""Resizing and typing as fast as a learner likes: nothing crashes and the focus stays.

First plain regression tests of the focus that a shrink below the minimum size lost,
then Hypothesis fuzzes of the lesson screen, the research room and practice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.keys import key_to_character
from textual.pilot import Pilot
from textual.widgets import OptionList

from tests.lesson_factory import MINIMAL, write_lesson
from tests.pilot import press, resize, settle, wait_for
from tests.ui_app import make_app
from tutor.lessons.index import LessonSummary, read_index
from tutor.paths import builtin_lessons_dir
from tutor.ui.app import RestutorApp
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.map import MapScreen
from tutor.ui.screens.practice import PracticeScreen
from tutor.ui.widgets.lesson_map import LessonMap

if TYPE_CHECKING:
    from tutor.store import Store

NORMAL = (100, 30)
#: Below the minimum size (60×16) the content is hidden, down to the floor of 30×10.
TOO_SMALL = [(50, 12), (30, 10)]


def focus_is_on(app, widget) -> bool:
    return app.focused is widget


async def test_the_map_keeps_its_keys_after_a_shrink_and_back(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=NORMAL) as pilot:
        lesson_map = app.screen.query_one(LessonMap)
        await wait_for(pilot, lambda: focus_is_on(app, lesson_map), "the map focused")
        for small in TOO_SMALL:
            await resize(pilot, *small)
            assert app.screen.has_class("too-small")
            await resize(pilot, *NORMAL)
            await wait_for(pilot, lambda: focus_is_on(app, lesson_map), f"focused after {small}")
        first = lesson_map.selected.id
        await press(pilot, "down")
        assert lesson_map.selected.id != first
        await press(pilot, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson open")
        assert app.screen.lesson.id == lesson_map.selected.id


async def test_the_lesson_outline_keeps_its_keys_after_a_shrink_and_back(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=NORMAL) as pilot:
        outline = app.screen.query_one("#outline", OptionList)
        await wait_for(pilot, lambda: focus_is_on(app, outline), "the outline focused")
        for small in TOO_SMALL:
            await resize(pilot, *small)
            await resize(pilot, *NORMAL)
            await wait_for(pilot, lambda: focus_is_on(app, outline), f"focused after {small}")
        await press(pilot, "down")
        assert app.screen.section == "math"
        await press(pilot, "enter")
        section = app.screen.query_one("#section")
        await wait_for(
            pilot,
            lambda: app.focused is not None and section in app.focused.ancestors_with_self,
            "Enter moved the focus into the section",
        )


async def test_a_map_shrunk_then_left_has_its_focus_back_when_it_returns(tmp_path):
    """The map hears nothing of the growth while the notes are on top; it refits, and
    focuses again, when it is shown."""
    app = make_app(tmp_path / "db")
    async with app.run_test(size=NORMAL) as pilot:
        lesson_map = app.screen.query_one(LessonMap)
        await wait_for(pilot, lambda: focus_is_on(app, lesson_map), "the map focused")
        await resize(pilot, 30, 10)
        await press(pilot, "N")  # a screen binding: it works while the content is hidden
        await wait_for(pilot, lambda: not isinstance(app.screen, MapScreen), "the notes open")
        await resize(pilot, *NORMAL)
        await press(pilot, "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MapScreen), "back on the map")
        await wait_for(pilot, lambda: focus_is_on(app, lesson_map), "the map focused again")
        assert not app.screen.has_class("too-small")


async def test_practice_filtered_to_nothing_keeps_a_focus_the_keys_reach(tmp_path):
    """Found by the fuzz: filtering out every difficulty hid the focused choices and left
    the focus on them (or on nothing), so no key reached a widget on screen."""
    lessons = write_fuzz_lesson(tmp_path / "lessons")  # it has no hard items
    app = RestutorApp(lessons, tmp_path / "db", start_lesson=MINIMAL["id"])
    async with app.run_test(size=NORMAL) as pilot:
        await press(pilot, "p")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "practice open")
        screen = app.screen
        await press(pilot, "ctrl+n")  # from the number item's input to the choice item's list
        assert app.focused is screen.query_one("#choices")
        await press(pilot, "m", "e")  # medium off (the choice stays), then easy: only hard
        assert screen.session.queue == []
        await wait_for(pilot, lambda: app.focused in screen.focus_chain, "a shown widget focused")
        await press(pilot, "m")
        await wait_for(
            pilot,
            lambda: app.focused in screen.query("#choices, #answer, #answer-text").nodes,
            "the next item's input focused",
        )


# -- the fuzz ---------------------------------------------------------------------------
#
# Hypothesis draws up to three rounds, each some input at the size of the moment, then a
# resize (waited for, so that a shrink is laid out before the terminal grows again). The
# input is a burst of keys (posted at once, as a held key or a fast typist sends them),
# text typed key by key, a paste, or a pause until the app is idle. After the rounds the
# terminal goes back to 100×30, and the app must be alive, with a focused widget that is
# shown and so takes the arrows and Enter.
#
# Starting an app costs more than an example, so one app serves a whole Hypothesis run and
# each example starts it over from a known state: back to the map at 100×30, a fresh
# database, then the screen under test opened anew. A failed example retires the app, so
# the next one (Hypothesis shrinking) starts on a new one. Hypothesis drives from a thread;
# the app and the examples run on the test's event loop.

#: Examples per screen: few enough for CI on two cores; set RESTUTOR_FUZZ_EXAMPLES for a
#: deeper search (a few hundred) on a machine of your own.
EXAMPLES = int(os.environ.get("RESTUTOR_FUZZ_EXAMPLES", "12"))
#: Sizes on both sides of the minimum (60×16), down to the floor of 30×10.
SIZES = [(30, 10), (50, 12), (59, 30), (100, 15), (60, 16), (80, 24), NORMAL, (140, 40)]
#: The characters the fuzz types, and the key each one arrives as.
TYPED = {
    **{c: c for c in "abcdefghijklmnopqrstuvwxyz0123456789AENR"},
    " ": "space",
    "/": "slash",
    ".": "full_stop",
    "*": "asterisk",
    '"': "quotation_mark",
    "-": "minus",
}
#: Keys every screen takes: moving, choosing, leaving.
MOVES = ["up", "down", "left", "right", "enter", "escape", "tab", "space", "backspace"]
#: Keys pressed less often: the app's own bindings and those that leave the screen. Quitting
#: (q on the map, ctrl+q) and the lab (l, L) are stubbed on the app.
RARE_KEYS = [
    *["home", "end", "pageup", "pagedown", "shift+tab", "question_mark", "n"],
    *["ctrl+t", "ctrl+s", "q", "ctrl+q", "l", "L", "N"],
]


def screen_keys(*bindings: str) -> list[str]:
    """What a fuzz presses on a screen: its moves and bindings twice as often as the rest."""
    return [*MOVES, *bindings] * 2 + RARE_KEYS


SECTION_KEYS = ("left_square_bracket", "right_square_bracket")
LESSON_KEYS = screen_keys(*SECTION_KEYS, "p", "r", "b", "j", "k")
NOTES_KEYS = screen_keys(
    "ctrl+g", "f2", "e", "ctrl+r", "backspace", "tab", "d", "y", "n", "u"
)  # Backspace held, too
PRACTICE_KEYS = screen_keys(*SECTION_KEYS, "g", "a", "y", "x", "ctrl+n", "e", "m", "d", "u")
#: What a learner pastes: huge numbers, markup, escape sequences, a wall of text.
PASTES = [
    "1" * 400 + "/1",
    "1e999",
    "-0.2",
    '"skip path" OR identit*',
    "[/]",
    "[bold]draft[/bold]",
    "\x1b]0;title\x07\x1b[2J",
    "\u202eevil\t\x00",
    "word " * 2000,
]


def rounds(names: list[str]) -> st.SearchStrategy[list[tuple[str, object]]]:
    """One to three rounds of some input at the current size, then a resize."""
    burst = st.lists(st.sampled_from(names), min_size=1, max_size=6)
    typed = st.text(alphabet=sorted(TYPED), min_size=1, max_size=8)
    entry = st.one_of(
        burst.map(lambda keys: ("keys", tuple(keys))),
        typed.map(lambda text: ("keys", tuple(TYPED[c] for c in text))),
        st.sampled_from(PASTES).map(lambda text: ("paste", text)),
        st.just(("settle", None)),
    )
    one_round = st.tuples(entry, st.sampled_from(SIZES).map(lambda size: ("resize", size)))
    return st.lists(one_round, min_size=1, max_size=3).map(
        lambda pairs: [step for pair in pairs for step in pair]
    )


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key`` (a key name, as ``pilot.press`` takes)."""
    character = next((c for c, name in TYPED.items() if name == key), None)
    return events.Key(key, character or key_to_character(key))


def crash_of(app: RestutorApp) -> str | None:
    """What went wrong, if the app has ended (it must never end in a fuzz: quit is stubbed)."""
    if app.crash_report is not None:
        return app.crash_report.read_text(encoding="utf-8")
    if app.return_code is not None:
        return f"the app exited with {app.return_code}"
    return None


def assert_alive(app: RestutorApp) -> None:
    """One place that fails for a crash, so Hypothesis sees one failure wherever it struck."""
    crash = crash_of(app)
    assert crash is None, crash


#: Practice items of every kind but training (seconds each; its flow is tested on its own),
#: taken from the built-in lessons: a choice, a number, a text, and predictions of a signal
#: (chosen or typed) and of a lesion.
FUZZ_ITEMS = {
    "residual-connections": [
        "rc-zero-branch",
        "rc-identity-edit",
        "rc-explain-edit",
        "rc-predict-plain-gradient",
        "rc-predict-lesion-plain",
    ],
    "unraveled-view": ["uv-predict-linear"],
}


def write_fuzz_lesson(folder: Path) -> list[LessonSummary]:
    """The factory's small lesson (every section, a witness, a worked example, a term) with
    those practice items: the screens are the same, the layouts a tenth of the built-in
    lesson's, and a resize there costs a second of restyling on this machine."""
    items = []
    for lesson_id, wanted in FUZZ_ITEMS.items():
        path = builtin_lessons_dir() / f"{lesson_id}.yaml"
        practice = yaml.safe_load(path.read_text(encoding="utf-8"))["practice"]
        items += [item for item in practice if item["id"] in wanted]
    folder.mkdir(parents=True, exist_ok=True)
    write_lesson(folder, practice=items)
    return read_index([folder])


def seed_notes(store: Store) -> None:
    """One note on each kind of object the research room jumps back to."""
    lesson = MINIMAL["id"]
    store.add_note("why does the identity help?", "concept", lesson, lesson_id=lesson)
    store.add_note("the witness itself", "witness", "hello", lesson_id=lesson)
    store.add_note("y = x + F(x)", "equation", "key", lesson_id=lesson, tags=("math",))
    store.add_note("cited", "claim", "jacobian", lesson_id=lesson, tags=("math", "todo"))
    store.add_note("got it wrong once", "practice", "rc-zero-branch", lesson_id=lesson)
    store.add_note("flat at depth 60", "lab", "--depth=60 --plain", anchor_data={"depth": 60})


class Examples:
    """Runs one Hypothesis run's examples on one app (see the comment above)."""

    def __init__(self, folder: Path, open_screen: Callable[[RestutorApp], None]) -> None:
        self.folder, self.open_screen = folder, open_screen
        self.lessons = write_fuzz_lesson(folder / "lessons")
        self.jobs: asyncio.Queue[tuple[list, asyncio.Future[None]] | None] = asyncio.Queue()
        self.started = 0

    async def run(self, steps: list) -> None:
        """One example, run by the app's task; its failure is raised here."""
        done = asyncio.get_running_loop().create_future()
        await self.jobs.put((steps, done))
        await done

    async def stop(self) -> None:
        await self.jobs.put(None)

    async def serve(self) -> None:
        """Serve the examples until told to stop, on a new app after each failure."""
        while not await self._serve_on(RestutorApp(self.lessons, self.folder / "first.db")):
            pass

    async def _serve_on(self, app: RestutorApp) -> bool:
        """Run examples on ``app`` until one fails (False) or the run is over (True)."""
        app.action_quit = _ignored  # type: ignore[method-assign]
        app.open_lab = _ignored  # type: ignore[method-assign]
        with contextlib.suppress(Exception):  # the failure's crash, raised again at the close
            async with app.run_test(size=NORMAL) as pilot:
                await wait_for(pilot, lambda: app.store is not None, "the store open")
                while (job := await self.jobs.get()) is not None:
                    steps, done = job
                    try:
                        await self._start(app, pilot)
                        await self._example(app, pilot, steps)
                    except Exception as error:
                        done.set_exception(error)
                        return False
                    done.set_result(None)
                return True
        return False

    async def _start(self, app: RestutorApp, pilot: Pilot) -> None:
        """The known state: the map alone at 100×30, a fresh database, the screen opened."""
        from tutor.store import Store

        while len(app.screen_stack) > 2:  # Textual's default screen, then the map
            await app.pop_screen()
        if app.size != NORMAL:
            await resize(pilot, *NORMAL)
        app.clear_notifications()
        app.theme = "textual-dark"
        lesson_map = app.screen.query_one(LessonMap)
        lesson_map.cursor = (0, 0)
        lesson_map.focus()
        assert app.store is not None
        app.store.close()
        self.started += 1
        app.store = Store(self.folder / f"example-{self.started}.db")
        seed_notes(app.store)
        self.open_screen(app)
        await wait_for(
            pilot,
            lambda: not isinstance(app.screen, MapScreen) and app.focused is not None,
            "the screen under test open and focused",
        )

    async def _example(self, app: RestutorApp, pilot: Pilot, steps: list) -> None:
        for kind, value in steps:
            if kind == "keys":
                for key in value:
                    app.post_message(key_event(key))
            elif kind == "paste":
                app.post_message(events.Paste(value))
            elif kind == "resize":
                await resize(pilot, *value)
            else:
                await settle(pilot)
            assert_alive(app)
        await resize(pilot, *NORMAL)
        await wait_for(
            pilot,
            lambda: crash_of(app) or app.focused is not None or not app.screen.focus_chain,
            "a widget focused after the terminal grew back",
        )
        assert_alive(app)
        screen = app.screen
        assert not screen.has_class("too-small")
        if screen.focus_chain:  # the focused widget is shown and can take the keys
            assert app.focused in screen.focus_chain, f"{app.focused} on {screen}"


def _ignored(*args: object, **kwargs: object) -> None:
    """Stands in for quitting and for the lab (tested on its own; training takes seconds)."""


async def fuzz(folder: Path, open_screen: Callable[[RestutorApp], None], keys: list[str]) -> None:
    examples = Examples(folder, open_screen)
    serving = asyncio.create_task(examples.serve())
    loop = asyncio.get_running_loop()

    @settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=rounds(keys))
    def example(steps: list) -> None:
        asyncio.run_coroutine_threadsafe(examples.run(steps), loop).result()

    try:
        await asyncio.to_thread(example)
    finally:
        await examples.stop()
        await serving


def open_lesson(app: RestutorApp) -> None:
    app.open_lesson(MINIMAL["id"])


def open_practice(app: RestutorApp) -> None:
    lesson = app.lesson(MINIMAL["id"])
    assert lesson is not None
    app.open_practice(lesson)


async def test_fuzz_the_lesson_screen(tmp_path):
    await fuzz(tmp_path, open_lesson, LESSON_KEYS)


async def test_fuzz_the_research_room(tmp_path):
    await fuzz(tmp_path, lambda app: app.open_notes(), NOTES_KEYS)


async def test_fuzz_practice(tmp_path):
    await fuzz(tmp_path, open_practice, PRACTICE_KEYS)
