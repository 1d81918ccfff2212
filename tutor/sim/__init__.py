"""The simulator: forward and gradient norms across depth, plain vs residual.

Pure NumPy; imports nothing of the UI. See ``engine`` for the model and
``theory`` for the mean-field curves drawn beside it. The engine (and NumPy)
load on first use, so code that only needs the parameters starts fast.
"""

from typing import TYPE_CHECKING

from tutor.sim.params import ACTIVATIONS, NORMS, SimParamError, SimParams

if TYPE_CHECKING:
    from tutor.sim.engine import NormStats, Progress, SimResult, Simulator, simulate

__all__ = [
    "ACTIVATIONS",
    "NORMS",
    "NormStats",
    "Progress",
    "SimParamError",
    "SimParams",
    "SimResult",
    "Simulator",
    "simulate",
]

_ENGINE_NAMES = {"NormStats", "Progress", "Simulator", "SimResult", "simulate"}


def __getattr__(name: str) -> object:
    if name in _ENGINE_NAMES:
        from tutor.sim import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'tutor.sim' has no attribute {name!r}")
