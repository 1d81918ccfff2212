"""The vectorized simulator: every network and input of the ensemble at once.

Each layer is one batched matrix product over ``(networks, inputs, width)``
per pass: the forward pass keeps states as rows (``h Z``), the backward pass
keeps gradients as columns (``Z gᵀ``), so neither product needs a transpose.
The standard-normal draws ``Z_l`` are kept unscaled (``W_l = σ_w/√d · Z_lᵀ``);
the scale is applied to the much smaller pre-activations, so a new ``σ_w``,
like a new alpha, activation, skip toggle or norm placement, reuses them.

Kept in one module on purpose: the forward pass leaves exactly the tape (``_Forward``,
the ``Workspace`` buffers) that the backward pass reads, and the ``Simulator``'s cache
feeds both, so splitting it would cut one algorithm in half (only the ~60 lines of
result types separate cleanly, and moving them would not make the math shorter).
"""

from __future__ import annotations

import itertools
import math
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import cache

import numpy as np

from tutor.sim.params import SimParams, check_memory
from tutor.sim.streams import stream
from tutor.sim.theory import theory_curves

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


@dataclass(frozen=True, slots=True)
class NormStats:
    """Per-layer summary of a norm over the whole ensemble (NaN where diverged)."""

    mean: np.ndarray
    rms: np.ndarray
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray

    @classmethod
    def of(cls, norms: np.ndarray) -> NormStats:
        """Summarize ``norms`` shaped ``(layers, samples)``."""
        p10, p50, p90 = np.percentile(norms, [10, 50, 90], axis=1)
        return cls(
            mean=norms.mean(axis=1),
            rms=np.sqrt(np.mean(norms**2, axis=1)),
            p10=p10,
            p50=p50,
            p90=p90,
        )

    def to_dict(self) -> dict[str, list[float | None]]:
        return {name: json_floats(getattr(self, name)) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class SimResult:
    """One run: the ensemble's forward and gradient norms, and the theory beside them."""

    params: SimParams
    forward: NormStats
    backward: NormStats
    theory_forward: np.ndarray | None
    theory_backward: np.ndarray | None
    diverged_at: int | None

    @property
    def layers(self) -> np.ndarray:
        return np.arange(self.params.depth + 1)

    @property
    def forward_growth(self) -> float:
        """``rms‖h_L‖ / rms‖h_0‖``: how much the signal grew through the stack (NaN if diverged)."""
        return float(self.forward.rms[-1] / self.forward.rms[0])

    @property
    def gradient_ratio(self) -> float:
        """``rms‖g_0‖ / rms‖g_L‖``: the gradient at the input relative to the output."""
        return float(self.backward.rms[0] / self.backward.rms[-1])

    def to_dict(self) -> dict[str, object]:
        """Exactly the object ``restutor sim --json`` prints."""
        return {
            "params": self.params.to_dict(),
            "layers": self.layers.tolist(),
            "forward": self.forward.to_dict(),
            "backward": self.backward.to_dict(),
            "theory": {
                "forward": _json_curve(self.theory_forward),
                "backward": _json_curve(self.theory_backward),
            },
            "diverged_at": self.diverged_at,
        }


def json_floats(values: np.ndarray) -> list[float | None]:
    """JSON has no NaN or infinity: a value that overflowed is written as null."""
    return [float(v) if math.isfinite(v) else None for v in values.tolist()]


def _json_curve(values: np.ndarray | None) -> list[float | None] | None:
    """A theory curve, or null where the theory is not offered."""
    return None if values is None else json_floats(values)


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
        self._workspace = Workspace()

    def run(self, params: SimParams, progress: Progress | None = None) -> SimResult:
        """Simulate ``params``; ``progress`` hears about each drawn and computed layer."""
        report = progress or (lambda done, total: None)
        to_draw = params.depth - self._reusable_layers(params)
        total = to_draw + 2 * params.depth
        weights, inputs, upstream = self.arrays(params, lambda done: report(done, total))
        passes = propagate(
            params,
            weights,
            inputs,
            upstream,
            lambda done: report(to_draw + done, total),
            self._workspace,
            self._transposed[: params.depth],
        )
        with np.errstate(all="ignore"):
            return _summarize(params, passes.forward_norms, passes.backward_norms)

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
        key = (params.seed, params.width, params.networks, params.inputs)
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
    with np.errstate(all="ignore"):
        passes = _passes(
            params, weights, transposed, inputs, upstream, tick, inputs.dtype.type, space
        )
        if not (
            np.isfinite(passes.forward_norms).all() and np.isfinite(passes.backward_norms).all()
        ):
            # A float32 square overflows long before its value does: redo the sums
            # in float64 so that a norm is non-finite exactly when a value is.
            passes = _passes(
                params,
                weights,
                transposed,
                inputs,
                upstream,
                lambda done: None,
                np.float64,
                space,
            )
    return passes


def _passes(
    params: SimParams,
    weights: Sequence[np.ndarray],
    transposed: Sequence[np.ndarray],
    inputs: np.ndarray,
    upstream: np.ndarray,
    tick: Callable[[int], None],
    norm_dtype: type[np.floating],
    space: Workspace,
) -> Passes:
    forward = _forward(params, weights, inputs, tick, norm_dtype, space)
    backward_norms, input_grad = _backward(
        params,
        transposed,
        forward,
        upstream,
        lambda done: tick(params.depth + done),
        norm_dtype,
        space,
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
    on_layer: Callable[[int], None],
    norm_dtype: type[np.floating],
    space: Workspace,
) -> _Forward:
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
        on_layer(layer + 1)
    return _Forward(squares.reshape(depth + 1, -1), h.copy(), normed, slopes, rms_all)


def _backward(
    params: SimParams,
    transposed: Sequence[np.ndarray],
    forward: _Forward,
    upstream: np.ndarray,
    on_layer: Callable[[int], None],
    norm_dtype: type[np.floating],
    space: Workspace,
) -> tuple[np.ndarray, np.ndarray]:
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
        on_layer(depth - layer + 1)
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


def _summarize(params: SimParams, forward: np.ndarray, backward: np.ndarray) -> SimResult:
    """Mask what overflowed, then reduce the ensemble to per-layer statistics."""
    bad_forward = ~np.isfinite(forward).all(axis=1)
    bad_backward = ~np.isfinite(backward).all(axis=1)
    diverged_at: int | None = None
    if bad_forward.any():
        diverged_at = int(np.argmax(bad_forward))
        forward[diverged_at:] = np.nan
        backward[:] = np.nan
    elif bad_backward.any():
        diverged_at = int(params.depth - np.argmax(bad_backward[::-1]))
        backward[: diverged_at + 1] = np.nan
    theory_forward, theory_backward = theory_curves(params)
    return SimResult(
        params=params,
        forward=NormStats.of(forward),
        backward=NormStats.of(backward),
        theory_forward=theory_forward,
        theory_backward=theory_backward,
        diverged_at=diverged_at,
    )


def simulate(params: SimParams, progress: Progress | None = None) -> SimResult:
    """One run from scratch: nothing cached, nothing kept."""
    return Simulator().run(params, progress)
