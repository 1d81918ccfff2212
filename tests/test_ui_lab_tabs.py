"""The lab's Lesion and Train tabs: switching, their workers, their keys, notes on them."""

from __future__ import annotations

import contextlib
import shlex

import numpy as np
from textual.worker import WorkerFailed

from tests.test_ui_lab import SIZE, LabApp, settle
from tests.ui_app import make_app
from tutor.cli import params_from_command
from tutor.sim import SimParams, TrainParams, lesion_blocks
from tutor.ui.screens.lab import LabScreen

SMALL_TRAINING = TrainParams(depths=(2, 4), width=8, steps=20)


class TabApp(LabApp):
    def __init__(self, experiment="signal", params=None, train=None) -> None:
        super().__init__(params)
        self.lab = LabScreen(params or SimParams(), None, experiment, train)


def footer_actions(lab: LabScreen) -> set[str]:
    """The actions the footer offers on the current tab."""
    return {
        binding.action.split("(")[0]
        for binding in LabScreen.BINDINGS
        if binding.show and lab.check_action(binding.action.split("(")[0], ()) is True
    }


async def test_brackets_step_through_the_tabs_and_each_tab_offers_its_own_keys():
    app = TabApp(train=SMALL_TRAINING)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lab = app.lab
        assert lab.experiment == "signal" and "play" in footer_actions(lab)
        await pilot.press("right_square_bracket")
        assert lab.experiment == "lesion"
        assert lab.query_one("#lab-tabs").active == "lesion"
        assert {"play", "train", "toggle_skip"}.isdisjoint(footer_actions(lab))
        assert {"select", "change", "copy_command"} <= footer_actions(lab)
        await pilot.press("right_square_bracket")
        assert lab.experiment == "train"
        assert "toggle_skip" not in footer_actions(lab) and "train" in footer_actions(lab)
        await pilot.press("right_square_bracket")
        assert lab.experiment == "signal"
        await pilot.press("left_square_bracket")
        assert lab.experiment == "train"
        await settle(pilot)


async def test_the_lesion_tab_deletes_each_block_of_the_network_on_screen():
    params = SimParams(depth=12, width=32)
    app = TabApp("lesion", params)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lesion = app.lab.lesion
        assert lesion is not None and lesion.params == params
        expected = lesion_blocks(params)
        np.testing.assert_allclose(lesion.residual, expected.residual, rtol=1e-5)
        np.testing.assert_allclose(lesion.plain, expected.plain, rtol=1e-5)
        summary = str(app.lab.query_one("#lesion-summary").render())
        assert "deleting one residual block moves the output by at most" in summary
        await pilot.press("right")  # depth 12 → 16: the lesion follows the knobs
        await settle(pilot)
        await settle(pilot)
        assert app.lab.lesion.params.depth == 16 and len(app.lab.lesion.residual) == 16


async def test_a_lesion_too_slow_for_the_lab_is_declined_with_a_reason():
    app = TabApp("lesion", SimParams(depth=1000, width=512))
    async with app.run_test(size=SIZE) as pilot:
        app.lab.workers.cancel_group(app.lab, "sim")
        await pilot.pause()
        assert app.lab.lesion is None
        assert "restutor lesion" in app.lab.lesion_status
        plot = app.lab.query_one("#lesion-plot")
        assert plot.waiting == app.lab.lesion_status  # the plot does not claim to be computing


async def test_the_train_tab_trains_on_arrival_and_states_the_finding():
    seen = []
    app = TabApp("train", train=SMALL_TRAINING)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
        await settle(pilot)
        result = app.lab.training
        assert result is not None and result.complete
        assert {(r.depth, r.residual) for r in result.runs} == {
            (2, False),
            (2, True),
            (4, False),
            (4, True),
        }
        live = [m for m in seen if isinstance(m, LabScreen.TrainProgress)]
        assert live[-1].result.complete  # the last frame is the finished experiment
        summary = str(app.lab.query_one("#train-summary").render())
        assert summary.startswith("Going from 2 to 4 layers")
        assert "cancel_training" not in footer_actions(app.lab)  # nothing left to stop


async def test_the_train_knobs_change_the_setup_and_retrain():
    app = TabApp("train", train=SMALL_TRAINING)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")  # steps
        await pilot.press("left")
        assert app.lab.train_params.steps == 20  # below the ladder's first rung: it stays
        await pilot.press("up", "up", "up")  # seed (the rows wrap)
        await pilot.press("right")
        assert app.lab.train_params == TrainParams(depths=(2, 4), width=8, steps=20, seed=1)
        await settle(pilot)
        await settle(pilot)
        assert app.lab.training.params.seed == 1 and app.lab.training.complete


async def test_x_stops_training_and_the_ui_keeps_answering_while_it_runs():
    app = TabApp("train", train=TrainParams(depths=(2, 48), steps=20_000))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.lab._training_now()
        await pilot.press("left_square_bracket")  # a key handled mid-training
        assert app.lab.experiment == "lesion"
        await pilot.press("right_square_bracket", "x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.lab._training_now()
        assert app.lab.training is not None and not app.lab.training.complete
        assert app.lab.train_status.startswith("stopped at")
        stopped = app.lab.training
        await pilot.press("enter")  # trains again from the start
        assert app.lab._training_now() and app.lab.training is not stopped
        await pilot.press("x")
        await app.workers.wait_for_complete()


async def test_c_copies_the_command_of_the_tab_showing():
    # The skip is off on the signal tab; the lesion runs both variants, so it is no option.
    plain = SimParams(depth=12, residual=False)
    app = TabApp("lesion", plain, TrainParams(depths=(2, 6), steps=20, lr=3e-3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert app.clipboard == "restutor lesion --depth=12"
        await pilot.press("right_square_bracket", "x", "c")
        words = shlex.split(app.clipboard)
        assert words[:2] == ["restutor", "train"]
        assert params_from_command(app.clipboard) == app.lab.train_params
        await app.workers.wait_for_complete()


async def test_a_note_on_the_train_tab_reopens_the_lab_on_that_tab_and_setup(tmp_path):
    from tutor.ui.screens.notes import NotesScreen

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_lab(SMALL_TRAINING, "test", "train")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("TextArea").insert("plain-4 beats plain-2?")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [note] = app.store.notes()
        assert note.anchor_id.startswith("train --depths=2,4")
        await app.workers.wait_for_complete()
        app.push_screen(NotesScreen())
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        lab = app.screen
        assert isinstance(lab, LabScreen)
        assert lab.experiment == "train" and lab.train_params == SMALL_TRAINING
        await app.workers.wait_for_complete()


async def test_a_lesion_that_cannot_fit_says_why_in_its_tab(monkeypatch):
    import tutor.sim.params as params_module

    monkeypatch.setattr(params_module, "SMALL_RUN_BYTES", 0)
    monkeypatch.setattr(params_module, "available_memory", lambda: 1000)
    app = TabApp("lesion", SimParams(depth=8, width=16))
    async with app.run_test(size=SIZE) as pilot:
        with contextlib.suppress(WorkerFailed):  # the lesion's worker fails, as it should
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.lab.lesion is None
        assert app.lab.lesion_status.startswith("cannot delete the blocks:")
        assert "memory" in app.lab.lesion_status
