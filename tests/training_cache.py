"""Trained experiments shared across the session, and their snapshots replayed.

Training the default experiment costs seconds; the lesson's answer check, the
degradation test and the practice screen's test all need exactly that run, so
they take it from ``tutor.practice.measures.run_training`` (seeded, cached).
"""

from __future__ import annotations

from collections.abc import Iterator

from tutor.practice.measures import run_training
from tutor.sim import TrainParams, TrainResult, TrainRun


def replay(result: TrainResult) -> Iterator[TrainResult]:
    """The snapshots ``tutor.sim.training`` yields on the way to the complete ``result``:
    one per new point of a curve, in order (``test_train`` checks they are the same)."""
    params, finished = result.params, []
    for run in result.runs:
        for end in range(1, len(run.steps) + 1):
            partial = TrainRun(run.depth, run.residual, run.steps[:end], run.losses[:end])
            done = len(finished) * params.steps + run.steps[end - 1]
            yield TrainResult(params, (*finished, partial), done)
        finished.append(run)


def cached_training(params: TrainParams) -> Iterator[TrainResult]:
    """``training(params)`` from the session's cached run: trains only the first time."""
    return replay(run_training(params))
