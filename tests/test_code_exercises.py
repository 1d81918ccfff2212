"""The code exercises teach what they claim: each reference passes its tests, doing nothing
(the starter) fails them, and the usual wrong implementations fail with a message that
names the mistake, in the first test that catches it (the one a learner reads first)."""

import ast

import pytest

from tutor.lessons.catalog import load_catalog
from tutor.paths import builtin_lessons_dir
from tutor.practice.code_check import check_code

CATALOG = load_catalog([builtin_lessons_dir()])
CODE_ITEMS = [
    (lesson.id, item)
    for lesson in CATALOG.lessons
    for item in lesson.practice
    if item.kind == "code"
]
BY_ID = {item.id: item for _, item in CODE_ITEMS}
EACH_ITEM = pytest.mark.parametrize(
    ("lesson_id", "item"), CODE_ITEMS, ids=[f"{lid}:{item.id}" for lid, item in CODE_ITEMS]
)


def mutation(item_id, old, new, *words, name):
    return pytest.param(item_id, old, new, words, id=name)


#: (item, a line of its reference, what the mistake makes of it, words its first failing
#: test's message must hold). Each is a mistake learners make, written into the reference.
MUTATIONS = [
    mutation(
        "rc-code-block-backward",
        "return g_y + through_branch",
        "return g_y - through_branch",
        "sign",
        name="backward-sign-error",
    ),
    mutation(
        "rc-code-block-backward",
        "return g_y + through_branch",
        "return through_branch",
        "identity term",
        "missing",
        name="backward-without-the-identity-term",
    ),
    mutation(
        "rc-code-block-backward",
        "W1.T @ (slopes * (W2.T @ g_y))",
        "W2 @ (slopes * (W1 @ g_y))",
        "transposed",
        name="backward-without-the-transpose",
    ),
    mutation(
        "crj-code-residual-jacobian",
        "return np.eye(h.size) + alpha * np.diag(slopes) @ W",
        "return alpha * np.diag(slopes) @ W",
        "identity term i",
        "missing",
        name="jacobian-without-the-identity-term",
    ),
    mutation(
        "crj-code-residual-jacobian",
        "np.diag(slopes) @ W",
        "W @ np.diag(slopes)",
        "row i",
        name="jacobian-slopes-on-the-columns",
    ),
    mutation(
        "pn-code-pre-post",
        "axis=-1",
        "axis=0",
        "wrong axis",
        name="norm-over-the-wrong-axis",
    ),
    mutation(
        "pn-code-pre-post",
        "np.mean(z * z, axis=-1, keepdims=True)",
        "np.mean(z * z)",
        "whole batch",
        name="norm-over-the-whole-batch",
    ),
    mutation(
        "pn-code-pre-post",
        "return x + alpha * f(rms_norm(x))",
        "return rms_norm(x + alpha * f(x))",
        "post-norm",
        name="post-norm-where-pre-norm-is-asked",
    ),
    mutation(
        "rc-code-block-forward",
        "return x + W2 @ np.tanh(W1 @ x)",
        "return W2 @ np.tanh(W1 @ x)",
        "plain block",
        name="plain-block-where-a-residual-one-is-asked",
    ),
    mutation(
        "veg-code-gradient-product",
        "g = g + alpha * through_layer if residual else through_layer",
        "g = through_layer",
        "plain product",
        "residual stack was asked",
        name="plain-backprop-where-a-residual-one-is-asked",
    ),
    mutation(
        "veg-code-gradient-product",
        "zip(reversed(weights), reversed(slopes))",
        "zip(weights, slopes)",
        "bottom up",
        name="backprop-from-the-bottom-up",
    ),
    mutation(
        "uv-code-path-counts",
        "for _ in range(L):",
        "for _ in range(L - 1):",
        "off by one",
        "l + 1",
        name="path-counts-one-block-short",
    ),
    mutation(
        "uv-code-path-counts",
        "for _ in range(L):",
        "for _ in range(L + 1):",
        "4 counts",
        name="path-counts-one-block-too-many",
    ),
    mutation(
        "uv-code-lesion",
        "enumerate(weights, start=1)",
        "enumerate(weights)",
        "count from 1",
        name="lesion-numbered-from-zero",
    ),
    mutation(
        "rc-code-projection",
        "return W_s @ x + branch",
        "return branch",
        "shortcut was dropped",
        name="projection-block-without-its-shortcut",
    ),
    mutation(
        "rc-code-projection",
        "    if branch.shape != x.shape:\n",
        "    if False:\n",
        "broadcast",
        name="shape-mismatch-broadcast",
    ),
    mutation(
        "rs-code-running-sum",
        "write = alpha * np.tanh(W @ rms_norm(x))",
        "write = alpha * np.tanh(W @ rms_norm(x0))",
        "read x0",
        name="stream-blocks-reading-the-input",
    ),
    mutation(
        "rs-code-running-sum",
        "x = x + write",
        "x = write",
        "never replaces",
        name="stream-overwritten",
    ),
    mutation(
        "rc-code-zero-init",
        "W1 = rng.normal(0.0, 1.0 / np.sqrt(d), size=(h, d))",
        "W1 = np.zeros((h, d))",
        "zero only the last layer",
        name="zero-initialized-whole-branch",
    ),
]


