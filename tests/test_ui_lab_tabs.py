"""The lab's Lesion and Train tabs: switching, their workers, their keys, notes on them."""

from __future__ import annotations

import dataclasses
import shlex
import time

import numpy as np
from textual import actions
from textual.worker import get_current_worker

import tutor.ui.screens.lab.train as train_module
from tests.pilot import press, wait_for
from tests.test_ui_lab import SIZE, LabApp, run_drawn, text_of
from tests.ui_app import make_app
from tutor.cli import params_from_command
from tutor.sim import SimParams, TrainParams, lesion_blocks
from tutor.ui.screens.lab import LabScreen, LesionPane, TrainPane

SMALL_TRAINING = TrainParams(depths=(2, 4), width=8, steps=20)


class TabApp(LabApp):
    def __init__(self, experiment="signal", params=None, train=None) -> None:
        super().__init__(params)
        self.lab = LabScreen(params or SimParams(), None, experiment, train)


def footer_actions(lab: LabScreen) -> set[str]:
    """The actions the footer offers on the current tab (a tab's own by their names there)."""
    offered = set()
    for active in lab.active_bindings.values():
        if active.binding.show:
            _, name, parameters = actions.parse(active.binding.action)
            offered.add(actions.parse(parameters[0])[1] if name == "pane" else name)
    return offered


def lesioned(lab: LabScreen) -> bool:
    """Whether the Lesion tab shows the lesion of the network in the panel."""
    return lab.lesion.result is not None and lab.lesion.result.params == lab.lesion.params


def trained(lab: LabScreen) -> bool:
    """Whether the Train tab shows its setup, trained to the end."""
    result = lab.train.result
    return result is not None and result.complete and result.params == lab.train.params


async def test_brackets_step_through_the_tabs_and_each_tab_offers_its_own_keys():
    app = TabApp(train=SMALL_TRAINING)
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        lab = app.lab
        assert lab.experiment == "signal" and "play" in footer_actions(lab)
        await press(pilot, "right_square_bracket")
        assert lab.experiment == "lesion" and lab.pane is lab.lesion
        assert lab.query_one("#lab-tabs").active == "lesion"
        assert {"play", "train", "toggle_skip"}.isdisjoint(footer_actions(lab))
        assert {"select", "change", "copy_command", "reseed", "reset"} <= footer_actions(lab)
        await press(pilot, "right_square_bracket")
        assert lab.experiment == "train"
        assert "toggle_skip" not in footer_actions(lab) and "train" in footer_actions(lab)
        await press(pilot, "right_square_bracket")
        assert lab.experiment == "signal"
        await press(pilot, "left_square_bracket")
        assert lab.experiment == "train"
        await wait_for(pilot, lambda: trained(lab), "the first visit trains")


async def test_the_lesion_tab_deletes_each_block_of_the_network_on_screen():
    params = SimParams(depth=12, width=32)
    app = TabApp("lesion", params)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: lesioned(app.lab), "the lesion of the opening network")
        lesion = app.lab.lesion.result
        assert lesion.params == params
        expected = lesion_blocks(params)
        np.testing.assert_allclose(lesion.residual, expected.residual, rtol=1e-5)
        np.testing.assert_allclose(lesion.plain, expected.plain, rtol=1e-5)
        summary = str(app.lab.query_one("#lesion-summary").render())
        assert "deleting one residual block moves the output by at most" in summary
        await press(pilot, "right")  # depth 12 → 16: the lesion follows the knobs
        assert app.lab.params.depth == 16
        await wait_for(pilot, lambda: lesioned(app.lab), "the lesion of the deeper network")
        assert len(app.lab.lesion.result.residual) == 16


