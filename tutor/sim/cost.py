"""What a run will cost before it starts: the work it does, the seconds that work takes
here, and the one budget the interactive screens (the lab and practice) hold runs to.

The estimate is a cost model, not a guess: each experiment's work is counted in the
units its algorithm spends (layers of Python and NumPy calls, standard normals drawn,
GEMM flops, elementwise passes over the states, matrix products issued), and each unit
has a rate measured on this machine. ``benchmarks/estimator.py`` measures a grid of runs
(depth 10 to 10,000, several widths, ensembles, activations and norms), fits `RATES` to
them and records them in ``benchmarks/estimator_points.json``; the test suite checks the
estimate against those recorded runs (within 2×) without timing anything itself.

Pure Python (no NumPy at import): the CLI and the lab ask for an estimate before they
load the engine. The lesion's blocking rule is the lesion's own (``lesion.block_rows``),
read when a lesion is estimated.
"""

from __future__ import annotations

from typing import Literal

from tutor.sim.params import SimParamError, SimParams, sim_command

#: Which experiment a lab state runs: the signal (one simulator run) or the lesion.
Experiment = Literal["signal", "lesion"]

#: Seconds per unit of work, for each experiment (the lesion's variants share the cores
#: and the interpreter differently from one simulator run), fitted by
#: ``benchmarks/estimator.py --fit`` to the runs in ``benchmarks/estimator_points.json``
#: (a 2-core Xeon; the machine is recorded there).
RATES: dict[Experiment, dict[str, float]] = {
    "signal": {
        "runs": 0.0,
        "layers": 7.33e-05,
        "normals": 1.05e-08,
        "flops": 8.35e-12,
        "elements": 4.46e-10,
        "products": 0.0,
    },
    "lesion": {
        "runs": 0.0,
        "layers": 2.9e-05,
        "normals": 1.43e-08,
        "flops": 5.16e-12,
        "elements": 2.96e-10,
        "products": 2.29e-06,
    },
}

#: The longest run the lab or practice starts: past it they say what the run would take
#: and which command runs it outside the tutor, so the screen stays interactive.
INTERACTIVE_SECONDS = 5.0


class OverBudget(SimParamError):
    """A run that would take longer than an interactive screen may wait."""


def _elementwise_passes(params: SimParams) -> int:
    """Passes over a layer's states, forward and backward: the norms' dot products and
    the gains, plus what the activation, the skip and the norm placement add."""
    activation = {"tanh": 4, "relu": 3, "linear": 0}[params.activation]
    norm = {"none": 0, "pre": 5, "post": 6}[params.norm]
    return 4 + activation + (3 if params.residual else 0) + norm


def sim_work(params: SimParams) -> dict[str, float]:
    """The work of one fresh simulator run (``simulate``), unit by unit.

    Per layer: a stream and a draw of ``M d²`` normals (stored and transposed), two
    batched GEMMs of ``2 M K d²`` flops (forward and backward), elementwise passes over
    the ``M K d`` states and a few dozen NumPy calls either way.
    """
    depth, width, samples = params.depth, params.width, params.samples
    return {
        "runs": 1.0,
        "layers": float(depth),
        "normals": float(depth * params.networks * width**2),
        "flops": 4.0 * depth * samples * width**2,
        "elements": float(depth * samples * width * _elementwise_passes(params)),
        "products": 0.0,
    }


def lesion_work(params: SimParams) -> dict[str, float]:
    """The work of a fresh lesion (``lesion_blocks``): the simulator's draws, then in each
    variant ``L`` layer applications to a growing batch of copies.

    Layer ``l`` multiplies ``l K`` rows per network (padded to whole blocks), so the rows
    add up to about ``K L(L+1)/2``: the flops, the elementwise passes (the activation, the
    skip, the norm, zeroing and copying the newborn copy) and, where the products go in
    blocks, the number of products all grow with the square of the depth. When the
    variants run side by side on their own threads (``block_rows``) the elementwise work
    and the calls split over two cores.
    """
    from tutor.sim.lesion import block_rows

    depth, width, k, m = params.depth, params.width, params.inputs, params.networks
    block = block_rows(width)
    rows = products = 0
    for layer in range(1, depth + 1):
        born = layer * k
        size = born if block is None else -(-born // block) * block
        rows += size
        products += 1 if block is None else size // block
    side_by_side = 1 if block is None else 2
    passes = 4 + (1 if params.activation != "linear" else 0) + (2 if params.norm != "none" else 0)
    # Each variant also scales each layer's weights once (σ_w/√d on d² values, not the rows).
    elements = m * (rows * width * passes + depth * width**2)
    variants = 2
    return {
        "runs": 1.0,
        "layers": depth + variants * depth / side_by_side,
        "normals": float(depth * m * width**2),
        "flops": variants * 2.0 * m * rows * width**2,
        "elements": variants * elements / side_by_side,
        "products": variants * m * products / side_by_side,
    }


def _seconds(experiment: Experiment, work: dict[str, float]) -> float:
    rates = RATES[experiment]
    return sum(rates[unit] * amount for unit, amount in work.items())


def estimated_seconds(params: SimParams) -> float:
    """Seconds one fresh simulator run of ``params`` takes here (within 2× of measured)."""
    return _seconds("signal", sim_work(params))


def estimated_rerun_seconds(params: SimParams) -> float:
    """Seconds both variants of ``params`` take when the weights are already drawn (the
    lab's run after a change of α, σ_w, the activation, the norm or the skip): two runs
    of the fresh run's work but its draws."""
    passes = {**sim_work(params), "normals": 0.0}
    return 2 * _seconds("signal", passes)


def estimated_lesion_seconds(params: SimParams) -> float:
    """Seconds a fresh lesion of ``params`` takes here (within 2× of measured)."""
    return _seconds("lesion", lesion_work(params))


def work(experiment: Experiment, params: SimParams) -> dict[str, float]:
    """The work of a fresh run of ``experiment``, unit by unit (see `RATES`)."""
    return lesion_work(params) if experiment == "lesion" else sim_work(params)


def describe_duration(seconds: float) -> str:
    """A duration as a learner reads it: ``under a second``, ``12 s``, ``4 min``, ``3.5 h``."""
    if seconds < 1:
        return "under a second"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


def check_interactive(params: SimParams, experiment: Experiment) -> None:
    """Refuse a run estimated past `INTERACTIVE_SECONDS`, before anything is drawn.

    The lab and practice both ask here, so a lab state refused in one is refused in the
    other, with the same line. Memory is the run's own check, made before it allocates
    anything (it knows what the lab's simulator already holds).
    """
    lesion = experiment == "lesion"
    seconds = estimated_lesion_seconds(params) if lesion else estimated_seconds(params)
    if seconds > INTERACTIVE_SECONDS:
        what = f"deleting each of {params.depth} blocks" if lesion else "this run"
        raise OverBudget(
            f"{what} (depth {params.depth}, width {params.width}) would take about "
            f"{describe_duration(seconds)} here, over the {INTERACTIVE_SECONDS:g} s a run "
            f"may take in the tutor; `{sim_command(params, 'lesion' if lesion else 'sim')}` "
            "runs it outside"
        )
