"""The Lesion tab: delete one block at a time and see how far the output moves (Veit et al.
2016), plain vs residual, beside the path-length distribution of the residual stack.

The pane lesions the network the Signal tab owns: its knobs are the network's but for
the skip toggle (both variants are lesioned, so the tab neither lists nor turns it),
and while the tab is in front each new network is lesioned, in a thread worker on the
lab's own simulator and weights. A lesion takes about as long as a key may (tens of
milliseconds at the defaults, all of it arithmetic), so the tab lesions ahead: once a
lesion is on screen, the networks one step of the selected knob either way are
lesioned in the background and kept, and turning the knob shows the kept lesion in
the key's own frame. A network not lesioned ahead is lesioned then, without a frame in
between to share the two cores with: the panel and plots keep showing the last lesion,
and only a lesion still running after `REVEAL_PENDING_AFTER_SECONDS` shows the new
parameters, marked as deleting.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from tutor.sim import (
    LesionResult,
    OverBudget,
    SimParamError,
    SimParams,
    Simulator,
    Workspace,
    check_interactive,
    lesion_blocks,
)
from tutor.ui.screens.lab.pane import (
    KnobPane,
    Superseded,
    Ticker,
    run_unless_cancelled,
)
from tutor.ui.screens.lab.signal import REVEAL_PENDING_AFTER_SECONDS, SignalPane
from tutor.ui.widgets.lab_controls import KNOBS, LabControls
from tutor.ui.widgets.lesion_plot import LesionLegend, LesionPlot, PathsPlot

#: The network's knobs without the skip toggle, which a lesion of both variants ignores.
LESION_KNOBS = tuple(knob for knob in KNOBS if knob.field != "residual")
#: Lesions a tab keeps: the ones it showed last and the ones lesioned ahead of the knobs.
KEPT_LESIONS = 8


class KeptLesions:
    """Finished lesions by network, the most recent kept; the look-ahead worker adds to
    it from its thread and a key reads it on the UI thread, hence the lock (a message
    would reach the pane after a key that came in meanwhile)."""

    def __init__(self, size: int = KEPT_LESIONS) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._results: OrderedDict[SimParams, LesionResult] = OrderedDict()

    def get(self, params: SimParams) -> LesionResult | None:
        with self._lock:
            result = self._results.get(params)
            if result is not None:
                self._results.move_to_end(params)
            return result

    def add(self, result: LesionResult) -> None:
        with self._lock:
            self._results[result.params] = result
            self._results.move_to_end(result.params)
            while len(self._results) > self._size:
                self._results.popitem(last=False)


class LesionPane(KnobPane):
    """Each block of the network deleted in turn, and what it did to the output."""

    EXPERIMENT = "lesion"
    TITLE = "Lesion"
    KNOBS = LESION_KNOBS

    # Not ``init``: the widgets they drive start out showing nothing (and reading one
    # before the pane has composed must not reach for them).
    result: var[LesionResult | None] = var(None, init=False)
    #: What the plot says while it has no result, or the summary beside one.
    status: var[str] = var("", init=False)

    @dataclass
    class LesionFinished(Message, bubble=False):
        """Every block of ``result.params`` deleted in turn, both variants."""

        result: LesionResult

    def __init__(
        self,
        network: SignalPane,
        simulator: Simulator,
        lock: threading.Lock,
        measured: LesionResult | None = None,
    ) -> None:
        """``measured``: the network lesioned already (by a practice item), shown on the
        first visit instead of deleting its blocks again."""
        super().__init__()
        self.network = network
        self._measured = measured
        self._simulator, self._simulator_lock = simulator, lock
        self._workspace = Workspace()
        #: Lesions shown or made ahead, by network.
        self.kept = KeptLesions()
        self._reveal_pending: Ticker | None = None
        self._controls = LabControls(LESION_KNOBS, id="lesion-controls")

    def compose(self) -> ComposeResult:
        yield LesionPlot(id="lesion-plot").data_bind(
            result=LesionPane.result, waiting=LesionPane.status
        )
        yield LesionLegend()
        yield PathsPlot(id="paths-plot")
        yield Static(id="lesion-summary", markup=False)

    def side(self) -> Iterable[Widget]:
        return (self._controls,)

    def on_mount(self) -> None:
        self._controls.data_bind(LesionPane.selected)
        self._controls.params = self.network.params
        self.watch(self.network, "params", self._network_changed, init=False)

    @property
    def params(self) -> SimParams:
        """The network this tab shows: both variants are lesioned, so the skip toggle is
        no part of it (one state, one command, one note anchor)."""
        return replace(self.network.params, residual=True)

    def state(self) -> SimParams:
        return self.params

    def shown(self) -> None:
        self._lesion_if_stale(reveal_at_once=True)  # the tab's own frame shows the network

    def hidden(self) -> None:
        """The simulator is the Signal tab's now: a lesion still running (a deep one takes
        seconds) stops at its next layer, and is run again when the tab comes back."""
        self._stop_reveal()
        self.workers.cancel_group(self, "ahead")
        if self.result is None or self.result.params != self.params:
            self.workers.cancel_group(self, "lesion")

    def _network_changed(self) -> None:
        if self.showing:
            self._lesion_if_stale()

    # -- the knobs are the network's ------------------------------------------------

    def apply(self, params: SimParams) -> None:
        """Run the network with ``params`` (its skip toggle as the Signal tab left it)."""
        self.network.apply(replace(params, residual=self.network.params.residual))

    def action_reset(self) -> None:
        self.network.action_reset()

    def watch_selected(self) -> None:
        if self.result is not None and self.result.params == self.params:
            self.call_after_refresh(self._look_ahead)

    # -- deleting the blocks -----------------------------------------------------------

    def _lesion_if_stale(self, *, reveal_at_once: bool = False) -> None:
        params = self.params
        if self.result is not None and self.result.params == params:
            return
        self._stop_reveal()
        measured, self._measured = self._measured, None
        if measured is not None and replace(measured.params, residual=True) == params:
            # Both variants, whatever the skip toggle: the very lesion of this network.
            self.kept.add(replace(measured, params=params))
        kept = self.kept.get(params)
        if kept is not None:
            self._show_lesion(self.LesionFinished(kept))
            return
        self.workers.cancel_group(self, "ahead")
        try:
            check_interactive(params, "lesion")
        except OverBudget as error:
            self.workers.cancel_group(self, "lesion")
            self._pending(f"{error}; or lower the depth", paths=False)
            return
        if self.result is None or reveal_at_once:
            self._reveal()
        else:  # the last lesion stays on screen a moment: this one may well be quick
            self._reveal_pending = self.clock.after(REVEAL_PENDING_AFTER_SECONDS, self._reveal)
        self._lesion(params)

    def _reveal(self) -> None:
        """The lesion is taking a while: show its network now, marked as deleting."""
        self._reveal_pending = None
        self._pending("deleting one block at a time…")

    def _pending(self, status: str, *, paths: bool = True) -> None:
        """Show the network in the panel with no lesion yet, and why (``paths``: its
        path counts, which depend on the depth alone, are drawn already)."""
        self.result = None
        self.status = status
        self._controls.params = self.params
        self.query_one(PathsPlot).depth = self.params.depth if paths else 0

    def _stop_reveal(self) -> None:
        if self._reveal_pending is not None:
            self._reveal_pending.stop()
            self._reveal_pending = None

    @work(thread=True, exclusive=True, group="lesion", exit_on_error=False)
    def _lesion(self, params: SimParams) -> None:
        """Delete each block in turn on the lab's own weights, off the UI thread."""
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise Superseded

        def lesion() -> LesionResult:
            # A look-ahead may have finished this very network while this waited.
            kept = self.kept.get(params)
            return kept or lesion_blocks(params, self._simulator, progress, self._workspace)

        result = run_unless_cancelled(self._simulator_lock, lesion)
        if result is not None:
            self.kept.add(result)
            self.post_message(self.LesionFinished(result))

    def _look_ahead(self) -> None:
        """Lesion the networks one step of the selected knob away, either way, so that
        turning it shows their lesion at once."""
        if not self.showing or self.result is None or self.result.params != self.params:
            return  # hidden, or moved on before the frame: the next lesion looks ahead
        knob, ahead = self.KNOBS[self.selected], []
        for direction in (1, -1):
            try:
                params = knob.turn(self.params, direction)
                check_interactive(params, "lesion")
            except (SimParamError, OverBudget):
                continue
            if params != self.params and self.kept.get(params) is None:
                ahead.append(params)
        if ahead:
            self._lesion_ahead(ahead)

    @work(thread=True, exclusive=True, group="ahead", exit_on_error=False)
    def _lesion_ahead(self, networks: list[SimParams]) -> None:
        """Lesion ``networks`` on the weights the simulator holds, drawing at most deeper
        layers (a network that needs other weights is skipped: drawing them would drop
        those of the network on screen); stopped between layers by any lesion the learner
        asks for."""
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise Superseded

        for params in networks:

            def lesion(params: SimParams = params) -> LesionResult | None:
                if not self._simulator.keeps_weights(params):
                    return None
                return lesion_blocks(params, self._simulator, progress, self._workspace)

            try:
                result = run_unless_cancelled(self._simulator_lock, lesion)
            except Exception as error:  # noqa: BLE001 (a guess failed: asked for, it says why)
                self.log.warning(f"lesioning {params} ahead failed: {error!r}")
                return
            if worker.is_cancelled:
                return
            if result is not None:
                self.kept.add(result)

    @on(LesionFinished)
    def _show_lesion(self, message: LesionFinished) -> None:
        if message.result.params != self.params:
            return  # a newer lesion is on its way
        from tutor.sim import lesion_summary

        self._stop_reveal()
        self.result = message.result
        self.status = lesion_summary(message.result)
        self._controls.params = self.params
        # After the frame that shows it: the look-ahead's threads would slow that frame.
        self.call_after_refresh(self._look_ahead)

    def failed(self, text: str) -> None:
        self._stop_reveal()
        # Not the old network's lesion beside the new parameters.
        self._pending(f"cannot delete the blocks: {text}", paths=False)

    def watch_status(self, text: str) -> None:
        self.query_one("#lesion-summary", Static).update(text)

    def watch_result(self, result: LesionResult | None) -> None:
        if result is not None:
            self.query_one(PathsPlot).depth = result.params.depth
