"""What the lessons say about the identity term is exactly true (issue 15's overclaims).

The identity path keeps *weak* branches from erasing the gradient and, at random
initialization, keeps its squared norm from shrinking on average; for a particular network it
is no floor. A lesson that said otherwise is caught here, and the counterexample the lessons
now quote is computed, for scalars and for matrices.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from tutor.lessons.loader import read_lesson
from tutor.paths import builtin_lessons_dir
from tutor.practice.grading import grade_text

LESSONS = sorted(builtin_lessons_dir().glob("*.yaml"))

#: Phrases that claimed the identity term guarantees a gradient that never shrinks.
OVERCLAIMS = [
    r"floor under",
    r"cannot vanish just because",
    r"impossible to lose",
    r"can only add energy",
    r"no choice of weights",
    r"gradient\s+cannot vanish,",
]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
@pytest.mark.parametrize("phrase", OVERCLAIMS)
def test_no_lesson_claims_the_identity_term_is_a_floor(path, phrase):
    text = " ".join(path.read_text(encoding="utf-8").split())
    assert not re.search(phrase, text, re.IGNORECASE), f"{path.name}: {phrase!r}"


def test_fifty_opposing_scalar_blocks_shrink_the_gradient_to_about_0_005():
    product = np.prod(np.full(50, 1 - 0.1))
    assert round(float(product), 3) == 0.005  # "0.9⁵⁰ ≈ 0.005" as the lessons say


@pytest.mark.parametrize("seed", range(5))
def test_opposing_matrix_blocks_shrink_it_too(seed):
    """J_l = −0.1·I plus small random noise, d = 128, fifty blocks: the identity term is
    inside every factor and the gradient still falls to about half a percent."""
    rng = np.random.default_rng(seed)
    d = 128
    g = rng.standard_normal(d)
    start = np.linalg.norm(g)
    for _ in range(50):
        noise = rng.standard_normal((d, d)) * (0.01 / np.sqrt(d))
        g = (np.eye(d) - 0.1 * np.eye(d) + noise).T @ g
    assert 0.004 < np.linalg.norm(g) / start < 0.007


def test_the_model_answer_about_the_identity_term_finds_every_key_idea():
    lesson = read_lesson(builtin_lessons_dir() / "residual-connections.yaml").lesson
    assert lesson is not None
    item = next(i for i in lesson.practice if i.id == "rc-why-identity-term")
    grade = grade_text(item, item.answer)
    assert grade.correct, grade.missing
    assert "0.9⁵⁰ ≈ 0.005" in item.answer


# --- The main lesson's fixed facts (issue 15) -------------------------------------------------

MAIN = read_lesson(builtin_lessons_dir() / "residual-connections.yaml").lesson
#: Fields that hold ids, code or parameters rather than text a learner reads.
NOT_TEXT = {"id", "ref", "sources", "code", "expected_output", "params", "next", "opens"}
NOT_TEXT |= {"compute", "kind", "measure", "experiment", "difficulty", "covered_in", "concepts"}
NOT_TEXT |= {"prerequisites", "unlocks", "url", "latex"}
#: Ids that are also ordinary terms of the subject, so a word may equal them.
ID_TERMS = {"pre-norm", "post-norm", "pre-activation", "projection", "lesion", "paths"}


def texts(node, path=()):
    """Every learner-facing string of a lesson dump, with where it sits."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_TEXT:
                yield from texts(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, (*path, index))
    elif isinstance(node, str):
        yield ".".join(map(str, path)), node


def lesson_ids(lesson):
    return {
        *(step.id for step in lesson.math_steps if step.id),
        *(w.id for w in lesson.sections.code.witnesses),
        *(state.id for state in lesson.sections.demo.lab_states),
        *(claim.id for claim in lesson.claims),
        *(item.id for item in lesson.practice),
        *(example.id for example in lesson.worked_examples),
        *(source.id for source in lesson.sources),
    }


def id_leaks(lesson):
    """Where a lesson's text uses one of its ids as a word: any id in backticks, and any
    hyphenated id that is not also a term of the subject."""
    ids = lesson_ids(lesson)
    bare = {word for word in ids - ID_TERMS if "-" in word}
    return [
        (where, word)
        for where, text in texts(lesson.model_dump())
        for word in ids
        if f"`{word}`" in text
        or (word in bare and re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))
    ]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_internal_id_is_used_as_a_word(path):
    """ "so stream-sum holds exactly" means nothing to a learner: text names things in words."""
    assert id_leaks(read_lesson(path).lesson) == []


