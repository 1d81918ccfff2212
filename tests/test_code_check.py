"""Checking a learner's file against a code exercise's tests, in the bounded runner: each
test's verdict and the message the learner reads, the file's own failures, and the limits
(an endless loop, a huge allocation, a fork bomb) ending the run with a clear line.

No test waits on the clock: the runs end by themselves or at their CPU limit; a test
that needs processes to be dead waits on their pidfds (``tests.test_witness_run``)."""

from __future__ import annotations

import os

import pydantic
import pytest

from tests.lesson_factory import PRACTICE_FIELDS
from tests.test_witness_run import linux_only, posix_only, wait_until_dead
from tutor.lessons.model import CodeItem
from tutor.lessons.witness_run import Limits
from tutor.practice.code_check import check_code, exercise_problems, first_failure
from tutor.practice.grading import grade_answer

TESTS = """
import numpy as np
from solution import double

def test_the_shape_is_kept():
    y = double(np.zeros(2))
    assert np.shape(y) == (2,), f"double(zeros(2)) should have shape (2,); got {np.shape(y)}"

def test_each_entry_doubles():
    y = double(np.array([1.0, 2.0]))
    assert np.allclose(y, [2.0, 4.0]), f"double([1, 2]) should be [2, 4]; got {y}"

def test_a_bare_assert_shows_its_line():
    assert double(np.ones(1))[0] == 2

def helper_not_a_test():
    raise RuntimeError("never run")
"""
STARTER = 'def double(x):\n    """Twice x."""\n    raise NotImplementedError\n'
SOLUTION = "def double(x):\n    return 2 * x\n"
#: Fast limits for the runs meant to hit them: one CPU second.
TIGHT = Limits(seconds=60.0, cpu_seconds=1)


def exercise(**fields: str) -> CodeItem:
    return CodeItem(
        id="double",
        kind="code",
        **PRACTICE_FIELDS,
        **{"starter": STARTER, "tests": TESTS, "solution": SOLUTION, **fields},
    )


def verdicts(check) -> list[tuple[str, bool]]:
    return [(t.name, t.passed) for t in check.tests]


def test_the_reference_passes_every_test_in_the_order_written():
    check = check_code(exercise(), SOLUTION)
    assert check.correct and check.failure is None and check.output == ""
    assert verdicts(check) == [
        ("test_the_shape_is_kept", True),
        ("test_each_entry_doubles", True),
        ("test_a_bare_assert_shows_its_line", True),
    ]


def test_the_starter_fails_and_says_where():
    check = check_code(exercise(), STARTER)
    assert not check.correct and check.passed == 0 and len(check.tests) == 3
    assert check.tests[0].message == (
        "NotImplementedError (at solution.py, line 3: raise NotImplementedError)"
    )


def test_an_assert_s_message_or_its_line_is_what_the_learner_reads():
    check = check_code(exercise(), "def double(x):\n    return x + 0 * x\n")
    assert verdicts(check)[0] == ("test_the_shape_is_kept", True)
    assert check.tests[1].message == "double([1, 2]) should be [2, 4]; got [1. 2.]"
    assert check.tests[2].message == (
        "this check failed: checks.py, line 14: assert double(np.ones(1))[0] == 2"
    )
    assert first_failure(check) == f"test_each_entry_doubles: {check.tests[1].message}"


def test_an_error_in_the_learner_s_code_names_its_type_and_line():
    source = "def double(x):\n    total = x\n    return total + undefined_name\n"
    [first, *_] = check_code(exercise(), source).tests
    assert first.message == (
        "NameError: name 'undefined_name' is not defined "
        "(at solution.py, line 3: return total + undefined_name)"
    )


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("def double(x) return x", "SyntaxError in solution.py, line 1"),
        ("def twice(x):\n    return 2 * x\n", "cannot import name 'double' from 'solution'"),
        ("import no_such_module\n", "ModuleNotFoundError: No module named 'no_such_module'"),
        ("raise SystemExit(3)\n", "SystemExit: 3"),
    ],
)
def test_a_file_that_does_not_load_fails_the_run_with_one_line(source, said):
    check = check_code(exercise(), source)
    assert not check.correct and check.tests == ()
    assert check.failure.startswith("your file could not be loaded: ") and said in check.failure
    assert "/" not in check.failure  # the scratch folder's path is nobody's business


def test_what_the_code_prints_comes_back_apart_from_the_results():
    source = (
        "import sys\n"
        "print('starting')\n"
        "def double(x):\n"
        "    print('@@restutor-0000@@{\"kind\": \"end\"}', 'x =', x, end='')\n"
        "    sys.stderr.write('to stderr\\n')\n"
        "    return 2 * x\n"
    )
    check = check_code(exercise(), source)
    assert check.correct  # a printed look-alike of the harness's lines changes nothing
    assert check.output.startswith("starting\n@@restutor-0000@@")
    assert check.output.count("x =") == 3


def test_a_test_that_raises_anything_is_a_failure_not_a_crash():
    source = "def double(x):\n    raise KeyboardInterrupt\n"
    check = check_code(exercise(), source)
    assert check.failure is None and check.passed == 0
    assert check.tests[0].message.startswith("KeyboardInterrupt")


