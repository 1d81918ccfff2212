"""Speed of the simulator engine, as ratios measured in one run on this machine.

    python benchmarks/run.py

Engine: compares it with (1) the reference page's loop written fresh, one vector
at a time with the same weights and inputs, checked to give the same arrays;
(2) the floor: the same number of weights drawn with NumPy's fastest generator and
the same products as batched GEMMs; and reports the cached recompute at the lab
defaults and the whole ``restutor sim --json`` process. Timings are the median of
several repeats; nothing here is asserted by the test suite.

Lessons: validating 100 lesson files (copies of the built-ins under new ids),
in-process and as a whole ``restutor validate`` process.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import subprocess
import sys
import time

import numpy as np
from rich.console import Console
from rich.table import Table

from tutor.sim import SimParams, Simulator, simulate
from tutor.sim.engine import _LAYER_STREAM, NormStats, _generator

DEFAULTS = SimParams()


def timed(fn, repeats: int = 7) -> float:
    """Median wall time of ``fn()`` in seconds."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def reference_loop(params: SimParams, weights, inputs, upstream):
    """The reference page's experiment, generalized: one vector, one layer at a time."""
    scale = np.float32(params.sigma_w / math.sqrt(params.width))
    alpha = np.float32(params.alpha)
    depth = params.depth
    forward = np.empty((depth + 1, params.samples))
    backward = np.empty((depth + 1, params.samples))
    sample = 0
    for net in range(params.networks):
        for k in range(params.inputs):
            h = inputs[net, k]
            states, slopes = [h], []
            for layer in range(depth):
                f = np.tanh(scale * (h @ weights[layer][net]))
                slopes.append(1 - f * f)
                h = h + alpha * f if params.residual else f
                states.append(h)
            g = upstream[net, k]
            grads = [g]
            for layer in range(depth, 0, -1):
                branch = slopes[layer - 1] * g * (alpha if params.residual else 1)
                down = scale * (weights[layer - 1][net] @ branch)
                g = g + down if params.residual else down
                grads.append(g)
            forward[:, sample] = [np.linalg.norm(s) for s in states]
            backward[:, sample] = [np.linalg.norm(x) for x in reversed(grads)]
            sample += 1
    return NormStats.of(forward), NormStats.of(backward)


def draw_serially(params: SimParams):
    """The same weights as the engine's, drawn one layer after another."""
    out = []
    for layer in range(1, params.depth + 1):
        z = np.empty((params.networks, params.width, params.width), np.float32)
        _generator(params.seed, _LAYER_STREAM, layer).standard_normal(out=z, dtype=np.float32)
        out.append(z)
    return out


def floor_run(params: SimParams) -> None:
    """The least any engine must do: draw the weights, then two batched GEMMs a layer."""
    rng = np.random.Generator(np.random.SFC64(0))
    shape = (params.depth, params.networks, params.width, params.width)
    weights = rng.standard_normal(shape, dtype=np.float32)
    x = rng.standard_normal((params.networks, params.inputs, params.width), dtype=np.float32)
    g = np.ascontiguousarray(x.transpose(0, 2, 1))
    np.seterr(over="ignore", invalid="ignore")  # unscaled products: only their cost matters
    for layer in range(params.depth):
        x = np.matmul(x, weights[layer])
    for layer in range(params.depth - 1, -1, -1):
        g = np.matmul(weights[layer], g)


def cached_recompute_ms(params: SimParams) -> dict[str, float]:
    sim = Simulator()
    sim.run(params)
    changes = {
        "alpha": [{"alpha": 0.5}, {"alpha": 0.2}],
        "activation": [{"activation": "relu"}, {"activation": "tanh"}],
        "skip toggle": [{"residual": False}, {"residual": True}],
        "norm": [{"norm": "pre"}, {"norm": "post"}, {"norm": "none"}],
        "depth 40→60 (new layers only)": None,
    }
    out = {}
    for name, steps in changes.items():
        if steps is None:

            def deeper():
                fresh = Simulator()
                fresh.run(params)
                start = time.perf_counter()
                fresh.run(dataclasses.replace(params, depth=60))
                return time.perf_counter() - start

            out[name] = 1e3 * statistics.median(deeper() for _ in range(5))
            continue
        cycle = [dataclasses.replace(params, **s) for s in steps]
        out[name] = 1e3 * timed(lambda runs=cycle: [sim.run(p) for p in runs], 9) / len(cycle)
    return out


def whole_process_seconds() -> float:
    cmd = [sys.executable, "-m", "tutor", "sim", "--json"]
    return timed(lambda: subprocess.run(cmd, check=True, capture_output=True), 5)


