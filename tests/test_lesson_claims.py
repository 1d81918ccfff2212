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
