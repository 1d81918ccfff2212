"""A code exercise's prediction headless: ``practice show`` asks it before the starter,
``practice grade --predict NUMBER`` sets it beside the number once the file passes (in
``--json``: ``prediction``), and a prediction that cannot be one is one line, exit 2."""

from __future__ import annotations

import json

import pytest

from tests.lesson_factory import PRACTICE_FIELDS, write_lesson
from tests.notes_cli import run
from tests.test_cli_practice_code import CODE_ITEM, mine, refused
from tests.test_code_check import SOLUTION

PREDICT = {
    "prompt": "What will double(21) give?",
    "measure": "double(21.0)",
    "value": 42.0,
    "rel_tolerance": 0.1,
    "reasoning": "Twice 21 is 42.",
}


@pytest.fixture
def lessons(isolated_data):
    folder = isolated_data / "lessons"
    folder.mkdir()
    write_lesson(folder, practice=[{**CODE_ITEM, "predict": PREDICT}])
    return ["--lessons", str(folder)]


def grade(lessons, path, *more):
    code, out, err = run(
        *lessons, "practice", "grade", "demo-code", "--file", path, "--run-code", *more
    )
    assert (code, err) == (0, ""), err
    return out


def test_show_asks_the_prediction_before_the_starter_and_not_its_number(lessons):
    code, out, err = run(*lessons, "practice", "show", "demo-code")
    assert (code, err) == (0, "")
    assert "Before you run it: What will double(21) give?" in out
    assert out.index("Before you run it") < out.index("raise NotImplementedError")
    assert "--predict NUMBER" in out and "42" not in out


def test_a_passing_file_sets_the_prediction_beside_the_number(lessons, tmp_path):
    out = grade(lessons, mine(tmp_path, SOLUTION), "--predict", "30", "--json")
    assert json.loads(out)["prediction"] == {
        "prompt": PREDICT["prompt"],
        "measure": "double(21.0)",
        "measured": 42.0,
        "guess": 30.0,
        "value": 42.0,
        "close": False,
    }
    out = grade(lessons, mine(tmp_path, SOLUTION), "--predict", "40")
    assert "Your prediction, 40, is close: it is 42" in out and "Why it is 42" in out


def test_a_failing_file_keeps_the_number_unsaid(lessons, tmp_path):
    wrong = mine(tmp_path, "def double(x):\n    return x + 1\n")
    prediction = json.loads(grade(lessons, wrong, "--predict", "42", "--json"))["prediction"]
    assert prediction["measured"] == 22.0  # the learner's own code's number
    assert (prediction["guess"], prediction["value"], prediction["close"]) == (42.0, None, None)
    out = grade(lessons, wrong, "--predict", "42")
    assert "once your file passes" in out and "Why it is" not in out


def test_without_predict_a_pass_still_says_why_the_number_is(lessons, tmp_path):
    prediction = json.loads(grade(lessons, mine(tmp_path, SOLUTION), "--json"))["prediction"]
    assert (prediction["guess"], prediction["value"], prediction["close"]) == (None, 42.0, None)


@pytest.mark.parametrize(
    ("predicted", "said"),
    [("forty", "--predict: 'forty' is not a number"), ("1e999", "not a finite number")],
)
def test_a_prediction_that_is_no_number_is_one_line(lessons, tmp_path, predicted, said):
    path = mine(tmp_path, SOLUTION)
    argv = ["practice", "grade", "demo-code", "--file", path, "--run-code", "--predict"]
    assert said in refused(*lessons, *argv, predicted)


def test_predict_is_refused_where_nothing_asks_a_prediction(isolated_data, tmp_path):
    folder = isolated_data / "lessons"
    folder.mkdir()
    number = {"id": "demo-number", "kind": "number", "value": 1.0, "tolerance": 0.1}
    write_lesson(folder, practice=[CODE_ITEM, {**number, **PRACTICE_FIELDS}])
    path = mine(tmp_path, SOLUTION)
    said = refused(
        "--lessons",
        str(folder),
        "practice",
        "grade",
        "demo-code",
        "--file",
        path,
        "--run-code",
        "--predict",
        "3",
    )
    assert "asks no prediction" in said
    said = refused(
        "--lessons", str(folder), "practice", "grade", "demo-number", "1", "--predict", "3"
    )
    assert "--predict is for code exercises" in said
