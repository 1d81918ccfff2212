"""``restutor validate`` and ``restutor glossary``: the lesson files, read headless."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.cli.options import lesson_dirs
from tutor.cli.parser import Parser, UsageError
from tutor.cli.terminal import stdout_console
from tutor.text import visible

if TYPE_CHECKING:
    from rich.console import Console

    from tutor.lessons.glossary import Entry
    from tutor.lessons.loader import LessonFile
    from tutor.lessons.yamlio import Problem


def add_lesson_commands(parser: Parser) -> None:
    """Hang ``validate`` and ``glossary`` from ``parser``."""
    validate = parser.add_command(
        "validate",
        help="check lesson files: one line per problem, path:line: message",
        description="Lint lesson files or folders (default: every lesson on the lesson path). "
        "Each code exercise's reference solution must pass its tests and its starter fail "
        "them: run for restutor's own lessons, and for others with --run-code. "
        "Exit 0 when there is no error, 1 otherwise; warnings do not fail.",
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", type=Path)
    validate.add_argument(
        "--run-code",
        action="store_true",
        help="run the code exercises of lesson files that are not restutor's own",
    )
    validate.add_argument(
        "--json",
        action="store_true",
        help='print the problems as one JSON list of {"path", "line", "severity", "message"}',
    )
    validate.set_defaults(handler=run_validate)

    glossary = parser.add_command(
        "glossary",
        help="the terms of all lessons, or one term's entry",
        description="Print the glossary of every lesson on the lesson path, or the entry for "
        "TERM (aliases match; close misspellings are suggested).",
    )
    glossary.add_argument("term", nargs="?", metavar="TERM")
    glossary.add_argument(
        "--json",
        action="store_true",
        help="print the entries (every one, or TERM's) as one JSON list",
    )
    glossary.set_defaults(handler=run_glossary)


def run_validate(args: argparse.Namespace) -> int:
    """One line per problem; exit 1 when any is an error (warnings do not fail)."""
    from tutor.lessons.catalog import load_catalog
    from tutor.lessons.index import lesson_files

    missing = [str(p) for p in args.paths if not (p.exists() or p.is_symlink())]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    targets = lesson_files(args.paths) if args.paths else None
    catalog = load_catalog([*(targets or []), *lesson_dirs(args)])
    problems = catalog.problems_in(targets) if targets is not None else sorted(catalog.problems)
    checked_files = catalog.files_in(targets) if targets is not None else catalog.files
    problems = sorted([*problems, *exercise_problems(checked_files, args.run_code)])
    if args.json:
        print(json.dumps([problem_record(p) for p in problems], indent=2))
    else:
        for problem in problems:
            print(problem)  # a Problem prints with its control characters visible
    errors = sum(p.severity == "error" for p in problems)
    checked = len(targets) if targets is not None else len(catalog.files)
    print(
        f"{checked} lesson file(s) checked: {errors} error(s), {len(problems) - errors} warning(s)",
        file=sys.stderr,
    )
    return 1 if errors else 0


def problem_record(problem: Problem) -> dict[str, object]:
    """A problem as ``validate --json`` prints it (JSON escapes every control character)."""
    return {
        "path": str(problem.path),
        "line": problem.line,
        "severity": problem.severity,
        "message": problem.message,
    }


def exercise_problems(files: list[LessonFile], run_code: bool) -> list[Problem]:
    """Each code exercise's reference and starter run against its tests (in parallel, in
    the bounded runner): those of restutor's own lessons, and of the others with
    ``run_code``; for each other file, one warning that its exercises were not run."""
    from concurrent.futures import ThreadPoolExecutor

    from tutor.lessons.model import CodeItem
    from tutor.practice.code_check import exercise_problems as problems_of

    problems, to_run = [], []
    for file in files:
        if file.lesson is None:
            continue
        exercises = [
            (index, item)
            for index, item in enumerate(file.lesson.practice)
            if isinstance(item, CodeItem)
        ]
        if exercises and not (run_code or file.origin.builtin):
            problems.append(
                file.problem(
                    ("practice",),
                    f"{len(exercises)} code exercise(s) not run: their tests are this file's "
                    "code; validate --run-code runs them",
                    "warning",
                )
            )
        elif exercises:
            to_run.extend((file, index, item) for index, item in exercises)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = pool.map(lambda run: problems_of(run[2]), to_run)
        for (file, index, item), item_problems in zip(to_run, found, strict=True):
            for field, message in item_problems:
                problems.append(file.problem(("practice", index, field), f"{item.id}: {message}"))
    return problems


def run_glossary(args: argparse.Namespace) -> int:
    """Every term with its first sentence, or one term's whole entry (exit 1 if unknown);
    ``--json``: those entries as ``entry_record`` objects.

    A definition is Markdown: on a terminal Rich draws it (bold, code, links you can
    click); through a pipe it is plain text, links as "text (url)" and no escape code.
    Names and aliases go out as Rich ``Text``, never as markup: a term holding ``[/]``
    would raise, ``[draft]`` would vanish."""
    from rich.text import Text

    from tutor.lessons.catalog import load_catalog
    from tutor.lessons.glossary import entries, lookup, suggestions

    all_entries = entries(load_catalog(lesson_dirs(args)).lessons)
    if args.term is None and not all_entries:
        raise UsageError("no lessons found on the lesson path")
    found = all_entries if args.term is None else lookup(all_entries, args.term)
    if not found:
        close = suggestions(all_entries, args.term)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        print(visible(f"restutor: no glossary term '{args.term}'{hint}"), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([entry_record(entry) for entry in found], indent=2))
        return 0
    console, _ = stdout_console(soft_wrap=False)
    if args.term is None:
        for entry in all_entries:
            line = Text(entry.term.term, style="bold")
            if entry.term.aliases:
                line.append(f" ({', '.join(entry.term.aliases)})", style="dim")
            line.append(f"  {entry.lesson.id}", style="dim")
            console.print(line, soft_wrap=True)  # one line, however long
            _print_markdown(console, first_sentence(entry.term.definition), indent=4)
            console.print()
        return 0
    for entry in found:
        term = entry.term
        console.print(Text.assemble((term.term, "bold"), f"  ({entry.lesson.title})"))
        if term.aliases:
            console.print(Text(f"also called: {', '.join(term.aliases)}"))
        _print_markdown(console, term.definition)
        if term.related:
            console.print(Text(f"related: {', '.join(term.related)}"))
        console.print()
    return 0


def entry_record(entry: Entry) -> dict[str, object]:
    """A glossary entry as ``glossary --json`` prints it: the definition as its Markdown."""
    term = entry.term
    return {
        "term": term.term,
        "aliases": term.aliases,
        "lesson": entry.lesson.id,
        "lesson_title": entry.lesson.title,
        "definition": term.definition,
        "related": term.related,
    }


def first_sentence(markdown: str) -> str:
    """The first sentence of ``markdown``: up to the first ". " outside a code span."""
    text = " ".join(markdown.split())
    start = 0
    while (end := text.find(". ", start)) >= 0:
        if text.count("`", 0, end) % 2 == 0:
            return text[: end + 1]
        start = end + 2
    return text


def _print_markdown(console: Console, markdown: str, indent: int = 0) -> None:
    """``markdown`` drawn by Rich on a terminal; plain text through a pipe, each line's
    trailing padding dropped."""
    from rich.markdown import Markdown
    from rich.padding import Padding

    drawn = Padding(Markdown(markdown, hyperlinks=console.is_terminal), (0, 0, 0, indent))
    if console.is_terminal:
        console.print(drawn)
        return
    with console.capture() as captured:
        console.print(drawn)
    console.print("\n".join(line.rstrip() for line in captured.get().splitlines()), markup=False)
