"""The Lesion tab: delete one block at a time and see how far the output moves (Veit et al.
2016), plain vs residual, beside the path-length distribution of the residual stack.

The pane lesions the network the Signal tab owns: its knobs are the network's but for
the skip toggle (both variants are lesioned, so the tab neither lists nor turns it),
and while the tab is in front each new network is lesioned afresh, in a thread worker
on the lab's own simulator and weights.
"""

from __future__ import annotations

import threading
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
    SimParams,
    Simulator,
    Workspace,
    check_interactive,
    lesion_blocks,
)
from tutor.ui.screens.lab.pane import (
    KnobPane,
    Superseded,
    run_unless_cancelled,
)
from tutor.ui.screens.lab.signal import SignalPane
from tutor.ui.widgets.lab_controls import KNOBS, LabControls
from tutor.ui.widgets.lesion_plot import LesionLegend, LesionPlot, PathsPlot

#: The network's knobs without the skip toggle, which a lesion of both variants ignores.
LESION_KNOBS = tuple(knob for knob in KNOBS if knob.field != "residual")


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
    class LesionFinished(Message):
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
        self.watch(self.network, "params", self._network_changed, init=False)
        # The panel shows the network as the Signal tab's panel does (a slow run's
        # parameters at once, marked computing).
        self.watch(self.network, "panel_params", self._show_network)
        self.watch(self.network, "status", self._show_network)

    def _show_network(self) -> None:
        self._controls.params = self.network.panel_params
        self._controls.status = self.network.status

    @property
    def params(self) -> SimParams:
        """The network this tab shows: both variants are lesioned, so the skip toggle is
        no part of it (one state, one command, one note anchor)."""
        return replace(self.network.params, residual=True)

    def state(self) -> SimParams:
        return self.params

    def shown(self) -> None:
        self._lesion_if_stale()

    def _network_changed(self) -> None:
        if self.showing:
            self._lesion_if_stale()

    # -- the knobs are the network's ------------------------------------------------

    def apply(self, params: SimParams) -> None:
        """Run the network with ``params`` (its skip toggle as the Signal tab left it)."""
        self.network.apply(replace(params, residual=self.network.params.residual))

    def action_reset(self) -> None:
        self.network.action_reset()

    # -- deleting the blocks -----------------------------------------------------------

    def _lesion_if_stale(self) -> None:
        params = self.params
        if self.result is not None and self.result.params == params:
            return
        measured, self._measured = self._measured, None
        if measured is not None and replace(measured.params, residual=True) == params:
            # Both variants, whatever the skip toggle: the very lesion of this network.
            self._show_lesion(self.LesionFinished(replace(measured, params=params)))
            return
        self.result = None
        try:
            check_interactive(params, "lesion")
        except OverBudget as error:
            self.workers.cancel_group(self, "lesion")
            self.status = f"{error}; or lower the depth"
            self.query_one(PathsPlot).depth = 0
            return
        self.status = "deleting one block at a time…"
        # The paths depend on the depth alone: drawn now, and not again for the lesion.
        self.query_one(PathsPlot).depth = params.depth
        self._lesion(params)

    @work(thread=True, exclusive=True, group="lesion", exit_on_error=False)
    def _lesion(self, params: SimParams) -> None:
        """Delete each block in turn on the lab's own weights, off the UI thread."""
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise Superseded

        result = run_unless_cancelled(
            self._simulator_lock,
            lambda: lesion_blocks(params, self._simulator, progress, self._workspace),
        )
        if result is not None:
            self.post_message(self.LesionFinished(result))

    @on(LesionFinished)
    def _show_lesion(self, message: LesionFinished) -> None:
        if message.result.params != self.params:
            return  # a newer lesion is on its way
        from tutor.sim import lesion_summary

        self.result = message.result
        self.status = lesion_summary(message.result)

    def failed(self, text: str) -> None:
        self.result = None  # not the old network's lesion beside the new parameters
        self.status = f"cannot delete the blocks: {text}"
        self.query_one(PathsPlot).depth = 0

    def watch_status(self, text: str) -> None:
        self.query_one("#lesion-summary", Static).update(text)

    def watch_result(self, result: LesionResult | None) -> None:
        if result is not None:
            self.query_one(PathsPlot).depth = result.params.depth
