"""The simulator's parameters, their limits, and the memory a run will need.

Validation lives here, in the core, so the CLI, the lab and outside callers
all reject the same bad input with the same one-line message.
"""

from __future__ import annotations

import math
import os
import shlex
from dataclasses import asdict, dataclass, fields
from typing import Literal

from tutor.sim.words import SIM_MEMORY_KNOBS

Activation = Literal["tanh", "relu", "linear"]
Norm = Literal["none", "pre", "post"]

ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "linear")
NORMS: tuple[str, ...] = ("none", "pre", "post")

#: Inclusive bounds for the integer parameters. Depth and width are capped well
#: above anything the lab needs; memory is checked separately, per run.
INT_LIMITS: dict[str, tuple[int, int]] = {
    "depth": (1, 10_000),
    "width": (1, 4_096),
    "inputs": (1, 100_000),
    "networks": (1, 10_000),
    "seed": (0, 2**63 - 1),
}
#: Inclusive bounds for the real parameters (both must also be finite).
FLOAT_LIMITS: dict[str, tuple[float, float]] = {
    "alpha": (-100.0, 100.0),
    "sigma_w": (0.0, 100.0),
}

#: Bytes per stored value: the engine computes in float32 by default.
DEFAULT_ITEMSIZE = 4


#: Runs needing less than this are not checked against the free memory (no syscall).
SMALL_RUN_BYTES = 256 * 2**20


class SimParamError(ValueError):
    """A parameter (or the memory it implies) the simulator cannot run with.

    The message is one line, names the parameter and says what is allowed.
    """


@dataclass(frozen=True, slots=True)
class SimParams:
    """One simulator run: the network family and the ensemble that samples it.

    ``W_l`` has entries ``N(0, sigma_w**2 / width)``; the branch is
    ``F_l(h) = phi(W_l n(h))``; a residual layer adds ``alpha * F_l`` to the
    stream. ``networks`` independent networks see ``inputs`` inputs each.
    Construction validates, so ``dataclasses.replace`` does too.
    """

    depth: int = 40
    width: int = 128
    alpha: float = 0.2
    activation: Activation = "tanh"
    sigma_w: float = 1.0
    norm: Norm = "none"
    residual: bool = True
    inputs: int = 32
    networks: int = 4
    seed: int = 0

    def __post_init__(self) -> None:
        for name, (low, high) in INT_LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise SimParamError(f"{name} must be an integer (got {value!r})")
            if not low <= value <= high:
                raise SimParamError(f"{name} must be from {low} to {high:,} (got {value:,})")
        for name, (least, most) in FLOAT_LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SimParamError(f"{name} must be a number (got {value!r})")
            if not math.isfinite(value):
                raise SimParamError(f"{name} must be a finite number (got {value})")
            if not least <= value <= most:
                raise SimParamError(f"{name} must be from {least:g} to {most:g} (got {value:g})")
            object.__setattr__(self, name, float(value))
        if self.activation not in ACTIVATIONS:
            raise SimParamError(
                f"activation must be one of {', '.join(ACTIVATIONS)} (got {self.activation!r})"
            )
        if self.norm not in NORMS:
            raise SimParamError(f"norm must be one of {', '.join(NORMS)} (got {self.norm!r})")
        if not isinstance(self.residual, bool):
            raise SimParamError(f"residual must be true or false (got {self.residual!r})")

    def to_dict(self) -> dict[str, object]:
        """The parameters in the order and with the names of the JSON ``params``."""
        return asdict(self)

    @property
    def samples(self) -> int:
        """How many (network, input) pairs the ensemble holds."""
        return self.networks * self.inputs


def sim_options(params: SimParams) -> list[str]:
    """The options of ``restutor sim`` (or ``lesion``) that rerun ``params``, naming only
    what differs from the defaults.

    Floats are written with ``repr`` (the shortest text that reads back as the
    same float), so the options parse back to exactly these parameters; each
    value is joined to its option with ``=`` so that argparse never mistakes a
    negative one (``-1e-05``) for an option.
    """
    defaults = SimParams()
    words = []
    for field in fields(SimParams):
        value = getattr(params, field.name)
        if value == getattr(defaults, field.name):
            continue
        if field.name == "residual":
            words.append("--plain")  # the only non-default value: the skip is off
        else:
            text = repr(value) if isinstance(value, float) else str(value)
            words.append(f"--{field.name.replace('_', '-')}={text}")
    return words


def sim_command(params: SimParams, command: str = "sim") -> str:
    """The ``restutor sim`` (or ``lesion``) command line that reruns ``params``."""
    return shlex.join(["restutor", command, *sim_options(params)])


def bytes_needed(params: SimParams, itemsize: int = DEFAULT_ITEMSIZE) -> int:
    """Peak memory of one run: the weights plus the stored states of both passes."""
    weights = 2 * params.depth * params.networks * params.width**2  # Z_l and its transpose
    # States h_l and gradients g_l (depth + 1 each) and the branch derivatives (depth).
    states = (3 * params.depth + 2) * params.samples * params.width
    return (weights + states) * itemsize


def available_memory() -> int | None:
    """Bytes of memory available now, or None where the platform does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def check_memory(params: SimParams, itemsize: int = DEFAULT_ITEMSIZE, held: int = 0) -> None:
    """Refuse a run that would not fit in memory, before anything is allocated.

    ``held`` is what the caller already holds and will reuse (cached weights).
    """
    refuse_beyond_memory(bytes_needed(params, itemsize) - held, "run")


def refuse_beyond_memory(need: int, what: str) -> None:
    """Raise ``SimParamError`` if ``need`` bytes would not fit in the free memory (small
    needs are not checked: no syscall)."""
    if need < SMALL_RUN_BYTES:
        return
    have = available_memory()
    if have is not None and need > 0.8 * have:
        raise SimParamError(
            f"this {what} needs about {_human(need)} of memory but only {_human(have)} is "
            f"available; lower {SIM_MEMORY_KNOBS}"
        )


def _human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"
