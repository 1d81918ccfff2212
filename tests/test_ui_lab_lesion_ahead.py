"""The Lesion tab lesions ahead: the networks one step of the selected knob away are
lesioned in the background once a lesion is on screen, and a key that turns the knob
shows the kept lesion in its own handler. No test times anything: each checks where the
lesion came from and that it is the very lesion a fresh run gives."""

from __future__ import annotations

import dataclasses

import numpy as np
from textual.worker import WorkerState

from tests.pilot import press, wait_for
from tests.test_ui_lab import SIZE
from tests.test_ui_lab_tabs import TabApp, lesioned
from tutor.sim import SimParams, lesion_blocks
from tutor.ui.screens.lab import lesion as lesion_module
from tutor.ui.screens.lab.lesion import LESION_KNOBS, KeptLesions, LesionPane

SMALL = SimParams(depth=8, width=16)


def knob(field: str):
    return next(k for k in LESION_KNOBS if k.field == field)


async def select(pilot, field: str) -> None:
    lesion: LesionPane = pilot.app.lab.lesion
    while LESION_KNOBS[lesion.selected].field != field:
        await press(pilot, "down")


def ahead_of(lesion: LesionPane, field: str) -> list[SimParams]:
    """The networks one step of ``field`` away from the one on screen, either way."""
    return [knob(field).turn(lesion.params, direction) for direction in (1, -1)]


def ahead_running(lesion: LesionPane) -> list:
    return [
        w
        for w in lesion.workers
        if w.group == "ahead" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
    ]


def recording_lesions(monkeypatch) -> list[SimParams]:
    """Every network the tab lesions from now on."""
    networks: list[SimParams] = []
    real = lesion_module.lesion_blocks

    def recording(params, *args, **kwargs):
        networks.append(params)
        return real(params, *args, **kwargs)

    monkeypatch.setattr(lesion_module, "lesion_blocks", recording)
    return networks


def same_lesion(result, params: SimParams) -> None:
    fresh = lesion_blocks(params)
    assert result.params == params
    np.testing.assert_allclose(result.residual, fresh.residual, rtol=1e-5)
    np.testing.assert_allclose(result.plain, fresh.plain, rtol=1e-5)


async def test_turning_a_knob_shows_the_lesion_made_ahead_in_the_key_s_own_handler(
    monkeypatch,
):
    app = TabApp("lesion", SMALL)
    async with app.run_test(size=SIZE) as pilot:
        lesion: LesionPane = app.lab.lesion
        await wait_for(pilot, lambda: lesioned(app.lab), "the first lesion")
        await select(pilot, "alpha")
        up, down = ahead_of(lesion, "alpha")
        await wait_for(pilot, lambda: lesion.kept.get(up) and lesion.kept.get(down), "ahead")
        networks = recording_lesions(monkeypatch)
        await press(pilot, "right")
        assert lesioned(app.lab) and lesion.params == up  # no wait: nothing left to run
        assert not lesion.clock.pending()  # nor a "deleting…" on its way
        assert up not in networks
        same_lesion(lesion.result, up)
        # The next step either way is lesioned ahead in turn (the one left is kept).
        further = knob("alpha").turn(up, 1)
        await wait_for(pilot, lambda: lesion.kept.get(further), "the next look-ahead")
        await wait_for(pilot, lambda: not ahead_running(lesion), "the look-ahead's end")
        assert networks == [further]


