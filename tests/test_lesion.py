"""The lesion experiment: exact against a naive rerun, the effect itself, and its command."""

import dataclasses
import itertools
import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose, assert_array_equal

from tests.strategies import small_params
from tests.test_cli import run
from tutor.sim import (
    ACTIVATIONS,
    NORMS,
    SimParamError,
    SimParams,
    Simulator,
    lesion_blocks,
    path_counts,
    simulate,
)
from tutor.sim.engine import RMS_EPS, Workspace, propagate
from tutor.sim.lesion import block_rows

SMALL = SimParams(depth=6, width=8, alpha=0.7, sigma_w=1.3, inputs=3, networks=2, seed=5)


def _rms_norm(h):
    return h / np.sqrt(np.mean(h * h, axis=-1, keepdims=True) + RMS_EPS)


def _block(params, residual, z, h):
    """One layer of DESIGN.md's table, written out as plainly as possible."""
    x = _rms_norm(h) if params.norm == "pre" else h
    u = params.sigma_w / math.sqrt(params.width) * np.matmul(x, z)
    f = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0), "linear": lambda v: v}[
        params.activation
    ](u)
    out = h + params.alpha * f if residual else f
    return _rms_norm(out) if params.norm == "post" else out


def _naive_output(params, residual, weights, inputs, deleted=None, keep_post_norm=False):
    """Rerun the whole network with block ``deleted`` replaced by the identity.

    ``keep_post_norm`` is the other reading of "a residual block's branch zeroed" with
    post-norm: ``h_k = n(h_{k−1} + 0)`` instead of ``h_k = h_{k−1}``.
    """
    h = inputs
    for layer, z in enumerate(weights, 1):
        if layer != deleted:
            h = _block(params, residual, z, h)
        elif keep_post_norm and params.norm == "post":
            h = _rms_norm(h)
    return h


def _naive_changes(params, residual, weights, inputs, keep_post_norm=False):
    intact = _naive_output(params, residual, weights, inputs)
    changes = []
    for k in range(1, params.depth + 1):
        lesioned = _naive_output(params, residual, weights, inputs, k, keep_post_norm)
        changes.append(np.sqrt(np.sum((lesioned - intact) ** 2) / np.sum(intact**2)))
    return np.array(changes)


# -- exactness -------------------------------------------------------------------


def _assert_equals_naive(params):
    sim = Simulator(np.float64)
    result = lesion_blocks(params, sim)
    weights, inputs, _ = sim.arrays(params)
    for residual, batched in ((False, result.plain), (True, result.residual)):
        assert_allclose(batched, _naive_changes(params, residual, weights, inputs), rtol=1e-10)


@pytest.mark.parametrize(("activation", "norm"), list(itertools.product(ACTIVATIONS, NORMS)))
def test_batched_lesions_equal_rerunning_each_network_with_one_block_deleted(activation, norm):
    # 3 inputs in blocks of 256 rows: every product takes in rows of copies not yet born.
    assert block_rows(SMALL.width) == 256
    _assert_equals_naive(dataclasses.replace(SMALL, activation=activation, norm=norm))


@pytest.mark.parametrize(
    ("activation", "norm"), [("tanh", "none"), ("relu", "post"), ("linear", "pre")]
)
def test_wide_layers_lesion_one_variant_after_the_other_and_equally_exactly(activation, norm):
    assert block_rows(128) == 16 and block_rows(160) is None
    params = SimParams(depth=4, width=160, activation=activation, norm=norm, inputs=2, networks=1)
    _assert_equals_naive(params)


def test_the_lesioned_network_is_the_one_the_lab_simulates():
    # The naive reference's intact network is the engine's, on the Simulator's own arrays,
    # so the test above pins the lesion to exactly what the lab shows.
    for norm, residual in itertools.product(NORMS, (False, True)):
        params = dataclasses.replace(SMALL, norm=norm, residual=residual)
        weights, inputs, upstream = Simulator(np.float64).arrays(params)
        engine = propagate(params, weights, inputs, upstream).output
        assert_allclose(_naive_output(params, residual, weights, inputs), engine, rtol=1e-12)


def test_the_lab_precision_agrees_with_float64():
    params = SimParams(depth=12, width=32, inputs=8, networks=2, seed=3)
    sim = Simulator()
    result = lesion_blocks(params, sim)
    weights, inputs, _ = sim.arrays(params)
    weights = [z.astype(np.float64) for z in weights]
    inputs = inputs.astype(np.float64)
    assert_allclose(result.plain, _naive_changes(params, False, weights, inputs), rtol=1e-4)
    assert_allclose(result.residual, _naive_changes(params, True, weights, inputs), rtol=1e-4)


