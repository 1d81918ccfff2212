"""The words the CLI and the lab share for a run: how a value, a variant and a whole run
are written, and what a run that does not fit in memory is told.

Why in ``tutor.sim`` and not a top-level ``tutor.describe``: every helper names something the
simulator defines (its parameters, its results, its memory limits), the parameters' own
memory check (``params.refuse_beyond_memory``) uses these words, and the UI reaches the core
through the ``tutor.sim`` facade only. A ``tutor.describe`` imported by ``tutor.sim.params``
would be an edge pointing out of the core and back.

Pure Python: no Rich, no Textual, and no NumPy at import, so ``tutor.sim`` still loads
without it (the one helper that reads result arrays imports it when called).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.sim.lesion import LesionResult
    from tutor.sim.params import SimParams
    from tutor.sim.train_params import TrainParams

#: What to lower when a simulator run or a lesion does not fit in memory.
SIM_MEMORY_KNOBS = "depth, width, networks or inputs"
#: The same advice in the lab, whose knobs include only depth and width of those.
LAB_MEMORY_KNOBS = "depth or width"
#: What to lower when the training experiment's networks do not fit.
TRAIN_MEMORY_KNOBS = "depths or width"


def not_enough_memory(what: str, knobs: str = SIM_MEMORY_KNOBS) -> str:
    """The one line a ``MemoryError`` becomes: what did not fit, and what to lower."""
    return f"not enough memory for {what}; lower {knobs}"


def format_value(value: float) -> str:
    """A norm or ratio for a readout: 4 significant digits, a dash where it overflowed."""
    return f"{value:.4g}" if math.isfinite(value) else "—"


def format_percent(value: float) -> str:
    """A relative change as a percentage: 1430%, 143%, 13.3%, 0.42%, 3.1e-05%; a dash for none."""
    if not math.isfinite(value):
        return "—"
    percent = 100 * value
    if percent >= 100 or percent == 0:
        return f"{percent:.0f}%"
    return f"{percent:.3g}%" if percent >= 1e-3 else f"{percent:.1e}%"


def variant_name(params: SimParams) -> str:
    """``residual`` or ``plain``: how legends and readouts name a run."""
    return "residual" if params.residual else "plain"


def describe_ensemble(params: SimParams) -> str:
    """The sample a run averages over, e.g. ``4 networks × 32 inputs``."""
    return f"{params.networks} networks × {params.inputs} inputs"


def describe_network(params: SimParams, *, both_variants: bool = False) -> str:
    """A run's parameters in one line, e.g.
    ``depth 40, width 128, α 0.2, tanh, σ_w 1, norm none; 4 networks × 32 inputs, seed 0``.

    α is left out of a plain run (it has no branch to scale); with ``both_variants`` (a
    lesion runs the plain and the residual stack) it is kept and marked as the residual's.
    """
    if both_variants:
        alpha = f"α {params.alpha:g} (residual), "
    else:
        alpha = f"α {params.alpha:g}, " if params.residual else ""
    return (
        f"depth {params.depth}, width {params.width}, {alpha}{params.activation}, "
        f"σ_w {params.sigma_w:g}, norm {params.norm}; {describe_ensemble(params)}, "
        f"seed {params.seed}"
    )


def describe_training(params: TrainParams) -> str:
    """The training experiment's setup in one line (what the loss curves come from)."""
    from tutor.sim.trainer import SAMPLES  # the task's size lives with the task (and NumPy)

    return (
        f"MLPs of depth {', '.join(map(str, params.depths))}, width {params.width}: "
        f"{params.steps} Adam steps each (lr {params.lr:g}, batch {params.batch}) on {SAMPLES} "
        f"points labelled by a random teacher network; seed {params.seed}"
    )


def lesion_summary(result: LesionResult) -> str:
    """The experiment in one line: the worst residual lesion against the typical plain one."""
    import numpy as np

    residual = result.residual[np.isfinite(result.residual)]
    plain = result.plain[np.isfinite(result.plain)]
    parts = [
        f"deleting one residual block moves the output by at most {format_percent(residual.max())}"
        if residual.size
        else "no ratio for the residual stack (its output overflowed or vanished)",
        f"deleting one plain layer by a median of {format_percent(float(np.median(plain)))}"
        if plain.size
        else "no ratio for the plain stack (its output overflowed or vanished)",
    ]
    missing = int(np.isnan(result.plain).sum() + np.isnan(result.residual).sum())
    if residual.size and plain.size and missing:
        parts.append(f"{missing} lesion(s) gave no ratio (the output overflowed or vanished)")
    return "; ".join(parts)