async def test_a_look_ahead_keeps_the_weights_and_a_new_key_stops_it(monkeypatch):
    app = TabApp("lesion", SMALL)
    async with app.run_test(size=SIZE) as pilot:
        lesion: LesionPane = app.lab.lesion
        simulator = app.lab.simulator
        await wait_for(pilot, lambda: lesioned(app.lab), "the first lesion")
        assert LESION_KNOBS[lesion.selected].field == "depth"
        deeper, shallower = ahead_of(lesion, "depth")
        # A deeper network only draws more layers: it is lesioned ahead too.
        await wait_for(pilot, lambda: lesion.kept.get(deeper), "the deeper network ahead")
        await wait_for(pilot, lambda: lesion.kept.get(shallower), "the shallower network ahead")
        same_lesion(lesion.kept.get(deeper), deeper)
        asked_about: list[SimParams] = []
        keeps_weights = simulator.keeps_weights
        monkeypatch.setattr(
            simulator, "keeps_weights", lambda p: asked_about.append(p) or keeps_weights(p)
        )
        await press(pilot, "down")  # width: another width needs weights of its own
        wider, narrowest = ahead_of(lesion, "width")
        assert narrowest == lesion.params  # 16 is the narrowest: only one step to take
        await wait_for(pilot, lambda: asked_about, "the width look-ahead")
        await wait_for(pilot, lambda: not ahead_running(lesion), "the look-ahead's end")
        assert asked_about == [wider] and lesion.kept.get(wider) is None
        assert simulator.holds_weights(lesion.params)  # the network's own weights, kept
        networks = recording_lesions(monkeypatch)
        seed_ahead, norm_ahead = ahead_of(lesion, "seed"), ahead_of(lesion, "norm")
        with app.lab.simulator_lock:  # each look-ahead waits for the simulator
            await press(pilot, "up", "up")  # seed: its neighbours are to be lesioned ahead
            assert ahead_running(lesion)
            await press(pilot, "up")  # norm's replace them
            await press(pilot, "up", "right")  # sigma_w turned: a network not lesioned ahead
            asked = lesion.params
            assert asked.sigma_w == 1.1
            assert all(w.is_cancelled for w in ahead_running(lesion))
        await wait_for(pilot, lambda: lesioned(app.lab), "the asked-for lesion")
        assert networks[0] == asked
        assert not {*seed_ahead, *norm_ahead} & set(networks)
        same_lesion(lesion.result, asked)


async def test_the_look_ahead_stops_when_another_tab_comes_to_the_front():
    app = TabApp("lesion", SMALL)
    async with app.run_test(size=SIZE) as pilot:
        lesion: LesionPane = app.lab.lesion
        await wait_for(pilot, lambda: lesioned(app.lab), "the first lesion")
        with app.lab.simulator_lock:
            await press(pilot, "down")  # another knob: its neighbours are lesioned ahead
            assert ahead_running(lesion)
            await press(pilot, "right_square_bracket")
            assert app.lab.experiment != "lesion"
            assert all(w.is_cancelled for w in ahead_running(lesion))


async def test_a_failing_look_ahead_leaves_the_lesion_on_screen_and_says_nothing(monkeypatch):
    app = TabApp("lesion", SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: lesioned(app.lab), "the first lesion")
        shown = app.lab.lesion.result

        def failing(params, *args, **kwargs):
            raise RuntimeError("out of luck")

        monkeypatch.setattr(lesion_module, "lesion_blocks", failing)
        await press(pilot, "down")  # width: its neighbours' lesions are guesses that fail
        await wait_for(pilot, lambda: not ahead_running(app.lab.lesion), "the look-ahead")
        assert app.lab.lesion.result is shown
        assert not app._notifications


def test_kept_lesions_keep_the_most_recent_ones():
    kept = KeptLesions(size=2)
    results = [lesion_blocks(dataclasses.replace(SMALL, depth=depth)) for depth in (1, 2, 3)]
    for result in results[:2]:
        kept.add(result)
    assert kept.get(results[0].params) is results[0]  # now the most recent
    kept.add(results[2])
    assert kept.get(results[1].params) is None
    assert kept.get(results[0].params) is results[0] and kept.get(results[2].params)


async def test_a_lesion_still_running_stops_when_another_tab_comes_to_the_front():
    """A deep lesion takes seconds: the Signal tab must not wait for it to draw its plots."""
    app = TabApp("lesion", SMALL)
    async with app.run_test(size=SIZE) as pilot:
        lesion: LesionPane = app.lab.lesion
        await wait_for(pilot, lambda: lesioned(app.lab), "the first lesion")
        with app.lab.simulator_lock:
            await press(pilot, "r")  # a new seed: not lesioned ahead, its lesion waits
            running = [w for w in lesion.workers if w.group == "lesion" and not w.is_finished]
            assert running
            await press(pilot, "left_square_bracket")  # the Signal tab
            assert app.lab.experiment == "signal"
            assert all(w.is_cancelled for w in running)
        await press(pilot, "right_square_bracket")  # back: the new seed's lesion is run
        await wait_for(pilot, lambda: lesioned(app.lab), "the reseeded lesion")
        assert lesion.result.params.seed == 1
