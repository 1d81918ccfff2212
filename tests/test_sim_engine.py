"""The engine: exact gradients, exact linear expectations, reproducible and extendable runs."""

import dataclasses
import itertools
import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose, assert_array_equal

from tests.strategies import small_params
from tutor.sim import ACTIVATIONS, NORMS, SimParamError, SimParams, Simulator, simulate
from tutor.sim import params as params_module
from tutor.sim.engine import propagate

CASES = list(itertools.product(ACTIVATIONS, NORMS, (True, False)))


def _tiny_network(params, rng):
    shape = (params.networks, params.inputs, params.width)
    weights = [
        rng.standard_normal((params.networks, params.width, params.width))
        for _ in range(params.depth)
    ]
    return weights, rng.standard_normal(shape), rng.standard_normal(shape)


@pytest.mark.parametrize(("activation", "norm", "residual"), CASES)
def test_backward_pass_matches_finite_differences(activation, norm, residual):
    params = SimParams(
        depth=3,
        width=5,
        alpha=0.7,
        activation=activation,
        sigma_w=1.3,
        norm=norm,
        residual=residual,
        inputs=2,
        networks=2,
    )
    weights, inputs, upstream = _tiny_network(params, np.random.default_rng(7))
    analytic = propagate(params, weights, inputs, upstream).input_grad

    def loss(x):
        return float(np.sum(upstream * propagate(params, weights, x, upstream).output))

    step = 1e-6
    numeric = np.zeros_like(inputs)
    for index in np.ndindex(inputs.shape):
        bump = np.zeros_like(inputs)
        bump[index] = step
        numeric[index] = (loss(inputs + bump) - loss(inputs - bump)) / (2 * step)
    assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("residual", [True, False])
def test_linear_stack_matches_its_exact_expectation(residual):
    # Linear and Gaussian: E‖h_l‖² = d·c^l and E‖g_l‖² = d·c^(L-l) exactly,
    # with c = 1 + α²σ² (residual) or σ² (plain).
    params = SimParams(
        depth=12,
        width=48,
        alpha=0.5,
        activation="linear",
        sigma_w=0.9,
        residual=residual,
        inputs=64,
        networks=200,
        seed=3,
    )
    result = Simulator(np.float64).run(params)
    factor = 1 + 0.25 * 0.81 if residual else 0.81
    layers = np.arange(params.depth + 1)
    assert_allclose(result.forward.rms, np.sqrt(48 * factor**layers), rtol=0.04)
    assert_allclose(result.backward.rms, np.sqrt(48 * factor ** (params.depth - layers)), rtol=0.04)


def test_same_parameters_give_the_same_arrays():
    params = SimParams(depth=10, width=16, inputs=4, networks=2, seed=11)
    assert simulate(params).to_dict() == simulate(params).to_dict()
    other = simulate(dataclasses.replace(params, seed=12)).to_dict()
    assert other["forward"] != simulate(params).to_dict()["forward"]


def test_a_deeper_run_extends_a_shallower_one():
    shallow = simulate(SimParams(depth=40, width=32, inputs=8))
    deep = simulate(SimParams(depth=60, width=32, inputs=8))
    for name in ("mean", "rms", "p10", "p50", "p90"):
        assert_array_equal(getattr(deep.forward, name)[:41], getattr(shallow.forward, name))


@pytest.mark.parametrize(
    "change",
    [
        {"alpha": 0.5},
        {"activation": "relu"},
        {"residual": False},
        {"norm": "pre"},
        {"norm": "post"},
        {"sigma_w": 1.7},
        {"depth": 55},
        {"depth": 7},
        {"inputs": 5},
        {"width": 24},
        {"seed": 9},
    ],
)
def test_cached_runs_equal_fresh_runs(change):
    base = SimParams(depth=30, width=32, inputs=8, networks=3)
    changed = dataclasses.replace(base, **change)
    sim = Simulator()
    sim.run(base)
    assert sim.run(changed).to_dict() == simulate(changed).to_dict()


def test_the_cache_draws_only_new_layers():
    sim = Simulator()
    drawn = []
    sim.run(SimParams(depth=10, width=16), lambda done, total: drawn.append(total))
    sim.run(SimParams(depth=10, width=16, alpha=0.9), lambda done, total: drawn.append(total))
    sim.run(SimParams(depth=14, width=16), lambda done, total: drawn.append(total))
    # total = layers drawn + 2 × depth (forward and backward)
    assert drawn[-1] == 4 + 28
    assert 20 in drawn and 30 in drawn


@pytest.mark.parametrize(
    "change, holds, keeps",
    [
        ({"alpha": 0.9, "norm": "pre", "sigma_w": 2.0}, True, True),
        ({"depth": 6}, True, True),
        ({"depth": 14}, False, True),  # draws only its four new layers
        ({"seed": 1}, False, False),
        ({"width": 24}, False, False),
        ({"networks": 2}, False, False),
    ],
)
def test_a_simulator_says_which_runs_keep_the_weights_it_holds(change, holds, keeps):
    base = SimParams(depth=10, width=16, networks=3)
    sim = Simulator()
    assert not sim.keeps_weights(base) and not sim.holds_weights(base)
    sim.run(base)
    changed = dataclasses.replace(base, **change)
    assert (sim.holds_weights(changed), sim.keeps_weights(changed)) == (holds, keeps)
    drawn: list[int] = []
    sim.run(changed, lambda done, total: drawn.append(total - 2 * changed.depth))
    assert max(drawn) == (0 if holds else changed.depth if not keeps else 4)


