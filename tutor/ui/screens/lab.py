"""The lab: forward and gradient norms across depth, plain vs residual, steered by keys.

Every key is a screen binding (nothing takes focus). A parameter change starts an
exclusive thread worker that runs both variants on the screen's one ``Simulator``
(so weights are reused) and posts ``SimFinished``; the plots update from that
message. A burst of keys collapses: each new run cancels the older one between
layers, and a result for parameters no longer current is dropped.
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
from textual.worker import Worker, WorkerState, get_current_worker

from tutor.sim import SimParamError, SimParams, Simulator
from tutor.sim.params import estimated_seconds, sim_command
from tutor.ui.lab_run import LabRun, run_both
from tutor.ui.screens.base import BaseScreen
from tutor.ui.widgets.lab_controls import KNOBS, LabControls
from tutor.ui.widgets.lab_readout import LabReadout
from tutor.ui.widgets.norm_plot import NormPlot, PlotLegend

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

_SELECT = Binding.Group("select", compact=True)
_CHANGE = Binding.Group("change", compact=True)
_STEP = Binding.Group("layer", compact=True)
_SPEED = Binding.Group("speed", compact=True)


class _Superseded(Exception):
    """Raised inside a run whose worker was cancelled, to stop it between layers."""


class LabScreen(BaseScreen):
    """Two live panels, the parameter panel and the readout."""

    LOCATION = "lab"
    CSS_PATH = "lab.tcss"
    BINDINGS = [
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

    def __init__(self, params: SimParams, title: str | None = None) -> None:
        super().__init__()
        self.opening_params = params
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

    def compose_content(self) -> ComposeResult:
        with Horizontal(id="lab-body"):
            with Vertical(id="lab-plots"):
                yield NormPlot("forward", id="forward-plot").data_bind(
                    LabScreen.run, LabScreen.cursor
                )
                yield NormPlot("backward", id="backward-plot").data_bind(
                    LabScreen.run, LabScreen.cursor
                )
                yield PlotLegend().data_bind(LabScreen.run)
            with Vertical(id="lab-side"):
                yield LabControls().data_bind(
                    LabScreen.selected, LabScreen.status, params=LabScreen.panel_params
                )
                yield LabReadout().data_bind(
                    LabScreen.run, LabScreen.cursor, LabScreen.playing, LabScreen.speed
                )

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_WIDTH, "narrow")
        self._restart_player()
        self._simulate(self.params)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "narrow")

    # -- simulation ---------------------------------------------------------------

    def watch_params(self, params: SimParams) -> None:
        self.cursor = min(self.cursor, params.depth)
        self._simulate(params)

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
        if event.worker.group != "sim" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, SimParamError):
            text = str(error)
        elif isinstance(error, MemoryError):
            text = "not enough memory for this run; lower depth or width"
        else:
            text = f"the simulation failed: {error!r}"
        self.notify(text, title="Cannot run", severity="error", timeout=8, markup=False)
        self._stop_reveal()
        if self.run is None:
            self.status = f"cannot run: {text}"
        else:
            # Back to what the plots show, so the panel and the plots agree again.
            self.status = ""
            self.params = self.run.params

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
        self.selected = (self.selected + direction) % len(KNOBS)

    def action_change(self, direction: int) -> None:
        knob = KNOBS[self.selected]
        self._propose(lambda params: knob.turn(params, direction))

    def action_toggle_skip(self) -> None:
        self._propose(lambda params: replace(params, residual=not params.residual))

    def action_reseed(self) -> None:
        self._propose(lambda params: replace(params, seed=params.seed + 1))

    def action_reset(self) -> None:
        self.playing = False
        self.cursor = 0
        self._propose(lambda params: self.opening_params)

    def action_copy_command(self) -> None:
        command = sim_command(self.params)
        self.app.copy_to_clipboard(command)
        self.notify(command, title="Copied to the clipboard", markup=False)

    def note_anchor(self):  # noqa: ANN201
        """The lab's current state, kept so the note can reopen it exactly."""
        from tutor.ui.screens.note_editor import Anchor

        command = sim_command(self.params)
        options = command.removeprefix("restutor sim").strip()
        return Anchor("lab", options or "defaults", command, data=self.params.to_dict())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
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
