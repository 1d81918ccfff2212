"""Resizing and typing as fast as a learner likes: nothing crashes and the focus stays.

First plain regression tests of the focus that a shrink below the minimum size lost,
then Hypothesis fuzzes of the lesson screen, the research room and practice.
"""

from __future__ import annotations

from textual.widgets import OptionList

from tests.pilot import press, resize, wait_for
from tests.ui_app import make_app
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.map import MapScreen
from tutor.ui.widgets.lesson_map import LessonMap

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
