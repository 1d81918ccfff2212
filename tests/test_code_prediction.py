"""A code exercise's prediction in the core: the number is what the learner's code computes
for ``predict.measure`` (run after the tests, in the bounded runner); ``validate`` proves
the lesson's number is what the reference computes; a prediction is set beside that number
only once the file passes, and says how far off it was."""

from __future__ import annotations

import math

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_code_check import SOLUTION, STARTER, TIGHT, exercise
from tutor.practice.code_check import check_code, exercise_problems
from tutor.practice.feedback import verdict
from tutor.practice.grading import Guess, NotANumber, grade_answer, read_guess


def predicting(measure="double(21.0)", value=42.0, **fields):
    predict = {
        "prompt": "What is double(21)?",
        "measure": measure,
        "value": value,
        "rel_tolerance": 0.1,
        "reasoning": "Twice 21.",
    }
    return exercise(predict=predict, **fields)


def test_the_learner_s_code_computes_the_number_after_its_tests():
    check = check_code(predicting(), SOLUTION)
    assert check.correct and check.measured == 42.0 and check.measure_problem is None
    wrong = check_code(predicting(), "def double(x):\n    return x + 2\n")
    assert not wrong.correct and wrong.measured == 23.0  # the learner's own number


def test_the_tests_helpers_are_there_for_the_measure():
    check = check_code(predicting(measure="float(np.sum(double(np.ones(3))))", value=6.0), SOLUTION)
    assert check.measured == 6.0


@pytest.mark.parametrize(
    ("source", "measure", "said"),
    [
        (STARTER, "double(21.0)", "NotImplementedError"),
        (SOLUTION, "no_such_name(1)", "NameError"),
        (SOLUTION, "'forty-two'", "ValueError"),
        (SOLUTION, "double(float('inf'))", "not a finite number"),
        (SOLUTION, "double(float('nan'))", "not a finite number"),
    ],
)
def test_a_measure_that_gives_no_number_says_why(source, measure, said):
    check = check_code(predicting(measure=measure), source)
    assert check.measured is None and said in check.measure_problem


def test_an_endless_measure_ends_at_the_limit_and_names_the_prediction():
    source = SOLUTION + "def forever():\n    while True:\n        pass\n"
    check = check_code(predicting(measure="forever()"), source, TIGHT)
    assert all(test.passed for test in check.tests)  # the tests' results are kept
    assert check.failure.startswith("the predicted number:") and not check.correct


def test_an_exercise_without_a_prediction_measures_nothing():
    check = check_code(exercise(), SOLUTION)
    assert check.measured is None and check.measure_problem is None


def test_validate_proves_the_lesson_s_number_against_the_reference():
    assert exercise_problems(predicting()) == []
    [(field, message)] = exercise_problems(predicting(value=41.0))
    assert field == "predict" and "41" in message and "42" in message
    [(field, message)] = exercise_problems(predicting(measure="undefined"))
    assert field == "predict" and "NameError" in message


def test_a_prediction_needs_a_positive_tolerance():
    with pytest.raises(pydantic.ValidationError, match="rel_tolerance"):
        exercise(
            predict={
                "prompt": "p",
                "measure": "1",
                "value": 1.0,
                "rel_tolerance": 0,
                "reasoning": "r",
            }
        )


def test_the_guess_is_told_only_once_the_file_passes():
    item = predicting()
    passed = grade_answer(item, SOLUTION, predicted="40")
    assert passed.guess == Guess(40.0, 42.0, pytest.approx(4.2))
    said = "\n".join(verdict(item, passed))
    assert "✓ **Your prediction,** 40, is close: it is 42" in said
    assert "**Why it is 42:** Twice 21." in said
    failed = grade_answer(item, "def double(x):\n    return x\n", predicted="40")
    assert failed.guess is None
    said = "\n".join(verdict(item, failed))
    assert "42" not in said and "Why it is" not in said
    with pytest.raises(NotANumber):
        grade_answer(item, SOLUTION, predicted="forty")


@given(
    st.floats(-1e12, 1e12, allow_nan=False).filter(lambda g: g != 0),
    st.floats(1e-6, 1e6),
)
def test_how_far_off_a_guess_is_said_truly(guess, value):
    told = Guess(guess, value, 0.1 * value)
    text = told.verdict()
    assert told.close == (abs(guess - value) <= 0.1 * value)
    assert text.startswith("✓" if told.close else "✗")
    if not told.close and guess > 0:
        factor = float(text.split(" by ")[1].split("×")[0])
        assert math.isclose(factor, max(value / guess, guess / value), rel_tol=5e-3)
        assert ("too small" in text) == (guess < value)


def test_a_prediction_reads_numbers_as_the_number_items_do():
    prediction = predicting().predict
    assert read_guess(prediction, "4.2×10^1").guess == 42.0
    assert read_guess(prediction, "84/2").close
