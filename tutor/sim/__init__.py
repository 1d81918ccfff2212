"""The simulator: forward and gradient norms across depth, plain vs residual.

Pure NumPy; imports nothing of the UI. See ``engine`` for the model and
``theory`` for the mean-field curves drawn beside it.
"""

from tutor.sim.engine import NormStats, Progress, SimResult, Simulator, simulate
from tutor.sim.params import ACTIVATIONS, NORMS, SimParamError, SimParams

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
