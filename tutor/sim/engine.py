"""The vectorized simulator: every network and input of the ensemble at once.

States are row vectors stacked as ``(networks, inputs, width)``, so each layer
is one batched matrix product over the ensemble, forward and backward. The
standard-normal weights are kept unscaled (``W_l = σ_w/√d · Z_l``, stored as
``Z_lᵀ``); the scale is applied to the much smaller pre-activations, so a new
``σ_w``, like a new alpha, activation, skip toggle or norm placement, reuses
the cached draws.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np

from tutor.sim.params import SimParams, check_memory
from tutor.sim.theory import theory_curves

#: Added under the square root of every RMS normalization.
RMS_EPS = 1e-6

#: Reports ``(steps done, steps in all)`` as a run advances.
Progress = Callable[[int, int], None]

_INPUTS_STREAM, _UPSTREAM_STREAM, _LAYER_STREAM = 0, 1, 2


def _generator(seed: int, *key: int) -> np.random.Generator:
    """An independent stream for one piece of the run (SFC64: NumPy's fastest)."""
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed, spawn_key=key)))


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
        return {name: _json_floats(getattr(self, name)) for name in self.__slots__}


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

    def to_dict(self) -> dict[str, object]:
        """Exactly the object ``restutor sim --json`` prints."""
        return {
            "params": self.params.to_dict(),
            "layers": self.layers.tolist(),
            "forward": self.forward.to_dict(),
            "backward": self.backward.to_dict(),
            "theory": {
                "forward": _json_floats(self.theory_forward),
                "backward": _json_floats(self.theory_backward),
            },
            "diverged_at": self.diverged_at,
        }


def _json_floats(values: np.ndarray | None) -> list[float | None] | None:
    if values is None:
        return None
    return [float(v) if math.isfinite(v) else None for v in values.tolist()]