def test_a_lesion_uses_the_cached_weights_of_the_lab_and_equals_a_fresh_one():
    params = SimParams(depth=20, width=32, inputs=8, networks=3, seed=2)
    sim = Simulator()
    sim.run(dataclasses.replace(params, depth=30, alpha=0.9))  # the lab showed something else
    cached = lesion_blocks(params, sim)
    fresh = lesion_blocks(params)
    assert_array_equal(cached.plain, fresh.plain)
    assert_array_equal(cached.residual, fresh.residual)


@pytest.mark.parametrize("norm", NORMS)
def test_a_deleted_residual_block_passes_its_input_through_whatever_the_norm(norm):
    # Pre-norm: the norm sits inside the branch, so zeroing the branch is h_k = h_{k-1}.
    # Post-norm: the whole block goes, norm included. Keeping the norm instead would
    # renormalize an input that is already normalized for every k ≥ 2 (a change of order
    # ε), but not the raw Gaussian input of block 1.
    params = dataclasses.replace(SMALL, norm=norm)
    sim = Simulator(np.float64)
    result = lesion_blocks(params, sim)
    weights, inputs, _ = sim.arrays(params)
    kept = _naive_changes(params, True, weights, inputs, keep_post_norm=True)
    if norm != "post":
        assert_allclose(result.residual, kept, rtol=1e-10)
        return
    assert_allclose(result.residual[1:], kept[1:], rtol=1e-5)
    assert not np.isclose(result.residual[0], kept[0], rtol=1e-3)


def test_a_zero_branch_scale_makes_every_residual_lesion_a_no_op():
    result = lesion_blocks(dataclasses.replace(SMALL, alpha=0.0))
    assert_array_equal(result.residual, np.zeros(SMALL.depth))
    assert (result.plain > 0).all()


def test_progress_counts_layer_applications_of_both_variants():
    seen = []
    lesion_blocks(SimParams(depth=5, width=8), progress=lambda *args: seen.append(args))
    # Each layer's weights drawn is heard first, as no layer applied yet.
    assert seen[:5] == [(0, 30)] * 5
    # Two threads report (one per variant), one at a time: the sum only ever grows.
    done = [d for d, _ in seen[5:]]
    assert all(a < b for a, b in itertools.pairwise(done)) and len(done) == 10
    assert seen[-1] == (30, 30) and {total for _, total in seen} == {30}


def test_a_lesion_stopped_while_drawing_stops_before_any_layer_is_applied():
    """What lets the tutor's workers (and ctrl+c) stop a deep lesion in its draws."""

    class Stop(Exception):
        pass

    seen = []

    def stop(done, total):
        seen.append(done)
        raise Stop

    with pytest.raises(Stop):
        lesion_blocks(SimParams(depth=2_000, width=64), progress=stop)
    assert seen == [0]


def test_an_interrupted_lesion_stops_both_threads_and_the_next_one_is_right():
    params = SimParams(depth=30, width=32, inputs=8, networks=2)
    space = Workspace()

    def interrupt(done, total):
        if done > total // 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        lesion_blocks(params, progress=interrupt, workspace=space)
    again, fresh = lesion_blocks(params, workspace=space), lesion_blocks(params)
    assert_array_equal(again.plain, fresh.plain)
    assert_array_equal(again.residual, fresh.residual)


# -- the effect ------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_at_the_lab_defaults_a_residual_stack_shrugs_off_any_one_deletion(seed):
    # Measured over seeds 0-9: residual max 13.0-13.3%, plain min 125-137%, median 139-145%
    # (≈ √2: the plain output after a deletion is all but uncorrelated with the intact one).
    result = lesion_blocks(SimParams(seed=seed))
    assert result.residual.max() < 0.2
    assert result.plain.min() > 1.0
    assert np.median(result.plain) > 8 * result.residual.max()


@pytest.mark.parametrize(("norm", "seed"), itertools.product(("pre", "post"), range(3)))
def test_the_effect_holds_with_either_norm_placement(norm, seed):
    # Measured over seeds 0-9: residual max ≤ 13.3%, plain min ≥ 137% for both placements.
    result = lesion_blocks(SimParams(norm=norm, seed=seed))
    assert result.residual.max() < 0.2
    assert result.plain.min() > 1.0


# -- paths -----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [1, 2, 7, 40, 300])
def test_path_counts_are_the_binomial_coefficients(depth):
    counts = path_counts(depth)
    assert counts == [math.comb(depth, k) for k in range(depth + 1)]
    assert sum(counts) == 2**depth