async def test_the_lesion_tab_answers_the_networks_knobs():
    app = TabApp("lesion", SimParams(depth=8, width=16, residual=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: lesioned(app.lab), "the first lesion")
        assert app.lab.lesion.params.residual  # both variants are lesioned: the skip is moot
        await press(pilot, "down", "r")  # the seed moves, whichever knob is selected
        assert app.lab.lesion.selected == 1 and app.lab.params.seed == 1
        await wait_for(pilot, lambda: lesioned(app.lab), "the reseeded lesion")
        # The hidden Signal tab runs nothing meanwhile (the lesion would wait for it on
        # the one simulator), but the panel shows the network at once; its plots follow
        # when it comes to the front.
        assert app.lab.run.params.seed == 0 and app.lab.signal.panel_params.seed == 1
        await press(pilot, "left_square_bracket")
        await wait_for(pilot, lambda: drawn_now(app.lab), "the Signal tab's plots, shown")
        await press(pilot, "right_square_bracket", "0")
        assert app.lab.params == SimParams(depth=8, width=16, residual=False)
        await wait_for(pilot, lambda: lesioned(app.lab), "back to it")


async def test_the_lesion_tab_lists_and_turns_no_skip_toggle():
    """Both variants are lesioned, so the skip toggle is no knob of this tab."""
    app = TabApp("lesion", SimParams(depth=8, width=16, residual=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: lesioned(app.lab), "the first lesion")
        panel = text_of(app.lab.query_one("#lesion-controls"))
        assert "skip" not in panel and "depth L" in panel and "seed" in panel
        assert not app.lab.query_one("#network-controls").display
        for _ in LesionPane.KNOBS:  # every row, each turned up and back down
            await press(pilot, "right", "left", "down")
            assert app.lab.params.residual is False
        assert app.lab.lesion.selected == 0  # wrapped round the rows it lists
        await press(pilot, "t")  # nor does the tab answer the toggle's key
        assert app.lab.params.residual is False


def drawn_now(lab: LabScreen) -> bool:
    return lab.run is not None and lab.run.params == lab.params


async def test_a_lesion_too_slow_for_the_lab_is_declined_with_a_reason():
    app = TabApp("lesion", SimParams(depth=1000, width=512))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.lab.is_mounted, "the lab is open")
        app.lab.signal.stop()  # not the slow opening run
        await pilot.pause()
        assert app.lab.lesion.result is None
        assert "restutor lesion" in app.lab.lesion.status
        plot = app.lab.query_one("#lesion-plot")
        assert plot.waiting == app.lab.lesion.status  # the plot does not claim to be computing


async def test_the_train_tab_trains_on_arrival_and_states_the_finding():
    seen = []
    app = TabApp("train", train=SMALL_TRAINING)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await wait_for(pilot, lambda: trained(app.lab), "the training on arrival")
        result = app.lab.train.result
        assert {(r.depth, r.residual) for r in result.runs} == {
            (2, False),
            (2, True),
            (4, False),
            (4, True),
        }
        live = [m for m in seen if isinstance(m, TrainPane.TrainProgress)]
        assert live[-1].result.complete  # the last frame is the finished experiment
        summary = str(app.lab.query_one("#train-summary").render())
        assert summary.startswith("Going from 2 to 4 layers")
        finals = str(app.lab.query_one("#train-run").render())
        assert finals.startswith("Your run (seed 0): plain 2 layers ")  # as measured here
        assert "cancel_training" not in footer_actions(app.lab)  # nothing left to stop


async def test_the_train_tab_redraws_a_fixed_number_of_times_whatever_the_pace(monkeypatch):
    # Paced by steps, not by time: a redraw costs the training thread the plot's time,
    # so a slower machine must not get more of them.
    monkeypatch.setattr(train_module, "TRAIN_FRAMES", 4)
    posted: list[int] = []
    post = TrainPane.post_message

    def counting(pane, message):
        if isinstance(message, TrainPane.TrainProgress):
            posted.append(message.result.done)
        return post(pane, message)

    monkeypatch.setattr(TrainPane, "post_message", counting)
    app = TabApp("train", train=SMALL_TRAINING)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: trained(app.lab), "the training on arrival")
    total = 2 * len(SMALL_TRAINING.depths) * SMALL_TRAINING.steps
    assert posted == sorted(posted) and len(posted) == 5 and posted[-1] == total


