"""What the lessons say about training holds on more than one machine.

Deep plain training is chaotic: the rounding of another OpenBLAS kernel is enough to make
the same seed end somewhere else (seed 0's 48-layer plain network ends 4× above its
4-layer one on the Haswell kernel, 6× on Prescott, 8.8× on SkylakeX; one or two threads
agree to 1e-4, which this file checks too, as the issue suspected them as well). So the
lessons quote no plain final loss as a fact: the learner reads their own run
(``tutor.sim.your_run``), and what the lessons do state about training is stated over
the seeds in ``SEEDS`` and proved here over each of them, on two OpenBLAS kernels
(``OPENBLAS_CORETYPE``), with one and two threads, each in its own process.

``STATED`` holds the numbers the lessons quote; ``tests/test_measured_numbers.py`` checks
that a lesson quotes no other training number.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tutor.sim import TrainParams, TrainResult, TrainRun, your_run

#: The seeds the lessons name ("seeds 0–4"): five default experiments per configuration
#: keep this file within a minute on two cores.
SEEDS = range(5)
#: The kernels: OpenBLAS's AVX2 one and its SSE3 one (newer OpenBLAS reports the latter
#: under its older name, Katmai), which round matrix products differently.
KERNELS = {"Haswell": {"Haswell"}, "Prescott": {"Prescott", "Katmai"}}
THREADS = (1, 2)
DEPTHS = TrainParams().depths  # the default experiment: 4, 16 and 48 layers

#: What the lessons quote about the default experiment over ``SEEDS``, as written there.
STATED = {
    # The 48-layer plain network's final loss over the 4-layer one's: every run lies in this range.
    "plain_penalty": (1.5, 60.0),
    # The same for the residual networks: every run lies in this range, so always below 1.
    "residual_penalty": (0.09, 0.93),
    # At seed 0, the plain penalty on each kernel, to the nearest whole number.
    "seed0_plain_penalty": {"Haswell": 4, "Prescott": 6},
    # At seed 0, on every kernel: the residual penalty, and the 4-layer finals, to 2 digits.
    "seed0_residual_penalty": 0.93,
    "seed0_residual_4": 0.053,
    "seed0_plain_4": 0.014,
    # At seed 0: the untrained 48-layer residual network's loss ("about 250").
    "seed0_residual_48_start": 250,
}

_TRAIN = """
import json, sys
from tutor.sim import TrainParams, train
for seed in map(int, sys.argv[1:]):
    result = train(TrainParams(seed=seed))
    runs = {run.name: [run.losses[0], run.final_loss] for run in result.runs}
    print(json.dumps({"seed": seed, "runs": runs}), flush=True)
