"""The Signal tab: forward and gradient norms across depth, plain vs residual.

The pane owns the network the lab steers (the Lesion tab deletes blocks of the same
one). A parameter change runs both variants on the lab's one ``Simulator`` (so weights
are reused): a small run on weights already drawn right in the key's handler, anything
else in an exclusive thread worker that posts ``SimFinished``; the plots update from
that message. A burst of keys collapses: each new run cancels
the older one between layers, and a result for parameters no longer current is
dropped. A layer cursor steps through the depth, by hand or played by a ticker.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget
from textual.worker import get_current_worker

from tutor.sim import (
    LabRun,
    OverBudget,
    SimParams,
    SimResult,
    check_interactive,
    estimated_rerun_seconds,
    estimated_seconds,
    run_both,
)
from tutor.ui.screens.lab.pane import (
    KnobPane,
    Superseded,
    Ticker,
    failure_text,
    run_unless_cancelled,
)
from tutor.ui.screens.lab.warm import LabCache
from tutor.ui.widgets.lab_controls import KNOBS, LabControls
from tutor.ui.widgets.lab_readout import LabReadout
from tutor.ui.widgets.norm_plot import NormPlot, PlotLegend

#: Layers the cursor advances per second at 1× (the seed page's step-through pace).
LAYERS_PER_SECOND = 10
#: Runs estimated to take longer than this report their progress in the panel, this often.
PROGRESS_AFTER_SECONDS = 0.3
PROGRESS_EVERY_SECONDS = 0.1
#: A change whose plots take longer than this shows in the panel at once, marked
#: "computing…"; a quicker one shows with its plots, in the same frame. (An extra
#: frame for the panel alone would hold back the plots' frame by up to two frame
#: periods: Textual's screen update timer realigns after an early tick.)
REVEAL_PENDING_AFTER_SECONDS = 0.1
#: A run on weights already drawn, estimated under this, runs on the UI thread and draws
#: in the same frame: half the 50 ms a key may take to its new plot (the estimate is
#: within 2×; at the lab's defaults it says 18 ms for the 11 ms the two variants take).
INLINE_SECONDS = 0.025


class SignalPane(KnobPane):
    """Both plots of the network on screen, its knobs, and the layer cursor's readout."""

    EXPERIMENT = "signal"
    TITLE = "Signal"
    KNOBS = KNOBS

    # The pane draws none of these itself (``var``: no repaint of the pane); its
    # widgets redraw from them through ``data_bind``.
    params: var[SimParams] = var(SimParams, init=False)
    #: The parameters the panel shows: those of the plots, or of a run taking a while.
    panel_params: var[SimParams] = var(SimParams)
    run: var[LabRun | None] = var(None)
    cursor: var[int] = var(0)
    playing: var[bool] = var(False, init=False)
    speed: var[float] = var(1.0, init=False)
    status: var[str] = var("")

    @dataclass
    class SimFinished(Message, bubble=False):
        """Both variants of ``run.params`` are ready to draw."""

        run: LabRun

    @dataclass
    class SimProgress(Message, bubble=False):
        """How far a long run for ``params`` has got, e.g. "propagating… 40%"."""

        params: SimParams
        text: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, SignalPane.SimProgress)

    def __init__(
        self,
        params: SimParams,
        cache: LabCache,
        measured: SimResult | None = None,
    ) -> None:
        """``measured``: ``params`` run already (by a practice item): only its counterpart
        is run for the first plots. ``cache``: the app's simulator and, if the warm-up ran
        ``params``, the first plots."""
        super().__init__()
        self.opening_params = params
        self._measured = measured
        #: The plots are behind the parameters, which changed while the tab was hidden.
        self._stale = False
        self.set_reactive(SignalPane.params, params)
        self.set_reactive(SignalPane.panel_params, params)
        self._cache = cache
        self._simulator = cache.simulator
        # A cancelled thread worker runs on until its next layer: the lock keeps
        # two runs off the one simulator, and the next run waits its turn.
        self._simulator_lock = cache.lock
        if measured is None:  # the warm-up's run, drawn in the lab's first frame
            self.set_reactive(SignalPane.run, cache.ready_run(params))
        self._player: Ticker | None = None
        self._reveal_pending: Ticker | None = None
        self._controls = LabControls(id="network-controls")
        self._readout = LabReadout()

    def compose(self) -> ComposeResult:
        yield NormPlot("forward", id="forward-plot").data_bind(SignalPane.run, SignalPane.cursor)
        yield NormPlot("backward", id="backward-plot").data_bind(SignalPane.run, SignalPane.cursor)
        yield PlotLegend().data_bind(SignalPane.run)

    def side(self) -> Iterable[Widget]:
        return (self._controls, self._readout)

    def on_mount(self) -> None:
        self._controls.data_bind(
            SignalPane.selected, SignalPane.status, params=SignalPane.panel_params
        )
        self._readout.data_bind(
            SignalPane.run, SignalPane.cursor, SignalPane.playing, SignalPane.speed
        )
        self._restart_player()
        if self.run is None:
            self._simulate(self.params)

    def state(self) -> SimParams:
        return self.params

    # -- simulation ---------------------------------------------------------------

    def watch_params(self, params: SimParams) -> None:
        self.cursor = min(self.cursor, params.depth)
        if self.showing:
            self._simulate_soon(params)
        else:
            # Behind the Lesion tab, whose lesion would wait for this run on the one
            # simulator: the plots are run when they come to the front; the panel (which
            # the Lesion tab shows too) shows the network at once.
            self._stale = True
            self.panel_params = params

    def shown(self) -> None:
        if self._stale:
            self._stale = False
            self._simulate_soon(self.params)

    def _simulate_soon(self, params: SimParams) -> None:
        """Run both variants: here, on the UI thread, when the simulator is free, holds
        their weights and the estimate says they take a fraction of the key's budget (a
        worker would take two to three times as long, sharing the interpreter with the UI
        thread); else in a worker."""
        run = self._run_here(params) if estimated_rerun_seconds(params) <= INLINE_SECONDS else None
        if run is None:
            self._simulate(params)
        elif isinstance(run, LabRun):
            self._show_run(self.SimFinished(run))
        else:
            self.report_failure(failure_text(run, "sim"))

    def _run_here(self, params: SimParams) -> LabRun | Exception | None:
        """Both variants of ``params`` run on the UI thread, or the error they raised;
        None if the simulator is busy or would have to draw weights first."""
        if not self._simulator_lock.acquire(blocking=False):
            return None
        try:
            if not self._simulator.holds_weights(params):
                return None
            self.workers.cancel_group(self, "sim")  # an older, slower run: superseded
            return run_both(self._simulator, params)
        except Exception as error:  # noqa: BLE001 (reported as a worker's failure is)
            return error
        finally:
            self._simulator_lock.release()

    @work(thread=True, exclusive=True, group="sim", exit_on_error=False)
    def _simulate(self, params: SimParams) -> None:
        """Run both variants off the UI thread; touch nothing here but messages."""
        worker = get_current_worker()
        report = estimated_seconds(params) > PROGRESS_AFTER_SECONDS
        last_report = 0.0

        def progress(stage: str, done: int, total: int | None) -> None:
            nonlocal last_report
            if worker.is_cancelled:
                raise Superseded
            if report and time.monotonic() - last_report > PROGRESS_EVERY_SECONDS:
                last_report = time.monotonic()
                amount = f"{100 * done // total}%" if total else f"{done} layers"
                self.post_message(self.SimProgress(params, f"{stage}… {amount}"))

        measured, self._measured = self._measured, None  # the first run only

        def both() -> LabRun:
            """The warm-up's run if it has one (and no measured run is to be shown)."""
            ready = self._cache.ready_run(params) if measured is None else None
            return ready or run_both(self._simulator, params, progress, measured)

        run = run_unless_cancelled(self._simulator_lock, both)
        if run is not None:
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

    def failed(self, text: str) -> None:
        self._stop_reveal()
        if self.run is None:
            self.status = f"cannot run: {text}"
        else:
            # Back to what the plots show, so the panel and the plots agree again.
            self.status = ""
            self.params = self.run.params

    # -- steering -----------------------------------------------------------------

    def apply(self, params: SimParams) -> None:
        """Run the new network, unless it would not fit the tutor's time budget."""
        try:
            check_interactive(params, "signal")
        except OverBudget as error:
            self.notify(str(error), title="Too slow for the lab", severity="warning", markup=False)
            return
        self.params = params
        self._stop_reveal()
        if self.showing and (self.run is None or self.run.params != params):
            self._reveal_pending = self.clock.after(REVEAL_PENDING_AFTER_SECONDS, self._reveal)

    def _reveal(self) -> None:
        """The run is taking a while: show its parameters now, marked as computing."""
        self.panel_params = self.params
        self.status = "computing…"

    def _stop_reveal(self) -> None:
        if self._reveal_pending is not None:
            self._reveal_pending.stop()
            self._reveal_pending = None

    def action_toggle_skip(self) -> None:
        self.propose(lambda params: replace(params, residual=not params.residual))

    def action_reset(self) -> None:
        self.playing = False
        self.cursor = 0
        self.propose(lambda params: self.opening_params)

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
        self._player = self.clock.every(
            1 / ticks_per_second, self._advance, paused=not self.playing
        )

    def _advance(self) -> None:
        layers = max(1, round(self.speed))
        self.cursor = min(self.params.depth, self.cursor + layers)
        if self.cursor >= self.params.depth:
            self.playing = False