async def test_the_train_knobs_change_the_setup_and_retrain():
    app = TabApp("train", train=SMALL_TRAINING)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: trained(app.lab), "the training on arrival")
        await press(pilot, "down", "down")  # steps
        await press(pilot, "left")
        assert app.lab.train_params.steps == 20  # below the ladder's first rung: it stays
        await press(pilot, "up", "up", "up")  # seed (the rows wrap)
        await press(pilot, "right")
        assert app.lab.train_params == TrainParams(depths=(2, 4), width=8, steps=20, seed=1)
        await wait_for(pilot, lambda: trained(app.lab), "the retraining")
        assert app.lab.train.result.params.seed == 1


def held_training(params):
    """``training`` that yields nothing until its worker is cancelled: a training certainly
    still running while the test presses keys (and at most a minute, should none come)."""
    worker = get_current_worker()
    for _ in range(6000):
        if worker.is_cancelled:
            return
        time.sleep(0.01)
    yield from ()


async def test_x_stops_training_and_the_ui_keeps_answering_while_it_runs(monkeypatch):
    monkeypatch.setattr(train_module, "training", held_training)
    app = TabApp("train", train=TrainParams(depths=(2, 48), steps=200))
    async with app.run_test(size=SIZE) as pilot:
        train = app.lab.train
        await wait_for(pilot, lambda: train.is_training(), "the training on arrival")
        assert "cancel_training" in footer_actions(app.lab)
        await press(pilot, "left_square_bracket")  # a key handled mid-training
        assert app.lab.experiment == "lesion" and train.is_training()
        await press(pilot, "right_square_bracket", "x")
        await wait_for(pilot, lambda: not train.is_training(), "the training stops")
        assert train.result is not None and not train.result.complete
        assert train.status == "stopped at 0%: enter trains again"
        assert "cancel_training" not in footer_actions(app.lab)
        await press(pilot, "enter")  # trains again from the start
        assert train.is_training() and train.status == "training…"
        await press(pilot, "x")
        await wait_for(pilot, lambda: not train.is_training(), "the training stops again")


async def test_c_copies_the_command_of_the_tab_showing():
    # The skip is off on the signal tab; the lesion runs both variants, so it is no option.
    plain = SimParams(depth=12, residual=False)
    app = TabApp("lesion", plain, TrainParams(depths=(2, 6), steps=20, lr=3e-3))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: lesioned(app.lab), "the lesion")
        await press(pilot, "c")
        assert app.clipboard == "restutor lesion --depth=12"
        await press(pilot, "right_square_bracket", "x", "c")
        words = shlex.split(app.clipboard)
        assert words[:2] == ["restutor", "train"]
        assert params_from_command(app.clipboard) == app.lab.train_params
        await wait_for(pilot, lambda: not app.lab.train.is_training(), "the training stops")


async def test_a_note_on_the_train_tab_reopens_the_lab_on_that_tab_and_setup(tmp_path):
    from tutor.ui.screens.notes import NotesScreen

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_lab(SMALL_TRAINING, "test", "train")
        await wait_for(
            pilot, lambda: isinstance(app.screen, LabScreen) and trained(app.screen), "trained"
        )
        await press(pilot, "n")
        await wait_for(pilot, lambda: app.screen.query("TextArea"), "the note editor")
        app.screen.query_one("TextArea").insert("plain-4 beats plain-2?")
        await press(pilot, "ctrl+s")
        await wait_for(pilot, lambda: app.store.notes(), "the note saved")
        [note] = app.store.notes()
        assert note.anchor_id.startswith("train --depths=2,4")
        app.push_screen(NotesScreen())
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen), "the notes screen")
        await press(pilot, "ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the lab reopened")
        lab = app.screen
        assert lab.experiment == "train" and lab.train_params == SMALL_TRAINING
        await wait_for(pilot, lambda: trained(lab), "the reopened lab's training")