def test_the_construction_argument_is_about_a_deeper_plain_model():
    """He et al. build a deeper *plain* model (added identity layers, the rest copied) to show a
    solution at least as good exists; residual learning then makes identity easy to approach."""
    step = next(s for s in MAIN.math_steps if s.id == "identity-construction")
    claim = next(c for c in MAIN.claims if c.id == "degradation")
    for text in (step.equation + step.why, claim.statement):
        flat = " ".join(text.split())
        assert re.search(r"plain", flat) and re.search(r"identity", flat)
        assert re.search(r"exists", flat)
    assert "copy" in " ".join(step.why.split())
    assert not any("reachable" in takeaway for takeaway in MAIN.takeaways)
    assert any("achievable" in takeaway for takeaway in MAIN.takeaways)


def test_the_original_transformer_decoder_has_three_sublayers():
    claim = " ".join(next(c for c in MAIN.claims if c.id == "post-norm-original").statement.split())
    assert "encoder layer has two sublayers" in claim and "decoder layer three" in claim
    assert "masked self-attention" in claim


def test_the_math_core_is_short_and_its_equations_fit_a_line():
    math = MAIN.sections.math
    assert 4 <= len(math.steps) <= 6 and math.deep_dive
    long = [(s.id, len(s.equation)) for s in MAIN.math_steps if len(s.equation) > 72]
    assert long == []


def test_every_source_is_cited_by_a_claim():
    cited = {source for claim in MAIN.claims for source in claim.sources}
    assert {source.id for source in MAIN.sources} - cited == set()
    new = {"poole2016", "yang2017", "balduzzi2017", "radford2019", "chen2018", "greff2017"}
    assert new <= cited and cited & {"goyal2017", "zhang2019fixup"}


def test_empirical_claims_rest_on_a_run_not_an_equation():
    """A measured fact needs a code witness or a lab state; a lab number is the lab's own."""
    for claim_id in ("small-responses", "not-only-vanishing", "deep-signal", "depth-scaled-branch"):
        claim = next(c for c in MAIN.claims if c.id == claim_id)
        assert claim.witness is not None and claim.witness.kind in ("code", "lab"), claim_id
    deep = next(c for c in MAIN.claims if c.id == "deep-signal")
    assert not {"he2016deep", "he2016identity"} & set(deep.sources)


SLOPES = [(0.2, 1.2), (-0.7, 0.3), (0.0, 1.0)]


@pytest.mark.parametrize(("branch", "block"), SLOPES)
def test_seed_slopes_are_one_plus_the_branch_slope(branch, block):
    """Seed 004's gradient examples, as the lesson's worked example and practice item say."""
    assert 1 + branch == pytest.approx(block)
    example = next(e for e in MAIN.worked_examples if e.id == "we-block-slopes")
    assert any(step.result == pytest.approx(block) for step in example.steps)
    item = next(i for i in MAIN.practice if i.id == "rc-predict-block-slopes")
    assert "1.2, 0.3 and 1" in item.choices[item.correct]


@pytest.mark.parametrize(("x", "a", "t"), [(2.0, 0.1, 3.0), (-1.0, 0.5, 0.3), (0.7, -0.4, 2.0)])
def test_the_scalar_block_gradients_match_finite_differences(x, a, t):
    """y = x + a·x, ℒ = ½(y − t)²: ∂ℒ/∂x = (y − t)(1 + a), ∂ℒ/∂a = (y − t)·x."""

    def loss(x, a):
        return 0.5 * (x + a * x - t) ** 2

    eps, y = 1e-6, x + a * x
    assert (loss(x + eps, a) - loss(x - eps, a)) / (2 * eps) == pytest.approx((y - t) * (1 + a))
    assert (loss(x, a + eps) - loss(x, a - eps)) / (2 * eps) == pytest.approx((y - t) * x)


@pytest.mark.parametrize("depth", [50, 200, 1000, 10_000])
@pytest.mark.parametrize("chi", [0.2, 0.46, 1.0])
def test_a_depth_scaled_branch_keeps_the_gradient_factor_below_e_to_the_chi(depth, chi):
    """α² = 1/L: (1 + α²χ)^L rises with L towards e^χ and never passes it; a fixed α explodes."""
    scaled = (1 + chi / depth) ** depth
    assert scaled < np.exp(chi) and scaled > np.exp(chi) * (1 - chi / depth)
    assert depth * np.log1p(chi) > np.log(1e3)  # (1 + χ)^L, α = 1


