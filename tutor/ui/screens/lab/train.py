"""The Train tab: plain and residual networks of several depths trained side by side (the
degradation problem, He et al. 2016).

Training runs in its own thread worker, posting a snapshot of the curves as they grow
(`TRAIN_FRAMES` in all), until done or cancelled. Each training started gets a new
generation number, so what a cancelled or replaced run already posted is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from tutor.sim import TrainParams, TrainResult, finding, frame_of, training, your_run
from tutor.ui.screens.lab.pane import KnobPane
from tutor.ui.widgets.lab_controls import TRAIN_KNOBS, LabControls, training_caption
from tutor.ui.widgets.train_plot import TrainLegend, TrainPlot

#: While training, the curves are redrawn this many times in all, as each share of the
#: steps is done (at the defaults twice a network: half-way and finished), and no more
#: on a slow machine. A redraw holds the interpreter lock for a plot that the training
#: thread waits out, about 30 ms: paced by time (every 0.15 s) the tab took 1.7× as long
#: as `restutor train`; 24 redraws took 1.35×, 12 take 1.25× (benchmarks/README.md).
TRAIN_FRAMES = 12


class TrainPane(KnobPane):
    """The training-loss curves, the training setup's knobs, and what the curves show."""

    EXPERIMENT = "train"
    TITLE = "Train"
    KNOBS = TRAIN_KNOBS

    params: var[TrainParams] = var(TrainParams)
    result: var[TrainResult | None] = var(None)
    status: var[str] = var("")

    @dataclass
    class TrainProgress(Message, bubble=False):
        """The curves so far (``result.complete`` once every network has trained) of the
        ``generation``-th training started on this pane."""

        result: TrainResult
        generation: int

    def __init__(self, params: TrainParams, measured: TrainResult | None = None) -> None:
        """``measured``: these very networks trained already (by a practice item), shown
        on the first visit instead of training them again."""
        super().__init__()
        self.opening_params = params
        self._measured = measured
        self.set_reactive(TrainPane.params, params)
        self._generation = 0  # which training run the curves on screen belong to
        self._controls = LabControls(TRAIN_KNOBS, "training", training_caption, id="train-controls")

    def compose(self) -> ComposeResult:
        yield TrainPlot(id="train-plot").data_bind(result=TrainPane.result)
        yield TrainLegend().data_bind(result=TrainPane.result)
        yield Static(id="train-summary", markup=False)
        yield Static(id="train-run", markup=False)  # the finals: a narrow lab leaves them out

    def side(self) -> Iterable[Widget]:
        return (self._controls,)

    def on_mount(self) -> None:
        self._controls.data_bind(TrainPane.params, TrainPane.selected, TrainPane.status)

    def state(self) -> TrainParams:
        return self.params

    def shown(self) -> None:
        if self.result is None and self._measured is not None:
            self._show_training(self.TrainProgress(self._measured, self._generation))
        elif self.result is None:
            self.action_train()  # the first visit shows the experiment, not an empty plot

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_training":
            return self.is_training()
        return True

    def failed(self, text: str) -> None:
        self.status = "training failed: enter tries again"
        self.refresh_bindings()

    # -- training -------------------------------------------------------------------

    def action_train(self) -> None:
        """Train every network of the current setup from the start (cancelling a run)."""
        self.query_one("#train-run", Static).update("")
        self.query_one("#train-summary", Static).update(
            "x stops the training; the finished curves stay."
        )
        self.result = TrainResult(self.params, (), 0)
        self.status = "training…"
        self._generation += 1
        self._train(self.params, self._generation)
        self.refresh_bindings()

    def action_cancel_training(self) -> None:
        self.workers.cancel_group(self, "train")
        self._generation += 1  # what it already posted is no longer wanted
        result = self.result
        done = f"{100 * result.done // result.total}%" if result else "nothing"
        self.status = f"stopped at {done}: enter trains again"
        self.query_one("#train-summary", Static).update(
            "Stopped: the finished curves stay, with no verdict on partial ones."
        )
        self.refresh_bindings()

    def is_training(self) -> bool:
        """Whether a training started here is still running."""
        return any(
            worker.group == "train" and worker.node is self and not worker.is_finished
            for worker in self.workers
        )

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train(self, params: TrainParams, generation: int) -> None:
        """Train off the UI thread; post a snapshot as each of `TRAIN_FRAMES` shares of
        the steps is done (and stop at any point once cancelled)."""
        worker = get_current_worker()
        shown = -1
        for result in training(params):
            if worker.is_cancelled:
                return
            frame = frame_of(result, TRAIN_FRAMES)
            if frame > shown:
                shown = frame
                self.post_message(self.TrainProgress(result, generation))

    @on(TrainProgress)
    def _show_training(self, message: TrainProgress) -> None:
        if message.generation != self._generation:
            return  # from a run since cancelled or replaced
        result = message.result
        self.result = result
        if result.complete:
            self.status = ""
            self.query_one("#train-summary", Static).update(finding(result))
            self.query_one("#train-run", Static).update(your_run(result))
            self.refresh_bindings()
        else:
            run = result.runs[-1]
            self.status = f"training {run.name}… {100 * result.done // result.total}%"

    # -- steering -------------------------------------------------------------------

    def apply(self, params: TrainParams) -> None:
        """A new training setup: the old curves no longer answer it, so it trains afresh."""
        self.params = params
        self.action_train()

    def action_reset(self) -> None:
        self.propose(lambda params: self.opening_params)