def test_there_are_code_exercises_across_the_lessons():
    assert len(CODE_ITEMS) >= 8
    assert len({lesson_id for lesson_id, _ in CODE_ITEMS}) >= 4


@EACH_ITEM
def test_the_reference_solution_passes_every_test(lesson_id, item):
    check = check_code(item, item.solution)
    assert check.failure is None, check.failure
    assert check.tests, "no test ran"
    assert [t for t in check.tests if not t.passed] == []
    assert check.correct


@EACH_ITEM
def test_the_starter_fails(lesson_id, item):
    check = check_code(item, item.starter)
    assert check.failure is None, check.failure
    assert not check.correct
    assert any(not t.passed for t in check.tests)


@EACH_ITEM
def test_every_assert_in_the_tests_says_what_it_expected(lesson_id, item):
    """A bare assert would show a learner nothing but its name."""
    tree = ast.parse(item.tests)
    bare = [
        node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert) and node.msg is None
    ]
    assert bare == []
    names = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    assert names, "the tests define no test_ function"
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "solution" in imported and "pytest" not in imported


@pytest.mark.parametrize(("item_id", "old", "new", "words"), MUTATIONS)
def test_a_mutated_reference_fails_naming_the_mistake(item_id, old, new, words):
    item = BY_ID[item_id]
    assert item.solution.count(old) == 1, f"the reference no longer holds {old!r}"
    check = check_code(item, item.solution.replace(old, new))
    assert check.failure is None, check.failure
    assert not check.correct
    first = next(t for t in check.tests if not t.passed)
    assert all(word in first.message.lower() for word in words), (first.name, first.message)


PREDICTING = [(lid, item) for lid, item in CODE_ITEMS if item.predict is not None]


def test_some_exercises_ask_a_prediction_before_the_first_run():
    assert {item.id for _, item in PREDICTING} >= {
        "veg-code-gradient-product",
        "uv-code-path-counts",
    }


@pytest.mark.parametrize(("lesson_id", "item"), PREDICTING, ids=[item.id for _, item in PREDICTING])
def test_each_prediction_s_number_is_what_the_reference_computes(lesson_id, item):
    reference, starter = check_code(item, item.solution), check_code(item, item.starter)
    assert reference.measured == pytest.approx(item.predict.value, rel=1e-9)
    assert starter.measured is None and "NotImplementedError" in starter.measure_problem
    said = item.predict.prompt + item.predict.reasoning
    assert f"{item.predict.value:.3g}" not in item.predict.prompt  # the question keeps it
    assert len(said.split()) < 150
