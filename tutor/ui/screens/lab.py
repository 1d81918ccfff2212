"""The lab: three experiments on residual networks, one tab each, steered by keys.

*Signal*: forward and gradient norms across depth, plain vs residual. *Lesion*: delete
one block at a time and see how far the output moves (Veit et al. 2016). *Train*: plain
and residual networks of several depths trained side by side (the degradation problem,
He et al. 2016).

Every key is a screen binding (nothing takes focus); `[` and `]` switch tabs, and
the keys a tab has no use for leave the footer. A parameter change starts an
exclusive thread worker that runs both variants on the screen's one ``Simulator``
(so weights are reused) and posts ``SimFinished``; the plots update from that
message. A burst of keys collapses: each new run cancels the older one between
layers, and a result for parameters no longer current is dropped. The lesion runs
the same way on the same simulator when its tab is showing; training runs in its own
worker, posting a snapshot of the curves as they grow, until done or cancelled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Static, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from tutor.lessons.model import Experiment
from tutor.notes import Anchor
from tutor.sim import (
    LabRun,
    LesionResult,
    SimParamError,
    SimParams,
    Simulator,
    TrainParams,
    TrainResult,
    Workspace,
    estimated_lesion_seconds,
    estimated_seconds,
    finding,
    lesion_blocks,
    paced,
    run_both,
    training,
)
from tutor.ui.screens.base import BaseScreen
from tutor.ui.widgets.lab_controls import (
    KNOBS,
    TRAIN_KNOBS,
    LabControls,
    training_caption,
)
from tutor.ui.widgets.lab_readout import LabReadout
from tutor.ui.widgets.lesion_plot import LesionPlot, PathsPlot
from tutor.ui.widgets.norm_plot import NormPlot, PlotLegend
from tutor.ui.widgets.train_plot import TrainPlot

#: The tabs in order, as `[` and `]` step through them.
EXPERIMENTS: tuple[Experiment, ...] = ("signal", "lesion", "train")

#: Layers the cursor advances per second at 1× (the seed page's step-through pace).
LAYERS_PER_SECOND = 10
#: A run estimated to take longer than this (fresh, on a modest machine) is refused
#: by the knobs: the lab stays interactive, and ``restutor sim`` runs it headless.
LAB_BUDGET_SECONDS = 5.0
#: Runs estimated to take longer than this report their progress in the panel, this often.
PROGRESS_AFTER_SECONDS = 0.3
PROGRESS_EVERY_SECONDS = 0.1
#: A change whose plots take longer than this shows in the panel at once, marked
#: "computing…"; a quicker one shows with its plots, in the same frame. (An extra
#: frame for the panel alone would hold back the plots' frame by up to two frame
#: periods: Textual's screen update timer realigns after an early tick.)
REVEAL_PENDING_AFTER_SECONDS = 0.1
#: Below this width the side column narrows and the readout gives its room to the plots.
NARROW_WIDTH = 100
#: While training, the curves are redrawn at most this often (each redraw costs the
#: UI thread a plot; the training thread keeps going in between).
TRAIN_FRAME_SECONDS = 0.15
#: Actions that steer the signal panels only (the layer cursor and its player).
SIGNAL_ONLY = {"play", "step", "speed"}

_TAB = Binding.Group("tab", compact=True)
_SELECT = Binding.Group("select", compact=True)
_CHANGE = Binding.Group("change", compact=True)
_STEP = Binding.Group("layer", compact=True)
_SPEED = Binding.Group("speed", compact=True)


class _Superseded(Exception):
    """Raised inside a run whose worker was cancelled, to stop it between layers."""


class LabScreen(BaseScreen):
    """Three tabs of live plots beside the parameter panel (and, on Signal, the readout)."""

    LOCATION = "lab"
    CSS_PATH = "lab.tcss"
    BINDINGS = [
        Binding("left_square_bracket", "tab(-1)", "tab", key_display="[", group=_TAB),
        Binding("right_square_bracket", "tab(1)", "tab", key_display="]", group=_TAB),
        Binding("up", "select(-1)", "up", group=_SELECT),
        Binding("down", "select(1)", "down", group=_SELECT),
        Binding("k", "select(-1)", show=False),
        Binding("j", "select(1)", show=False),
        Binding("left", "change(-1)", "less", group=_CHANGE),
        Binding("right", "change(1)", "more", group=_CHANGE),
        Binding("minus", "change(-1)", show=False),
        Binding("plus,equals_sign", "change(1)", show=False),
        Binding("t", "toggle_skip", "skip"),
        Binding("r", "reseed", "reseed"),
        Binding("c", "copy_command", "copy cmd"),
        Binding("0", "reset", "reset"),
        Binding("space", "play", "play"),
        Binding("comma", "step(-1)", "back", group=_STEP),
        Binding("full_stop", "step(1)", "forward", group=_STEP),
        Binding("1", "speed(0.25)", "¼×", group=_SPEED),
        Binding("2", "speed(1)", "1×", group=_SPEED),
        Binding("3", "speed(4)", "4×", group=_SPEED),
        Binding("enter", "train", "train"),
        Binding("x", "cancel_training", "stop"),
        Binding("escape", "back", "back"),
    ]

    # The screen draws none of these itself (``var``: no repaint of the whole
    # screen); its widgets redraw from them through ``data_bind``.
    params: var[SimParams] = var(SimParams, init=False)
    panel_params: var[SimParams] = var(SimParams)
    selected: var[int] = var(0)
    run: var[LabRun | None] = var(None)
    cursor: var[int] = var(0)
    playing: var[bool] = var(False, init=False)
    speed: var[float] = var(1.0, init=False)
    status: var[str] = var("")
    experiment: var[Experiment] = var("signal", init=False)
    lesion: var[LesionResult | None] = var(None)
    lesion_status: var[str] = var("")
    train_params: var[TrainParams] = var(TrainParams)
    train_selected: var[int] = var(0)
    training: var[TrainResult | None] = var(None)
    train_status: var[str] = var("")

    @dataclass
    class SimFinished(Message):
        """Both variants of ``run.params`` are ready to draw."""

        run: LabRun

    @dataclass
    class SimProgress(Message):
        """How far a long run for ``params`` has got, e.g. "propagating… 40%"."""

        params: SimParams
        text: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LabScreen.SimProgress)

    @dataclass
    class LesionFinished(Message):
        """Every block of ``result.params`` deleted in turn, both variants."""

        result: LesionResult

    @dataclass
    class TrainProgress(Message):
        """The curves so far (``result.complete`` once every network has trained) of the
        ``generation``-th training started on this screen."""

        result: TrainResult
        generation: int

    def __init__(
        self,
        params: SimParams,
        title: str | None = None,
        experiment: Experiment = "signal",
        train: TrainParams | None = None,
    ) -> None:
        super().__init__()
        self.opening_params = params
        self.opening_train = train or TrainParams()
        self.opening_experiment = experiment
        self.set_reactive(LabScreen.train_params, self.opening_train)
        self.set_reactive(LabScreen.experiment, experiment)
        if title:
            self.LOCATION = f"{self.LOCATION} · {title}"  # the header shows where the lab came from
        self.set_reactive(LabScreen.params, params)
        self.set_reactive(LabScreen.panel_params, params)
        self._simulator = Simulator()
        # A cancelled thread worker runs on until its next layer: the lock keeps
        # two runs off the one simulator, and the next run waits its turn.
        self._simulator_lock = threading.Lock()
        self._player: Timer | None = None
        self._reveal_pending: Timer | None = None
        self._lesion_workspace = Workspace()
        self._train_generation = 0  # which training run the curves on screen belong to

    def compose_content(self) -> ComposeResult:
        with Horizontal(id="lab-body"):
            with TabbedContent(id="lab-tabs", initial=self.opening_experiment):
                with TabPane("Signal", id="signal"):
                    yield NormPlot("forward", id="forward-plot").data_bind(
                        LabScreen.run, LabScreen.cursor
                    )
                    yield NormPlot("backward", id="backward-plot").data_bind(
                        LabScreen.run, LabScreen.cursor
                    )
                    yield PlotLegend().data_bind(LabScreen.run)
                with TabPane("Lesion", id="lesion"):
                    yield LesionPlot(id="lesion-plot").data_bind(
                        result=LabScreen.lesion, waiting=LabScreen.lesion_status
                    )
                    yield PathsPlot(id="paths-plot")
                    yield Static(id="lesion-summary", markup=False)
                with TabPane("Train", id="train"):
                    yield TrainPlot(id="train-plot").data_bind(result=LabScreen.training)
                    yield Static(id="train-summary", markup=False)
            with Vertical(id="lab-side"):
                yield LabControls(id="network-controls").data_bind(
                    LabScreen.selected, LabScreen.status, params=LabScreen.panel_params
                )
                yield LabControls(
                    TRAIN_KNOBS, "training", training_caption, id="train-controls"
                ).data_bind(
                    params=LabScreen.train_params,
                    selected=LabScreen.train_selected,
                    status=LabScreen.train_status,
                )
                yield LabReadout().data_bind(
                    LabScreen.run, LabScreen.cursor, LabScreen.playing, LabScreen.speed
                )

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_WIDTH, "narrow")
        self.query_one(Tabs).can_focus = False  # the lab's keys stay the lab's
        self.set_focus(None)
        self._restart_player()
        self._simulate(self.params)
        self.watch_experiment(self.experiment)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "narrow")

    # -- simulation ---------------------------------------------------------------

    def watch_params(self, params: SimParams) -> None:
        self.cursor = min(self.cursor, params.depth)
        self._simulate(params)
        if self.experiment == "lesion":
            self._lesion_if_stale()

    @work(thread=True, exclusive=True, group="sim", exit_on_error=False)
    def _simulate(self, params: SimParams) -> None:
        """Run both variants off the UI thread; touch nothing here but messages."""
        worker = get_current_worker()
        report = estimated_seconds(params) > PROGRESS_AFTER_SECONDS
        last_report = 0.0

        def progress(stage: str, done: int, total: int | None) -> None:
            nonlocal last_report
            if worker.is_cancelled:
                raise _Superseded
            if report and time.monotonic() - last_report > PROGRESS_EVERY_SECONDS:
                last_report = time.monotonic()
                amount = f"{100 * done // total}%" if total else f"{done} layers"
                self.post_message(self.SimProgress(params, f"{stage}… {amount}"))

        with self._simulator_lock:
            if worker.is_cancelled:
                return
            try:
                run = run_both(self._simulator, params, progress)
            except _Superseded:
                return
        if not worker.is_cancelled:
            self.post_message(self.SimFinished(run))

    @on(SimFinished)
    def _show_run(self, message: SimFinished) -> None:
        if message.run.params != self.params:
            return  # a newer run is on its way
        self._stop_reveal()
        self.run = message.run
        self.panel_params = message.run.params
        self.status = ""

    @on(SimProgress)
    def _show_progress(self, message: SimProgress) -> None:
        if message.params == self.params:
            self.status = message.text

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, SimParamError):
            text = str(error)
        elif isinstance(error, MemoryError):
            text = "not enough memory for this run; lower depth or width"
        else:
            text = f"the {event.worker.group} run failed: {error!r}"
        self.notify(text, title="Cannot run", severity="error", timeout=8, markup=False)
        if event.worker.group == "lesion":
            self.lesion = None  # not the old network's lesion beside the new parameters
            self.lesion_status = f"cannot delete the blocks: {text}"
            return
        if event.worker.group == "train":
            self.train_status = "training failed: enter tries again"
            self.refresh_bindings()
            return
        self._stop_reveal()
        if self.run is None:
            self.status = f"cannot run: {text}"
        else:
            # Back to what the plots show, so the panel and the plots agree again.
            self.status = ""
            self.params = self.run.params

    # -- tabs ---------------------------------------------------------------------

    def action_tab(self, direction: int) -> None:
        index = EXPERIMENTS.index(self.experiment)
        self.experiment = EXPERIMENTS[(index + direction) % len(EXPERIMENTS)]

    @on(TabbedContent.TabActivated, "#lab-tabs")
    def _tab_clicked(self, event: TabbedContent.TabActivated) -> None:
        self.experiment = event.pane.id  # type: ignore[assignment]

    def watch_experiment(self, experiment: Experiment) -> None:
        self.query_one("#lab-tabs", TabbedContent).active = experiment
        for name in EXPERIMENTS:
            self.set_class(experiment == name, f"-{name}")
        self.refresh_bindings()
        if experiment == "lesion":
            self._lesion_if_stale()
        elif experiment == "train" and self.training is None:
            self.action_train()  # the first visit shows the experiment, not an empty plot

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each tab's footer shows the keys that do something there."""
        experiment = self.experiment
        if action in SIGNAL_ONLY:
            return experiment == "signal"
        if action == "toggle_skip":  # the lesion and the training run both variants anyway
            return experiment == "signal"
        if action == "train":
            return experiment == "train"
        if action == "cancel_training":
            return experiment == "train" and self._training_now()
        return True

    # -- lesion ---------------------------------------------------------------------

    @property
    def lesion_params(self) -> SimParams:
        """The network the Lesion tab shows: both variants are lesioned, so the skip
        toggle is no part of it (one state, one command, one note anchor)."""
        return replace(self.params, residual=True)

    def _lesion_if_stale(self) -> None:
        params = self.lesion_params
        if self.lesion is not None and self.lesion.params == params:
            return
        self.lesion = None
        cost = estimated_lesion_seconds(params)
        if cost > LAB_BUDGET_SECONDS:
            self.workers.cancel_group(self, "lesion")
            self.lesion_status = (
                f"deleting each of {params.depth} blocks would take about {cost:.0f} s "
                "here: lower the depth, or run `restutor lesion` outside the lab"
            )
            return
        self.lesion_status = "deleting one block at a time…"
        self._lesion(params)

    @work(thread=True, exclusive=True, group="lesion", exit_on_error=False)
    def _lesion(self, params: SimParams) -> None:
        """Delete each block in turn on the lab's own weights, off the UI thread."""
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Superseded

        with self._simulator_lock:
            if worker.is_cancelled:
                return
            try:
                result = lesion_blocks(
                    params, self._simulator, progress, self._lesion_workspace
                )
            except _Superseded:
                return
        if not worker.is_cancelled:
            self.post_message(self.LesionFinished(result))

    @on(LesionFinished)
    def _show_lesion(self, message: LesionFinished) -> None:
        if message.result.params != self.lesion_params:
            return  # a newer lesion is on its way
        from tutor.sim import lesion_summary

        self.lesion = message.result
        self.lesion_status = lesion_summary(message.result)

    def watch_lesion_status(self, text: str) -> None:
        self.query_one("#lesion-summary", Static).update(text)

    def watch_lesion(self, result: LesionResult | None) -> None:
        self.query_one(PathsPlot).depth = result.params.depth if result else 0

    # -- training -------------------------------------------------------------------

    def action_train(self) -> None:
        """Train every network of the current setup from the start (cancelling a run)."""
        self.training = TrainResult(self.train_params, (), 0)
        self.train_status = "training…"
        self._train_generation += 1
        self._train(self.train_params, self._train_generation)
        self.refresh_bindings()

    def action_cancel_training(self) -> None:
        self.workers.cancel_group(self, "train")
        self._train_generation += 1  # what it already posted is no longer wanted
        result = self.training
        done = f"{100 * result.done // result.total}%" if result else "nothing"
        self.train_status = f"stopped at {done}: enter trains again"
        self.query_one("#train-summary", Static).update(
            "Stopped: the finished curves stay, with no verdict on partial ones."
        )
        self.refresh_bindings()

    def _training_now(self) -> bool:
        return any(
            worker.group == "train" and worker.node is self and not worker.is_finished
            for worker in self.workers
        )

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train(self, params: TrainParams, generation: int) -> None:
        """Train off the UI thread; post a snapshot at most every ``TRAIN_FRAME_SECONDS``."""
        worker = get_current_worker()
        for result in paced(training(params), TRAIN_FRAME_SECONDS):
            if worker.is_cancelled:
                return
            self.post_message(self.TrainProgress(result, generation))

    @on(TrainProgress)
    def _show_training(self, message: TrainProgress) -> None:
        if message.generation != self._train_generation:
            return  # from a run since cancelled or replaced
        result = message.result
        self.training = result
        if result.complete:
            self.train_status = ""
            self.query_one("#train-summary", Static).update(finding(result))
            self.refresh_bindings()
        else:
            run = result.runs[-1]
            self.train_status = f"training {run.name}… {100 * result.done // result.total}%"
            self.query_one("#train-summary", Static).update(
                "x stops the training; the finished curves stay."
            )

    # -- steering -----------------------------------------------------------------

    def _propose(self, change: Callable[[SimParams], SimParams]) -> None:
        """Apply a parameter change, or say why not (limits, the lab's time budget)."""
        try:
            params = change(self.params)
        except SimParamError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        if params == self.params:
            return
        cost = estimated_seconds(params)
        if cost > LAB_BUDGET_SECONDS:
            self.notify(
                f"depth {params.depth} at width {params.width} would take about {cost:.0f} s "
                f"here; `restutor sim` runs it outside the lab",
                title="Too slow for the lab",
                severity="warning",
                markup=False,
            )
            return
        self.params = params
        self._stop_reveal()
        self._reveal_pending = self.set_timer(REVEAL_PENDING_AFTER_SECONDS, self._reveal)

    def _reveal(self) -> None:
        """The run is taking a while: show its parameters now, marked as computing."""
        self.panel_params = self.params
        self.status = "computing…"

    def _stop_reveal(self) -> None:
        if self._reveal_pending is not None:
            self._reveal_pending.stop()
            self._reveal_pending = None

    def action_select(self, direction: int) -> None:
        if self.experiment == "train":
            self.train_selected = (self.train_selected + direction) % len(TRAIN_KNOBS)
        else:
            self.selected = (self.selected + direction) % len(KNOBS)

    def action_change(self, direction: int) -> None:
        if self.experiment == "train":
            knob = TRAIN_KNOBS[self.train_selected]
            self._propose_training(lambda params: knob.turn(params, direction))
        else:
            knob = KNOBS[self.selected]
            self._propose(lambda params: knob.turn(params, direction))

    def _propose_training(self, change: Callable[[TrainParams], TrainParams]) -> None:
        """A new training setup: the old curves no longer answer it, so it trains afresh."""
        try:
            params = change(self.train_params)
        except SimParamError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        if params != self.train_params:
            self.train_params = params
            self.action_train()

    def action_toggle_skip(self) -> None:
        self._propose(lambda params: replace(params, residual=not params.residual))

    def action_reseed(self) -> None:
        if self.experiment == "train":
            self._propose_training(lambda params: replace(params, seed=params.seed + 1))
        else:
            self._propose(lambda params: replace(params, seed=params.seed + 1))

    def action_reset(self) -> None:
        if self.experiment == "train":
            self._propose_training(lambda params: self.opening_train)
            return
        self.playing = False
        self.cursor = 0
        self._propose(lambda params: self.opening_params)

    def _state(self) -> SimParams | TrainParams:
        """What the current tab runs: the training setup, or the network."""
        if self.experiment == "train":
            return self.train_params
        return self.lesion_params if self.experiment == "lesion" else self.params

    def _command(self) -> str:
        """The command line that reruns what this tab shows."""
        from tutor.notes import lab_command

        return lab_command(self.experiment, self._state())

    def action_copy_command(self) -> None:
        command = self._command()
        self.app.copy_to_clipboard(command)
        self.notify(command, title="Copied to the clipboard", markup=False)

    def note_anchor(self) -> Anchor:
        """The lab's current tab and state, kept so the note can reopen them exactly."""
        from tutor.notes import lab_anchor

        return lab_anchor(self.experiment, self._state())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            for group in ("sim", "lesion", "train"):
                self.workers.cancel_group(self, group)
            self.dismiss()

    # -- stepping through the layers -----------------------------------------------

    def action_step(self, direction: int) -> None:
        self.playing = False
        self.cursor = max(0, min(self.params.depth, self.cursor + direction))

    def action_play(self) -> None:
        if not self.playing and self.cursor >= self.params.depth:
            self.cursor = 0
        self.playing = not self.playing

    def action_speed(self, speed: float) -> None:
        self.speed = speed

    def watch_playing(self, playing: bool) -> None:
        if self._player is not None:
            (self._player.resume if playing else self._player.pause)()

    def watch_speed(self) -> None:
        self._restart_player()

    def _restart_player(self) -> None:
        """One tick at most ten times a second; faster speeds move more layers a tick."""
        if self._player is not None:
            self._player.stop()
        ticks_per_second = min(self.speed * LAYERS_PER_SECOND, LAYERS_PER_SECOND)
        self._player = self.set_interval(
            1 / ticks_per_second, self._advance, pause=not self.playing
        )

    def _advance(self) -> None:
        layers = max(1, round(self.speed))
        self.cursor = min(self.params.depth, self.cursor + layers)
        if self.cursor >= self.params.depth:
            self.playing = False
