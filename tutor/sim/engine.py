"""The vectorized simulator: every network and input of the ensemble at once.

Each layer is one batched matrix product over ``(networks, inputs, width)``
per pass: the forward pass keeps states as rows (``h Z``), the backward pass
keeps gradients as columns (``Z gᵀ``), so neither product needs a transpose.
The standard-normal draws ``Z_l`` are kept unscaled (``W_l = σ_w/√d · Z_lᵀ``);
the scale is applied to the much smaller pre-activations, so a new ``σ_w``,
like a new alpha, activation, skip toggle or norm placement, reuses them.

Each pass advances one layer a step (a generator), so runs that share the weights (the
lab's two variants) go through the stack in lockstep: each layer's weights are read by
both while they are still in cache (at the lab's defaults 10 MB of weights a pass, more
than the cache holds; the two variants in lockstep take 2–3 ms less than one after the
other, and every product is the very call a lone run makes, so the floats are the same).

Kept in one module on purpose: the forward pass leaves exactly the tape (``_Forward``,
the ``Workspace`` buffers) that the backward pass reads, and the ``Simulator``'s cache
feeds both, so splitting it would cut one algorithm in half (the result types live in
``tutor.sim.results``).
"""

from __future__ import annotations

import itertools
import math
import os
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

import numpy as np

from tutor.sim.params import SimParams, check_memory
from tutor.sim.results import SimResult, summarize
from tutor.sim.streams import stream

#: Added under the square root of every RMS normalization.
RMS_EPS = 1e-6

#: Reports ``(steps done, steps in all)`` as a run advances.
Progress = Callable[[int, int], None]

INPUTS_STREAM, UPSTREAM_STREAM, LAYER_STREAM = 0, 1, 2

#: Layers queued for drawing ahead of the one being stored: enough to keep the draw
#: threads busy, few enough that a stopped run leaves only these to cancel.
DRAWS_AHEAD = 8


@cache
def _draw_pool() -> ThreadPoolExecutor:
    # Each layer owns its stream, so layers can be drawn in parallel and still
    # give the same arrays whatever the thread count.
    return ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1))