def test_a_run_stopped_while_drawing_leaves_no_draws_behind(monkeypatch):
    """A cancelled deep run must not keep drawing its queued layers after it stopped."""
    from tutor.sim import engine

    drawn = []
    real_stream = engine.stream

    def counting_stream(*key):
        drawn.append(key)
        return real_stream(*key)

    class Stop(Exception):
        pass

    def stop_at_once(done):
        raise Stop

    monkeypatch.setattr(engine, "stream", counting_stream)
    sim = Simulator()
    with pytest.raises(Stop):
        sim.arrays(SimParams(depth=1_000, width=8), stop_at_once)
    seen = len(drawn)
    assert seen <= 1 + engine.DRAWS_AHEAD  # only what was queued when it stopped
    assert len(drawn) == seen  # and nothing draws on once it has returned
    # What was drawn stays valid: the next run extends it to the same arrays as a fresh one.
    monkeypatch.setattr(engine, "stream", real_stream)
    assert (
        sim.run(SimParams(depth=20, width=8)).to_dict()
        == simulate(SimParams(depth=20, width=8)).to_dict()
    )


def test_json_has_exactly_the_fixed_shape():
    params = SimParams(depth=5, width=16)
    data = json.loads(json.dumps(simulate(params).to_dict(), allow_nan=False))
    assert list(data) == ["params", "layers", "forward", "backward", "theory", "diverged_at"]
    assert data["params"] == {
        "depth": 5,
        "width": 16,
        "alpha": 0.2,
        "activation": "tanh",
        "sigma_w": 1.0,
        "norm": "none",
        "residual": True,
        "inputs": 32,
        "networks": 4,
        "seed": 0,
    }
    assert data["layers"] == [0, 1, 2, 3, 4, 5]
    for part in ("forward", "backward"):
        assert list(data[part]) == ["mean", "rms", "p10", "p50", "p90"]
        assert all(len(v) == 6 for v in data[part].values())
    assert list(data["theory"]) == ["forward", "backward"]
    assert data["diverged_at"] is None


def test_norm_statistics_are_ordered_and_consistent():
    result = simulate(SimParams(depth=8, width=32))
    for stats in (result.forward, result.backward):
        assert np.all(stats.p10 <= stats.p50) and np.all(stats.p50 <= stats.p90)
        assert np.all(stats.mean <= stats.rms + 1e-9)


def test_overflow_is_reported_not_plotted_or_warned():
    params = SimParams(depth=80, width=32, activation="linear", sigma_w=20.0, residual=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = simulate(params)
        data = result.to_dict()
    assert result.diverged_at is not None and 0 < result.diverged_at <= 80
    forward = data["forward"]["rms"]
    assert all(v is not None for v in forward[: result.diverged_at])
    assert all(v is None for v in forward[result.diverged_at :])
    json.dumps(data, allow_nan=False)


def test_gradient_only_overflow_is_located_on_the_way_down():
    # tanh keeps the forward bounded while a chaotic plain stack's gradients explode.
    params = SimParams(depth=300, width=32, activation="tanh", sigma_w=4.0, residual=False)
    result = simulate(params)
    assert result.diverged_at is not None
    assert np.isfinite(result.forward.rms).all()
    backward = result.to_dict()["backward"]["rms"]
    assert backward[params.depth] is not None and backward[0] is None


@settings(max_examples=60, deadline=None)
@given(small_params)
def test_any_valid_parameters_run_cleanly(params):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = simulate(params).to_dict()
    json.dumps(data, allow_nan=False)
    for part in ("forward", "backward"):
        assert all(len(values) == params.depth + 1 for values in data[part].values())
    for curve in data["theory"].values():
        assert curve is None or len(curve) == params.depth + 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("depth", 0, "depth must be from 1"),
        ("depth", -5, "depth must be from 1"),
        ("depth", 10**6, "depth must be from 1 to 10,000"),
        ("width", 0, "width must be from 1"),
        ("alpha", float("nan"), "alpha must be a finite number"),
        ("sigma_w", float("inf"), "sigma_w must be a finite number"),
        ("sigma_w", -1.0, "sigma_w must be from 0"),
        ("activation", "gelu", "activation must be one of tanh, relu, linear"),
        ("norm", "batch", "norm must be one of none, pre, post"),
        ("depth", 2.5, "depth must be an integer"),
        ("residual", "yes", "residual must be true or false"),
    ],
)
def test_bad_parameters_are_named(field, value, words):
    with pytest.raises(SimParamError, match=words):
        SimParams(**{field: value})


def test_a_run_too_big_for_memory_is_refused_before_allocating(monkeypatch):
    monkeypatch.setattr(params_module, "available_memory", lambda: 10_000_000)
    with pytest.raises(SimParamError, match="needs about .* of memory"):
        simulate(SimParams(depth=1000, width=256))


@pytest.mark.parametrize(
    "base",
    [
        SimParams(depth=12, width=24, inputs=6, networks=2),
        SimParams(depth=12, width=24, inputs=6, networks=2, norm="pre", activation="relu"),
        SimParams(depth=12, width=24, inputs=6, networks=2, norm="post", activation="linear"),
        # The plain variant overflows float32 squares: its norms are summed again in float64.
        SimParams(depth=60, width=16, inputs=4, networks=2, activation="linear", sigma_w=4.0),
    ],
)
def test_runs_in_lockstep_are_the_runs_one_after_the_other(base):
    runs = [base, dataclasses.replace(base, residual=not base.residual, alpha=0.7)]
    together = Simulator().run_together(runs)
    assert [r.to_dict() for r in together] == [simulate(p).to_dict() for p in runs]


def test_runs_in_lockstep_share_their_weights_and_depth():
    base = SimParams(depth=4, width=16)
    for other in ({"seed": 1}, {"depth": 5}, {"inputs": 3}):
        with pytest.raises(ValueError, match="lockstep"):
            Simulator().run_together([base, dataclasses.replace(base, **other)])
