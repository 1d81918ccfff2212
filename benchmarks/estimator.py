"""Measure the runs the cost model (``tutor.sim.cost``) estimates, and fit its rates.

    python benchmarks/estimator.py --measure   # time the grid, write estimator_points.json
    python benchmarks/estimator.py --fit       # fit RATES to the recorded points
    python benchmarks/estimator.py             # the current estimate against each point

The grid spans depth 10 to 10,000 for both experiments, widths 8 to 2,048, ensembles
from 1 network × 1 input to 16 networks and 2,048 inputs, every activation and norm
placement, plain and residual. Each point is a fresh run (a new simulator, as
``restutor sim`` and ``restutor lesion`` make), timed as the fastest of a few repeats
when it is quick (the machine is shared: the fastest is its own speed), once when it is
slow. What is measured is what is recorded, nothing extrapolated: the deepest lesions
(quadratic in depth) are measured on narrow layers and small ensembles, where they take
seconds, and the wide ones at the depths they finish in (a lesion of depth 10,000 at the
lab's width would take days here). The test suite checks the estimate against these
points (within 2×); it never times anything itself.

Left out, and why: a lesion at width 16 with 4 inputs and depth 3,000 took anywhere from
2 to 7.5 s from run to run, where each variant alone takes 0.4 s: its two variants'
threads contend (for the interpreter and the two shared cores) in a way no count of the
work predicts, so that point measures the neighbours more than the lesion.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from tutor.sim import SimParams, cost, lesion_blocks, simulate

POINTS_FILE = Path(__file__).with_name("estimator_points.json")

#: (experiment, parameters that differ from the lab defaults), in the order measured.
GRID: list[tuple[cost.Experiment, dict[str, object]]] = [
    *[("signal", {"depth": d}) for d in (10, 30, 100, 300, 1_000, 3_000, 10_000)],
    *[("signal", {"depth": d, "width": 16}) for d in (10, 1_000, 10_000)],
    *[("signal", {"depth": d, "width": 512}) for d in (10, 100, 300)],
    *[("signal", {"depth": d, "width": 1_024}) for d in (10, 60)],
    *[("signal", {"depth": d, "width": 2_048, "networks": 1}) for d in (10, 60)],
    *[("signal", {"depth": d, "networks": 1, "inputs": 1}) for d in (10, 1_000, 10_000)],
    *[("signal", {"depth": d, "networks": 16}) for d in (100, 1_000)],
    *[("signal", {"depth": d, "inputs": 256}) for d in (100, 1_000)],
    ("signal", {"depth": 300, "width": 64, "inputs": 2_048}),
    ("signal", {"depth": 1_000, "activation": "relu"}),
    ("signal", {"depth": 1_000, "activation": "linear"}),
    ("signal", {"depth": 1_000, "norm": "pre"}),
    ("signal", {"depth": 1_000, "norm": "post"}),
    ("signal", {"depth": 1_000, "residual": False}),
    ("signal", {"depth": 100, "width": 512, "norm": "post", "activation": "relu"}),
    *[("lesion", {"depth": d}) for d in (10, 40, 100, 200, 400)],
    *[
        ("lesion", {"depth": d, "width": 8, "networks": 1, "inputs": 1})
        for d in (100, 1_000, 3_000, 10_000)
    ],
    *[("lesion", {"depth": d, "width": 16, "networks": 1, "inputs": 4}) for d in (1_000, 2_000)],
    ("lesion", {"depth": 1_000, "width": 32, "networks": 1, "inputs": 8}),
    ("lesion", {"depth": 200, "width": 64, "inputs": 64}),
    *[("lesion", {"depth": d, "width": 256}) for d in (10, 100, 200)],
    *[("lesion", {"depth": d, "width": 512}) for d in (10, 50, 100)],
    *[("lesion", {"depth": d, "width": 1_024, "networks": 1}) for d in (10, 100)],
    ("lesion", {"depth": 100, "networks": 16}),
    ("lesion", {"depth": 200, "activation": "relu"}),
    ("lesion", {"depth": 200, "activation": "linear"}),
    ("lesion", {"depth": 200, "norm": "pre"}),
    ("lesion", {"depth": 200, "norm": "post"}),
]


def run(experiment: cost.Experiment, params: SimParams) -> None:
    (lesion_blocks if experiment == "lesion" else simulate)(params)


def timed(experiment: cost.Experiment, params: SimParams) -> tuple[float, int]:
    """The fastest of a few fresh runs (more for quick ones), and how many were made."""
    samples = []
    while True:
        start = time.perf_counter()
        run(experiment, params)
        samples.append(time.perf_counter() - start)
        fastest = min(samples)
        wanted = 5 if fastest < 0.5 else 3 if fastest < 3 else 1
        if len(samples) >= wanted:
            return fastest, len(samples)


def machine() -> dict[str, object]:
    """What the points were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]  # type: ignore[index]
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_bytes": os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": f"{blas.get('name')} {blas.get('version')}",
    }


