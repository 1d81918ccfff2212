"""Every theory curve restutor draws lands within 10% of a large ensemble's RMS."""

import dataclasses
import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tutor.sim import ACTIVATIONS, NORMS, SimParams, Simulator
from tutor.sim.theory import gaussian_moments, mean_field, theory_curves

TOLERANCE = 0.10
KINDS = list(itertools.product((True, False), ACTIVATIONS, NORMS))
#: (sigma_w, alpha, depth, width): the lab defaults, weak and strong weights,
#: a strong branch, a plain stack at the deepest depth theory is offered for,
#: and the deepest stack of all.
POINTS = [
    (1.0, 0.2, 40, 128),
    (0.5, 0.5, 32, 64),
    (2.0, 0.2, 32, 64),
    (1.5, 0.5, 20, 64),
    (1.0, 0.1, 44, 128),
]

#: The sweep shares one large ensemble (a module fixture): under xdist every test of this
#: file runs on one worker, so the ensemble is built once.
pytestmark = pytest.mark.xdist_group("theory")


#: The ensembles pooled at each point, each of 64 networks × 16 inputs. Three were not
#: enough: near the plain-stack depth limit the RMS is heavy-tailed, and about a third of
#: 3-seed pools drawn from seeds 1000-1047 put some curve over 10% (1000-1002 passed at
#: 9.9%). These 12 pass at 7.0%; all 48 pooled at 7.6%, the theory's own bias.
SEEDS = tuple(range(1000, 1012))
#: A theory whose per-layer map is off by this factor (so each curve is off by it at its
#: far end) must fail the sweep in every kind, both ways: the ensembles can tell.
WRONG_BY = 1.15


def sweep_params(residual, activation, norm, sigma_w, alpha, depth, width):
    return SimParams(
        depth=depth,
        width=width,
        alpha=alpha,
        activation=activation,
        sigma_w=sigma_w,
        norm=norm,
        residual=residual,
        inputs=16,
        networks=64,
    )


def offered(params):
    return any(curve is not None for curve in theory_curves(params))


@pytest.fixture(scope="module")
def large_ensemble_rms():
    """RMS of both norms at every offered point of every kind, ``SEEDS`` ensembles pooled.

    The weights and inputs depend only on (seed, width, networks), so one Simulator per
    seed and width draws them once for all 18 kinds and every depth; what a run then
    costs is its two passes (a cached run equals a fresh one: test_sim_engine). One
    Simulator is held at a time (at most 44 layers of 64 networks at width 128).
    """
    wanted = [
        params
        for kind in KINDS
        for point in POINTS
        if offered(params := sweep_params(*kind, *point))
    ]
    squares = {params: np.zeros((2, params.depth + 1)) for params in wanted}
    for width in sorted({params.width for params in wanted}):
        same_width = sorted((p for p in wanted if p.width == width), key=lambda p: p.depth)
        for seed in SEEDS:
            simulator = Simulator()
            for params in same_width:
                result = simulator.run(dataclasses.replace(params, seed=seed))
                squares[params] += [result.forward.rms**2, result.backward.rms**2]
            del simulator
    return {params: np.sqrt(total / len(SEEDS)) for params, total in squares.items()}


def offered_curves(residual, activation, norm, large_ensemble_rms):
    """Each theory curve the sweep offers for one kind, with the ensemble's RMS beside it
    and the share of the stack each layer lies along the curve's own direction (the
    forward curve runs up the stack, the gradient's down it)."""
    for point in POINTS:
        params = sweep_params(residual, activation, norm, *point)
        theory_forward, theory_backward = theory_curves(params)
        if theory_forward is None and theory_backward is None:
            continue
        forward, backward = large_ensemble_rms[params]
        share = np.arange(params.depth + 1) / params.depth
        for theory, measured, along in (
            (theory_forward, forward, share),
            (theory_backward, backward, share[::-1]),
        ):
            if theory is not None:
                yield params, theory, measured, along


@pytest.mark.slow
@pytest.mark.parametrize(("residual", "activation", "norm"), KINDS)
def test_every_offered_curve_is_within_ten_percent(residual, activation, norm, large_ensemble_rms):
    checked = 0
    for params, theory, measured, _ in offered_curves(
        residual, activation, norm, large_ensemble_rms
    ):
        assert_allclose(theory, measured, rtol=TOLERANCE, err_msg=str(params))
        checked += 1
    assert checked >= 2  # the forward curve at least is offered at the defaults


@pytest.mark.slow
@pytest.mark.parametrize("wrong", [WRONG_BY, 1 / WRONG_BY], ids=["high", "low"])
@pytest.mark.parametrize(("residual", "activation", "norm"), KINDS)
def test_the_sweep_fails_a_theory_fifteen_percent_off(
    residual, activation, norm, wrong, large_ensemble_rms
):
    caught = [
        (np.abs(theory * wrong**drift - measured) > TOLERANCE * np.abs(measured)).any()
        for _, theory, measured, drift in offered_curves(
            residual, activation, norm, large_ensemble_rms
        )
    ]
    assert any(caught)


def test_the_lab_defaults_get_both_curves():
    forward, backward = theory_curves(SimParams())
    assert forward is not None and backward is not None
    assert len(forward) == len(backward) == 41


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"width": 32}, (False, False)),
        ({"depth": 257}, (False, False)),
        ({"norm": "post", "depth": 129}, (True, False)),
        ({"residual": False, "depth": 45}, (False, False)),
        ({"norm": "post", "alpha": 0.6}, (True, False)),
        ({"residual": False, "norm": "pre", "sigma_w": 2.0}, (True, False)),
        ({"activation": "relu"}, (True, False)),
        ({"activation": "relu", "norm": "pre"}, (True, True)),
        ({"activation": "relu", "residual": False, "norm": "post"}, (True, False)),
        ({"alpha": 1.0, "sigma_w": 1.5}, (True, False)),
    ],
)
def test_curves_are_withheld_where_they_are_not_accurate(change, expected):
    forward, backward = theory_curves(dataclasses.replace(SimParams(), **change))
    assert (forward is not None, backward is not None) == expected


def test_gaussian_moments_match_closed_forms():
    # linear: E[u²] = v, E[u⁴] = 3v²; ReLU: half of each, plus its mean √(v/2π).
    assert gaussian_moments("linear", 2.0) == (0.0, 2.0, 1.0, 12.0)
    mean, second, slope, fourth = gaussian_moments("relu", 2.0)
    assert_allclose([mean, second, slope, fourth], [np.sqrt(1 / np.pi), 1.0, 0.5, 6.0])
    # tanh against a dense Monte Carlo estimate
    u = np.random.default_rng(0).standard_normal(2_000_000) * np.sqrt(1.5)
    _, second, slope, _ = gaussian_moments("tanh", 1.5)
    assert_allclose(second, np.mean(np.tanh(u) ** 2), rtol=3e-3)
    assert_allclose(slope, np.mean((1 - np.tanh(u) ** 2) ** 2), rtol=3e-3)


def test_linear_residual_theory_is_the_exact_product():
    params = SimParams(activation="linear", depth=10, alpha=0.5, sigma_w=1.2)
    forward, backward = mean_field(params)
    factor = 1 + 0.25 * 1.44
    layers = np.arange(11)
    assert_allclose(forward, np.sqrt(128 * factor**layers))
    assert_allclose(backward, np.sqrt(128 * factor ** (10 - layers)))
