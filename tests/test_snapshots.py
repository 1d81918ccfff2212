"""Snapshots of the map, a lesson, practice and each lab tab, grouped by screen."""

import pytest

from tests.pilot import press, wait_for
from tests.test_ui_lab import drawn
from tests.test_ui_lab_tabs import TabApp, lesioned, trained
from tests.ui_app import make_app
from tutor.sim import SimParams, TrainParams
from tutor.ui.screens.lab import EXPERIMENTS

SIZE = (100, 30)


def test_the_map(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path / "db"), terminal_size=SIZE)


def test_a_lesson_on_its_math(snap_compare, tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")

    async def math_drawn(pilot):
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "drawn", None), "a section")
        await press(pilot, "down")
        await wait_for(pilot, lambda: pilot.app.screen.drawn == "math", "the math drawn")

    assert snap_compare(app, terminal_size=SIZE, run_before=math_drawn)


def test_a_revealed_practice_item(snap_compare, tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")

    async def commit_and_reveal(pilot):
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        screen = pilot.app.screen
        queue = screen.session.queue
        screen.session.position = next(
            i for i, (_, item) in enumerate(queue) if item.kind == "choice"
        )
        screen.show_item()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen.query_one("#practice-body").focus()
        await pilot.press("g", "a")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 40), run_before=commit_and_reveal)


# -- the lab: each tab at 120×40 and at 80×24 (a short plot keeps one y tick to a row:
# plotext orders ticks by their labels' hashes, so two on one row changed between runs) --

LAB_SIZES = {"120x40": (120, 40), "80x24": (80, 24)}
LAB_TRAINING = TrainParams(depths=(2, 4, 8), width=8, steps=40)


@pytest.mark.parametrize("size", LAB_SIZES)
@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_a_lab_tab(snap_compare, experiment, size):
    app = TabApp(experiment, SimParams(), LAB_TRAINING)

    async def shown(pilot):
        lab = app.lab
        ready = {"signal": drawn, "lesion": lesioned, "train": trained}[experiment]
        await wait_for(pilot, lambda: ready(lab) and drawn(lab), f"the {experiment} tab drawn")
        await pilot.pause()

    assert snap_compare(app, terminal_size=LAB_SIZES[size], run_before=shown)