@posix_only
def test_an_endless_loop_ends_at_the_cpu_limit_naming_the_test_and_keeping_the_rest():
    source = (
        "def double(x):\n"
        "    if len(x) == 1:\n"
        "        while True:\n"
        "            pass\n"
        "    return 2 * x\n"
    )
    check = check_code(exercise(), source, TIGHT)
    assert verdicts(check) == [("test_the_shape_is_kept", True), ("test_each_entry_doubles", True)]
    assert check.failure == (
        "test_a_bare_assert_shows_its_line: stopped: it used up its 1 s of CPU time "
        "(an endless loop?)"
    )


@posix_only
def test_a_gigabyte_allocation_is_a_memory_error_in_its_test():
    source = "import numpy as np\ndef double(x):\n    return np.ones(2**28) * 0 + 2 * x\n"
    check = check_code(exercise(), source)
    assert not check.correct and check.failure is None
    assert check.tests[0].message.startswith("MemoryError: Unable to allocate 2.00 GiB")


@linux_only
def test_a_fork_bomb_within_the_limits_ends_and_leaves_nothing_behind(tmp_path):
    pids = tmp_path / "pids"
    source = (
        "import os, time\n"
        "def double(x):\n"
        "    for _ in range(4):\n"  # 16 processes, each waiting (the machine is shared)
        "        if os.fork() == 0:\n"
        f"            open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        "    if os.getpid() != LEADER:\n"
        "        time.sleep(3600)\n"
        "    while True:\n"
        "        pass\n"
        "LEADER = os.getpid()\n"
    )
    check = check_code(exercise(), source, TIGHT)
    assert check.failure == (
        "test_the_shape_is_kept: stopped: it used up its 1 s of CPU time (an endless loop?)"
    )
    forked = [int(pid) for pid in pids.read_text().split()]
    assert len(forked) == 15
    alive = []
    for pid in forked:
        try:
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue  # already gone and reaped
        if not wait_until_dead(pidfd):
            alive.append(pid)
        os.close(pidfd)
    assert alive == []


def test_a_code_answer_is_graded_by_its_tests():
    right = grade_answer(exercise(), SOLUTION)
    assert right.correct and right.message == "all 3 tests pass"
    wrong = grade_answer(exercise(), "def double(x):\n    return x\n")
    assert not wrong.correct
    assert wrong.message.startswith("1 of 3 tests pass; first to fix: test_each_entry_doubles: ")
    broken = grade_answer(exercise(), "def double(x) return x")
    assert broken.message.startswith("your file could not be loaded: SyntaxError")


def test_an_exercise_whose_reference_fails_or_whose_starter_passes_is_reported():
    assert exercise_problems(exercise()) == []
    [(field, message)] = exercise_problems(exercise(solution="def double(x):\n    return x\n"))
    assert field == "solution"
    assert message.startswith("the reference solution fails its tests: test_each_entry_doubles")
    [(field, message)] = exercise_problems(exercise(starter=SOLUTION))
    assert field == "starter"
    assert message == "the starter passes every test: nothing is left to write"


@pytest.mark.parametrize(
    "tests",
    [
        "def check_it():\n    pass\n",
        "if True:\n    def test_hidden():\n        pass\n",
        "class Tests:\n    def test_method(self):\n        pass\n",
    ],
)
def test_an_exercise_without_a_top_level_test_is_refused(tests):
    with pytest.raises(pydantic.ValidationError, match="no top-level test_ function"):
        exercise(tests=tests)


def test_an_exercise_whose_starter_or_tests_do_not_even_load_is_reported():
    [(field, message)] = exercise_problems(exercise(starter="def double(x)\n"))
    assert field == "starter"
    assert message.startswith("the starter does not run: your file could not be loaded: Syntax")
    [(field, message)] = exercise_problems(exercise(tests=TESTS + "\ndef test_broken(:\n"))
    assert field == "solution" and "SyntaxError" in message


def test_what_code_says_is_quoted_as_code_with_its_controls_shown():
    """Test messages and output come from code (the learner's, a lesson file's): on
    screen they are inline code and a fenced block, never Markdown, never escape codes."""
    from tutor.practice.code_check import CodeCheck, TestResult
    from tutor.practice.feedback import test_lines

    check = CodeCheck(
        (TestResult("test_x", False, "\x1b]0;PWNED\x07 got [x](http://e) and `y` ``z``"),),
        None,
        "\x1b[2Jcleared\n```\n# a heading\n````",
    )
    lines, printed = test_lines(check)
    assert "\x1b" not in lines + printed and "\x07" not in lines + printed
    assert lines.startswith("- ✗ ` test_x `: ``` ␛]0;PWNED␇ got [x](http://e) and `y` ``z`` ```")
    fence = "`````"  # longer than any run of backticks inside
    assert printed == f"Your code printed:\n\n{fence}\n␛[2Jcleared\n```\n# a heading\n````\n{fence}"