class Simulator:
    """Runs the model of DESIGN.md, keeping weights and inputs between runs.

    Changing only alpha, σ_w, the activation, the skip toggle or the norm
    placement reuses everything drawn; a deeper run draws only its new layers
    (each layer has its own stream, so the result equals a fresh run's).
    One thread at a time: the cache and the scratch arrays are not locked.
    """

    def __init__(self, dtype: type[np.floating] = np.float32) -> None:
        self.dtype = np.dtype(dtype)
        self._weights_key: tuple[int, int, int] | None = None
        self._weights: list[np.ndarray] = []
        self._transposed: list[np.ndarray] = []  # contiguous Z_lᵀ, for the backward GEMMs
        self._io_key: tuple[int, int, int, int] | None = None
        self._inputs = self._upstream = np.empty(0, self.dtype)
        self._workspaces: list[Workspace] = []

    def run(self, params: SimParams, progress: Progress | None = None) -> SimResult:
        """Simulate ``params``; ``progress`` hears about each drawn and computed layer."""
        [result] = self.run_together([params], progress)
        return result

    def run_together(
        self, runs: Sequence[SimParams], progress: Progress | None = None
    ) -> list[SimResult]:
        """Simulate ``runs``, networks on the same weights and inputs (they differ in
        alpha, σ_w, the activation, the norm or the skip only), in lockstep; each result
        is the one `run` gives. ``progress`` hears about each drawn and computed layer."""
        first = runs[0]
        if any(_io_key(params) != _io_key(first) or params.depth != first.depth for params in runs):
            raise ValueError("runs in lockstep share their depth, weights and inputs")
        report = progress or (lambda done, total: None)
        to_draw = first.depth - self._reusable_layers(first)
        total = to_draw + 2 * first.depth * len(runs)
        weights, inputs, upstream = self.arrays(first, lambda done: report(done, total))
        transposed = self._transposed[: first.depth]
        while len(self._workspaces) < len(runs):
            self._workspaces.append(Workspace())
        done = itertools.count(to_draw + 1)
        passes = in_lockstep(
            [
                _passes(params, weights, transposed, inputs, upstream, space, inputs.dtype.type)
                for params, space in zip(runs, self._workspaces, strict=False)
            ],
            lambda: report(next(done), total),
        )
        results = []
        for params, space, run in zip(runs, self._workspaces, passes, strict=False):
            run = _finite(run, params, weights, transposed, inputs, upstream, space)
            with np.errstate(all="ignore"):
                results.append(summarize(params, run.forward_norms, run.backward_norms))
        return results

    def arrays(
        self, params: SimParams, on_drawn: Callable[[int], None] | None = None
    ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        """The run's weights ``Z_1..Z_L``, inputs ``h_0`` and upstream gradient ``g_L``.

        Drawn only where not already held; the memory check comes first.
        """
        held = self._reusable_layers(params)
        layer_bytes = 2 * params.networks * params.width**2 * self.dtype.itemsize
        check_memory(params, self.dtype.itemsize, held=held * layer_bytes)
        if held == 0:
            self._weights_key = (params.seed, params.width, params.networks)
            self._weights, self._transposed = [], []
        self._draw_layers(params.depth, on_drawn or (lambda done: None))
        self._ensure_io(params)
        return self._weights[: params.depth], self._inputs, self._upstream

    def holds_weights(self, params: SimParams) -> bool:
        """Whether a run of ``params`` would draw no weights (it only propagates)."""
        return self._reusable_layers(params) == params.depth

    def keeps_weights(self, params: SimParams) -> bool:
        """Whether a run of ``params`` keeps the weights held (a deeper one draws only its
        new layers; another seed, width or ensemble size draws anew)."""
        return self._reusable_layers(params) > 0

    def _reusable_layers(self, params: SimParams) -> int:
        if self._weights_key != (params.seed, params.width, params.networks):
            return 0
        return min(len(self._weights), params.depth)

    # -- drawing ---------------------------------------------------------------

    def _draw_layers(self, depth: int, on_drawn: Callable[[int], None]) -> None:
        """Draw the missing layers on the pool, a few ahead of the one being stored.

        ``on_drawn`` may raise to stop the run: the draws still queued are cancelled and
        the running ones waited for, so nothing goes on drawing once this returns.
        """
        seed, width, networks = self._weights_key  # type: ignore[misc]
        layers = iter(range(len(self._weights) + 1, depth + 1))

        def draw(layer: int) -> tuple[np.ndarray, np.ndarray]:
            out = np.empty((networks, width, width), self.dtype)
            stream(seed, LAYER_STREAM, layer).standard_normal(out=out, dtype=self.dtype)
            return out, np.ascontiguousarray(out.transpose(0, 2, 1))

        pool = _draw_pool()
        queued: deque[Future[tuple[np.ndarray, np.ndarray]]] = deque(
            pool.submit(draw, layer) for layer in itertools.islice(layers, DRAWS_AHEAD)
        )
        try:
            done = 0
            while queued:
                weights, transposed = queued.popleft().result()
                self._weights.append(weights)
                self._transposed.append(transposed)
                for layer in itertools.islice(layers, 1):
                    queued.append(pool.submit(draw, layer))
                done += 1
                on_drawn(done)
        finally:
            for future in queued:
                future.cancel()
            wait(queued)

    def _ensure_io(self, params: SimParams) -> None:
        key = _io_key(params)
        if key == self._io_key:
            return
        shape = (params.networks, params.inputs, params.width)
        self._inputs = stream(params.seed, INPUTS_STREAM).standard_normal(shape, self.dtype)
        self._upstream = stream(params.seed, UPSTREAM_STREAM).standard_normal(shape, self.dtype)
        self._io_key = key


class Workspace:
    """Scratch arrays kept between runs: fresh multi-megabyte arrays cost a page fault
    per 4 KB on first touch, which was a quarter of a normalized run's time."""

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: np.dtype | type) -> np.ndarray:
        array = self._arrays.get(name)
        if array is None or array.shape != shape or array.dtype != np.dtype(dtype):
            array = self._arrays[name] = np.empty(shape, dtype)
        return array


@dataclass(frozen=True, slots=True)
class Passes:
    """What one forward and backward pass leaves: per-layer norms, the output and ``g_0``."""

    forward_norms: np.ndarray  # ‖h_l‖, shaped (L+1, M·K), float64
    backward_norms: np.ndarray  # ‖g_l‖, shaped (L+1, M·K), float64
    output: np.ndarray  # h_L, (M, K, d)
    input_grad: np.ndarray  # g_0 = ∂ℒ/∂h_0, (M, K, d)