class Simulator:
    """Runs the model of DESIGN.md, keeping weights and inputs between runs.

    Changing only alpha, σ_w, the activation, the skip toggle or the norm
    placement reuses everything drawn; a deeper run draws only its new layers
    (each layer has its own stream, so the result equals a fresh run's).
    """

    def __init__(self, dtype: type[np.floating] = np.float32) -> None:
        self.dtype = np.dtype(dtype)
        self._weights_key: tuple[int, int, int] | None = None
        self._weights: list[np.ndarray] = []
        self._io_key: tuple[int, int, int, int] | None = None
        self._inputs = self._upstream = np.empty(0, self.dtype)

    def run(self, params: SimParams, progress: Progress | None = None) -> SimResult:
        """Simulate ``params``; ``progress`` hears about each drawn and computed layer."""
        report = progress or (lambda done, total: None)
        to_draw = params.depth - self._reusable_layers(params)
        total = to_draw + 2 * params.depth
        weights, inputs, upstream = self.arrays(params, lambda done: report(done, total))
        states, grads = propagate(
            params, weights, inputs, upstream, lambda done: report(to_draw + done, total)
        )
        with np.errstate(all="ignore"):
            return _summarize(params, _norms(states), _norms(grads))

    def arrays(
        self, params: SimParams, on_drawn: Callable[[int], None] | None = None
    ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        """The run's weights ``Z_1..Z_L``, inputs ``h_0`` and upstream gradient ``g_L``.

        Drawn only where not already held; the memory check comes first.
        """
        held = self._reusable_layers(params)
        layer_bytes = params.networks * params.width**2 * self.dtype.itemsize
        check_memory(params, self.dtype.itemsize, held=held * layer_bytes)
        if held == 0:
            self._weights_key, self._weights = (params.seed, params.width, params.networks), []
        self._draw_layers(params.depth, on_drawn or (lambda done: None))
        self._ensure_io(params)
        return self._weights[: params.depth], self._inputs, self._upstream

    def _reusable_layers(self, params: SimParams) -> int:
        if self._weights_key != (params.seed, params.width, params.networks):
            return 0
        return min(len(self._weights), params.depth)

    # -- drawing ---------------------------------------------------------------

    def _draw_layers(self, depth: int, on_drawn: Callable[[int], None]) -> None:
        seed, width, networks = self._weights_key  # type: ignore[misc]
        first = len(self._weights)

        def draw(layer: int) -> np.ndarray:
            out = np.empty((networks, width, width), self.dtype)
            _generator(seed, _LAYER_STREAM, layer).standard_normal(out=out, dtype=self.dtype)
            return out

        for done, weights in enumerate(_draw_pool().map(draw, range(first + 1, depth + 1)), 1):
            self._weights.append(weights)
            on_drawn(done)

    def _ensure_io(self, params: SimParams) -> None:
        key = (params.seed, params.width, params.networks, params.inputs)
        if key == self._io_key:
            return
        shape = (params.networks, params.inputs, params.width)
        self._inputs = _generator(params.seed, _INPUTS_STREAM).standard_normal(shape, self.dtype)
        self._upstream = _generator(params.seed, _UPSTREAM_STREAM).standard_normal(
            shape, self.dtype
        )
        self._io_key = key


def propagate(
    params: SimParams,
    weights: Sequence[np.ndarray],
    inputs: np.ndarray,
    upstream: np.ndarray,
    on_layer: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Both passes over the ensemble: ``h_0..h_L`` and ``g_0..g_L``, each ``(L+1, M, K, d)``.

    ``weights[l-1]`` is layer ``l``'s standard-normal ``Z_l`` shaped ``(M, d, d)``
    (``W_l = σ_w/√d · Z_lᵀ``), ``inputs`` is ``h_0`` and ``upstream`` is ``g_L``,
    both ``(M, K, d)``; the dtype of ``inputs`` is the working precision.
    Overflow is not an error here: it shows up as non-finite values.
    """
    tick = on_layer or (lambda done: None)
    with np.errstate(all="ignore"):
        states, derivs, post_rms = _forward(params, weights, inputs, tick)
        grads = _backward(
            params,
            weights,
            states,
            derivs,
            post_rms,
            upstream,
            lambda done: tick(params.depth + done),
        )
    return states, grads


def _forward(
    params: SimParams,
    weights: Sequence[np.ndarray],
    inputs: np.ndarray,
    on_layer: Callable[[int], None],
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """``h_0..h_L``, the branch derivatives ``φ'(u_l)`` and the post-norm RMS values."""
    depth, alpha = params.depth, params.alpha
    dtype = inputs.dtype
    scale = dtype.type(params.sigma_w / math.sqrt(params.width))
    states = np.empty((depth + 1, *inputs.shape), dtype)
    states[0] = inputs
    derivs = None if params.activation == "linear" else np.empty((depth, *inputs.shape), dtype)
    post_rms = np.empty((depth, *inputs.shape[:-1], 1), dtype) if params.norm == "post" else None
    for layer in range(depth):
        h, u = states[layer], states[layer + 1]
        branch_in = h / _rms(h) if params.norm == "pre" else h
        np.matmul(branch_in, weights[layer], out=u)
        u *= scale
        if derivs is not None and params.activation == "tanh":
            np.tanh(u, out=u)
            np.multiply(u, u, out=derivs[layer])
            np.subtract(1, derivs[layer], out=derivs[layer])
        elif derivs is not None:  # relu
            np.greater(u, 0, out=derivs[layer])
            np.maximum(u, 0, out=u)
        if params.residual:
            u *= alpha
            u += h
        if post_rms is not None:
            post_rms[layer] = _rms(u)
            u /= post_rms[layer]
        on_layer(layer + 1)
    return states, derivs, post_rms


def _backward(
    params: SimParams,
    weights: Sequence[np.ndarray],
    states: np.ndarray,
    derivs: np.ndarray | None,
    post_rms: np.ndarray | None,
    upstream: np.ndarray,
    on_layer: Callable[[int], None],
) -> np.ndarray:
    """``g_0..g_L`` for the loss ``g_L · h_L``, with the exact Jacobians."""
    depth = params.depth
    dtype = states.dtype
    scale = dtype.type(params.sigma_w / math.sqrt(params.width))
    gain = dtype.type(params.alpha if params.residual else 1.0)
    grads = np.empty_like(states)
    grads[depth] = upstream
    for layer in range(depth, 0, -1):
        g = grads[layer]
        if post_rms is not None:
            g = _through_rms_norm(g, states[layer], post_rms[layer - 1])
        branch = g * gain if derivs is None else derivs[layer - 1] * g
        if derivs is not None and params.residual:
            branch *= gain
        down = np.matmul(branch, weights[layer - 1].transpose(0, 2, 1))
        down *= scale
        if params.norm == "pre":
            h = states[layer - 1]
            rms = _rms(h)
            down = _through_rms_norm(down, h / rms, rms)
        if params.residual:
            down += g
        grads[layer - 1] = down
        on_layer(depth - layer + 1)
    return grads


def _rms(x: np.ndarray) -> np.ndarray:
    return np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + RMS_EPS)


def _through_rms_norm(grad: np.ndarray, normed: np.ndarray, rms: np.ndarray) -> np.ndarray:
    """Pull ``grad`` back through ``x ↦ x / rms(x)``, given the output and the rms."""
    return (grad - normed * np.mean(normed * grad, axis=-1, keepdims=True)) / rms


def _norms(stack: np.ndarray) -> np.ndarray:
    """L2 norms over the last axis, shaped ``(layers, samples)``; float64, so never overflows."""
    squares = np.einsum("...i,...i->...", stack, stack, dtype=np.float64)
    return np.sqrt(squares).reshape(stack.shape[0], -1)


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
