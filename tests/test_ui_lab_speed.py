"""What keeps the lab quick: readied on the map, small runs drawn in the key's handler.

No test times anything: each checks where the work happened (the warm-up's cache, the
UI thread, a worker) and that what is drawn is the very floats a fresh run gives.
"""

from __future__ import annotations

import dataclasses
import threading

from textual.widgets._header import HeaderTitle

from tests.pilot import press, wait_for
from tests.test_ui_config import on_the_map
from tests.test_ui_lab import SIZE, LabApp, clock, drawn, run_drawn, select, text_of
from tests.test_ui_lab_tabs import TabApp, lesioned
from tests.ui_app import make_app
from tutor.sim import SimParams, Simulator, estimated_rerun_seconds, run_both, simulate
from tutor.ui.screens.lab import LabScreen
from tutor.ui.screens.lab import signal as signal_module
from tutor.ui.screens.lab.signal import INLINE_SECONDS, REVEAL_PENDING_AFTER_SECONDS
from tutor.ui.screens.lab.warm import default_network, lab_cache
from tutor.ui.widgets.lesion_plot import PathsPlot


def same_floats(run, params: SimParams) -> bool:
    """Whether ``run`` is what a fresh simulator gives for ``params``, both variants."""
    fresh = run_both(Simulator(), params)
    return (
        run.current.to_dict() == fresh.current.to_dict()
        and run.counterpart.to_dict() == fresh.counterpart.to_dict()
    )


def threads_running_both(monkeypatch) -> list[threading.Thread]:
    """The thread of each run the Signal tab starts from now on."""
    threads: list[threading.Thread] = []
    real = signal_module.run_both

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(signal_module, "run_both", recording)
    return threads


async def test_the_map_readies_the_lab_so_that_it_opens_with_its_plots_drawn(tmp_path, monkeypatch):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, app)
        params = default_network(app.config.lab)
        cache = lab_cache(app)
        await wait_for(pilot, lambda: cache.ready_run(params), "the warm-up's run")
        ready = cache.ready_run(params)
        threads = threads_running_both(monkeypatch)
        await press(pilot, "L")
        lab = app.screen
        assert isinstance(lab, LabScreen)
        assert lab.run is ready  # from the first frame: nothing left to run
        assert threads == []
        assert lab.simulator is cache.simulator  # the lesion reuses the warm-up's weights
        assert same_floats(lab.run, params)


async def test_a_lab_opened_before_the_warm_up_ends_draws_the_warm_up_s_run(tmp_path, monkeypatch):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, app)
        cache = lab_cache(app)
        params = default_network(app.config.lab)
        threads = threads_running_both(monkeypatch)
        with cache.lock:  # the warm-up is under way: the lab's own run waits for it
            cache._ready = None
            app.open_lab()
            lab = app.screen
            assert isinstance(lab, LabScreen) and lab.run is None
            cache._ready = run_both(cache.simulator, params)
        await run_drawn(pilot, lab)
        assert lab.run is cache.ready_run(params)
        assert threads == []  # the worker found the warm-up's run, not a run of its own


async def test_a_measured_run_of_the_default_network_is_drawn_not_the_warm_up_s(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, app)
        params = default_network(app.config.lab)
        await wait_for(pilot, lambda: lab_cache(app).ready_run(params), "the warm-up's run")
        measured = simulate(params)  # as a practice item measures it
        app.open_lab(params, measured=measured)
        lab = app.screen
        assert isinstance(lab, LabScreen)
        await run_drawn(pilot, lab)
        assert lab.run.current is measured


async def test_a_small_change_is_run_and_drawn_in_the_key_s_own_handler(monkeypatch):
    app = LabApp()
    assert estimated_rerun_seconds(SimParams()) <= INLINE_SECONDS
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        await select(pilot, "alpha")
        threads = threads_running_both(monkeypatch)
        await press(pilot, "right")
        assert threads == [threading.main_thread()]
        assert drawn(app.lab) and app.lab.params.alpha == 0.25
        assert clock(app.lab).pending() == []  # no "computing…" for a run already drawn
        assert same_floats(app.lab.run, app.lab.params)
        header = app.lab.query_one(HeaderTitle)
        assert "--alpha=0.25" in text_of(header)  # the header follows, without a repaint


async def test_a_change_that_draws_new_weights_runs_in_a_worker(monkeypatch):
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        threads = threads_running_both(monkeypatch)
        await press(pilot, "r")  # a new seed: new weights to draw
        await run_drawn(pilot)
        assert len(threads) == 1 and threads[0] is not threading.main_thread()
        assert same_floats(app.lab.run, app.lab.params)


async def test_a_change_over_the_inline_estimate_runs_in_a_worker(monkeypatch):
    params = SimParams(depth=200)
    assert estimated_rerun_seconds(params) > INLINE_SECONDS
    app = LabApp(params)
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        await select(pilot, "alpha")
        threads = threads_running_both(monkeypatch)
        await press(pilot, "right")
        await run_drawn(pilot)
        assert len(threads) == 1 and threads[0] is not threading.main_thread()
        assert app.lab.run.params == dataclasses.replace(params, alpha=0.25)


async def test_a_slow_lesion_keeps_the_last_on_screen_a_moment_then_shows_its_network(
    monkeypatch,
):
    """No frame shares the cores with a lesion that may be quick; one still running after
    the reveal delay shows its network, its paths (drawn once) and "deleting"."""
    app = TabApp("lesion", SimParams(depth=8, width=16))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: lesioned(app.lab), "the first lesion")
        lesion, paths = app.lab.lesion, app.lab.query_one(PathsPlot)
        deeper = dataclasses.replace(lesion.params, depth=12)
        await wait_for(pilot, lambda: lesion.kept.get(deeper), "depth 12, lesioned ahead")
        panel = app.lab.query_one("#lesion-controls")
        depths: list[int] = []
        monkeypatch.setattr(
            PathsPlot, "watch_depth", lambda plot, depth: depths.append(depth), raising=False
        )
        with app.lab.simulator_lock:  # the new lesions (and look-aheads) wait for the simulator
            await press(pilot, "right")  # depth 12: lesioned ahead, shown at once
            assert lesioned(app.lab) and paths.depth == 12 and panel.params.depth == 12
            shown = lesion.result
            await press(pilot, "right")  # depth 16: not lesioned ahead (it waits its turn)
            deepest = app.lab.params.depth
            assert deepest == 16 and lesion.result is shown and paths.depth == 12
            assert panel.params.depth == 12  # the panel agrees with the plots
            [reveal] = lesion.clock.pending()
            assert reveal.seconds == REVEAL_PENDING_AFTER_SECONDS
            reveal.tick()
            await pilot.pause()
            assert lesion.result is None and lesion.status.startswith("deleting")
            assert panel.params.depth == deepest and paths.depth == deepest
            await press(pilot, "down", "down", "right")  # alpha: the same paths
            assert app.lab.params.alpha == 0.25 and paths.depth == deepest
        await wait_for(pilot, lambda: lesioned(app.lab), "the new lesion")
        assert depths == [12, deepest]  # each drawn once, never blanked while a lesion ran
        assert panel.params == app.lab.lesion.params
