"""``restutor practice grade``: one answer graded headless as the practice screen grades it,
as the pinned JSON or as the screen's feedback in plain text; whatever it is handed, a grade
or one line and exit 2, never a traceback, never an escape code echoed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lesson_factory import MINIMAL, PRACTICE_FIELDS, write_lesson
from tests.notes_cli import run
from tutor.lessons.catalog import load_catalog
from tutor.paths import builtin_lessons_dir
from tutor.practice import measures
from tutor.practice.grading import grade_answer

MISCONCEPTION = {
    "name": "The gradient is pinned at 1",
    "patterns": ["always exactly preserved"],
    "correction": "Opposing branches **shrink** it: 0.9⁵⁰ ≈ 0.005.",
}
PRACTICE = [
    *MINIMAL["practice"],
    {
        "id": "demo-text",
        "kind": "text",
        "key_ideas": [
            {"idea": "the identity term", "keywords": ["identity"]},
            {"idea": "it is added", "keywords": ["added", "plus"]},
        ],
        "misconceptions": [MISCONCEPTION],
        **{**PRACTICE_FIELDS, "answer": "The identity is added to the branch's Jacobian."},
    },
    {
        "id": "demo-sim",
        "kind": "predict-sim",
        "lab": {"id": "s", "title": "t", "params": {"depth": 8, "width": 16}, "notice": "n"},
        "measure": "forward_growth",
        "choices": ["shrinks", "grows"],
        "bounds": [[0, 1], [1, 1e300]],
        "correct": 1,
        **PRACTICE_FIELDS,
    },
    {
        "id": "demo-sim-number",
        "kind": "predict-sim",
        "lab": {"id": "s", "title": "t", "params": {"depth": 8, "width": 16}, "notice": "n"},
        "measure": "forward_growth",
        "value": 1.5,
        "rel_tolerance": 0.1,
        **PRACTICE_FIELDS,
    },
]


@pytest.fixture
def lessons(isolated_data):
    """A lesson folder on the lesson path (before the built-ins) with one item of each kind."""
    folder = isolated_data / "lessons"
    folder.mkdir()
    write_lesson(folder, practice=PRACTICE)
    return ["--lessons", str(folder)]


def graded(lessons, item_id, answer, *more):
    code, out, err = run(*lessons, "practice", "grade", item_id, answer, "--json", *more)
    assert (code, err) == (0, ""), err
    return json.loads(out)


def refused(lessons, item_id, answer, stdin=None):
    """The one line (exit 2, nothing on stdout) an ungradable request gets."""
    code, out, err = run(*lessons, "practice", "grade", item_id, answer, stdin=stdin)
    assert (code, out) == (2, "") and err.count("\n") == 1 and err.startswith("restutor: ")
    return err.strip()


@pytest.mark.parametrize(
    ("answer", "correct"), [("x", True), (" X ", True), ("0", False), ("1", False)]
)
def test_a_choice_is_named_by_its_words_or_its_index(lessons, answer, correct):
    """``0`` is the second choice's words before it is an index."""
    assert graded(lessons, "demo-choice", answer) == {
        "item": "demo-choice",
        "kind": "choice",
        "correct": correct,
        "found": [],
        "missing": [],
        "flags": [],
        "tolerance": None,
    }


@pytest.mark.parametrize(("answer", "correct"), [("4.005", True), ("4e0", True), ("40/10", True),
                                                 ("4.02", False), ("4×10^1", False)])  # fmt: skip
def test_a_number_carries_its_tolerance(lessons, answer, correct):
    result = graded(lessons, "demo-number", answer)
    assert (result["correct"], result["tolerance"]) == (correct, 0.01)


def test_a_written_answer_leaves_the_verdict_to_the_learner(lessons):
    result = graded(lessons, "demo-text", "the identity is added")
    assert result["correct"] is None
    assert (result["found"], result["missing"], result["flags"]) == (
        ["the identity term", "it is added"],
        [],
        [],
    )


def test_a_misconception_is_flagged_and_its_correction_printed(lessons):
    answer = "the identity is added, so the gradient is always exactly preserved"
    result = graded(lessons, "demo-text", answer)
    assert result["flags"] == [MISCONCEPTION["name"]] and result["missing"] == []
    code, out, err = run(*lessons, "practice", "grade", "demo-text", answer)
    assert (code, err) == (0, "")
    assert "Misconception: The gradient is pinned at 1." in out
    assert "Opposing branches shrink it" in out and "**" not in out  # rendered Markdown
    assert "Not right as it stands" in out and "\x1b" not in out  # piped: plain text


def test_the_plain_feedback_states_a_numbers_tolerance(lessons):
    code, out, _ = run(*lessons, "practice", "grade", "demo-number", "4.5")
    assert code == 0 and "You committed: 4.5" in out
    assert "4.5 is 0.5 away from 4; answers within ±0.01 count" in out


