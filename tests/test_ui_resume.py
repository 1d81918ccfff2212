"""Resume: quit anywhere, restart on the same database, and one key (`c`) leads back there."""

from __future__ import annotations

from pathlib import Path

from tests.pilot import press, wait_for
from tests.ui_app import make_app
from tutor.store import Store
from tutor.ui.app import RestutorApp
from tutor.ui.screens.lab import LabScreen
from tutor.ui.screens.lesson import SECTION_KEYS, LessonScreen
from tutor.ui.screens.map import MapScreen
from tutor.ui.screens.practice import PracticeScreen
from tutor.ui.widgets.lesson_map import LessonMap

SIZE = (110, 36)
LESSON = "residual-connections"


def offers_continue(app: RestutorApp) -> bool:
    """The map's footer shows `c`."""
    active = app.screen.active_bindings.get("c")
    return active is not None and active.binding.action == "continue" and active.enabled


def said(app: RestutorApp) -> list[str]:
    """Every toast the app has shown (kept here: a toast on screen expires with time)."""
    if not hasattr(app, "said"):
        app.said = []
        shown = app.notify

        def notify(message: str, **options) -> None:
            app.said.append(message)
            shown(message, **options)

        app.notify = notify
    return app.said


async def opened(pilot, app: RestutorApp) -> None:
    """The store is open and the map shows what it holds."""
    await wait_for(pilot, lambda: app.store is not None, "the store opened")
    await wait_for(pilot, lambda: isinstance(app.screen, MapScreen), "the map in front")


async def restarted_and_continued(db: Path, pilot_checks) -> None:
    """A new app on ``db``: the map's cursor is on the lesson, and `c` opens the place."""
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        assert app.screen.query_one(LessonMap).selected.id == LESSON
        assert offers_continue(app)
        await press(pilot, "c")
        await pilot_checks(pilot, app)


async def test_a_lesson_left_at_math_is_continued_at_math(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        app.screen.query_one(LessonMap).select(LESSON)
        await press(pilot, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        while app.screen.section != "math":
            await press(pilot, "right_square_bracket")
        await wait_for(pilot, lambda: app.place and app.place.target == "math", "math kept")

    async def at_math(pilot, app):
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        await wait_for(pilot, lambda: app.screen.drawn == app.screen.section == "math", "math")
        assert app.screen.lesson.id == LESSON and app.screen.section == "math"

    await restarted_and_continued(db, at_math)


async def test_the_first_run_has_nothing_to_continue(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        assert (
            app.screen.query_one(LessonMap).selected.id
            == app.screen.query_one(LessonMap).grid[0][0].id
        )
        assert not offers_continue(app)
        await press(pilot, "c")
        assert isinstance(app.screen, MapScreen)


async def test_a_practice_item_is_continued_at_that_item(tmp_path):
    db = tmp_path / "db"
    app = make_app(db, start_lesson=LESSON)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        await press(pilot, "p")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "practice")
        await press(pilot, "ctrl+n", "ctrl+n")
        item = app.screen.attempt.item.id
        assert item != app.lesson(LESSON).practice[0].id
        await wait_for(pilot, lambda: app.place and app.place.target == item, "the item kept")

    async def at_item(pilot, app):
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "practice")
        assert app.screen.attempt.item.id == item
        await press(pilot, "escape")  # back into the lesson the item belongs to
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == LESSON
        assert app.place.kind == "practice" and app.place.target == item  # kept, not the lesson

    await restarted_and_continued(db, at_item)


async def test_a_lab_state_is_continued_in_that_state_and_tab(tmp_path):
    db = tmp_path / "db"
    app = make_app(db, start_lesson=LESSON)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        await press(pilot, "l")
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the lab")
        await press(pilot, "right_square_bracket", "right", "right")
        lab = app.screen
        assert lab.experiment == "lesion"
        left = lab.params
        kept = {"tab": "lesion", "params": left.to_dict()}
        await wait_for(pilot, lambda: app.place and app.place.target == kept, "the lab kept")

    async def in_the_lab(pilot, app):
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the lab")
        assert app.screen.experiment == "lesion" and app.screen.params == left
        await press(pilot, "escape")
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == LESSON

    await restarted_and_continued(db, in_the_lab)


async def test_a_removed_item_falls_back_to_the_lessons_start_and_says_so_once(tmp_path):
    db = tmp_path / "db"
    store = Store(db)
    store.set_place(LESSON, "practice", "an-item-since-removed")
    store.close()
    app = make_app(db)
    said(app)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        assert app.screen.query_one(LessonMap).selected.id == LESSON
        await press(pilot, "c")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        await wait_for(pilot, lambda: app.screen.drawn == SECTION_KEYS[0], "the start drawn")
        fallbacks = [m for m in said(app) if "an-item-since-removed" in m]
        assert len(fallbacks) == 1 and "opened at its start" in fallbacks[0]
        assert app.place.kind == "section" and app.place.target == SECTION_KEYS[0]
        await press(pilot, "escape", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson again")
        assert len([m for m in said(app) if "no longer" in m]) == 1


async def test_a_removed_lesson_is_said_and_forgotten(tmp_path):
    db = tmp_path / "db"
    store = Store(db)
    store.set_place("a-lesson-since-removed", "section", "math")
    store.close()
    app = make_app(db)
    said(app)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        await press(pilot, "c")
        assert isinstance(app.screen, MapScreen)
        assert any("can no longer be opened" in m for m in said(app))
        assert app.place is None and not offers_continue(app)
    assert Store(db).place() is None


async def test_restutor_continue_starts_at_the_place_or_says_there_is_none(tmp_path):
    """``restutor continue`` (``start_continue``): the place itself, or the map and a word."""
    from tests.ui_app import SUMMARIES

    db = tmp_path / "db"
    fresh = RestutorApp(SUMMARIES, db, start_continue=True)
    said(fresh)
    async with fresh.run_test(size=SIZE) as pilot:
        await opened(pilot, fresh)
        await wait_for(pilot, lambda: "nothing to continue yet" in said(fresh), "said")
    store = Store(db)
    store.set_place(LESSON, "section", "code")
    store.close()
    app = RestutorApp(SUMMARIES, db, start_continue=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        await wait_for(pilot, lambda: app.screen.drawn == app.screen.section == "code", "code")
        assert app.screen.lesson.id == LESSON and app.screen.section == "code"
        await press(pilot, "escape")
        assert app.screen.query_one(LessonMap).selected.id == LESSON
