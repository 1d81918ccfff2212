"""The simulator: forward and gradient norms across depth, plain vs residual.

Pure NumPy; imports nothing of the UI. This module is the package's face: the CLI,
the UI and the practice code import from here, never from the modules behind it.
See ``engine`` for the model and ``theory`` for the mean-field curves drawn beside
it, ``lesion`` for the delete-one-block experiment, ``trainer`` for the degradation
experiment (``mlp`` for its networks and optimizer), ``lab_run`` for the lab's paired
runs, ``cost`` for what a run will take (and the budget the interactive screens hold runs
to) and ``words`` for how the CLI and the lab write a run down. The engine, the lesion
and the trainer (and NumPy) load on first use, so code that only needs the parameters
starts fast.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from tutor.sim.cost import (
    INTERACTIVE_SECONDS,
    OverBudget,
    check_interactive,
    describe_duration,
    estimated_lesion_seconds,
    estimated_rerun_seconds,
    estimated_seconds,
)
from tutor.sim.params import (
    ACTIVATIONS,
    NORMS,
    SimParamError,
    SimParams,
    sim_command,
    sim_options,
)
from tutor.sim.train_params import TrainParams, train_command, train_options
from tutor.sim.words import (
    LAB_MEMORY_KNOBS,
    SIM_MEMORY_KNOBS,
    TRAIN_MEMORY_KNOBS,
    describe_ensemble,
    describe_network,
    describe_training,
    format_percent,
    format_value,
    lesion_summary,
    not_enough_memory,
    variant_name,
)

if TYPE_CHECKING:
    from tutor.sim.engine import Progress, Simulator, Workspace, simulate
    from tutor.sim.lab_run import LabProgress, LabRun, run_both, skip_toggled
    from tutor.sim.lesion import LesionResult, lesion_blocks, path_counts
    from tutor.sim.mlp import SAMPLES
    from tutor.sim.results import NormStats, SimResult
    from tutor.sim.trainer import (
        TrainResult,
        TrainRun,
        finding,
        frame_of,
        paced,
        train,
        training,
        your_run,
    )

#: Each lazily loaded name, and the module (and name there) it comes from.
_LAZY = {
    "NormStats": ("results", "NormStats"),
    "Progress": ("engine", "Progress"),
    "SimResult": ("results", "SimResult"),
    "Simulator": ("engine", "Simulator"),
    "Workspace": ("engine", "Workspace"),
    "simulate": ("engine", "simulate"),
    "LabProgress": ("lab_run", "LabProgress"),
    "LabRun": ("lab_run", "LabRun"),
    "run_both": ("lab_run", "run_both"),
    "skip_toggled": ("lab_run", "skip_toggled"),
    "LesionResult": ("lesion", "LesionResult"),
    "lesion_blocks": ("lesion", "lesion_blocks"),
    "path_counts": ("lesion", "path_counts"),
    "SAMPLES": ("mlp", "SAMPLES"),
    "TrainResult": ("trainer", "TrainResult"),
    "TrainRun": ("trainer", "TrainRun"),
    "frame_of": ("trainer", "frame_of"),
    "finding": ("trainer", "finding"),
    "paced": ("trainer", "paced"),
    "train": ("trainer", "train"),
    "training": ("trainer", "training"),
    "your_run": ("trainer", "your_run"),
}

__all__ = [
    "ACTIVATIONS",
    "NORMS",
    "SimParamError",
    "SimParams",
    "TrainParams",
    "INTERACTIVE_SECONDS",
    "OverBudget",
    "check_interactive",
    "describe_duration",
    "estimated_lesion_seconds",
    "estimated_rerun_seconds",
    "estimated_seconds",
    "sim_command",
    "sim_options",
    "train_command",
    "train_options",
    "LAB_MEMORY_KNOBS",
    "SIM_MEMORY_KNOBS",
    "TRAIN_MEMORY_KNOBS",
    "describe_ensemble",
    "describe_network",
    "describe_training",
    "format_percent",
    "format_value",
    "lesion_summary",
    "not_enough_memory",
    "variant_name",
    "NormStats",
    "Progress",
    "SimResult",
    "Simulator",
    "Workspace",
    "simulate",
    "LabProgress",
    "LabRun",
    "run_both",
    "skip_toggled",
    "LesionResult",
    "lesion_blocks",
    "path_counts",
    "SAMPLES",
    "TrainResult",
    "TrainRun",
    "frame_of",
    "finding",
    "paced",
    "train",
    "training",
    "your_run",
]


def __getattr__(name: str) -> object:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'tutor.sim' has no attribute {name!r}") from None
    return getattr(import_module(f"tutor.sim.{module}"), attribute)


def __dir__() -> list[str]:
    return sorted(__all__)