async def test_a_lesion_that_cannot_fit_says_why_in_its_tab(monkeypatch):
    import tutor.sim.params as params_module

    monkeypatch.setattr(params_module, "SMALL_RUN_BYTES", 0)
    monkeypatch.setattr(params_module, "available_memory", lambda: 1000)
    app = TabApp("lesion", SimParams(depth=8, width=16))
    async with app.run_test(size=SIZE) as pilot:
        lesion: LesionPane = app.lab.lesion
        await wait_for(pilot, lambda: lesion.status.startswith("cannot"), "the lesion fails")
        assert lesion.result is None
        assert lesion.status.startswith("cannot delete the blocks:")
        assert "memory" in lesion.status


async def test_a_lab_opened_from_a_predict_sim_item_draws_the_run_it_measured(
    tmp_path, monkeypatch
):
    from tests.test_ui_practice import SIZE as PRACTICE_SIZE
    from tests.test_ui_practice import go_to, measured, open_practice
    from tutor.ui.screens.lab import signal as signal_module
    from tutor.ui.widgets.prediction_evidence import PredictionEvidence

    ran: list[SimParams] = []
    run_both = signal_module.run_both

    def counting(simulator, params, progress=None, current=None):
        run = run_both(simulator, params, progress, current)
        ran.append(params if run.current is not current else run.counterpart.params)
        return run

    monkeypatch.setattr(signal_module, "run_both", counting)
    app = make_app(tmp_path / "db")
    async with app.run_test(size=PRACTICE_SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "predict-sim")
        await pilot.pause()
        if not item.choices:
            screen.query_one("#answer").value = "1"
        await press(pilot, "enter")
        await wait_for(pilot, lambda: measured(screen), "the engine's measurement")
        result = screen.query_one(PredictionEvidence).measured
        await press(pilot, "l")
        lab = app.screen
        assert isinstance(lab, LabScreen)
        await run_drawn(pilot, lab)
        assert lab.run.current is result  # the very run measured, drawn
        assert ran == [dataclasses.replace(result.params, residual=not result.params.residual)]


async def test_a_lab_opened_from_a_lesion_item_shows_the_lesion_it_measured(tmp_path, monkeypatch):
    from tests.test_ui_practice import SIZE as PRACTICE_SIZE
    from tests.test_ui_practice import go_to, is_lesion_item, measured, open_practice
    from tutor.ui.screens.lab import lesion as lesion_module
    from tutor.ui.widgets.prediction_evidence import PredictionEvidence

    lesion_blocks = lesion_module.lesion_blocks
    networks_lesioned: list[SimParams] = []

    def recording(params, *args, **kwargs):
        networks_lesioned.append(dataclasses.replace(params, residual=True))
        return lesion_blocks(params, *args, **kwargs)

    monkeypatch.setattr(lesion_module, "lesion_blocks", recording)
    app = make_app(tmp_path / "db")
    async with app.run_test(size=PRACTICE_SIZE) as pilot:
        screen = await open_practice(app, pilot, "unraveled-view")
        go_to(screen, is_lesion_item)
        await pilot.pause()
        await press(pilot, "enter")
        await wait_for(pilot, lambda: measured(screen), "the lesion's measurement")
        result = screen.query_one(PredictionEvidence).measured
        await press(pilot, "l")
        lab = app.screen
        assert isinstance(lab, LabScreen) and lab.experiment == "lesion"
        await wait_for(pilot, lambda: lesioned(lab), "the lab's lesion")
        assert lab.lesion.result.plain is result.plain
        assert lab.lesion.result.residual is result.residual
        # Only the networks a knob's step away are lesioned (ahead), never the item's again.
        assert dataclasses.replace(result.params, residual=True) not in networks_lesioned
