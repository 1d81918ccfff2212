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

Training: the degradation experiment at its defaults (six networks), in-process
and as a whole ``restutor train --json`` process, against the 10 s bar.

Lesion: deleting each block in turn, plain and residual, at the lab defaults, with
the lab's weights in hand and fresh, against the 50 ms bar; beside it the same
arithmetic as one restart per lesion (checked to give the same numbers) and as the
variants one after the other on BLAS's threads.
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
from tutor.sim.engine import LAYER_STREAM
from tutor.sim.results import NormStats
from tutor.sim.streams import stream

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
        stream(params.seed, LAYER_STREAM, layer).standard_normal(out=z, dtype=np.float32)
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


def train_benchmark(console: Console) -> None:
    from tutor.sim import TrainParams, train

    params = TrainParams()
    results = []

    def run() -> None:
        results.append(train(params))

    in_process = timed(run, 3)
    cmd = [sys.executable, "-m", "tutor", "train", "--json"]
    process = timed(lambda: subprocess.run(cmd, check=True, capture_output=True), 1)
    result = results[-1]
    assert all(r.to_dict() == result.to_dict() for r in results)  # seeded: identical runs

    depths = ",".join(map(str, params.depths))
    table = Table(
        title=f"training at the defaults: depths {depths}, width {params.width}, "
        f"{params.steps} steps, plain + residual"
    )
    for column in ("what", "time", "bar", "met"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for what, seconds in (
        ("in-process train()", in_process),
        ("whole `restutor train --json` process", process),
    ):
        table.add_row(what, f"{seconds:.2f} s", "< 10 s", "yes" if seconds < 10 else "[red]NO[/]")
    console.print(table)
    layer_steps = 2 * sum(params.depths) * params.steps
    console.print(
        f"{in_process / layer_steps * 1e6:.1f} µs per layer per step (forward, backward and "
        "Adam, plus the full-set loss every few steps); final losses: "
        + ", ".join(f"{r.name} {r.final_loss:.4f}" for r in result.runs)
    )
    shallow, deep = min(params.depths), max(params.depths)
    for residual in (False, True):
        ratio = result.run(deep, residual).final_loss / result.run(shallow, residual).final_loss
        kind = "residual" if residual else "plain"
        console.print(f"{kind}: depth {deep} ends at {ratio:.3g}× the loss of depth {shallow}")


def restart_per_lesion(params: SimParams, weights, inputs) -> tuple[np.ndarray, np.ndarray]:
    """The lesion written plainly: store h_0..h_L, then rerun from h_{k-1} for each k.

    The same arithmetic as the batched lesion, as L(L+1)/2 small products (tanh, no norm).
    """
    scale = np.float32(params.sigma_w / math.sqrt(params.width))
    alpha = np.float32(params.alpha)
    out = []
    for residual in (False, True):

        def layer(h, z, residual=residual):
            f = np.tanh(scale * (h @ z))
            return h + alpha * f if residual else f

        states = [inputs]
        for z in weights:
            states.append(layer(states[-1], z))
        intact = states[-1]
        changes = []
        for k in range(1, params.depth + 1):
            h = states[k - 1]
            for z in weights[k:]:
                h = layer(h, z)
            changes.append(np.sqrt(np.sum((h - intact) ** 2) / np.sum(intact**2)))
        out.append(np.array(changes))
    return out[0], out[1]


def one_thread_lesion(params: SimParams, weights, inputs) -> None:
    """The variants one after the other, BLAS splitting each whole product over the cores:
    the design ``tutor.sim.lesion.block_rows`` explains not taking at this width."""
    from tutor.sim.engine import Workspace
    from tutor.sim.lesion import _lesioned_outputs

    space = Workspace()
    with np.errstate(all="ignore"):
        for residual in (False, True):
            _lesioned_outputs(params, residual, weights, inputs, space, lambda done: None, None)


def lesion_benchmark(console: Console) -> None:
    from tutor.sim import lesion_blocks
    from tutor.sim.engine import Workspace

    p = DEFAULTS
    sim = Simulator()
    space = Workspace()
    weights, inputs, _ = sim.arrays(p)
    result = lesion_blocks(p, sim, workspace=space)
    plain, residual = restart_per_lesion(p, weights, inputs)
    np.testing.assert_allclose(result.plain, plain, rtol=1e-4)
    np.testing.assert_allclose(result.residual, residual, rtol=1e-4)

    def samples(fn, repeats: int) -> tuple[float, float]:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times), min(times)

    rows = {
        "lab: weights cached, buffers kept": samples(
            lambda: lesion_blocks(p, sim, workspace=space), 21
        ),
        "weights cached, fresh buffers": samples(lambda: lesion_blocks(p, sim), 21),
        "fresh: weights drawn": samples(lambda: lesion_blocks(p), 11),
    }
    restart = samples(lambda: restart_per_lesion(p, weights, inputs), 3)
    one_thread = samples(lambda: one_thread_lesion(p, weights, inputs), 21)
    cmd = [sys.executable, "-m", "tutor", "lesion", "--json"]
    process = samples(lambda: subprocess.run(cmd, check=True, capture_output=True), 5)

    table = Table(title="lesion at the lab defaults: every block deleted in turn, both variants")
    for column in ("what", "median", "best", "bar", "met"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for what, (median, best) in rows.items():
        met = "yes" if median <= 0.05 else "[red]NO[/]"
        table.add_row(what, f"{median * 1e3:.1f} ms", f"{best * 1e3:.1f} ms", "≤ 50 ms", met)
    table.add_row(
        "one restart per lesion (same numbers)",
        f"{restart[0] * 1e3:.0f} ms",
        f"{restart[1] * 1e3:.0f} ms",
    )
    table.add_row(
        "variants in turn, BLAS-threaded products",
        f"{one_thread[0] * 1e3:.1f} ms",
        f"{one_thread[1] * 1e3:.1f} ms",
    )
    table.add_row(
        "whole `restutor lesion --json` process",
        f"{process[0] * 1e3:.0f} ms",
        f"{process[1] * 1e3:.0f} ms",
    )
    console.print(table)
    console.print(
        f"residual: the output moves by at most {result.residual.max():.1%} "
        f"(median {np.median(result.residual):.1%}); plain: median {np.median(result.plain):.0%} "
        f"(min {result.plain.min():.0%})"
    )


def main() -> None:
    console = Console()
    engine_benchmark(console)
    lessons_benchmark(console)
    notes_benchmark(console)
    train_benchmark(console)
    lesion_benchmark(console)


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
