"""``restutor practice show|starter|grade``: practice items headless. ``grade ITEM_ID ANSWER
[--json]`` grades one answer exactly as the practice screen grades it
(``tutor.practice.grading.grade_answer``) and tells it as the screen tells it
(``tutor.practice.feedback``); ``grade ITEM_ID --file mine.py`` checks a code exercise.

A choice is named by its words or its 0-based index; a prediction is graded against its
experiment, run here as the screen runs it (``tutor.practice.measures``); a code file
against the exercise's tests, in the bounded runner, and only for restutor's own lessons
unless ``--run-code`` says the lesson file's code may run. ANSWER ``-`` reads standard
input. Whatever is handed over, the result is the grade or one line and exit 2.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.cli.notes_input import parse_text, said, stdin_bytes, utf8_problem
from tutor.cli.options import lesson_dirs
from tutor.cli.parser import Parser, UsageError
from tutor.cli.terminal import stdout_console
from tutor.text import preview, visible

if TYPE_CHECKING:
    from tutor.lessons.loader import LessonFile
    from tutor.lessons.model import CodeItem, CodePrediction, PracticeItem
    from tutor.practice.code_check import CodeCheck
    from tutor.practice.grading import Grade

#: How many near ids an unknown item id is answered with.
NEAREST = 3
#: The biggest file ``--file`` reads: an exercise asks for about thirty lines.
MAX_CODE_BYTES = 1_000_000


def add_practice_command(parser: Parser) -> None:
    """Hang ``practice`` and its ``show``, ``starter`` and ``grade`` actions from ``parser``."""
    practice = parser.add_command(
        "practice",
        help="practice items, headless: show one, write a code starter, grade an answer",
        description="Practice without the screen.",
    )
    practice.start_commands("practice_action", "ACTION", required=True)
    show = practice.add_command(
        "show",
        help="print a practice item: its prompt, and its choices or its starter",
        description="Print the practice item ITEM_ID as the practice screen first shows it "
        "(no answer, no hints). Exit 2 for an unknown item.",
    )
    show.add_argument("item_id", type=parse_text, metavar="ITEM_ID")
    show.set_defaults(handler=run_show)
    starter = practice.add_command(
        "starter",
        help="print a code exercise's starter file (restutor practice starter ID > mine.py)",
        description="Print the starter file of the code exercise ITEM_ID, exactly, to "
        "standard output. Exit 2 for an unknown item or one that is not a code exercise.",
    )
    starter.add_argument("item_id", type=parse_text, metavar="ITEM_ID")
    starter.set_defaults(handler=run_starter)
    grade = practice.add_command(
        "grade",
        help="grade one answer to a practice item, as the practice screen does",
        description="Grade ANSWER to the practice item ITEM_ID (as in the lesson files, on the "
        "lesson path): a choice's words or 0-based index, a number, a written answer, or a "
        "prediction (its experiment is run); for a code exercise, --file runs its tests on "
        "your file. Exit 0 once graded (right or not), 2 for an unknown item or an answer "
        "that cannot be graded.",
    )
    grade.add_argument("item_id", type=parse_text, metavar="ITEM_ID")
    grade.add_argument(
        "answer", type=parse_text, metavar="ANSWER", nargs="?", help="'-' reads stdin"
    )
    grade.add_argument(
        "--file", type=Path, metavar="FILE", help="a code exercise: your Python file"
    )
    grade.add_argument(
        "--predict",
        type=parse_text,
        metavar="NUMBER",
        help="a code exercise that asks a prediction: yours, set beside the number once "
        "your file passes (a negative one as --predict=-1e3)",
    )
    grade.add_argument(
        "--run-code",
        action="store_true",
        help="run the tests of a code exercise whose lesson is not one of restutor's own",
    )
    grade.add_argument(
        "--json",
        action="store_true",
        help='print {"item", "kind", "correct", "found", "missing", "flags", "tolerance"}, '
        'and for code "tests", "failure", "output" (and "prediction" where it asks one)',
    )
    grade.set_defaults(handler=run_grade)


def run_show(args: argparse.Namespace) -> int:
    from rich.markdown import Markdown
    from rich.syntax import Syntax
    from rich.text import Text

    from tutor.lessons.model import CodeItem

    item, _ = _find_item(args, args.item_id)
    console, _ = stdout_console()
    console.print(Text.assemble((f"{item.id}", "bold"), f" ({item.kind}, {item.difficulty})"))
    console.print(Markdown(visible(item.prompt)))
    for index, choice in enumerate(getattr(item, "choices", None) or []):
        console.print(Text(f"  {index}. {visible(choice)}"))
    if isinstance(item, CodeItem):
        if item.predict is not None:
            console.print(Markdown(visible("**Before you run it:** " + item.predict.prompt)))
            console.print(
                Text(f"restutor practice grade {item.id} --file mine.py --predict NUMBER", "dim")
            )
        console.print(Syntax(visible(item.starter), "python", theme="ansi_dark"))
        console.print(Text(f"restutor practice starter {item.id} > mine.py", style="dim"))
    return 0


def run_starter(args: argparse.Namespace) -> int:
    """The starter byte for byte into a file or a pipe; on a terminal its control
    characters are shown, never obeyed (a lesson file may come from anyone)."""
    item, _ = _find_item(args, args.item_id)
    if item.kind != "code":
        raise UsageError(f"{item.id} is a {item.kind} item, not a code exercise")
    sys.stdout.write(visible(item.starter) if sys.stdout.isatty() else item.starter)
    return 0


def run_grade(args: argparse.Namespace) -> int:
    from tutor.practice.grading import NotAChoice, NotANumber, grade_answer, read_choice

    item, file = _find_item(args, args.item_id)
    if item.kind == "code":
        return _grade_code(args, _code_item(args, item, file))
    if args.file is not None:
        raise UsageError(f"{item.id} is a {item.kind} item: give its ANSWER, not --file")
    if args.predict is not None:
        raise UsageError(f"{item.id} is a {item.kind} item: --predict is for code exercises")
    if args.answer is None:
        raise UsageError(f"give an ANSWER to {item.id} ('-' reads standard input)")
    answer = _read_stdin() if args.answer == "-" else args.answer
    try:
        grade = grade_answer(item, answer, _measured(item))
    except (NotANumber, NotAChoice) as error:
        raise UsageError(str(error)) from None
    if args.json:
        print(json.dumps(grade_json(item, grade), ensure_ascii=False, allow_nan=False))
    else:  # a choice is shown back by its words, as the screen shows it
        choices = getattr(item, "choices", None)
        _print_feedback(choices[read_choice(choices, answer)] if choices else answer, item, grade)
    return 0


def _grade_code(args: argparse.Namespace, item: CodeItem) -> int:
    from tutor.practice.grading import NotANumber, grade_answer, parse_number

    if args.answer is not None:
        raise UsageError(f"{item.id} is a code exercise: give your file with --file, not ANSWER")
    if args.file is None:
        raise UsageError(
            f"{item.id} is a code exercise: give your file with --file "
            f"(restutor practice starter {item.id} > mine.py writes one to start from)"
        )
    predicted = None
    if args.predict is not None:
        if item.predict is None:
            raise UsageError(f"{item.id} asks no prediction: leave out --predict")
        try:
            predicted = parse_number(args.predict)
        except NotANumber as error:
            raise UsageError(f"--predict: {error}") from None
    grade = grade_answer(item, _read_code_file(args.file), predicted=args.predict)
    if args.json:
        graded = grade_json(item, grade, predicted)
        print(json.dumps(graded, ensure_ascii=False, allow_nan=False))
    else:
        _print_feedback(f"{args.file}", item, grade)
        if predicted is not None and grade.guess is None:
            print("\nYour prediction is set beside the number once your file passes.")
    return 0


def _read_code_file(path: Path) -> str:
    """The learner's file as text, or one line saying why it cannot be read."""
    from tutor.lessons.files import RefusedFile, read_regular_file

    try:
        data = read_regular_file(path, MAX_CODE_BYTES, "your code is a Python text file")
    except RefusedFile as error:
        raise UsageError(f"--file {said(str(path))}: {error}") from None
    except OSError as error:
        raise UsageError(f"cannot read {said(str(path))}: {error.strerror or error}") from None
    problem = utf8_problem(data)
    if problem:
        raise UsageError(f"--file {said(str(path))} is not UTF-8 text ({problem})")
    return data.decode("utf-8").removeprefix("\ufeff")


