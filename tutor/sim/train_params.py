"""The training experiment's parameters and their limits, without NumPy.

Kept apart from ``trainer`` so that building the command line (which every
``restutor`` command does) can read the defaults without importing NumPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tutor.sim.params import SimParamError

#: Inclusive bounds for the integer parameters: far above what the experiment needs, low
#: enough that the largest network (depth 200, width 256: its weights, gradient and Adam's
#: two moments, 4 × 13M floats) stays near 300 MB.
TRAIN_INT_LIMITS: dict[str, tuple[int, int]] = {
    "width": (4, 256),
    "steps": (1, 20_000),
    "seed": (0, 2**63 - 1),
    "batch": (1, 512),  # at most the training set
}
DEPTH_LIMITS = (2, 200)
#: At most this many depths: each is two curves, and the plot tells apart eight.
MAX_DEPTHS = 4
LR_LIMITS = (1e-6, 1.0)


@dataclass(frozen=True, slots=True)
class TrainParams:
    """One degradation experiment: a plain and a residual student per depth.

    ``depths`` count the hidden weight layers (the linear embedding and head are
    extra), so plain and residual networks of one depth have the same number of
    weights; a residual network of depth ``L`` is ``L/2`` two-layer blocks, which
    is why every depth must be even. Construction validates (and turns a list of
    depths into a tuple), so ``dataclasses.replace`` does too.
    """

    depths: tuple[int, ...] = (4, 16, 48)
    width: int = 32
    steps: int = 400
    seed: int = 0
    lr: float = 1e-3
    batch: int = 128

    def __post_init__(self) -> None:
        depths = self.depths
        if isinstance(depths, str) or not isinstance(depths, tuple | list):
            raise SimParamError(f"depths must be a list of even integers (got {depths!r})")
        if not 1 <= len(depths) <= MAX_DEPTHS:
            raise SimParamError(f"give from 1 to {MAX_DEPTHS} depths (got {len(depths)})")
        low, high = DEPTH_LIMITS
        for depth in depths:
            if isinstance(depth, bool) or not isinstance(depth, int):
                raise SimParamError(f"each depth must be an integer (got {depth!r})")
            if not low <= depth <= high:
                raise SimParamError(f"each depth must be from {low} to {high} (got {depth})")
            if depth % 2:
                raise SimParamError(
                    f"each depth must be even: a residual block holds two layers (got {depth})"
                )
        if len(set(depths)) != len(depths):
            raise SimParamError(f"depths must not repeat (got {', '.join(map(str, depths))})")
        object.__setattr__(self, "depths", tuple(depths))
        for name, (low, high) in TRAIN_INT_LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise SimParamError(f"{name} must be an integer (got {value!r})")
            if not low <= value <= high:
                raise SimParamError(f"{name} must be from {low} to {high:,} (got {value:,})")
        lr = self.lr
        if isinstance(lr, bool) or not isinstance(lr, int | float) or not math.isfinite(lr):
            raise SimParamError(f"lr must be a finite number (got {lr!r})")
        least, most = LR_LIMITS
        if not least <= lr <= most:
            raise SimParamError(f"lr must be from {least:g} to {most:g} (got {lr:g})")
        object.__setattr__(self, "lr", float(lr))

    def to_dict(self) -> dict[str, object]:
        """The parameters as the JSON ``params`` holds them (depths as a list)."""
        return {
            "depths": list(self.depths),
            "width": self.width,
            "steps": self.steps,
            "seed": self.seed,
            "lr": self.lr,
            "batch": self.batch,
        }


def train_options(params: TrainParams) -> list[str]:
    """The options of ``restutor train`` that rerun ``params``, naming only what differs."""
    defaults = TrainParams()
    words = []
    if params.depths != defaults.depths:
        words.append(f"--depths={','.join(map(str, params.depths))}")
    for name in ("width", "steps", "seed", "lr", "batch"):
        value = getattr(params, name)
        if value != getattr(defaults, name):
            words.append(f"--{name}={value!r}")
    return words


def train_command(params: TrainParams) -> str:
    """The ``restutor train`` command line that reruns ``params``."""
    return " ".join(["restutor", "train", *train_options(params)])
