"""The worked examples' arithmetic: a lesson file is data, so every evaluation is bounded
and every failure is one clear line, never a hang, a crash or a complex number."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_lessons_loader import problems, write_lesson
from tutor.lessons.arithmetic import MAX_LENGTH, BadArithmetic, evaluate


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("((9**999)**999)**999", "range error"),  # hung: only the exponent was bounded
        ("(-8)**0.5", "domain"),  # was a complex number, then TypeError
        ("1+" * 999 + "1", "too long"),  # RecursionError
        ("-" * 1999 + "1", "too long"),  # RecursionError
        ("(" * 30 + "1" + ")" * 30 + "+" + "-" * 60 + "1", "nested"),
        ("1e308 * 10", "not a finite real"),  # an inf result passed the check
        ("1e308 * 10 - 1e308 * 10", "not a finite real"),  # and so did nan
        ("1" * 400, "too large"),
        ("0.0 ** -1", "cannot evaluate"),
        ("log(0)", "cannot evaluate"),
        ("exp(1000)", "cannot evaluate"),
    ],
    ids=lambda value: value[:24],
)
def test_hostile_arithmetic_is_refused_in_one_line(expression, said):
    with pytest.raises(BadArithmetic, match=said) as refused:
        evaluate(expression)
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 200


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("2 ** 0.5", math.sqrt(2)),
        ("(1 + 2) * 3 / 4", 2.25),
        ("10 ** -3", 1e-3),
        ("2**1000", 2.0**1000),
    ],
)
def test_ordinary_arithmetic_still_works(expression, value):
    assert evaluate(expression) == pytest.approx(value)


_numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["9**999", "1e308", "0", "-0.0", "(-8)"]),
)


def _combine(parts):
    return (
        st.tuples(parts, st.sampled_from(["+", "-", "*", "/", "**"]), parts).map(
            lambda t: f"({t[0]}{t[1]}{t[2]})"
        )
        | parts.map(lambda p: f"-{p}")
        | parts.map(lambda p: f"sqrt({p})")
        | parts.map(lambda p: f"log({p})")
    )


@given(st.recursive(_numbers, _combine, max_leaves=60) | st.text(max_size=MAX_LENGTH + 20))
def test_any_expression_is_a_finite_real_or_one_refusal(expression):
    try:
        value = evaluate(expression)
    except BadArithmetic as refused:
        assert "\n" not in str(refused)
    else:
        assert isinstance(value, float) and math.isfinite(value)


@pytest.mark.parametrize("result", [".nan", ".inf", "-.inf"])
def test_a_worked_example_whose_result_is_not_finite_is_a_problem(tmp_path, result):
    path = write_lesson(
        tmp_path,
        worked_examples=[
            {
                "id": "odd",
                "title": "t",
                "given": "g",
                "answer": "a",
                "insight": "i",
                "steps": [{"say": "add", "compute": "4 + 1", "result": 5}],
            }
        ],
    )
    path.write_text(path.read_text().replace("result: 5", f"result: {result}"))
    [message] = problems(path)  # refused by the schema, at the result's line
    assert "worked_examples.0.steps.0.result: Input should be a finite number" in message