def propagate(
    params: SimParams,
    weights: Sequence[np.ndarray],
    inputs: np.ndarray,
    upstream: np.ndarray,
    on_layer: Callable[[int], None] | None = None,
    workspace: Workspace | None = None,
    transposed: Sequence[np.ndarray] | None = None,
) -> Passes:
    """Both passes over the whole ensemble at once.

    ``weights[l-1]`` is layer ``l``'s standard-normal ``Z_l`` shaped ``(M, d, d)``
    (``W_l = σ_w/√d · Z_lᵀ``), ``inputs`` is ``h_0`` and ``upstream`` is ``g_L``,
    both ``(M, K, d)``; the dtype of ``inputs`` is the working precision. States
    and gradients are rows, so the forward product is ``h Z`` and the backward
    one ``g Zᵀ``; ``transposed`` holds contiguous ``Z_lᵀ`` (made here if not
    given) so that both run as plain GEMMs and every elementwise step and every
    norm runs on contiguous rows. Overflow is not an error here: it shows up as
    non-finite norms. A ``workspace`` lends its buffers from one call to the
    next (one caller at a time).
    """
    tick = on_layer or (lambda done: None)
    space = workspace if workspace is not None else Workspace()
    if transposed is None:
        transposed = [np.ascontiguousarray(z.transpose(0, 2, 1)) for z in weights]
    layers = itertools.count(1)
    [passes] = in_lockstep(
        [_passes(params, weights, transposed, inputs, upstream, space, inputs.dtype.type)],
        lambda: tick(next(layers)),
    )
    return _finite(passes, params, weights, transposed, inputs, upstream, space)


T = TypeVar("T")


def in_lockstep(passes: Sequence[Generator[None, None, T]], on_step: Callable[[], None]) -> list[T]:
    """Run ``passes`` a layer of each in turn (``on_step`` after each layer of each);
    each pass's result, in order."""
    results: dict[int, T] = {}
    live = dict(enumerate(passes))
    with np.errstate(all="ignore"):
        while live:
            for index, steps in list(live.items()):
                try:
                    next(steps)
                except StopIteration as finished:
                    results[index] = finished.value
                    del live[index]
                else:
                    on_step()
    return [results[index] for index in range(len(passes))]


def _finite(
    passes: Passes,
    params: SimParams,
    weights: Sequence[np.ndarray],
    transposed: Sequence[np.ndarray],
    inputs: np.ndarray,
    upstream: np.ndarray,
    space: Workspace,
) -> Passes:
    """``passes``, or where a norm is not finite, the passes again with float64 sums: a
    float32 square overflows long before its value does, so a norm is then non-finite
    exactly when a value is."""
    if np.isfinite(passes.forward_norms).all() and np.isfinite(passes.backward_norms).all():
        return passes
    [again] = in_lockstep(
        [_passes(params, weights, transposed, inputs, upstream, space, np.float64)],
        lambda: None,
    )
    return again


def _passes(
    params: SimParams,
    weights: Sequence[np.ndarray],
    transposed: Sequence[np.ndarray],
    inputs: np.ndarray,
    upstream: np.ndarray,
    space: Workspace,
    norm_dtype: type[np.floating],
) -> Generator[None, None, Passes]:
    """Both passes, a layer a step."""
    forward = yield from _forward(params, weights, inputs, norm_dtype, space)
    backward_norms, input_grad = yield from _backward(
        params, transposed, forward, upstream, norm_dtype, space
    )
    return Passes(
        np.sqrt(forward.squares, dtype=np.float64),
        np.sqrt(backward_norms, dtype=np.float64),
        forward.output,
        input_grad,
    )


@dataclass(slots=True)
class _Forward:
    """What the backward pass needs, as rows ``(…, M, K, d)``."""

    squares: np.ndarray  # ‖h_l‖², (L+1, M·K)
    output: np.ndarray
    normed: np.ndarray | None  # what a norm put out: n(h_{l-1}) at l-1 (pre), h_l at l (post)
    slopes: np.ndarray | None  # φ'(u_l), (L, M, K, d); None for linear
    rms: np.ndarray | None  # the norm's RMS values, (L, M, K, 1): of h_{l-1} (pre) or z_l (post)


