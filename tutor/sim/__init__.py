"""The simulator: forward and gradient norms across depth, plain vs residual.

Pure NumPy; imports nothing of the UI. See ``engine`` for the model and
``theory`` for the mean-field curves drawn beside it, ``lesion`` for the
delete-one-block experiment, ``trainer`` for the degradation experiment. The
engine, the lesion and the trainer (and NumPy) load on first use, so code that
only needs the parameters starts fast.
"""

from typing import TYPE_CHECKING

from tutor.sim.params import ACTIVATIONS, NORMS, SimParamError, SimParams
from tutor.sim.train_params import TrainParams

if TYPE_CHECKING:
    from tutor.sim.engine import NormStats, Progress, SimResult, Simulator, simulate
    from tutor.sim.lesion import LesionResult, lesion_blocks, path_counts
    from tutor.sim.trainer import TrainResult, TrainRun, train, training

__all__ = [
    "ACTIVATIONS",
    "NORMS",
    "LesionResult",
    "NormStats",
    "Progress",
    "SimParamError",
    "SimParams",
    "SimResult",
    "Simulator",
    "TrainParams",
    "TrainResult",
    "TrainRun",
    "lesion_blocks",
    "path_counts",
    "simulate",
    "train",
    "training",
]

_ENGINE_NAMES = {"NormStats", "Progress", "Simulator", "SimResult", "simulate"}
_LESION_NAMES = {"LesionResult", "lesion_blocks", "path_counts"}
_TRAIN_NAMES = {"TrainResult", "TrainRun", "train", "training"}


def __getattr__(name: str) -> object:
    if name in _ENGINE_NAMES:
        from tutor.sim import engine

        return getattr(engine, name)
    if name in _LESION_NAMES:
        from tutor.sim import lesion

        return getattr(lesion, name)
    if name in _TRAIN_NAMES:
        from tutor.sim import trainer

        return getattr(trainer, name)
    raise AttributeError(f"module 'tutor.sim' has no attribute {name!r}")