def test_the_depth_scaled_lab_state_shows_what_its_notice_says():
    from tutor.practice.measures import measure, run_lab_state

    state = MAIN.lab_state("depth-scaled")
    assert state is not None and state.params["alpha"] == pytest.approx(200**-0.5, rel=1e-5)
    scaled = run_lab_state(state.params, "gradient_ratio")
    loud = run_lab_state({**state.params, "alpha": 1.0}, "gradient_ratio")
    assert round(measure(scaled, "gradient_ratio"), 2) == 1.24 < np.exp(0.5)
    assert round(measure(scaled, "forward_growth"), 2) == 1.19
    assert measure(loud, "gradient_ratio") > 2000
    assert round(measure(loud, "forward_growth"), 1) == 13.3


def test_claims_and_notes_may_cite_deep_dive_steps():
    """A step moved to the deep dive stays citable: by claims (the loader checks them) and by
    notes (an equation anchor names any step)."""
    from tutor.lessons.markdown import claims
    from tutor.notes.checks import object_ids

    deep = {step.id for step in MAIN.sections.math.deep_dive}
    cited = [c for c in MAIN.claims if c.witness and c.witness.kind == "equation"]
    assert any(c.witness.ref in deep for c in cited)
    assert read_lesson(builtin_lessons_dir() / "residual-connections.yaml").problems == []
    assert deep <= set(object_ids(MAIN, "equation"))
    shown = claims(MAIN)
    assert not any(f"*Witness:* {ref}\n" in shown or shown.endswith(ref) for ref in deep)


@pytest.mark.parametrize("depth", [20, 200, 2000])
@pytest.mark.parametrize("c", [0.5, 1.0, 3.0])
def test_slopes_scaled_like_one_over_l_keep_the_product_between_about_e_minus_c_and_e_c(depth, c):
    """Slopes of size at most c/L, any signs: the product ∏(1 + a_l) stays within
    [(1 − c/L)^L, e^c], and (1 − c/L)^L ≥ e^{−c}(1 − c²/L), "about e^{−c}"."""
    rng = np.random.default_rng(depth)
    slopes = rng.uniform(-c / depth, c / depth, size=(200, depth))
    extremes = np.full((2, depth), c / depth) * np.array([[-1.0], [1.0]])
    products = np.prod(1 + np.vstack([slopes, extremes]), axis=1)
    assert products.max() <= np.exp(c)
    assert products.min() >= np.exp(-c) * (1 - c**2 / depth)


@pytest.mark.parametrize("c", [0.5, 1.0])
def test_opposing_slopes_scaled_like_one_over_root_l_still_vanish(c):
    """α² ∝ 1/L bounds the gradient only on average: (1 − c/√L)^L → 0 as L grows."""
    shrink = [(1 - c / np.sqrt(depth)) ** depth for depth in (100, 1_000, 10_000)]
    assert shrink[0] > shrink[1] > shrink[2] and shrink[2] < 1e-20


def test_inside_a_relu_stack_w_equal_to_i_copies_a_layer_input():
    """The construction's identity layers work because a ReLU layer's input is non-negative;
    on a signed input no relu(Wx) is the identity, while W₂ = 0 makes x + W₂ relu(W₁x) one."""
    rng = np.random.default_rng(0)
    inputs = np.maximum(rng.normal(size=(16, 64)), 0.0)  # the previous ReLU layer's outputs
    assert np.array_equal(np.maximum(np.eye(16) @ inputs, 0.0), inputs)
    signed = rng.normal(size=16)
    assert (np.maximum(rng.normal(size=(16, 16)) @ signed, 0.0) >= 0).all() and (signed < 0).any()
    branch = np.zeros((16, 32)) @ np.maximum(rng.normal(size=(32, 16)) @ signed, 0.0)
    assert np.array_equal(signed + branch, signed)
    step = next(s for s in MAIN.math_steps if s.id == "identity-construction")
    assert "non-negative" in step.why and "W = I" in step.why
    claim = " ".join(
        next(c for c in MAIN.claims if c.id == "identity-hard-for-plain").statement.split()
    )
    assert "copies all of them only at W = I" in claim and "subspace" in claim
