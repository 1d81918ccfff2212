"""The evidence a committed prediction gets: the experiment its item names, run in a
thread worker (the lab state's signal or lesion, or the networks trained), then drawn
with the prediction marked (``PredictionPlot``).

The widget owns that worker and its one failure handler. While the experiment runs, a
line says so (training says how far it has got); if it fails, or the lab state is too big
for the lab's budget, the same line says what went wrong and how to move on, and
``PredictionEvidence.Failed`` tells the screen to make the item usable again, so it is
never left at "Running…". What was measured goes up to the screen as
``PredictionEvidence.Measured``, and the screen grades. The worker stops between layers
once cancelled (the learner moved on, or quit): quitting never waits for a measurement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from tutor.lessons.model import PredictSimItem, PredictTrainItem
from tutor.sim import SimParamError
from tutor.ui.widgets.prediction_plot import PredictionPlot

if TYPE_CHECKING:
    from tutor.sim import LesionResult, SimResult, TrainResult

#: How often a training item's progress is redrawn while the networks train.
PROGRESS_EVERY_SECONDS = 0.2


class PredictionEvidence(Vertical):
    DEFAULT_CSS = """
    PredictionEvidence {
        height: auto;
    }
    PredictionEvidence > #evidence-status {
        margin: 1 0 0 0;
        text-style: italic;
    }
    PredictionEvidence.-failed > #evidence-status {
        color: $text-error;
        text-style: none;
    }
    """

    #: The line shown while the experiment runs, or why it failed.
    status: reactive[str] = reactive("")

    @dataclass
    class Measured(Message):
        """What the experiment measured for the item (None where there is no value, e.g.
        a run that diverged), and the run itself as the evidence."""

        item_id: str
        value: float | None
        result: SimResult | LesionResult | TrainResult

    @dataclass
    class Failed(Message):
        """The experiment for ``item_id`` could not run or failed: nothing to grade."""

        item_id: str

    @dataclass
    class Progress(Message, bubble=False):
        """How far the networks have got (from the worker to the widget only)."""

        text: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PredictionEvidence.Progress)

    def __init__(
        self,
        item: PredictSimItem | PredictTrainItem,
        prediction: float | tuple[float, float],
    ) -> None:
        super().__init__()
        self.item, self.prediction = item, prediction
        #: What the experiment measured, once it has (the lab opened from the item shows it).
        self.measured: SimResult | LesionResult | TrainResult | None = None
        doing = "Training the networks" if isinstance(item, PredictTrainItem) else "Running"
        self.set_reactive(PredictionEvidence.status, f"{doing}…")

    def compose(self) -> ComposeResult:
        yield Static(Text(self.status), id="evidence-status")

    def on_mount(self) -> None:
        self._measure(self.item)

    def watch_status(self, status: str) -> None:
        self.query_one("#evidence-status", Static).update(Text(status))

    # -- the worker (it only posts messages) -----------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="evidence")
    def _measure(self, item: PredictSimItem | PredictTrainItem) -> None:
        from tutor.practice import measures

        result: SimResult | LesionResult | TrainResult
        if isinstance(item, PredictTrainItem):
            trained = self._train(item)
            if trained is None:
                return  # the learner moved on: the worker was cancelled
            result, value = trained, measures.train_measure(trained, item.measure)
        else:
            worker = get_current_worker()

            def stop_if_cancelled(done: int, total: int) -> None:
                if worker.is_cancelled:
                    raise _Cancelled

            try:
                ran = measures.run_lab_state(item.lab.params, item.measure, stop_if_cancelled)
            except _Cancelled:
                return
            result, value = ran, measures.measure(ran, item.measure)
        self.post_message(self.Measured(item.id, value, result))

    def _train(self, item: PredictTrainItem) -> TrainResult | None:
        """Train the item's networks, reporting progress; None if cancelled on the way."""
        from tutor.practice.measures import train_params
        from tutor.sim import paced, training

        worker = get_current_worker()
        for result in paced(training(train_params(item.train)), PROGRESS_EVERY_SECONDS):
            if worker.is_cancelled:
                return None
            if result.complete:
                return result
            percent = 100 * result.done // result.total
            self.post_message(self.Progress(f"Training the networks… {percent}%"))
        raise RuntimeError("training ended without a finished experiment")

    # -- what the worker reports ---------------------------------------------------------

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        if not self.has_class("-failed"):
            self.status = message.text

    @on(Measured)
    def _draw(self, message: Measured) -> None:
        """Draw the run with the prediction marked, and for trained networks their final
        losses (what is graded is this run, so the learner reads its numbers, not the
        lesson's); the message goes on up to be graded."""
        self.measured = message.result
        self.query_one("#evidence-status").display = False
        self.mount(PredictionPlot(message.result, self.item.measure, self.prediction))
        if isinstance(self.item, PredictTrainItem):
            from tutor.sim import your_run

            trained = cast("TrainResult", message.result)
            self.mount(Static(your_run(trained), id="evidence-run", markup=False))

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The one place the worker's failure is reported: in place of the running line."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self.add_class("-failed")
        if isinstance(error, SimParamError):  # too big for the lab, or for the memory
            self.status = (
                f"This experiment is not run here: {error}. The prediction cannot be graded; "
                "] moves on to the next item."
            )
        else:
            self.status = (
                f"The experiment failed ({type(error).__name__}: {error}), so this prediction "
                "cannot be graded. Enter tries again; ] moves on to the next item."
            )
        self.post_message(self.Failed(self.item.id))


class _Cancelled(Exception):
    """Raised between layers of a measurement whose worker was cancelled."""
