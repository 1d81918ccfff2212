"""The quantities a prediction item asks about, measured on the experiment it names.

A ``predict-sim`` item runs its lab state (the signal panels, or the lesion for the
``lesion_*`` measures); a ``predict-train`` item trains its networks. The lesson tests
and the practice screen both measure through here, so what is graded is what is taught.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from tutor.sim import SimParams, TrainParams

if TYPE_CHECKING:
    from tutor.sim import LesionResult, Progress, SimResult, TrainResult

#: The lesion measures, and which variant's per-block changes each one summarizes.
LESION_VARIANTS = {"lesion_plain_median": "plain", "lesion_residual_median": "residual"}


def run_lab_state(
    params: Mapping[str, object], measure_name: str, progress: Progress | None = None
) -> SimResult | LesionResult:
    """Run the experiment a lab-state measure needs (unspecified fields keep the lab defaults).

    Held to the lab's budget first: a state the lab would refuse as too slow raises
    ``OverBudget`` before anything is drawn, and the run checks its memory before it
    allocates. ``progress`` hears each step and may raise to stop the run there.
    """
    from tutor.sim import check_interactive, lesion_blocks, simulate

    setup = sim_params(params)
    lesion = measure_name in LESION_VARIANTS
    check_interactive(setup, "lesion" if lesion else "signal")
    return lesion_blocks(setup, progress=progress) if lesion else simulate(setup, progress)


def sim_params(fields: Mapping[str, object]) -> SimParams:
    """A lab state's simulator setup (the fields not given keep the lab's defaults)."""
    return SimParams(**fields)  # type: ignore[arg-type]


def measure(result: SimResult | LesionResult, name: str) -> float | None:
    """``forward_growth`` = rms‖h_L‖/rms‖h_0‖, ``gradient_ratio`` = rms‖g_0‖/rms‖g_L‖,
    ``diverged_at`` = the first overflowing layer (None if none); ``lesion_*_median`` =
    the median over blocks of the output's relative change when that block is deleted."""
    if name in LESION_VARIANTS:
        import numpy as np

        changes = getattr(result, LESION_VARIANTS[name])
        finite = changes[np.isfinite(changes)]
        return float(np.median(finite)) if finite.size else None
    if name == "forward_growth":
        return result.forward_growth  # type: ignore[union-attr]
    if name == "gradient_ratio":
        return result.gradient_ratio  # type: ignore[union-attr]
    if name == "diverged_at":
        diverged = result.diverged_at  # type: ignore[union-attr]
        return None if diverged is None else float(diverged)
    raise ValueError(f"unknown measure {name!r}")


def train_params(fields: Mapping[str, object]) -> TrainParams:
    """An item's training setup (the fields not given keep `restutor train`'s defaults)."""
    return TrainParams(**fields)  # type: ignore[arg-type]


@lru_cache(maxsize=8)
def run_training(params: TrainParams) -> TrainResult:
    """Train to the end; seeded, so the same setup always gives the same curves (cached)."""
    from tutor.sim import train

    return train(params)


def train_measure(result: TrainResult, name: str) -> float | None:
    """``plain_depth_penalty`` / ``residual_depth_penalty`` = the deepest network's final
    loss over the shallowest one's, of that variant; ``worst_plain_depth`` = the depth of
    the plain network that ends highest. None when a loss diverged."""
    depths = sorted(result.params.depths)
    finals = {(run.depth, run.residual): run.final_loss for run in result.runs}
    if not all(math.isfinite(loss) for loss in finals.values()):
        return None
    if name == "worst_plain_depth":
        return float(max(depths, key=lambda depth: finals[(depth, False)]))
    if name in ("plain_depth_penalty", "residual_depth_penalty"):
        residual = name == "residual_depth_penalty"
        return finals[(depths[-1], residual)] / finals[(depths[0], residual)]
    raise ValueError(f"unknown measure {name!r}")