def grade_json(item: PracticeItem, grade: Grade, predicted: float | None = None) -> dict:
    """The grade as ``--json`` prints it: ``correct`` is null for a written answer (the
    learner's self-check decides); key ideas and flags are empty lists for other kinds. A
    code exercise adds ``tests`` (each test's name, whether it passed, its message),
    ``failure`` (why the run itself failed, or null) and ``output`` (what the code printed),
    and where it asks one, its ``prediction`` (with the number ``predicted``, if given)."""
    from tutor.lessons.model import CodeItem

    check = grade.check
    graded: dict[str, object] = {
        "item": item.id,
        "kind": item.kind,
        "correct": None if item.kind == "text" else grade.correct,
        "found": list(grade.covered),
        "missing": list(grade.missing),
        "flags": list(grade.flags),
        "tolerance": grade.tolerance,
    }
    if check is not None:
        tests = [{"name": t.name, "passed": t.passed, "message": t.message} for t in check.tests]
        graded.update({"tests": tests, "failure": check.failure, "output": check.output})
        if isinstance(item, CodeItem) and item.predict is not None:
            graded["prediction"] = _prediction_json(item.predict, grade, check, predicted)
    return graded


def _prediction_json(
    prediction: CodePrediction, grade: Grade, check: CodeCheck, predicted: float | None
) -> dict:
    """A prediction as ``--json`` prints it: the number (``value``) and how close the
    guess came only once the file passes, as the practice screen says them; ``measured``
    is what the learner's own code computes."""
    return {
        "prompt": prediction.prompt,
        "measure": prediction.measure,
        "measured": check.measured,
        "guess": predicted,
        "value": prediction.value if grade.correct else None,
        "close": grade.guess.close if grade.guess else None,
    }


