"""``restutor practice grade ITEM_ID ANSWER [--json]``: one answer graded headless, exactly as
the practice screen grades it (``tutor.practice.grading.grade_answer``) and told as the screen
tells it (``tutor.practice.feedback``).

A choice is named by its words or its 0-based index; a prediction is graded against its
experiment, run here as the screen runs it (``tutor.practice.measures``). ANSWER ``-`` reads
standard input. Whatever is handed over, the result is the grade or one line and exit 2.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import TYPE_CHECKING

from tutor.cli.notes_input import parse_text, said, stdin_bytes, utf8_problem
from tutor.cli.options import lesson_dirs
from tutor.cli.parser import Parser, UsageError
from tutor.cli.terminal import stdout_console
from tutor.text import preview, visible

if TYPE_CHECKING:
    from tutor.lessons.model import PracticeItem
    from tutor.practice.grading import Grade

#: How many near ids an unknown item id is answered with.
NEAREST = 3


def add_practice_command(parser: Parser) -> None:
    """Hang ``practice`` and its ``grade`` action from ``parser``."""
    practice = parser.add_command(
        "practice",
        help="practice items, headless: grade one answer",
        description="Practice without the screen.",
    )
    practice.start_commands("practice_action", "ACTION", required=True)
    grade = practice.add_command(
        "grade",
        help="grade one answer to a practice item, as the practice screen does",
        description="Grade ANSWER to the practice item ITEM_ID (as in the lesson files, on the "
        "lesson path): a choice's words or 0-based index, a number, a written answer, or a "
        "prediction (its experiment is run). Exit 0 once graded, 2 for an unknown item or an "
        "answer that cannot be graded.",
    )
    grade.add_argument("item_id", type=parse_text, metavar="ITEM_ID")
    grade.add_argument("answer", type=parse_text, metavar="ANSWER", help="'-' reads stdin")
    grade.add_argument(
        "--json",
        action="store_true",
        help='print {"item", "kind", "correct", "found", "missing", "flags", "tolerance"}',
    )
    grade.set_defaults(handler=run_grade)


def run_grade(args: argparse.Namespace) -> int:
    from tutor.practice.grading import NotAChoice, NotANumber, grade_answer, read_choice

    item = _find_item(args, args.item_id)
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


def grade_json(item: PracticeItem, grade: Grade) -> dict:
    """The grade as ``--json`` prints it: ``correct`` is null for a written answer (the
    learner's self-check decides); key ideas and flags are empty lists for other kinds."""
    return {
        "item": item.id,
        "kind": item.kind,
        "correct": None if item.kind == "text" else grade.correct,
        "found": list(grade.covered),
        "missing": list(grade.missing),
        "flags": list(grade.flags),
        "tolerance": grade.tolerance,
    }


def _find_item(args: argparse.Namespace, item_id: str) -> PracticeItem:
    """The item with this id in the first lesson on the lesson path that has one."""
    from tutor.lessons.catalog import load_catalog

    items: dict[str, PracticeItem] = {}
    for lesson in load_catalog(lesson_dirs(args)).lessons:
        for item in lesson.practice:
            items.setdefault(item.id, item)
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
