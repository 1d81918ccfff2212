"""Code exercises headless: ``practice show`` and ``practice starter`` print an exercise,
``practice grade ID --file mine.py`` runs its tests on the learner's file exactly as the
practice screen does, and ``validate`` runs every exercise's reference and starter. A
lesson file that is not restutor's own runs no code without ``--run-code``; whatever file
is handed over, the result is a grade or one line and exit 2."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lesson_factory import PRACTICE_FIELDS, write_lesson
from tests.notes_cli import run
from tests.test_code_check import SOLUTION, STARTER, TESTS

CODE_ITEM = {
    "id": "demo-code",
    "kind": "code",
    "starter": STARTER,
    "tests": TESTS,
    "solution": SOLUTION,
    **PRACTICE_FIELDS,
}
ESCAPES = re.compile(r"\x1b|\x9b|\x07")


@pytest.fixture
def lessons(isolated_data):
    """A lesson folder on the lesson path (not restutor's own) with one code exercise."""
    folder = isolated_data / "lessons"
    folder.mkdir()
    write_lesson(folder, practice=[CODE_ITEM])
    return ["--lessons", str(folder)]


def mine(tmp_path, text: str | bytes):
    path = tmp_path / "mine.py"
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return str(path)


def graded(lessons, path):
    code, out, err = run(
        *lessons, "practice", "grade", "demo-code", "--file", path, "--run-code", "--json"
    )
    assert (code, err) == (0, ""), err
    return json.loads(out)


def refused(*argv) -> str:
    code, out, err = run(*argv)
    assert (code, out) == (2, "") and err.count("\n") == 1 and err.startswith("restutor: "), err
    return err.strip()


def test_show_prints_the_prompt_and_the_starter_and_starter_writes_it_exactly(lessons):
    code, out, err = run(*lessons, "practice", "show", "demo-code")
    assert (code, err) == (0, "")
    assert PRACTICE_FIELDS["prompt"] in out and "raise NotImplementedError" in out
    assert "restutor practice starter demo-code > mine.py" in out
    assert PRACTICE_FIELDS["answer"] not in out and "return 2 * x" not in out  # nothing given away
    code, out, err = run(*lessons, "practice", "starter", "demo-code")
    assert (code, out, err) == (0, STARTER, "")


def test_a_passing_file_is_right_and_a_failing_one_is_told_test_by_test(lessons, tmp_path):
    assert graded(lessons, mine(tmp_path, SOLUTION)) == {
        "item": "demo-code",
        "kind": "code",
        "correct": True,
        "found": [],
        "missing": [],
        "flags": [],
        "tolerance": None,
        "tests": [
            {"name": "test_the_shape_is_kept", "passed": True, "message": ""},
            {"name": "test_each_entry_doubles", "passed": True, "message": ""},
            {"name": "test_a_bare_assert_shows_its_line", "passed": True, "message": ""},
        ],
        "failure": None,
        "output": "",
    }
    result = graded(lessons, mine(tmp_path, "def double(x):\n    print('hi')\n    return x\n"))
    assert result["correct"] is False and result["failure"] is None
    assert [t["passed"] for t in result["tests"]] == [True, False, False]
    assert result["tests"][1]["message"] == "double([1, 2]) should be [2, 4]; got [1. 2.]"
    assert result["output"] == "hi\nhi\nhi"


def test_the_plain_text_grade_lists_each_test(lessons, tmp_path):
    path = mine(tmp_path, "def double(x):\n    return x\n")
    code, out, err = run(*lessons, "practice", "grade", "demo-code", "--file", path, "--run-code")
    assert (code, err) == (0, "")
    assert "✗ 1 of 3 tests pass; first to fix: test_each_entry_doubles" in out
    assert "✓ test_the_shape_is_kept" in out
    assert "✗ test_each_entry_doubles: double([1, 2]) should be [2, 4]; got [1. 2.]" in out


def test_a_file_that_does_not_load_is_a_grade_not_a_refusal(lessons, tmp_path):
    result = graded(lessons, mine(tmp_path, "def double(x) return x"))
    assert result["correct"] is False and result["tests"] == []
    assert result["failure"].startswith("your file could not be loaded: SyntaxError")


def test_a_lesson_that_is_not_restutor_s_own_runs_no_code_without_run_code(lessons, tmp_path):
    marker = tmp_path / "ran"
    path = mine(tmp_path, f"open({str(marker)!r}, 'w').write('ran')\n")
    line = refused(*lessons, "practice", "grade", "demo-code", "--file", path)
    assert "not one of restutor's own lessons: add --run-code to run them" in line
    assert not marker.exists()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["grade", "demo-code", "--run-code"], "give your file with --file"),
        (["grade", "demo-code", "2 * x", "--run-code"], "give your file with --file, not ANSWER"),
        (["grade", "demo-choice", "--file", "x.py"], "no practice item 'demo-choice'"),
        (["starter", "nope"], "no practice item 'nope'"),
        (["show", "nope"], "no practice item 'nope'"),
    ],
)
def test_a_request_that_cannot_be_graded_is_one_line(lessons, argv, said):
    assert said in refused(*lessons, "practice", *argv)


def test_starter_and_file_refuse_an_item_of_another_kind(isolated_data):
    folder = isolated_data / "lessons"
    folder.mkdir()
    write_lesson(folder)  # a choice and a number item
    lessons = ["--lessons", str(folder)]
    assert "is a number item, not a code exercise" in refused(
        *lessons, "practice", "starter", "demo-number"
    )
    assert "give its ANSWER, not --file" in refused(
        *lessons, "practice", "grade", "demo-number", "--file", "x.py"
    )


@pytest.mark.parametrize("make", ["missing", "folder", "fifo", "not utf-8", "huge"])
def test_a_file_that_is_not_a_python_text_file_is_one_line(lessons, tmp_path, make):
    path = tmp_path / "mine.py"
    if make == "folder":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "not utf-8":
        path.write_bytes(b"caf\xe9 = 1\n")
    elif make == "huge":
        path.write_bytes(b"#" * 2_000_000)
    line = refused(*lessons, "practice", "grade", "demo-code", "--file", str(path), "--run-code")
    assert "--file" in line or "cannot read" in line


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_whatever_the_file_holds_the_answer_is_a_grade_or_one_line(lessons, tmp_path, data):
    path = mine(tmp_path, data)
    code, out, err = run(*lessons, "practice", "grade", "demo-code", "--file", path, "--run-code")
    assert code in (0, 2) and "Traceback" not in out + err
    assert not ESCAPES.search(out + err)  # the code's output and errors are shown, not obeyed
    if code == 2:
        assert out == "" and err.count("\n") == 1


def test_validate_runs_exercises_only_when_told_and_reports_a_failing_reference(lessons):
    code, out, err = run(*lessons, "validate", lessons[1])
    assert code == 0 and "1 code exercise(s) not run" in out and "--run-code" in out
    code, out, err = run(*lessons, "validate", "--run-code", lessons[1])
    assert (code, out) == (0, "")
    folder = lessons[1]
    broken = {**CODE_ITEM, "solution": "def double(x):\n    return x\n", "starter": SOLUTION}
    write_lesson(Path(folder), practice=[broken])
    code, out, err = run(*lessons, "validate", "--run-code", folder)
    assert code == 1
    assert re.search(r"demo-lesson\.yaml:\d+: demo-code: the reference solution fails", out)
    assert re.search(r"demo-lesson\.yaml:\d+: demo-code: the starter passes every test", out)