def _code_item(args: argparse.Namespace, item: PracticeItem, file: LessonFile) -> CodeItem:
    """The code exercise ``item``, once its lesson's code may run."""
    from tutor.lessons.model import CodeItem

    assert isinstance(item, CodeItem)
    if not args.run_code and not file.origin.builtin:
        raise UsageError(
            f"{item.id}'s tests are code from {visible(str(file.path))}, not one of "
            "restutor's own lessons: add --run-code to run them"
        )
    return item


def _find_item(args: argparse.Namespace, item_id: str) -> tuple[PracticeItem, LessonFile]:
    """The item with this id in the first lesson on the lesson path that has one, and the
    file it was read from."""
    from tutor.lessons.catalog import load_catalog

    catalog = load_catalog(lesson_dirs(args))
    items: dict[str, tuple[PracticeItem, LessonFile]] = {}
    for lesson in catalog.lessons:
        for item in lesson.practice:
            items.setdefault(item.id, (item, catalog.by_id[lesson.id]))
    if item_id in items:
        return items[item_id]
    nearest = difflib.get_close_matches(item_id[:200], sorted(items), n=NEAREST, cutoff=0)
    hint = f" (nearest: {', '.join(nearest)})" if nearest else " (no lessons have any)"
    raise UsageError(f"no practice item {said(item_id)}{hint}")


def _read_stdin() -> str:
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("ANSWER '-' reads standard input: pipe the answer in, or give it")
    data = stdin_bytes()
    problem = utf8_problem(data)
    if problem:
        raise UsageError(f"standard input is not UTF-8 text ({problem})")
    return data.decode("utf-8")


def _measured(item: PracticeItem) -> float | None:
    """What a prediction's experiment measures, run as the practice screen runs it (None for
    the other kinds, and where the measure has no value)."""
    from tutor.lessons.model import PredictSimItem, PredictTrainItem
    from tutor.practice import measures
    from tutor.sim import SimParamError

    if isinstance(item, PredictTrainItem):
        trained = measures.run_training(measures.train_params(item.train))
        return measures.train_measure(trained, item.measure)
    if not isinstance(item, PredictSimItem):
        return None
    try:
        ran = measures.run_lab_state(item.lab.params, item.measure)
    except SimParamError as error:  # over the lab's budget: refused as the screen refuses it
        raise UsageError(f"{item.id}: {error}") from None
    return measures.measure(ran, item.measure)


def _print_feedback(shown: str, item: PracticeItem, grade: Grade) -> None:
    """The screen's feedback, rendered for a terminal (plain text when piped)."""
    from rich.markdown import Markdown
    from rich.text import Text

    from tutor.practice.feedback import verdict

    console, _ = stdout_console()
    console.print(Text.assemble(("You committed: ", "bold"), visible(preview(shown))))
    for part in verdict(item, grade):
        console.print()
        console.print(Markdown(visible(part)))