def _forward(
    params: SimParams,
    weights: Sequence[np.ndarray],
    inputs: np.ndarray,
    norm_dtype: type[np.floating],
    space: Workspace,
) -> Generator[None, None, _Forward]:
    depth, alpha, dtype = params.depth, params.alpha, inputs.dtype
    scale = dtype.type(params.sigma_w / math.sqrt(params.width))
    m, k, d = inputs.shape
    has_norm = params.norm != "none"
    squares = space.get("forward squares", (depth + 1, m, k), norm_dtype)
    normed = space.get("normed", (depth + 1, m, k, d), dtype) if has_norm else None
    slopes = space.get("slopes", (depth, m, k, d), dtype) if params.activation != "linear" else None
    rms_all = space.get("rms", (depth, m, k, 1), dtype) if has_norm else None
    h = inputs
    np.vecdot(h, h, out=squares[0], dtype=norm_dtype)
    for layer in range(depth):
        if params.norm == "pre":
            assert normed is not None and rms_all is not None
            rms = rms_all[layer] = rms_from_squares(squares[layer], d, dtype)
            branch_in = np.divide(h, rms, out=normed[layer])
            u = np.matmul(branch_in, weights[layer])
        else:
            u = np.matmul(h, weights[layer])
        u *= scale
        if params.activation == "tanh":
            assert slopes is not None
            np.tanh(u, out=u)
            np.square(u, out=slopes[layer])
            np.subtract(1, slopes[layer], out=slopes[layer])
        elif params.activation == "relu":
            assert slopes is not None
            np.greater(u, 0, out=slopes[layer])
            np.maximum(u, 0, out=u)
        if params.residual:
            u *= alpha
            u += h
        if params.norm == "post":
            assert normed is not None and rms_all is not None
            rms = rms_all[layer] = rms_from_squares(np.vecdot(u, u), d, dtype)
            u = np.divide(u, rms, out=normed[layer + 1])
        h = u
        np.vecdot(h, h, out=squares[layer + 1], dtype=norm_dtype)
        yield
    return _Forward(squares.reshape(depth + 1, -1), h.copy(), normed, slopes, rms_all)


def _backward(
    params: SimParams,
    transposed: Sequence[np.ndarray],
    forward: _Forward,
    upstream: np.ndarray,
    norm_dtype: type[np.floating],
    space: Workspace,
) -> Generator[None, None, tuple[np.ndarray, np.ndarray]]:
    """‖g_l‖² for the loss ``g_L · h_L`` with the exact Jacobians, and ``g_0`` itself."""
    depth, dtype = params.depth, upstream.dtype
    # W = s·Zᵀ and the branch is scaled by α: both scalars meet in one multiply.
    gain = dtype.type(params.sigma_w / math.sqrt(params.width))
    if params.residual:
        gain *= dtype.type(params.alpha)
    normed, slopes, rms_all = forward.normed, forward.slopes, forward.rms
    m, k, _ = upstream.shape
    squares = space.get("backward squares", (depth + 1, m, k), norm_dtype)
    g = upstream
    np.vecdot(g, g, out=squares[depth], dtype=norm_dtype)
    for layer in range(depth, 0, -1):
        if params.norm == "post":
            assert normed is not None and rms_all is not None
            g = _through_rms_norm(g, normed[layer], rms_all[layer - 1])
        branch = g if slopes is None else slopes[layer - 1] * g
        down = np.matmul(branch, transposed[layer - 1])
        down *= gain
        if params.norm == "pre":
            assert normed is not None and rms_all is not None
            down = _through_rms_norm(down, normed[layer - 1], rms_all[layer - 1])
        if params.residual:
            down += g
        g = down
        np.vecdot(g, g, out=squares[layer - 1], dtype=norm_dtype)
        yield
    return squares.reshape(depth + 1, -1), g


def rms_from_squares(squares: np.ndarray, width: int, dtype: np.dtype) -> np.ndarray:
    """``sqrt(‖x‖²/d + ε)`` from squared norms ``(M, K)``, shaped ``(M, K, 1)`` for rows."""
    rms = np.sqrt(squares / width + RMS_EPS).astype(dtype, copy=False)
    return rms[:, :, None]


def _through_rms_norm(grad: np.ndarray, normed: np.ndarray, rms: np.ndarray) -> np.ndarray:
    """Pull row ``grad`` back through ``x ↦ x / rms(x)``, given its output and rms.

    ``(g − n (n·g)/d) / rms``.
    """
    dots = np.vecdot(normed, grad)[:, :, None]
    dots /= grad.shape[-1]
    out = normed * dots
    np.subtract(grad, out, out=out)
    out /= rms
    return out


def _io_key(params: SimParams) -> tuple[int, int, int, int]:
    """What the weights, inputs and upstream gradient are drawn from."""
    return (params.seed, params.width, params.networks, params.inputs)


def simulate(params: SimParams, progress: Progress | None = None) -> SimResult:
    """One run from scratch: nothing cached, nothing kept."""
    return Simulator().run(params, progress)