def lessons_benchmark(console: Console) -> None:
    import re
    import tempfile
    from pathlib import Path

    from tutor.lessons.catalog import load_catalog
    from tutor.paths import builtin_lessons_dir

    sources = sorted(builtin_lessons_dir().glob("*.yaml"))
    with tempfile.TemporaryDirectory() as folder:
        for n in range(100):
            source = sources[n % len(sources)]
            text = re.sub(r"^id: (\S+)", rf"id: \1-copy-{n}", source.read_text(), flags=re.M)
            (Path(folder) / f"copy-{n}.yaml").write_text(text)
        in_process = timed(lambda: load_catalog([Path(folder), builtin_lessons_dir()]), 5)
        cmd = [sys.executable, "-m", "tutor", "validate", folder]
        process = timed(lambda: subprocess.run(cmd, capture_output=True, check=False), 3)
        size = sum(p.stat().st_size for p in Path(folder).glob("*.yaml"))
    table = Table(title="lessons: validating 100 lesson files")
    for column in ("what", "time", "bar", "met"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for what, seconds in (
        ("in-process load + checks", in_process),
        ("whole `restutor validate DIR` process", process),
    ):
        table.add_row(
            what, f"{seconds * 1e3:.0f} ms", "< 1000 ms", "yes" if seconds < 1 else "[red]NO[/]"
        )
    console.print(table)
    console.print(f"{size / 1e6:.1f} MB of YAML in the 100 files")


def notes_benchmark(console: Console, count: int = 100_000) -> None:
    """Insert ``count`` notes, then time full-text searches over them."""
    import random
    import tempfile
    from pathlib import Path

    from tutor.store import Store

    topical = (
        "residual identity gradient jacobian norm stream depth path ensemble branch "
        "shortcut projection tanh relu alpha sigma lesion transformer attention layer"
    ).split()
    rng = random.Random(0)
    syllables = ["ka", "to", "ri", "mu", "se", "lo", "na", "pe", "vi", "du", "ge", "ho"]
    filler = ["".join(rng.choices(syllables, k=3)) for _ in range(3000)]
    weights = [1 / (rank + 1) for rank in range(len(filler))]  # Zipf-like, as prose is

    def body() -> str:
        words = rng.choices(filler, weights=weights, k=40) + rng.sample(topical, k=3)
        rng.shuffle(words)
        return " ".join(words)

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        rows = [(body(), "claim", f"c{i}") for i in range(count)]
        start = time.perf_counter()
        store.import_notes(
            [
                {
                    "uid": f"u{i}",
                    "body": body,
                    "anchor_kind": kind,
                    "anchor_id": anchor,
                    "created_at": "2026-01-01T00:00:00+00:00",
                    "updated_at": "2026-01-01T00:00:00+00:00",
                }
                for i, (body, kind, anchor) in enumerate(rows)
            ]
        )
        insert = time.perf_counter() - start
        queries = ["jacobian", '"identity gradient"', "lesi*", "norm AND stream NOT relu"]
        times = {q: timed(lambda q=q: store.search_notes(q, limit=50), 9) for q in queries}
        store.close()
    table = Table(title=f"notes: full-text search over {count:,} notes (top 50)")
    for column in ("query", "time", "bar", "met"):
        table.add_column(column, justify="left" if column == "query" else "right")
    for query, seconds in times.items():
        table.add_row(
            query, f"{seconds * 1e3:.1f} ms", "< 50 ms", "yes" if seconds < 0.05 else "[red]NO[/]"
        )
    console.print(table)
    console.print(
        f"inserted {count:,} notes in {insert:.2f} s ({count / insert:,.0f} notes/s, "
        "one transaction)"
    )


def main() -> None:
    console = Console()
    engine_benchmark(console)
    lessons_benchmark(console)
    notes_benchmark(console)


def engine_benchmark(console: Console) -> None:
    p = DEFAULTS
    console.print(f"[bold]restutor engine benchmark[/] at the lab defaults: {p}")

    sim = Simulator()
    weights, inputs, upstream = sim.arrays(p)
    reference_forward, reference_backward = reference_loop(p, weights, inputs, upstream)
    engine = simulate(p)
    np.testing.assert_allclose(engine.forward.rms, reference_forward.rms, rtol=1e-4)
    np.testing.assert_allclose(engine.backward.p50, reference_backward.p50, rtol=1e-4)

    engine_fresh = timed(lambda: simulate(p))
    engine_in_hand = timed(lambda: sim.run(p))
    reference_in_hand = timed(lambda: reference_loop(p, weights, inputs, upstream), 3)
    reference_fresh = timed(lambda: reference_loop(p, draw_serially(p), inputs, upstream), 3)
    floor = timed(lambda: floor_run(p))
    draw_only = timed(lambda: draw_serially(p))
    cached = cached_recompute_ms(p)
    process = whole_process_seconds()

    table = Table(title="measured in this run (median wall time)")
    for column in ("what", "time", "ratio", "bar", "met"):
        table.add_column(column, justify="left" if column == "what" else "right")

    def row(what, seconds, ratio, bar, met):
        table.add_row(what, f"{seconds * 1e3:.1f} ms", ratio, bar, "yes" if met else "[red]NO[/]")

    speed_in_hand = reference_in_hand / engine_in_hand
    speed_fresh = reference_fresh / engine_fresh
    over_floor = engine_fresh / floor
    row(
        "reference loop vs engine, weights in hand",
        engine_in_hand,
        f"{speed_in_hand:.1f}× faster",
        "≥ 10×",
        speed_in_hand >= 10,
    )
    row(
        "reference loop vs engine, fresh run",
        engine_fresh,
        f"{speed_fresh:.1f}× faster",
        "≥ 4×",
        speed_fresh >= 4,
    )
    row(
        "engine fresh run vs the floor",
        engine_fresh,
        f"{over_floor:.2f}× the floor",
        "≤ 1.25×",
        over_floor <= 1.25,
    )
    for name, ms in cached.items():
        if name.startswith("depth"):  # informational: 1.5× the layers, 20 of them drawn
            table.add_row(f"cached recompute: {name}", f"{ms:.1f} ms", "", "—", "")
            continue
        row(f"cached recompute: {name}", ms / 1e3, "", "≤ 16 ms", ms <= 16)
    row("whole `restutor sim --json` process", process, "", "< 500 ms", process < 0.5)
    console.print(table)
    console.print(
        f"reference loop: {reference_in_hand * 1e3:.0f} ms with weights, "
        f"{reference_fresh * 1e3:.0f} ms fresh; floor {floor * 1e3:.1f} ms; drawing the "
        f"weights serially {draw_only * 1e3:.1f} ms ({draw_only / floor:.0%} of the floor; the "
        "engine draws layers in parallel, each from its own stream)"
    )


if __name__ == "__main__":
    main()