"""


@dataclass(frozen=True)
class Runs:
    """One configuration's default experiments: the ``first`` and ``final`` loss by seed
    and network name (``plain-48``), and the kernel OpenBLAS said it chose (``chosen``)."""

    kernel: str
    threads: int
    chosen: str
    first: dict[int, dict[str, float]]
    final: dict[int, dict[str, float]]

    @property
    def selected(self) -> bool:
        return self.chosen in KERNELS[self.kernel]

    def penalty(self, seed: int, variant: str) -> float:
        finals = self.final[seed]
        return finals[f"{variant}-{DEPTHS[-1]}"] / finals[f"{variant}-{DEPTHS[0]}"]


def _train(kernel: str, threads: int) -> Runs:
    """Train every seed in a fresh process with ``kernel`` and ``threads`` set."""
    env = dict(
        os.environ,
        OPENBLAS_CORETYPE=kernel,
        OPENBLAS_NUM_THREADS=str(threads),
        OMP_NUM_THREADS=str(threads),
        # An idle OpenBLAS thread sleeps after 2⁴ cycles, not 2²⁸ of spinning: the same
        # results, at a seventh of the CPU time on a busy two-core machine.
        OPENBLAS_THREAD_TIMEOUT="4",
        OPENBLAS_VERBOSE="2",  # OpenBLAS names the kernel it chose on stderr: "Core: Haswell"
        PYTHONPATH=str(Path(__file__).parents[1]),  # this checkout's tutor
    )
    done = subprocess.run(
        [sys.executable, "-c", _TRAIN, *map(str, SEEDS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    cores = [
        line.split(":", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("Core:")
    ]
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    first = {row["seed"]: {name: pair[0] for name, pair in row["runs"].items()} for row in rows}
    final = {row["seed"]: {name: pair[1] for name, pair in row["runs"].items()} for row in rows}
    return Runs(kernel, threads, cores[0] if cores else "not named", first, final)


def train_every_configuration() -> list[Runs]:
    """Every kernel and thread count, two processes at a time (the machine has two cores)."""
    configs = [(kernel, threads) for kernel in KERNELS for threads in THREADS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda config: _train(*config), configs))


# Each statement the lessons make, over the runs of every selected configuration: the
# problems it finds (none when it holds).


def every_run(runs: list[Runs]) -> list[tuple[Runs, int]]:
    return [(config, seed) for config in runs for seed in SEEDS]


def where(config: Runs, seed: int) -> str:
    return f"{config.kernel}, {config.threads} thread(s), seed {seed}"


def the_48_layer_plain_network_ends_highest(runs: list[Runs]) -> Iterator[str]:
    for config, seed in every_run(runs):
        finals = config.final[seed]
        worst = max(DEPTHS, key=lambda depth: finals[f"plain-{depth}"])
        if worst != DEPTHS[-1]:
            yield f"{where(config, seed)}: the {worst}-layer one ends highest ({finals})"


def the_plain_depth_penalty_is_in_the_stated_range(runs: list[Runs]) -> Iterator[str]:
    low, high = STATED["plain_penalty"]
    for config, seed in every_run(runs):
        if not low <= (penalty := config.penalty(seed, "plain")) <= high:
            yield f"{where(config, seed)}: {penalty:.3g}×"


def the_48_layer_residual_network_ends_below_the_4_layer_one(runs: list[Runs]) -> Iterator[str]:
    low, high = STATED["residual_penalty"]
    assert high < 1
    for config, seed in every_run(runs):
        if not low <= (penalty := config.penalty(seed, "residual")) <= high:
            yield f"{where(config, seed)}: {penalty:.3g}×"


def the_16_layer_plain_network_ends_below_the_4_layer_one_in_most_runs(
    runs: list[Runs],
) -> Iterator[str]:
    below = [c.final[seed]["plain-16"] < c.final[seed]["plain-4"] for c, seed in every_run(runs)]
    if sum(below) <= len(below) / 2:
        yield f"only {sum(below)} of {len(below)} runs"


def the_4_layer_residual_network_ends_above_the_4_layer_plain_one(
    runs: list[Runs],
) -> Iterator[str]:
    for config, seed in every_run(runs):
        if config.final[seed]["residual-4"] <= config.final[seed]["plain-4"]:
            yield where(config, seed)


def the_seed_0_numbers_hold_on_every_kernel(runs: list[Runs]) -> Iterator[str]:
    for config in runs:
        finals, first = config.final[0], config.first[0]
        shown = {
            "seed0_plain_penalty": round(config.penalty(0, "plain")),
            "seed0_residual_penalty": round(config.penalty(0, "residual"), 2),
            "seed0_residual_4": round(finals["residual-4"], 3),
            "seed0_plain_4": round(finals["plain-4"], 3),
        }
        stated = {name: STATED[name] for name in shown}
        stated["seed0_plain_penalty"] = STATED["seed0_plain_penalty"][config.kernel]
        if shown != stated:
            yield f"{where(config, 0)}: {shown}"
        start, about = first["residual-48"], STATED["seed0_residual_48_start"]
        if abs(start / about - 1) > 0.02:
            yield f"{where(config, 0)}: the untrained residual-48 loss is {start:.4g}"


def the_kernel_moves_the_plain_finals_and_the_thread_count_does_not(
    runs: list[Runs],
) -> Iterator[str]:
    """Why no lesson quotes a plain final loss: another kernel ends somewhere else."""
    by = {(config.kernel, config.threads): config for config in runs}
    for (kernel, _), config in by.items():
        one = by[(kernel, THREADS[0])]
        for seed in SEEDS:
            if config.final[seed] != pytest.approx(one.final[seed], rel=1e-4):
                yield f"{where(config, seed)} differs from {THREADS[0]} thread(s)"
    kernels = sorted({kernel for kernel, _ in by})
    if len(kernels) > 1:
        first, second = (by[(kernel, THREADS[0])] for kernel in kernels[:2])
        ratios = [first.penalty(s, "plain") / second.penalty(s, "plain") for s in SEEDS]
        if all(abs(ratio - 1) <= 0.1 for ratio in ratios):
            yield f"{kernels[0]} and {kernels[1]} end within 10% of each other at every seed"


STATEMENTS = [
    the_48_layer_plain_network_ends_highest,
    the_plain_depth_penalty_is_in_the_stated_range,
    the_48_layer_residual_network_ends_below_the_4_layer_one,
    the_16_layer_plain_network_ends_below_the_4_layer_one_in_most_runs,
    the_4_layer_residual_network_ends_above_the_4_layer_plain_one,
    the_seed_0_numbers_hold_on_every_kernel,
    the_kernel_moves_the_plain_finals_and_the_thread_count_does_not,
]


@pytest.mark.slow
def test_what_the_lessons_say_about_training_holds_on_every_kernel_and_thread_count():
    """One test, so that one process trains the configurations (pytest-xdist would give
    separate tests to separate workers, and each would train them all again)."""
    configurations = train_every_configuration()
    assert all(sorted(config.final) == list(SEEDS) for config in configurations)
    runs = [config for config in configurations if config.selected]
    problems = [
        f"{statement.__name__}: {problem}"
        for statement in STATEMENTS
        for problem in statement(runs)
    ]
    assert problems == []
    refused = [f"{c.kernel} ran as {c.chosen}" for c in configurations if not c.selected]
    if refused:  # what could be checked held; the rest could not be run here
        pytest.skip("this machine's OpenBLAS cannot select " + "; ".join(refused))


def _result(finals: dict[tuple[int, bool], float]) -> TrainResult:
    depths = tuple(sorted({depth for depth, _ in finals}))
    runs = tuple(TrainRun(d, r, (0, 1), (1.0, loss)) for (d, r), loss in finals.items())
    return TrainResult(TrainParams(depths=depths, steps=1, seed=3), runs, 2 * len(depths))


def test_your_run_reads_out_every_final_and_each_penalty():
    result = _result({(4, False): 0.0125, (4, True): 0.05, (48, False): 0.1, (48, True): 0.04})
    assert your_run(result) == (
        "Your run (seed 3): plain 4 layers 0.0125, 48 layers 0.1 (48 vs 4: 8×); "
        "residual 4 layers 0.05, 48 layers 0.04 (48 vs 4: 0.8×)."
    )
    diverged = _result({(4, False): 0.01, (4, True): 0.05, (48, False): math.nan, (48, True): 1})
    assert your_run(diverged).startswith("Your run (seed 3): plain 4 layers 0.01, 48 layers —; ")


def test_a_statement_names_the_run_that_breaks_it():
    good = {
        "plain-4": 0.01,
        "plain-16": 0.005,
        "plain-48": 0.1,
        "residual-4": 0.05,
        "residual-48": 0.04,
    }
    broken = good | {"plain-16": 0.2, "plain-48": 0.012}  # 16 layers end highest, 1.2× only
    runs = [Runs("Haswell", 1, "Haswell", {}, {seed: good for seed in SEEDS} | {3: broken})]
    assert list(the_48_layer_plain_network_ends_highest(runs)) == [
        f"Haswell, 1 thread(s), seed 3: the 16-layer one ends highest ({broken})"
    ]
    assert list(the_plain_depth_penalty_is_in_the_stated_range(runs)) == [
        "Haswell, 1 thread(s), seed 3: 1.2×"
    ]
    assert list(the_48_layer_residual_network_ends_below_the_4_layer_one(runs)) == []
