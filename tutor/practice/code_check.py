"""Checking a learner's code against a code exercise's hidden tests.

The learner's file and the exercise's tests are both code, so they run in the bounded
runner (``tutor.lessons.witness_run``), never in this process: the file is saved as
``solution.py`` and the tests as ``checks.py`` in the run's scratch folder, and a small
harness imports the tests and runs every top-level ``test_*`` function in the order
written. Each result goes out on its own line behind a token drawn afresh for the run,
as soon as it is known, so that a test that never ends (or a learner's endless loop)
still leaves the results before it, and the name of the test it stopped in; whatever
else the learner's code prints comes back as their output.

A test's message is what the learner reads: an assert's own message, or for a bare
assert its line of the tests; any other exception by its type and text, with the line
of ``solution.py`` it was raised from.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from dataclasses import dataclass

from tutor.lessons.model import CodeItem
from tutor.lessons.witness_run import Limits, Run, RunOutcome

#: What one check may use: seconds, for tests that take milliseconds; room for NumPy.
CHECK_LIMITS = Limits(seconds=10.0, cpu_seconds=5)

_HARNESS = r'''
import json, math, os, sys, traceback

TOKEN = sys.argv[1]
sys.path.insert(0, os.getcwd())  # isolated mode leaves the scratch folder off the path
sys.dont_write_bytecode = True


def say(**record):
    sys.stdout.flush()
    sys.__stdout__.write("\n" + TOKEN + json.dumps(record) + "\n")
    sys.__stdout__.flush()


def where(error, filename):
    """The last line of ``filename`` the traceback of ``error`` passes through."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(filename)]
    if not frames:
        return None
    frame = frames[-1]
    return f"{filename}, line {frame.lineno}: {(frame.line or '').strip()}"


def explain(error):
    return _explain(error).replace(os.getcwd() + os.sep, "")


def _explain(error):
    if isinstance(error, AssertionError):
        if error.args:
            return str(error)
        line = where(error, "checks.py")
        return f"this check failed: {line}" if line else "a check failed"
    text = f"{type(error).__name__}: {error}".rstrip(": ")
    if isinstance(error, SyntaxError) and error.filename and error.filename.endswith("solution.py"):
        return f"SyntaxError in solution.py, line {error.lineno}: {error.msg}"
    line = where(error, "solution.py")
    return f"{text} (at {line})" if line else text


try:
    import checks
except BaseException as error:  # the learner's file (or the tests) would not even load
    say(kind="load", message=explain(error))
else:
    tests = [
        (name, test)
        for name, test in vars(checks).items()
        if name.startswith("test_") and callable(test)
        and getattr(test, "__module__", None) == "checks"
    ]
    for name, test in tests:
        say(kind="start", name=name)
        try:
            test()
        except BaseException as error:
            say(kind="result", name=name, passed=False, message=explain(error))
        else:
            say(kind="result", name=name, passed=True, message="")
    if os.path.exists("measure.txt"):  # what the learner predicted, from their code
        say(kind="start", name="the predicted number")
        try:
            import solution
            names = {**vars(solution), **vars(checks)}  # the tests' helpers too
            with open("measure.txt", encoding="utf-8") as file:
                value = float(eval(file.read(), names))
        except BaseException as error:
            say(kind="measure", value=None, message=explain(error))
        else:
            finite = math.isfinite(value)
            say(kind="measure", value=value if finite else None,
                message="" if finite else f"{value} is not a finite number")
