"""The degradation experiment (He et al. 2016, fig. 1): plain and residual networks
of several depths learn the same regression task, and the deeper plain network ends
with a *higher training loss* than a shallow one (an optimization failure, not
overfitting), while the residual networks do not get worse with depth.

This module is the experiment: it trains every network (``training`` yields snapshots
a UI can draw, ``train`` runs to the end), keeps the curves (``TrainRun``,
``TrainResult``), paces the snapshots for a screen (``paced``) and says what they show
(``finding``). The networks, their exact backprop, Adam and the teacher's data are in
``mlp``; their names stay importable from here.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from tutor.sim.mlp import (
    ADAM_BETA1,
    ADAM_BETA2,
    ADAM_EPS,
    BATCH_STREAM,
    INIT_STREAM,
    INPUTS,
    LN_EPS,
    SAMPLES,
    TEACHER_HIDDEN,
    Adam,
    Student,
    teacher_data,
)
from tutor.sim.streams import stream
from tutor.sim.train_params import TrainParams
from tutor.sim.words import format_value

__all__ = [
    "ADAM_BETA1",
    "ADAM_BETA2",
    "ADAM_EPS",
    "INPUTS",
    "LN_EPS",
    "MAX_POINTS",
    "SAMPLES",
    "TEACHER_HIDDEN",
    "Adam",
    "Progress",
    "Student",
    "TrainParams",
    "TrainResult",
    "TrainRun",
    "finding",
    "paced",
    "frame_of",
    "record_every",
    "teacher_data",
    "train",
    "training",
    "your_run",
]

#: Curves keep at most this many points after step 0 (the full-set loss costs a forward pass).
MAX_POINTS = 100

#: Reports ``(steps done, steps in all)`` over every run of the experiment.
Progress = Callable[[int, int], None]


def _batches(rng: np.random.Generator, batch: int, steps: int) -> Iterator[np.ndarray]:
    """Minibatch indices: a fresh shuffle of the training set every epoch (a partial
    batch at the end of an epoch is dropped, so every batch has ``batch`` points)."""
    per_epoch = SAMPLES // batch
    order = np.empty(0, np.intp)
    for step in range(steps):
        k = step % per_epoch
        if k == 0:
            order = rng.permutation(SAMPLES)
        yield order[k * batch : (k + 1) * batch]


def record_every(steps: int) -> int:
    """Steps between two points of a curve: every step up to ``MAX_POINTS`` steps."""
    return -(-steps // MAX_POINTS)


@dataclass(frozen=True, slots=True)
class TrainRun:
    """One network's curve: the loss on the whole training set after each of ``steps``.

    The full-set loss (not the minibatch's) makes the curves smooth enough to
    compare; step 0 is the network before any update.
    """

    depth: int
    residual: bool
    steps: tuple[int, ...]
    losses: tuple[float, ...]

    @property
    def final_loss(self) -> float:
        return self.losses[-1]

    @property
    def name(self) -> str:
        return f"{'residual' if self.residual else 'plain'}-{self.depth}"

    def to_dict(self) -> dict[str, object]:
        return {
            "depth": self.depth,
            "residual": self.residual,
            "step": list(self.steps),
            "loss": [v if math.isfinite(v) else None for v in self.losses],
        }


@dataclass(frozen=True, slots=True)
class TrainResult:
    """The experiment so far: finished runs in order (depth by depth, plain then
    residual) and, while training, the partial curve of the current one."""

    params: TrainParams
    runs: tuple[TrainRun, ...]
    done: int  # optimizer steps taken over all runs

    @property
    def total(self) -> int:
        return 2 * len(self.params.depths) * self.params.steps

    @property
    def complete(self) -> bool:
        return self.done == self.total

    def run(self, depth: int, residual: bool) -> TrainRun | None:
        return next((r for r in self.runs if (r.depth, r.residual) == (depth, residual)), None)

    def to_dict(self) -> dict[str, object]:
        """Exactly the object ``restutor train --json`` prints."""
        return {"params": self.params.to_dict(), "runs": [r.to_dict() for r in self.runs]}


def _curve(
    params: TrainParams, x: np.ndarray, y: np.ndarray, depth: int, residual: bool
) -> Iterator[tuple[int, float]]:
    """Train one network, yielding ``(step, full-set loss)`` from step 0 to the last."""
    net = Student(depth, params.width, residual)
    net.init(stream(params.seed, INIT_STREAM, depth, int(residual)))
    adam = Adam(net.theta, params.lr)
    every = record_every(params.steps)
    yield 0, net.loss(x, y)
    batches = _batches(stream(params.seed, BATCH_STREAM), params.batch, params.steps)
    for step, index in enumerate(batches, 1):
        with np.errstate(all="ignore"):  # a diverging run shows in its curve, not as warnings
            net.loss_and_grad(x[index], y[index])
            adam.step(net.grad)
            if step % every and step < params.steps:
                continue
            loss = net.loss(x, y)
        yield step, loss


def training(params: TrainParams) -> Iterator[TrainResult]:
    """The experiment as it runs: a snapshot after every new point of any curve.

    A UI worker iterates this and stops iterating to cancel. Every run uses the
    same data and minibatch order, and its own initialization stream keyed by
    its depth and variant, so a run's curve does not depend on which other
    depths are in the experiment.
    """
    x, y = teacher_data(params.seed)
    finished: list[TrainRun] = []
    for depth in params.depths:
        for residual in (False, True):
            steps: list[int] = []
            losses: list[float] = []
            for step, loss in _curve(params, x, y, depth, residual):
                steps.append(step)
                losses.append(loss)
                run = TrainRun(depth, residual, tuple(steps), tuple(losses))
                yield TrainResult(params, (*finished, run), len(finished) * params.steps + step)
            finished.append(run)


def paced(snapshots: Iterable[TrainResult], seconds: float) -> Iterator[TrainResult]:
    """The snapshots at most one per ``seconds``, and always the finished experiment: as
    often as a screen can usefully redraw (or be asked whether to stop)."""
    last = time.monotonic()
    for result in snapshots:
        if result.complete or time.monotonic() - last > seconds:
            last = time.monotonic()
            yield result


def frame_of(result: TrainResult, frames: int) -> int:
    """Which of ``frames`` equal shares of its steps the experiment has reached (``frames``
    once complete). A screen redraws as this grows: a redraw count fixed by the experiment,
    not by the machine's speed (a time-paced screen redraws the more often the slower the
    training runs, and so slows it further)."""
    if result.complete:
        return frames
    return min(result.done * frames // max(result.total, 1), frames - 1)


def train(
    params: TrainParams,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> TrainResult:
    """Run the experiment to the end, or until ``cancel`` is set (then the curves so far).

    ``progress`` hears ``(steps done, steps in all)`` after each new point.
    """
    result = TrainResult(params, (), 0)
    for result in training(params):
        if progress is not None:
            progress(result.done, result.total)
        if cancel is not None and cancel.is_set():
            break
    return result


def finding(result: TrainResult) -> str:
    """One sentence on what the curves show: did depth hurt the plain networks, the residual?"""
    depths = sorted(result.params.depths)
    if len(depths) < 2:
        return "Give two or more depths to see what depth does to each kind of network."
    if not result.complete:
        return "Training stopped before every network finished: no verdict on partial curves."
    shallow, deep = depths[0], depths[-1]
    finals = {}
    for residual in (False, True):
        low, high = result.run(shallow, residual), result.run(deep, residual)
        assert low is not None and high is not None  # a complete result holds every run
        finals[residual] = (low.final_loss, high.final_loss)
    if not all(math.isfinite(loss) and loss > 0 for pair in finals.values() for loss in pair):
        broken = [
            f"{'residual' if residual else 'plain'}-{depth}"
            for residual, pair in finals.items()
            for depth, loss in zip((shallow, deep), pair, strict=True)
            if not math.isfinite(loss)
        ]
        return (
            f"Training diverged ({', '.join(broken)}): no verdict; "
            "a smaller learning rate keeps every network finite."
            if broken
            else "A network reached zero loss: no ratio to compare."
        )
    ratios = {residual: high / low for residual, (low, high) in finals.items()}

    def how(ratio: float) -> str:
        if ratio > 1:
            return f"ends {ratio:.3g}× higher"
        return f"ends {1 / ratio:.3g}× lower"

    plain_ratio, residual_ratio = ratios[False], ratios[True]
    sentence = (
        f"Going from {shallow} to {deep} layers, the plain network {how(plain_ratio)} and the "
        f"residual network {how(residual_ratio)} in training loss: "
    )
    if plain_ratio > 1 and residual_ratio <= 1:
        return sentence + "depth made the plain network worse but not the residual one."
    if plain_ratio > 1:
        return sentence + "depth hurt both here."
    if residual_ratio <= 1:
        return sentence + "depth did not hurt either here (try more depth or other settings)."
    return sentence + "only the residual network got worse with depth here."


def your_run(result: TrainResult) -> str:
    """The final losses of this run, depth by depth, and each variant's depth penalty.

    Deep plain training is chaotic: its final losses move with the seed, and even with
    the BLAS kernel and thread count of the machine. So the lessons quote no plain final
    loss as a fact; what the learner reads is this line, measured on their own run.
    """
    depths = sorted(result.params.depths)
    parts = []
    for residual in (False, True):
        finals = {d: run.final_loss for d in depths if (run := result.run(d, residual))}
        if not finals:
            continue
        losses = ", ".join(f"{d} layers {format_value(loss)}" for d, loss in finals.items())
        low, high = finals.get(depths[0]), finals.get(depths[-1])
        if len(depths) > 1 and low and high and math.isfinite(low) and math.isfinite(high):
            losses += f" ({depths[-1]} vs {depths[0]}: {high / low:.3g}×)"
        parts.append(f"{'residual' if residual else 'plain'} {losses}")
    return f"Your run (seed {result.params.seed}): " + "; ".join(parts) + "."
