"""Mean-field theory of the two RMS curves, and where it can be trusted.

In the wide-network limit ``‖h_l‖² / d`` concentrates on a deterministic
``q_l``, and under the gradient-independence assumption (the weights used on
the way back are treated as fresh) ``‖g_l‖² / d`` concentrates on ``p_l``.
Each layer then maps a few scalars to a few scalars; the expectations over a
Gaussian pre-activation ``u ~ N(0, σ_w² v)`` use Gauss–Hermite quadrature (tanh)
or closed forms (ReLU, linear).

Notes
-----
Forward, with ``m_l`` the mean of the stream's entries (zero for odd φ)::

    plain     q_l = E[φ²]                 m_l = E[φ]
    residual  q_l = q + α² E[φ²] + 2α m E[φ]   m_l = m + α E[φ]
    post-norm q_l = 1 (the norm fixes it),  m_l = m_z / sqrt(z²)

where ``v = q_{l-1}`` (``v = 1`` under pre-norm, where ``‖n(h)‖² = d``).
Backward, going down from ``p_L = 1``::

    post-norm   p_z = p_l (1 - 1/d) / z²_l      (else p_z = p_l)
    branch      p_b = c² σ_w² E[φ'²] p_z         (c = α residual, 1 plain)
    pre-norm    p_b ← p_b (1 - 1/d) / q_{l-1}
    p_{l-1} = p_z + p_b (residual)  or  p_b (plain)

``(1 - 1/d)`` is the share of a random vector a normalization's projection
keeps. The cross terms vanish for odd φ; ReLU's positive mean makes the
stream drift, which the ``m`` recursion tracks on the forward pass. On the
backward pass the gradient-independence assumption fails for ReLU residual
and post-norm stacks, so no curve is offered there (``theory_support``).

References
----------
Poole et al. (2016), "Exponential expressivity in deep neural networks through
transient chaos", NeurIPS. Schoenholz et al. (2017), "Deep Information
Propagation", ICLR. Yang & Schoenholz (2017), "Mean Field Residual Networks:
On the Edge of Chaos", NeurIPS.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from tutor.sim.params import SimParams

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(96)
_WEIGHTS = _WEIGHTS / math.sqrt(2 * math.pi)

#: Narrower networks do not concentrate: ``‖h‖²/d`` fluctuates, Jensen's gap
#: breaks the recursion, and even a large ensemble's RMS is too noisy to check.
MIN_THEORY_WIDTH = 64

#: The deepest stack a curve is offered for: the sweep measures up to here, and
#: beyond it small per-layer drifts add up (a residual tanh stack's gradient
#: curve is 3× off at depth 2,000).
MAX_THEORY_DEPTH = 256

#: In a plain stack the norms are products of per-layer factors, so their spread
#: grows like ``depth / width`` (log-normally) and finite-width corrections
#: compound; past this ratio the curves are not offered for plain stacks.
MAX_PLAIN_DEPTH_PER_WIDTH = 0.35

#: A strong tanh branch correlates the gradient with the weights that produced
#: it: the backward curve drifts by a share growing with ``depth·(α·σ_w)⁴``
#: (measured: 12.6 → 4–6% off, 40 → 26% off, at any width), so it is offered
#: only up to this budget.
MAX_TANH_BRANCH_BUDGET = 12.0

#: Past this branch strength ``α·σ_w`` a post-norm residual stack's gradient
#: drifts from the recursion (measured: 0.75 → about 10% off at layer 0); the
#: drift also grows with ``depth / width`` (18% off at depth 256, width 64), so
#: the curve stops at ``depth = width``.
MAX_POST_NORM_BRANCH = 0.5

#: Plain normalized tanh stacks: past this ``σ_w`` (deep in the chaotic phase)
#: the backward curve is 13–15% off at width 64.
MAX_PLAIN_NORMED_TANH_SIGMA = 1.5


def gaussian_moments(activation: str, var: float) -> tuple[float, float, float, float]:
    """``(E[φ], E[φ²], E[φ'²], E[φ⁴])`` of ``φ(u)`` for ``u ~ N(0, var)``."""
    if activation == "linear":
        return 0.0, var, 1.0, 3 * var**2
    if activation == "relu":
        return math.sqrt(var / (2 * math.pi)), var / 2, 0.5, 1.5 * var**2
    values = np.tanh(math.sqrt(var) * _NODES)
    squares = values**2
    return (
        0.0,
        float(_WEIGHTS @ squares),
        float(_WEIGHTS @ (1 - squares) ** 2),
        float(_WEIGHTS @ squares**2),
    )


def _inverse_mean_square(second: float, fourth: float, width: int) -> float:
    """``E[1 / mean(φ(u_i)²)]`` over ``width`` independent ``u_i`` (delta method).

    A normalization divides by the sample's RMS, and the mean of an inverse
    exceeds the inverse of the mean by a factor ``1 / (1 - κ/d)``, ``κ`` the
    relative variance of ``φ²``; over many plain layers that factor compounds.
    Exact for linear φ (``d / (d - 2)``).
    """
    if second <= 0:
        return math.inf
    kappa = fourth / second**2 - 1
    return 1 / (second * max(1 - kappa / width, 1e-12))


def theory_support(params: SimParams) -> tuple[bool, bool]:
    """Whether the forward and the backward curve are accurate for these parameters.

    Measured against large ensembles (``tests/test_theory.py`` sweeps it):
    width at least ``MIN_THEORY_WIDTH``, plain stacks no deeper than
    ``MAX_PLAIN_DEPTH_PER_WIDTH * width``; then tanh and linear stacks of every
    kind, both curves; ReLU forward everywhere (the drifting mean tracked), ReLU
    backward only where gradient independence holds: residual stacks with a
    norm, plain stacks without one. Without a norm a ReLU residual stream's
    gradient stays correlated with its weights (measured 12–55% off), and a
    plain normalized ReLU stack's normalizer with its mask (about 30% off).
    Strong branches and chaotic plain normalized stacks break gradient
    independence too: see the limits above, each measured.
    """
    if params.width < MIN_THEORY_WIDTH or params.depth > MAX_THEORY_DEPTH:
        return False, False
    if not params.residual and params.depth > MAX_PLAIN_DEPTH_PER_WIDTH * params.width:
        return False, False
    if params.residual:
        branch = params.alpha * params.sigma_w
        backward = params.norm != "post" or (
            branch <= MAX_POST_NORM_BRANCH and params.depth <= params.width
        )
        if params.activation == "tanh":
            backward &= params.depth * branch**4 <= MAX_TANH_BRANCH_BUDGET
        if params.activation == "relu":
            backward &= params.norm != "none"
        return True, backward
    if params.activation == "tanh":
        return True, params.norm == "none" or params.sigma_w <= MAX_PLAIN_NORMED_TANH_SIGMA
    return True, params.activation == "linear" or params.norm == "none"


def mean_field(params: SimParams) -> tuple[np.ndarray, np.ndarray]:
    """The predicted RMS of ``‖h_l‖`` and ``‖g_l‖`` for ``l = 0..depth`` (float64)."""
    depth, d, alpha = params.depth, params.width, params.alpha
    gain = alpha if params.residual else 1.0
    q = np.empty(depth + 1)
    inv_out = np.empty(depth + 1)  # E[1 / mean(z_l²)], z_l the layer's output before any post-norm
    dphi2 = np.empty(depth + 1)  # E[φ'²] of layer l's branch
    q[0], inv_out[0], mean = 1.0, _inverse_mean_square(1.0, 3.0, d), 0.0
    fixed = gaussian_moments(params.activation, params.sigma_w**2)
    for layer in range(1, depth + 1):
        q_in = q[layer - 1]
        if params.norm == "pre":
            e_phi, e_phi2, e_dphi2, e_phi4 = fixed
        else:
            e_phi, e_phi2, e_dphi2, e_phi4 = gaussian_moments(
                params.activation, params.sigma_w**2 * q_in
            )
        if params.residual:
            second = q_in + alpha**2 * e_phi2 + 2 * alpha * mean * e_phi
            mean += alpha * e_phi
            inv_out[layer] = 1 / second if second > 0 else math.inf
        else:
            second, mean = e_phi2, e_phi
            inv_out[layer] = _inverse_mean_square(e_phi2, e_phi4, d)
        dphi2[layer] = e_dphi2
        if params.norm == "post":
            mean /= math.sqrt(second) if second > 0 else 1.0
            second = 1.0
        q[layer] = second

    # A normalization's projection removes the gradient's share along its input,
    # 1/d of a random vector. Where the loss is scale-invariant in a normalized
    # input the gradient is already orthogonal to it below the top layer, and
    # only the top layer's projection removes anything: residual post-norm
    # stacks, and plain normalized tanh stacks (measured; linear ones lose the
    # share again through ``Wᵀ``, whose component along the input is forced to 0).
    keep_all_layers = (params.norm == "pre" and params.residual) or (
        not params.residual and params.activation != "tanh"
    )
    p = np.empty(depth + 1)
    p[depth] = 1.0
    for layer in range(depth, 0, -1):
        keep = 1 - 1 / d if keep_all_layers or layer == depth else 1.0
        p_z = p[layer] * keep * inv_out[layer] if params.norm == "post" else p[layer]
        p_branch = gain**2 * params.sigma_w**2 * dphi2[layer] * p_z
        if params.norm == "pre":
            p_branch *= keep * inv_out[layer - 1]
        p[layer - 1] = p_z + p_branch if params.residual else p_branch
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sqrt(d * q), np.sqrt(d * p)


@lru_cache(maxsize=128)
def theory_curves(params: SimParams) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The curves worth drawing: each the mean-field RMS, or None where it is not accurate.

    Cached (the lab flips between a few states), so the arrays are read-only.
    """
    forward_ok, backward_ok = theory_support(params)
    if not (forward_ok or backward_ok):
        return None, None
    with np.errstate(all="ignore"):
        forward, backward = mean_field(params)
    forward.setflags(write=False)
    backward.setflags(write=False)
    return (
        forward if forward_ok and np.isfinite(forward).all() else None,
        backward if backward_ok and np.isfinite(backward).all() else None,
    )