say(kind="end")
'''


@dataclass(frozen=True)
class TestResult:
    """One test of the exercise: its name, whether it passed, and what it told the learner."""

    name: str
    passed: bool
    message: str


@dataclass(frozen=True)
class CodeCheck:
    """Every test's result, what the learner's code printed, and why the run itself
    failed (None when it ran to its end): the file would not load, or a limit stopped it."""

    tests: tuple[TestResult, ...]
    failure: str | None
    output: str
    #: An exercise with a prediction: the number the learner's code computes for it, or
    #: why it computes none.
    measured: float | None = None
    measure_problem: str | None = None

    @property
    def correct(self) -> bool:
        return self.failure is None and bool(self.tests) and all(t.passed for t in self.tests)

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tests)


class CodeRun:
    """One check running in its own bounded process: ``wait`` from a worker thread,
    ``cancel`` from any thread."""

    def __init__(self, item: CodeItem, source: str, limits: Limits = CHECK_LIMITS) -> None:
        self._token = f"@@restutor-{secrets.token_hex(8)}@@"
        self._run = Run(
            _HARNESS,
            limits,
            argv=[self._token],
            files={
                "solution.py": source,
                "checks.py": item.tests,
                **({"measure.txt": item.predict.measure} if item.predict else {}),
            },
        )

    def cancel(self) -> None:
        self._run.cancel()

    def wait(self) -> CodeCheck:
        return read_check(self._run.wait(), self._token)


def check_code(item: CodeItem, source: str, limits: Limits = CHECK_LIMITS) -> CodeCheck:
    """Run ``item``'s tests against ``source`` (the learner's whole file) and read them."""
    return CodeRun(item, source, limits).wait()


def read_check(outcome: RunOutcome, token: str) -> CodeCheck:
    """The harness's records in ``outcome`` (lines behind ``token``), the rest as output."""
    line = re.compile("\n" + re.escape(token) + "([^\n]*)(?:\n|$)")
    records = []
    for record in line.findall(outcome.stdout):
        try:
            records.append(json.loads(record))
        except ValueError:
            pass  # cut off by the output cap
    output = line.sub("", outcome.stdout)
    results: list[TestResult] = []
    running: str | None = None
    failure: str | None = None
    measured: float | None = None
    measure_problem: str | None = None
    ended = False
    for record in records:
        kind = record.get("kind")
        if kind == "start":
            running = str(record.get("name", ""))
        elif kind == "result":
            results.append(
                TestResult(str(record["name"]), bool(record["passed"]), str(record["message"]))
            )
            running = None
        elif kind == "measure":
            value = record.get("value")
            measured = float(value) if isinstance(value, int | float) else None
            measure_problem = None if measured is not None else str(record.get("message", ""))
            running = None
        elif kind == "load":
            failure = f"your file could not be loaded: {record.get('message', '')}"
        elif kind == "end":
            ended = True
    if not ended and failure is None:
        failure = _stopped(outcome, running)
    return CodeCheck(tuple(results), failure, output.strip("\n"), measured, measure_problem)


def _stopped(outcome: RunOutcome, running: str | None) -> str:
    """Why the run ended before the harness did, and in which test."""
    why = outcome.failure() or "the run ended early"
    if outcome.stopped == "time" or "CPU time" in why:
        why += " (an endless loop?)"
    return f"{running}: {why}" if running else why


def first_failure(check: CodeCheck) -> str | None:
    """The one line that says what to fix first."""
    if check.failure:
        return check.failure
    failed = next((t for t in check.tests if not t.passed), None)
    return f"{failed.name}: {failed.message}" if failed else None


def exercise_problems(item: CodeItem) -> list[tuple[str, str]]:
    """What is wrong with a code exercise, as (field, message): a reference solution that
    fails its tests, or a starter that passes them (the exercise is passed by doing
    nothing) or does not even load (a syntax error, a missing name): a starter fails each
    test, it does not fail to start."""
    problems = []
    reference = check_code(item, item.solution)
    if not reference.correct:
        problems.append(
            ("solution", f"the reference solution fails its tests: {first_failure(reference)}")
        )
    starter = check_code(item, item.starter)
    if starter.correct:
        problems.append(("starter", "the starter passes every test: nothing is left to write"))
    elif starter.failure and reference.correct:
        problems.append(("starter", f"the starter does not run: {starter.failure}"))
    if item.predict is not None and reference.correct:
        problem = _prediction_problem(item.predict.value, reference)
        if problem:
            problems.append(("predict", problem))
    return problems


def _prediction_problem(value: float, reference: CodeCheck) -> str | None:
    """Why the number a prediction is graded against is not what the reference computes."""
    if reference.measured is None:
        return f"the reference computes no number for predict.measure: {reference.measure_problem}"
    if not math.isclose(reference.measured, value, rel_tol=1e-6, abs_tol=1e-12):
        return f"predict.value is {value:.10g} but the reference computes {reference.measured:.10g}"
    return None
