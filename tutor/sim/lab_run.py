"""The lab's unit of work: one parameter set, run with and without the skip connection.

Pure (no Textual): the lab's Signal worker thread calls ``run_both`` and posts the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from tutor.sim.engine import Simulator
from tutor.sim.params import SimParams
from tutor.sim.results import SimResult

#: Hears each step of a lab run as ``(stage, done, total)``; ``total`` is None
#: while weights are drawn (how many are already held is the simulator's business).
LabProgress = Callable[[str, int, int | None], None]


@dataclass(frozen=True, eq=False)
class LabRun:
    """A run and its skip-toggled counterpart, drawn together.

    Compared by identity (each run is a new object), so a reactive holding one
    updates on every new run without comparing arrays.
    """

    current: SimResult
    counterpart: SimResult

    @property
    def params(self) -> SimParams:
        return self.current.params


def skip_toggled(params: SimParams) -> SimParams:
    """The same network with the skip connection switched the other way."""
    return replace(params, residual=not params.residual)


def run_both(
    simulator: Simulator,
    params: SimParams,
    progress: LabProgress | None = None,
    current: SimResult | None = None,
) -> LabRun:
    """Run ``params`` and its counterpart on the same weights (``current``: ``params``
    already run, e.g. measured by a practice item, so only the counterpart runs; a run
    is a function of its parameters, so it is the same floats as the simulator's).

    The weights are drawn once, first; the two then go through the stack in lockstep
    (`Simulator.run_together`). (Running the two in parallel threads was measured: no
    faster inside the app, where they share the GIL with the UI, and slower for wide
    networks, where BLAS already uses every core.) ``progress`` may raise to stop the run.
    """
    report = progress or (lambda stage, done, total: None)
    simulator.arrays(params, lambda done: report("drawing weights", done, None))
    total = 4 * params.depth  # forward and backward, of both runs
    if current is not None and current.params == params:
        counterpart = simulator.run(
            skip_toggled(params), lambda done, _: report("propagating", total // 2 + done, total)
        )
        return LabRun(current, counterpart)
    current, counterpart = simulator.run_together(
        [params, skip_toggled(params)], lambda done, _: report("propagating", done, total)
    )
    return LabRun(current, counterpart)