def test_a_prediction_is_graded_on_its_experiment_run(lessons):
    result = graded(lessons, "demo-sim", "grows")
    ran = measures.run_lab_state({"depth": 8, "width": 16}, "forward_growth")
    grows = measures.measure(ran, "forward_growth") >= 1
    assert result["correct"] is grows and result["kind"] == "predict-sim"
    assert graded(lessons, "demo-sim", "0")["correct"] is not grows
    typed = graded(lessons, "demo-sim-number", "1.5")
    assert typed["tolerance"] == pytest.approx(0.1 * measures.measure(ran, "forward_growth"))


BUILT_IN = {
    item.kind: item
    for lesson in reversed(load_catalog([builtin_lessons_dir()]).lessons)
    for item in reversed(lesson.practice)
}


@pytest.mark.parametrize("kind", ["choice", "number", "text"])
def test_a_built_in_item_grades_as_the_screen_grades_it(isolated_data, kind):
    """A built-in item's model answer (its correct choice, its value), through the command
    and through ``grade_answer``, the screen's door: the same verdict."""
    item = BUILT_IN[kind]
    answer = {
        "choice": str(getattr(item, "correct", "")),
        "number": str(getattr(item, "value", "")),
    }
    answer = answer.get(kind, item.answer)
    result = graded([], item.id, answer)
    grade = grade_answer(item, answer)
    assert result["found"] == list(grade.covered) and result["flags"] == list(grade.flags)
    assert result["correct"] == (None if kind == "text" else grade.correct)
    assert kind == "text" or result["correct"] is True


def test_an_unknown_item_names_the_nearest_ids(lessons):
    line = refused(lessons, "demo-txet", "x")
    assert line.startswith("restutor: no practice item 'demo-txet' (nearest: demo-text, ")
    assert line.count(",") == 2


@pytest.mark.parametrize(
    ("item_id", "answer", "says"),
    [
        ("demo-number", "four", "'four' is not a number"),
        ("demo-number", "1e999", "not a finite number"),
        ("demo-choice", "7", "choice 7 is out of range (0–1)"),
        ("demo-choice", "maybe", "'maybe' is none of the choices"),
        ("demo-sim-number", "lots", "'lots' is not a number"),
    ],
)
def test_an_answer_that_cannot_be_graded_is_one_line(lessons, item_id, answer, says):
    assert says in refused(lessons, item_id, answer)


def test_a_dash_reads_the_answer_from_standard_input(lessons):
    code, out, err = run(*lessons, "practice", "grade", "demo-text", "-", "--json",
                         stdin=b"the identity,\nadded")  # fmt: skip
    assert code == 0 and json.loads(out)["missing"] == []


def test_standard_input_that_is_not_utf8_is_one_line(lessons):
    line = refused(lessons, "demo-text", "-", stdin=b"the identity \xff added")
    assert "standard input is not UTF-8 text (byte 0xff at offset 13)" in line


#: Answers a script or a fuzzer might hand over: control characters, escape sequences,
#: bytes that are not UTF-8 (as Python decodes the command line), and very long ones.
HOSTILE = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60),
    st.binary(max_size=40).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.sampled_from(["\x1b[31mred\x1b[0m", "\x1b]52;c;aGk=\x07", "\x00\x01", "4\u202e5"]),
    st.integers(1, 4).map(lambda n: "identity added " * (20_000 * n)),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(["demo-choice", "demo-number", "demo-text", "demo-nope"]), HOSTILE)
def test_a_hostile_answer_gets_a_grade_or_one_line(lessons, item_id, answer):
    code, out, err = run(*lessons, "practice", "grade", item_id, answer)
    assert code in (0, 2) and "Traceback" not in out + err
    assert "\x1b" not in out + err and "\x07" not in out + err
    if code == 2:
        assert out == "" and err.count("\n") == 1
    else:
        assert err == "" and out.startswith("You committed: ")


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200))
def test_any_bytes_on_standard_input_get_a_grade_or_one_line(lessons, data):
    code, out, err = run(*lessons, "practice", "grade", "demo-text", "-", stdin=data)
    assert code in (0, 2) and "\x1b" not in out + err
    assert (code, err.count("\n")) == (2, 1) if code else err == ""


def test_the_readme_example_grades(isolated_data):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r'^restutor practice grade ([a-z0-9-]+) "([^"]*)"$', readme, flags=re.M)
    assert examples, "the README shows how to grade an answer"
    for item_id, answer in examples:
        assert graded([], item_id, answer)["item"] == item_id


def test_a_dash_with_a_terminal_for_standard_input_asks_for_a_pipe(lessons):
    """'-' reads standard input; with a terminal there (nothing piped) it would wait forever
    for an end of file a learner does not know to type."""
    line = refused(lessons, "demo-text", "-")
    assert "pipe the answer in" in line
