"""The lesion experiment (the unraveled view, Veit et al. 2016): delete one block at test time.

Deleting block ``k`` makes it pass its input through unchanged, ``h_k = h_{k−1}``,
and leaves every other layer as it was. In a residual stack that is the branch
zeroed; in a plain stack the layer skipped. With post-norm the whole block goes,
its norm included: ``h_k = h_{k−1}`` exactly as the experiment is stated, which
differs from zeroing only the branch (``h_k = n(h_{k−1})``) by the normalization
of a vector that is already normalized (every ``h_{k−1}`` but the input has RMS 1
up to ``ε``, and the Gaussian input has RMS close to 1).

Both variants are lesioned, on the weights and inputs the lab's ``Simulator``
holds for these parameters, whatever ``params.residual`` says: the point is the
contrast. The change of the output is measured over the ensemble as a ratio of
root mean squares, ``sqrt(Σ‖h_L' − h_L‖²) / sqrt(Σ‖h_L‖²)`` over the networks × inputs:
the same RMS the lab's forward panel plots, so "the output moved by 5%" reads
against that curve, and unlike a mean of per-vector ratios it is not dominated by
the few outputs that are nearly zero (a ReLU plain stack kills some).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import cache

import numpy as np

from tutor.sim.engine import Progress, Simulator, Workspace, rms_from_squares
from tutor.sim.params import DEFAULT_ITEMSIZE, SimParams, refuse_beyond_memory
from tutor.sim.results import json_floats


def path_counts(depth: int) -> list[int]:
    """``C(L, k)`` for ``k = 0..L``: how many of the ``2^L`` paths through a residual stack
    of ``L`` blocks pass through exactly ``k`` branches (exact integers, however large)."""
    counts = [1]
    for k in range(depth):
        counts.append(counts[-1] * (depth - k) // (k + 1))
    return counts


@dataclass(frozen=True, slots=True)
class LesionResult:
    """The relative change of the output when each block alone is deleted, both variants.

    ``plain[k-1]`` and ``residual[k-1]`` belong to block ``k``; NaN where the output
    (intact or lesioned) overflowed or the intact output is zero, so no ratio exists.
    """

    params: SimParams
    plain: np.ndarray
    residual: np.ndarray

    @property
    def blocks(self) -> np.ndarray:
        return np.arange(1, self.params.depth + 1)

    @property
    def paths(self) -> list[int]:
        return path_counts(self.params.depth)

    def to_dict(self) -> dict[str, object]:
        """Exactly the object ``restutor lesion --json`` prints."""
        return {
            "params": self.params.to_dict(),
            "plain": json_floats(self.plain),
            "residual": json_floats(self.residual),
            "paths": self.paths,
        }


#: OpenBLAS multiplies on the calling thread alone when ``m·n·k ≤ 2¹⁸``; above that it
#: splits the product across its own threads.
SINGLE_THREAD_PRODUCT = 2**18

#: The largest block of rows one product takes (narrow layers would allow far more).
MAX_BLOCK_ROWS = 256


def block_rows(width: int) -> int | None:
    """Rows per matrix product when each variant gets a thread of its own, or None.

    Measured on the 2-core machine at the lab defaults: with BLAS splitting every
    product over both cores, half of each product's output sits in the other core's
    cache when the elementwise passes that follow read it, and back again for the next
    product; the lesion took 51–80 ms from run to run, where its products alone take
    37 ms and its tanh 10 ms. One thread per variant, each making products small enough
    for BLAS to keep on that thread (16 rows at width 128), keeps every array on one
    core: 39–41 ms. Past width 128 such a block would be under 16 rows, too few to
    multiply well, so wider layers keep BLAS's threads and lesion the variants one
    after the other (None).
    """
    rows = SINGLE_THREAD_PRODUCT // width**2
    return min(rows, MAX_BLOCK_ROWS) if rows >= 16 else None


def _rows(params: SimParams, block: int | None) -> int:
    """Rows each network's buffers hold: every copy, and the last layer's padded block."""
    live = params.depth * params.inputs
    padded = live if block is None else -(-live // block) * block
    return max((params.depth + 1) * params.inputs, padded)


def bytes_needed(params: SimParams, itemsize: int = DEFAULT_ITEMSIZE) -> int:
    """Peak memory: the simulator's weights (and their transposes) plus the lesion's buffers.

    Every lesioned copy of the ensemble stays alive to the output: per variant two
    buffers of all copies' rows, three with pre-norm (the normalized branch inputs),
    and one layer's scaled weights.
    """
    weights = 2 * (params.depth + 1) * params.networks * params.width**2
    buffers = 2 * (3 if params.norm == "pre" else 2) * _rows(params, block_rows(params.width))
    return (weights + buffers * params.networks * params.width) * itemsize


def check_memory(params: SimParams, itemsize: int = DEFAULT_ITEMSIZE) -> None:
    """Refuse a lesion that would not fit in memory, before anything is allocated."""
    refuse_beyond_memory(bytes_needed(params, itemsize), "lesion")


@cache
def _variant_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="lesion")


class _Stopped(Exception):
    """The other variant failed or was interrupted: this one stops at its next layer."""


def lesion_blocks(
    params: SimParams,
    simulator: Simulator | None = None,
    progress: Progress | None = None,
    workspace: Workspace | None = None,
) -> LesionResult:
    """Delete each block in turn, in both variants, on ``simulator``'s weights and inputs.

    Pass the lab's ``simulator`` to lesion the very network it shows without
    drawing it again, and a kept ``workspace`` to reuse the buffers (a fresh
    multi-megabyte array costs a page fault per 4 KB on first touch). One caller
    at a time, as for the simulator. ``progress`` hears ``(layers applied, layers
    in all)``, from either variant's thread (one at a time), and ``(0, layers in all)``
    as each missing layer's weights are drawn; it may raise to stop the lesion.
    """
    check_memory(params)
    report = progress or (lambda done, total: None)
    total = params.depth * (params.depth + 1)
    # Drawing counts as no layer applied yet, but is heard (and can be stopped) all the same.
    weights, inputs, _ = (simulator or Simulator()).arrays(params, lambda drawn: report(0, total))
    space = workspace if workspace is not None else Workspace()
    block = block_rows(params.width)
    done = {False: 0, True: 0}
    lock = threading.Lock()
    stop = threading.Event()

    def lesion_variant(residual: bool) -> np.ndarray:
        def tick(layers: int) -> None:
            if stop.is_set():
                raise _Stopped
            with lock:
                done[residual] = layers
                report(done[False] + done[True], total)

        with np.errstate(all="ignore"):
            outputs = _lesioned_outputs(params, residual, weights, inputs, space, tick, block)
            return _relative_change(outputs)

    if block is None:
        return LesionResult(params, plain=lesion_variant(False), residual=lesion_variant(True))
    plain = _variant_pool().submit(lesion_variant, False)
    try:
        residual = lesion_variant(True)
    except BaseException:
        stop.set()  # and wait, so that no thread is left writing into the workspace
        wait([plain])
        raise
    return LesionResult(params, plain=plain.result(), residual=residual)


def _lesioned_outputs(
    params: SimParams,
    residual: bool,
    weights: Sequence[np.ndarray],
    inputs: np.ndarray,
    space: Workspace,
    tick: Callable[[int], None],
    block: int | None,
) -> np.ndarray:
    """The output of the intact network (copy 0) and of each one-block lesion (copy k).

    All copies advance together, one layer at a time: copy ``k`` is born at layer
    ``k`` as the intact ``h_{k−1}`` (block ``k`` passes it through) and from layer
    ``k+1`` on is ``K`` more rows in the same batched product. That is the
    arithmetic of restarting each lesion from the stored ``h_{k−1}`` (``L(L+1)/2``
    layer applications in all, not the ``L²`` of rerunning whole networks), in one
    NumPy call per step and layer instead of ``L²/2`` small ones. A network's copies
    are rows in the order they are born, so the live ones are always a prefix and
    every slice is a view; the product goes ``block`` rows at a time (see
    ``block_rows``; None: all live rows at once), so the last block may take in a
    few rows of copies not yet born, zeroed first and overwritten at their birth.
    Returns ``(M, L+1, K, d)``.
    """
    depth, dtype = params.depth, inputs.dtype
    m, k, d = inputs.shape
    alpha = dtype.type(params.alpha)
    scale = dtype.type(params.sigma_w / math.sqrt(params.width))
    shape = (m, _rows(params, block), d)
    name = f"lesion {'residual' if residual else 'plain'}"
    states = space.get(f"{name} states", shape, dtype)
    # The next layer's states: a product cannot write over its input.
    other = space.get(f"{name} other", shape, dtype)
    normed = space.get(f"{name} normed", shape, dtype) if params.norm == "pre" else None
    # σ_w/√d goes on the weights, d² values, not on the pre-activations, up to L·K·d of them.
    scaled = space.get(f"{name} weights", weights[0].shape, dtype)
    states[:, :k] = inputs
    done = 0
    for layer in range(1, depth + 1):
        born = layer * k
        size = born if block is None else -(-born // block) * block
        blocks = (m, size // (block or size), block or size, d)
        states[:, born:size] = 0
        live = states[:, :size]
        branch_in = live
        if params.norm == "pre":
            assert normed is not None
            rms = rms_from_squares(np.vecdot(live, live), d, dtype)
            branch_in = np.divide(live, rms, out=normed[:, :size])
        np.multiply(weights[layer - 1], scale, out=scaled)
        u = other[:, :size]
        np.matmul(branch_in.reshape(blocks), scaled[:, None], out=u.reshape(blocks))
        if params.activation == "tanh":
            np.tanh(u, out=u)
        elif params.activation == "relu":
            np.maximum(u, 0, out=u)
        if residual:
            u *= alpha
            u += live
        if params.norm == "post":
            u /= rms_from_squares(np.vecdot(u, u), d, dtype)
        other[:, born : born + k] = states[:, :k]  # copy `layer` is born: h_{layer-1} as it is
        states, other = other, states
        done += layer
        tick(done)
    return states[:, : (depth + 1) * k].reshape(m, depth + 1, k, d)


def _relative_change(outputs: np.ndarray) -> np.ndarray:
    """``sqrt(Σ‖h_L' − h_L‖² / Σ‖h_L‖²)`` per lesioned copy, summed over the ensemble.

    A float32 difference or square overflows long before the values do: where the
    working precision gives a non-finite ratio it is redone in float64, so a ratio
    is non-finite exactly when a value overflowed (or the intact output is zero).
    """
    for dtype in (outputs.dtype, np.dtype(np.float64)):
        intact = outputs[:, :1].astype(dtype, copy=False)
        moved = outputs[:, 1:].astype(dtype, copy=False) - intact
        change = np.sqrt(
            np.vecdot(moved, moved).sum(axis=(0, 2), dtype=np.float64)
            / np.vecdot(intact, intact).sum(dtype=np.float64)
        )
        if np.isfinite(change).all():
            break
    return np.where(np.isfinite(change), change, np.nan)
