"""``restutor sim``, ``lesion`` and ``train``: three experiments, one pipeline.

Each command is an ``Experiment``, a description of what differs (its options, the
parameters they build, the cost estimate, the run, what a ``MemoryError`` is told, the
drawing); ``run_experiment`` does the rest the same way for all three: build the
parameters, announce a run that will take more than a few seconds (with the estimate, on
stderr) and show a progress bar on a terminal when it is slow, turn a bad parameter
or a lack of memory into one line, then print the fixed JSON or draw the result.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from tutor import sim
from tutor.cli.options import NETWORK_OPTIONS, TRAINING_OPTIONS, OptionSet
from tutor.cli.parser import Parser, UsageError
from tutor.cli.terminal import progress_bar, stdout_console
from tutor.sim import format_value

#: Runs estimated to take longer than this get a progress bar on a terminal.
PROGRESS_AFTER_SECONDS = 1.0
#: Runs estimated to take longer than this are announced first, with the estimate.
ANNOUNCE_AFTER_SECONDS = 10.0


def _core(name: str) -> Callable[..., Any]:
    """``tutor.sim.<name>``, looked up when called: building the parser loads no NumPy."""
    return lambda *args, **kwargs: getattr(sim, name)(*args, **kwargs)


@dataclass(frozen=True, slots=True)
class Experiment:
    """One experiment command: everything in which ``sim``, ``lesion`` and ``train`` differ."""

    name: str
    help: str
    description: str
    #: The command's options and the parameters they build.
    options: OptionSet
    #: The run itself: ``run(params, progress=callback or None)`` → a result with ``to_dict``.
    run: Callable[..., Any]
    #: The result drawn for a terminal (``--json`` prints ``result.to_dict()`` instead).
    draw: Callable[[Any], None]
    #: The progress bar's label.
    doing: str
    #: What one run is called when its time is announced.
    subject: str
    #: What a ``MemoryError`` during the run is reported as.
    memory: str
    #: What a run will take in seconds (``tutor.sim.cost``); None where there is no
    #: estimate, and the run always gets a progress bar on a terminal.
    seconds: Callable[[Any], float] | None = None


def run_experiment(experiment: Experiment, args: argparse.Namespace) -> int:
    """Run ``experiment`` with the parameters ``args`` name and print its result."""
    try:
        params = experiment.options.params(args)
        seconds = math.inf if experiment.seconds is None else experiment.seconds(params)
        slow = sys.stderr.isatty() and seconds > PROGRESS_AFTER_SECONDS
        with progress_bar(slow, experiment.doing) as bar:
            progress = bar
            if math.isfinite(seconds) and seconds > ANNOUNCE_AFTER_SECONDS:
                progress = _announcing(experiment, seconds, bar)
            result = experiment.run(params, progress=progress)
    except sim.SimParamError as error:
        raise UsageError(str(error)) from None
    except MemoryError:
        raise UsageError(experiment.memory) from None
    if args.json:
        print(json.dumps(result.to_dict(), allow_nan=False))  # the fixed JSON: NaN is null
    else:
        experiment.draw(result)
    return 0


def _announcing(experiment: Experiment, seconds: float, bar: sim.Progress | None) -> sim.Progress:
    """A progress callback that first says, once, how long the run will take.

    Said at the first step, that is once the run has passed its memory check (a run
    refused for memory is told so, not announced), before the bulk of the work.
    """
    announced = False

    def progress(done: int, total: int) -> None:
        nonlocal announced
        if not announced:
            announced = True
            print(
                f"restutor: {experiment.subject} will take about "
                f"{sim.describe_duration(seconds)} here; ctrl+c stops it",
                file=sys.stderr,
                flush=True,
            )
        if bar is not None:
            bar(done, total)

    return progress


def _terminal_size() -> tuple[int, int]:
    """The plots' width (at most 120 columns) and the terminal's height (100×40 off one)."""
    size = shutil.get_terminal_size((100, 40))
    return min(size.columns, 120), size.lines


def _draw_sim(result: sim.SimResult) -> None:
    from rich.table import Table

    from tutor.plot import render_sim

    console, color = stdout_console()
    width, lines = _terminal_size()
    p = result.params
    console.print(f"[bold]{sim.variant_name(p)}[/] stack: {sim.describe_network(p)}")
    print(render_sim(result, width, max(lines - 12, 24), color))

    table = Table(title=None, box=None, pad_edge=False)
    for column in ("rms", "layer 0", f"layer {p.depth}", "theory"):
        table.add_column(column, justify="left" if column == "rms" else "right")
    for name, stats, theory in (
        ("forward ‖h_l‖", result.forward, result.theory_forward),
        ("gradient ‖g_l‖", result.backward, result.theory_backward),
    ):
        shown = "not offered here"
        if theory is not None:
            shown = f"{format_value(theory[0])} → {format_value(theory[-1])}"
        table.add_row(name, format_value(stats.rms[0]), format_value(stats.rms[-1]), shown)
    console.print(table)
    console.print(
        f"growth ‖h_L‖/‖h_0‖ = {format_value(result.forward_growth)}    "
        f"gradient ratio ‖g_0‖/‖g_L‖ = {format_value(result.gradient_ratio)}"
    )
    if result.diverged_at is not None:
        console.print(f"[bold red]diverged[/]: values overflowed at layer {result.diverged_at}")


def _draw_lesion(result: sim.LesionResult) -> None:
    from tutor.plot import render_lesion

    console, color = stdout_console()
    width, lines = _terminal_size()
    network = sim.describe_network(result.params, both_variants=True)
    console.print(f"[bold]lesion[/], plain and residual: {network}")
    print(render_lesion(result, width, max(lines - 8, 24), color))
    console.print(sim.lesion_summary(result))


def _draw_training(result: sim.TrainResult) -> None:
    from rich.table import Table

    from tutor.plot import render_training, training_inks

    console, color = stdout_console()
    width, lines = _terminal_size()
    console.print(f"[bold]plain vs residual[/] {sim.describe_training(result.params)}")
    height = min(max(lines - 12, 16), 32)
    print(render_training(result, width, height, color, legend=False))

    inks = training_inks(result)
    table = Table(title=None, box=None, pad_edge=False)
    for column in ("depth", "plain: final loss", "residual: final loss"):
        table.add_column(column, justify="right")
    for depth in result.params.depths:
        cells = []
        for residual in (False, True):
            ink = inks[depth, residual]
            mark = f"[color({ink.color})]{ink.glyph}[/]" if color else ink.glyph
            cells.append(f"{mark} {format_value(result.run(depth, residual).final_loss)}")
        table.add_row(str(depth), *cells)
    console.print(table)
    console.print(sim.finding(result))


SIM = Experiment(
    name="sim",
    help="simulate forward and gradient norms across depth, plain vs residual",
    description="One run of the simulator: forward norms ‖h_l‖ and gradient norms "
    "‖∂ℒ/∂h_l‖ across depth over an ensemble, with the mean-field theory beside them.",
    options=NETWORK_OPTIONS,
    run=_core("simulate"),
    draw=_draw_sim,
    doing="simulating",
    subject="this run",
    memory=sim.not_enough_memory("this run"),
    seconds=sim.estimated_seconds,
)

#: The lesion deletes blocks of the very network ``sim`` shows, so it takes the same options.
LESION = replace(
    SIM,
    name="lesion",
    help="delete one block at a time: how far the output moves, plain vs residual",
    description="The unraveled view: for the network 'restutor sim' would show with the "
    "same options, delete each block in turn (h_k = h_{k-1}) in the plain and the residual "
    "stack, and plot the relative change of the output ‖h_L' − h_L‖/‖h_L‖ per block, "
    "with the path-length distribution C(L, k) of the residual stack. --plain changes "
    "nothing here: both variants are always lesioned.",
    run=_core("lesion_blocks"),
    draw=_draw_lesion,
    doing="lesioning",
    subject="this lesion",
    memory=sim.not_enough_memory("this lesion"),
    seconds=sim.estimated_lesion_seconds,
)

# Training takes seconds even at its defaults: on a terminal it always gets a bar.
TRAIN = Experiment(
    name="train",
    help="train plain and residual MLPs of several depths: the degradation problem",
    description="Train a plain and a residual MLP per depth on the same regression task "
    "(NumPy backprop, Adam) and plot their training-loss curves: the deepest plain network "
    "ends worse than a shallow one, the residual networks do not.",
    options=TRAINING_OPTIONS,
    run=_core("train"),
    draw=_draw_training,
    doing="training",
    subject="this training",
    memory=sim.not_enough_memory("these networks", sim.TRAIN_MEMORY_KNOBS),
)

#: The experiment commands, in the order ``restutor --help`` lists them.
EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (SIM, LESION, TRAIN)}


def add_experiment_commands(parser: Parser) -> None:
    """Hang ``sim``, ``lesion`` and ``train`` from ``parser``."""
    for experiment in EXPERIMENTS.values():
        command = parser.add_command(
            experiment.name, help=experiment.help, description=experiment.description
        )
        experiment.options.add(command)
        command.set_defaults(
            experiment=experiment, handler=lambda args: run_experiment(args.experiment, args)
        )


def experiment_params(args: argparse.Namespace) -> Any:
    """The parameters parsed experiment options name: ``SimParams`` or ``TrainParams``."""
    experiment: Experiment | None = getattr(args, "experiment", None)
    if experiment is None:
        raise UsageError(f"not an experiment; the experiments are {', '.join(EXPERIMENTS)}")
    return experiment.options.params(args)
