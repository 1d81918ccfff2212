"""The networks of the degradation experiment, and what trains them, in plain NumPy.

The task and model are the ones measured to show the effect robustly (issue 8):
a random teacher MLP ``8 → 64 → 64 → 1`` (tanh) labels 512 Gaussian inputs, and
the targets are standardized, so predicting their mean scores an MSE of 1.0.
The student embeds the input linearly to ``width``, then stacks either

- plain layers ``h ← relu(LN(h W + b))``, or
- residual blocks ``h ← h + relu(LN(h) W₁ + b₁) W₂ + b₂`` (pre-norm, two layers each),

and reads the output with a linear head. LN has no gain or bias. Weights are
He-normal, biases zero; Adam trains on minibatches drawn from the 512 points.

Without normalization the effect does not show robustly (He-initialized plain
nets trained with Adam simply train well), so LN is part of the recipe, not a
detail. Nearly all the time goes to NumPy's per-call overhead (the arrays are
tiny), so every parameter lives in one flat buffer (Adam is a handful of calls)
and each layer costs as few calls as the algebra allows.

The forward pass, its exact backward pass (checked by finite differences in
``tests/test_train.py``) and Adam are one piece of math and stay together here; the
experiment that trains these networks and reports on them is ``trainer``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from tutor.sim.streams import stream

__all__ = [
    "ADAM_BETA1",
    "ADAM_BETA2",
    "ADAM_EPS",
    "BATCH_STREAM",
    "DATA_STREAM",
    "INIT_STREAM",
    "INPUTS",
    "LN_EPS",
    "SAMPLES",
    "TEACHER_HIDDEN",
    "Adam",
    "Student",
    "teacher_data",
]

SAMPLES = 512
INPUTS = 8
TEACHER_HIDDEN = 64
LN_EPS = 1e-5
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8

#: The random streams' keys: the data, each network's initialization, the minibatch order.
DATA_STREAM, INIT_STREAM, BATCH_STREAM = 0, 1, 2


def teacher_data(seed: int, dtype: type[np.floating] = np.float32) -> tuple[np.ndarray, np.ndarray]:
    """The training set: 512 Gaussian inputs ``(512, 8)`` and standardized targets ``(512, 1)``.

    The teacher's weights are ``N(0, 1/fan_in)``, so its tanh units are neither
    saturated nor linear, and its function is smooth but not trivial.
    """
    rng = stream(seed, DATA_STREAM)
    x = rng.standard_normal((SAMPLES, INPUTS))
    h = x
    for fan_out in (TEACHER_HIDDEN, TEACHER_HIDDEN):
        h = np.tanh(h @ rng.standard_normal((h.shape[1], fan_out)) / math.sqrt(h.shape[1]))
    y = h @ rng.standard_normal((TEACHER_HIDDEN, 1)) / math.sqrt(TEACHER_HIDDEN)
    y = (y - y.mean()) / y.std()
    return x.astype(dtype), y.astype(dtype)


class _Parts(NamedTuple):
    """Views of a flat buffer, weights first (one contiguous draw initializes them)."""

    w_in: np.ndarray  # (8, d)
    w: np.ndarray  # (L, d, d): layer l's weights; a residual block k uses 2k and 2k+1
    w_out: np.ndarray  # (d, 1)
    b_in: np.ndarray  # (d,)
    b: np.ndarray  # (L, d)
    b_out: np.ndarray  # (1,)


def _shapes(depth: int, width: int) -> list[tuple[int, ...]]:
    """The shapes of ``_Parts``, in their order in the flat buffer."""
    weights = [(INPUTS, width), (depth, width, width), (width, 1)]
    return [*weights, (width,), (depth, width), (1,)]


def _parts(flat: np.ndarray, depth: int, width: int) -> _Parts:
    views, start = [], 0
    for shape in _shapes(depth, width):
        size = math.prod(shape)
        views.append(flat[start : start + size].reshape(shape))
        start += size
    return _Parts(*views)


def _rstd(centered: np.ndarray) -> np.ndarray:
    """``1/sqrt(var + eps)`` per row of an already centered ``(B, d)`` array, as ``(B, 1)``."""
    var = np.einsum("ij,ij->i", centered, centered)[:, None]
    var *= 1.0 / centered.shape[1]
    var += LN_EPS
    np.sqrt(var, out=var)
    return np.reciprocal(var, out=var)


def _ln_backward(grad: np.ndarray, normed: np.ndarray, rstd: np.ndarray) -> np.ndarray:
    """Back through ``n = c · rstd(c)`` to ``c``: ``rstd · (g − n · mean(g n))``, in place."""
    dots = np.einsum("ij,ij->i", grad, normed)[:, None]
    dots *= 1.0 / normed.shape[1]
    dots = dots * normed
    grad -= dots
    grad *= rstd
    return grad


class Student:
    """One student network, its parameters and their gradient each in one flat buffer.

    ``theta`` and ``grad`` are the flat buffers the optimizer works on; ``dtype``
    is float32 for training and float64 for the gradient check.
    """

    def __init__(
        self, depth: int, width: int, residual: bool, dtype: type[np.floating] = np.float32
    ) -> None:
        self.depth, self.width, self.residual = depth, width, residual
        self.theta = np.zeros(sum(map(math.prod, _shapes(depth, width))), dtype)
        self.grad = np.zeros_like(self.theta)
        self._p = _parts(self.theta, depth, width)
        self._g = _parts(self.grad, depth, width)

    def init(self, rng: np.random.Generator) -> None:
        """He-normal weights (``N(0, 2/fan_in)``), zero biases."""
        count = sum(map(math.prod, _shapes(self.depth, self.width)[:3]))
        self.theta[:count] = rng.standard_normal(count)
        self._p.w_in[...] *= math.sqrt(2 / INPUTS)
        self.theta[self._p.w_in.size : count] *= math.sqrt(2 / self.width)
        self.theta[count:] = 0

    def loss(self, x: np.ndarray, y: np.ndarray) -> float:
        """The mean squared error on ``(x, y)``, without keeping anything for a backward pass."""
        return _mse(self._forward(x, None), y)

    def loss_and_grad(self, x: np.ndarray, y: np.ndarray) -> float:
        """The mean squared error on ``(x, y)``; its gradient lands in ``grad``."""
        tape: list[tuple[np.ndarray, ...]] = []
        pred = self._forward(x, tape)
        diff = pred - y
        loss = float(np.dot(diff[:, 0], diff[:, 0])) / len(x)
        diff *= 2.0 / len(x)
        self._backward(x, diff, tape)
        return loss

    # -- passes -----------------------------------------------------------------

    def _forward(self, x: np.ndarray, tape: list | None) -> np.ndarray:
        p = self._p
        h = x @ p.w_in
        h += p.b_in
        if self.residual:
            for k in range(0, self.depth, 2):
                centered = h - np.add.reduce(h, axis=1, keepdims=True) * (1.0 / self.width)
                rstd = _rstd(centered)
                normed = np.multiply(centered, rstd, out=centered)
                hidden = normed @ p.w[k]
                hidden += p.b[k]
                np.maximum(hidden, 0, out=hidden)
                h = h + hidden @ p.w[k + 1]
                h += p.b[k + 1]
                if tape is not None:
                    tape.append((normed, rstd, hidden))
        else:
            # LN subtracts each row's mean, so centering the weights' columns (and the
            # bias) gives LN's centered input directly: one reduction per step, not per layer.
            w = p.w - p.w.mean(axis=2, keepdims=True)
            b = p.b - p.b.mean(axis=1, keepdims=True)
            for layer in range(self.depth):
                z = h @ w[layer]
                z += b[layer]
                rstd = _rstd(z)
                normed = np.multiply(z, rstd, out=z)
                if tape is not None:
                    tape.append((h, normed, rstd))
                h = np.maximum(normed, 0)
            if tape is not None:
                tape.append((w,))
        out = h @ p.w_out
        out += p.b_out
        if tape is not None:
            tape.append((h,))
        return out

    def _backward(self, x: np.ndarray, grad_out: np.ndarray, tape: list) -> None:
        p, g = self._p, self._g
        (h,) = tape.pop()
        np.matmul(h.T, grad_out, out=g.w_out)
        g.b_out[0] = grad_out.sum()
        grad = grad_out @ p.w_out.T
        if self.residual:
            for k in range(self.depth - 2, -1, -2):
                normed, rstd, hidden = tape.pop()
                np.matmul(hidden.T, grad, out=g.w[k + 1])
                np.add.reduce(grad, axis=0, out=g.b[k + 1])
                branch = grad @ p.w[k + 1].T
                branch *= hidden > 0
                np.matmul(normed.T, branch, out=g.w[k])
                np.add.reduce(branch, axis=0, out=g.b[k])
                branch = _ln_backward(branch @ p.w[k].T, normed, rstd)
                branch -= np.add.reduce(branch, axis=1, keepdims=True) * (1.0 / self.width)
                grad = grad + branch
        else:
            (w,) = tape.pop()
            for layer in range(self.depth - 1, -1, -1):
                h, normed, rstd = tape.pop()
                grad *= normed > 0
                grad = _ln_backward(grad, normed, rstd)
                np.matmul(h.T, grad, out=g.w[layer])
                np.add.reduce(grad, axis=0, out=g.b[layer])
                grad = grad @ w[layer].T
            # The loss sees W only through its column-centered copy: center the gradient too.
            g.w[...] -= g.w.mean(axis=2, keepdims=True)
            g.b[...] -= g.b.mean(axis=1, keepdims=True)
        np.matmul(x.T, grad, out=g.w_in)
        np.add.reduce(grad, axis=0, out=g.b_in)


def _mse(pred: np.ndarray, y: np.ndarray) -> float:
    diff = (pred - y)[:, 0]
    return float(np.dot(diff, diff)) / len(diff)


class Adam:
    """Adam on one flat buffer: a dozen vectorized calls per step, whatever the depth."""

    def __init__(self, theta: np.ndarray, lr: float) -> None:
        self.theta, self.lr = theta, lr
        self.m = np.zeros_like(theta)
        self.v = np.zeros_like(theta)
        self._scratch = np.empty_like(theta)
        self.t = 0

    def step(self, grad: np.ndarray) -> None:
        """Update ``theta`` in place (PyTorch's form of the bias correction)."""
        self.t += 1
        theta, m, v, s = self.theta, self.m, self.v, self._scratch
        np.subtract(grad, m, out=s)
        s *= 1 - ADAM_BETA1
        m += s
        np.multiply(grad, grad, out=s)
        s -= v
        s *= 1 - ADAM_BETA2
        v += s
        correction1 = 1 - ADAM_BETA1**self.t
        correction2 = 1 - ADAM_BETA2**self.t
        np.sqrt(v, out=s)
        s *= 1 / math.sqrt(correction2)
        s += ADAM_EPS
        np.divide(m, s, out=s)
        s *= self.lr / correction1
        theta -= s