def measure() -> None:
    run("signal", SimParams(depth=5))  # pools and caches made once, as in a process
    run("lesion", SimParams(depth=5))
    load_before = os.getloadavg()
    points = []
    for experiment, changes in GRID:
        params = SimParams(**changes)  # type: ignore[arg-type]
        seconds, runs = timed(experiment, params)
        points.append(
            {"experiment": experiment, "params": params.to_dict(), "seconds": seconds, "runs": runs}
        )
        print(f"{experiment:6} {changes}: {seconds:.3f} s ({runs} runs)", flush=True)
    description = machine() | {"load_average": [load_before, os.getloadavg()]}
    POINTS_FILE.write_text(json.dumps({"machine": description, "points": points}, indent=1) + "\n")
    print(f"wrote {len(points)} points to {POINTS_FILE}")


def recorded() -> list[tuple[cost.Experiment, SimParams, float]]:
    """The points in the file: experiment, parameters, seconds."""
    data = json.loads(POINTS_FILE.read_text())
    return [
        (point["experiment"], SimParams(**point["params"]), point["seconds"])
        for point in data["points"]
    ]


def fit(experiment: cost.Experiment) -> dict[str, float]:
    """The rates, none negative, that minimize the worst ratio of estimate to measured
    time over ``experiment``'s points (Lawson's reweighted least squares on the relative
    errors; a unit whose best rate would be negative is dropped and the rest refitted)."""
    points = [(p, t) for e, p, t in recorded() if e == experiment]
    units = list(cost.RATES[experiment])
    matrix = np.array([[cost.work(experiment, p)[u] / t for u in units] for p, t in points])
    scale = matrix.max(axis=0)
    scale[scale == 0] = 1.0
    matrix /= scale
    weights = np.full(len(points), 1 / len(points))
    best, best_rates = np.inf, np.zeros(len(units))
    for _ in range(500):
        root = np.sqrt(weights)
        kept = list(range(len(units)))
        while True:
            solved, *_ = np.linalg.lstsq(matrix[:, kept] * root[:, None], root, rcond=None)
            if (solved >= 0).all():
                break
            del kept[int(np.argmin(solved))]
        rates = np.zeros(len(units))
        rates[kept] = solved
        errors = np.abs(np.log(np.maximum(matrix @ rates, 1e-9)))
        if errors.max() < best:
            best, best_rates = errors.max(), rates
        weights = weights * (errors + 1e-3)
        weights /= weights.sum()
    return {u: float(r) for u, r in zip(units, best_rates / scale, strict=True)}


def report(rates: dict[cost.Experiment, dict[str, float]]) -> float:
    """Each point's estimate against its measured time; the worst ratio either way."""
    worst = 1.0
    for experiment, params, seconds in recorded():
        work = cost.work(experiment, params)
        ratio = sum(rates[experiment][u] * amount for u, amount in work.items()) / seconds
        worst = max(worst, ratio, 1 / ratio)
        changed = {k: v for k, v in params.to_dict().items() if v != getattr(SimParams(), k)}
        print(f"{experiment:6} {changed}: measured {seconds:.3f} s, estimate ×{ratio:.2f}")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measure", action="store_true", help="time the grid and record it")
    parser.add_argument("--fit", action="store_true", help="fit the rates to the recorded points")
    args = parser.parse_args()
    if args.measure:
        measure()
    rates = cost.RATES
    if args.fit:
        rates = {experiment: fit(experiment) for experiment in cost.RATES}
        for experiment, fitted in rates.items():
            pairs = ", ".join(f'"{unit}": {rate:.3g}' for unit, rate in fitted.items())
            print(f'"{experiment}": {{{pairs}}},')
    print(f"worst estimate: ×{report(rates):.2f} off the measured time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