def test_path_counts_stay_exact_integers_at_the_largest_depth():
    counts = path_counts(10_000)
    assert counts[5000] == math.comb(10_000, 5000) and all(isinstance(c, int) for c in counts)
    json.dumps(counts)  # ~3,000 digits each: below Python's int-to-text limit


# -- the JSON and bad values ------------------------------------------------------


def test_json_has_exactly_the_fixed_shape():
    params = SimParams(depth=5, width=16, residual=False)
    data = json.loads(json.dumps(lesion_blocks(params).to_dict(), allow_nan=False))
    assert list(data) == ["params", "plain", "residual", "paths"]
    assert data["params"] == params.to_dict() == simulate(params).to_dict()["params"]
    assert len(data["plain"]) == len(data["residual"]) == 5
    assert all(isinstance(v, float) for v in data["plain"] + data["residual"])
    assert data["paths"] == [1, 5, 10, 10, 5, 1]


def test_an_overflowing_output_gives_no_ratio_and_no_warning():
    params = SimParams(depth=40, width=16, activation="linear", sigma_w=100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lesion_blocks(params)
        data = result.to_dict()
    assert simulate(dataclasses.replace(params, residual=False)).diverged_at is not None
    assert np.isnan(result.plain).all() and data["plain"] == [None] * 40
    json.dumps(data, allow_nan=False)


def test_outputs_whose_float32_squares_overflow_still_give_a_ratio():
    # 4^40 growth: values near 1e24 are fine in float32, their squares are not.
    params = SimParams(depth=40, width=32, activation="linear", sigma_w=4.0, residual=False)
    assert simulate(params).diverged_at is None
    result = lesion_blocks(params)
    assert np.isfinite(result.plain).all() and (result.plain > 0.5).all()


@settings(max_examples=40, deadline=None)
@given(small_params)
def test_any_valid_parameters_lesion_cleanly(params):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = lesion_blocks(params).to_dict()
    json.dumps(data, allow_nan=False)
    assert len(data["plain"]) == len(data["residual"]) == params.depth
    assert all(v is None or v >= 0 for v in data["plain"] + data["residual"])
    assert len(data["paths"]) == params.depth + 1


def test_a_lesion_too_big_for_memory_is_refused_before_allocating():
    with pytest.raises(SimParamError, match="this lesion needs about .* of memory"):
        lesion_blocks(SimParams(depth=10_000, width=4096, networks=100))


# -- the command line ----------------------------------------------------------------


def test_lesion_json_is_the_experiment_result(capsys):
    argv = ["--depth", "7", "--width", "24", "--activation", "relu", "--norm", "post"]
    argv += ["--sigma-w", "1.4", "--alpha", "0.3", "--inputs", "5", "--networks", "2"]
    code, out, err = run(capsys, "lesion", "--json", *argv, "--seed", "4")
    assert code == 0 and err == ""
    expected = SimParams(
        depth=7,
        width=24,
        alpha=0.3,
        activation="relu",
        sigma_w=1.4,
        norm="post",
        inputs=5,
        networks=2,
        seed=4,
    )
    assert json.loads(out) == json.loads(json.dumps(lesion_blocks(expected).to_dict()))


def test_lesion_json_defaults_are_the_lab_defaults(capsys):
    code, out, _ = run(capsys, "lesion", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["params"] == SimParams().to_dict()
    assert len(data["paths"]) == 41 and data["paths"][20] == math.comb(40, 20)


def test_lesion_plot_shows_both_panels_and_the_one_line_summary(capsys):
    code, out, _ = run(capsys, "lesion", "--depth", "12")
    assert code == 0
    assert "when block k alone is deleted" in out and "plain: layer k skipped" in out
    assert "paths through 12 residual blocks by length (mean 6)" in out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("deleting one residual block moves the output by at most ")
    assert "deleting one plain layer by a median of " in summary
    assert "\x1b[" not in out  # NO_COLOR is set by the fixtures


def test_lesion_plot_survives_an_overflowing_stack(capsys):
    code, out, _ = run(capsys, "lesion", "--activation", "linear", "--sigma-w", "100")
    assert code == 0
    assert "no ratio for the plain stack (its output overflowed or vanished)" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--depth", "0"], "depth must be from 1"),
        (["--alpha", "inf"], "alpha must be a finite number"),
        (["--norm", "mid"], "invalid choice: 'mid'"),
        (["--width", "4096", "--depth", "10000", "--networks", "100"], "of memory"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_lesion_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    code, out, err = run(capsys, "lesion", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("restutor: ") and words in err


def test_lesion_never_imports_textual():
    code = (
        "import sys; from tutor.cli import main; "
        "main(['lesion', '--json', '--depth', '2']); main(['lesion', '--depth', '2']); "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
