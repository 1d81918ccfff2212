"""``restutor validate`` and ``restutor glossary``: the lesson files, read headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.cli.options import lesson_dirs
from tutor.cli.parser import Parser, UsageError
from tutor.cli.terminal import stdout_console
from tutor.text import visible


def add_lesson_commands(parser: Parser) -> None:
    """Hang ``validate`` and ``glossary`` from ``parser``."""
    validate = parser.add_command(
        "validate",
        help="check lesson files: one line per problem, path:line: message",
        description="Lint lesson files or folders (default: every lesson on the lesson path). "
        "Exit 0 when there is no error, 1 otherwise; warnings do not fail.",
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", type=Path)
    validate.set_defaults(handler=run_validate)

    glossary = parser.add_command(
        "glossary",
        help="the terms of all lessons, or one term's entry",
        description="Print the glossary of every lesson on the lesson path, or the entry for "
        "TERM (aliases match; close misspellings are suggested).",
    )
    glossary.add_argument("term", nargs="?", metavar="TERM")
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
    for problem in problems:
        print(problem)  # a Problem prints with its control characters visible
    errors = sum(p.severity == "error" for p in problems)
    checked = len(targets) if targets is not None else len(catalog.files)
    print(
        f"{checked} lesson file(s) checked: {errors} error(s), {len(problems) - errors} warning(s)",
        file=sys.stderr,
    )
    return 1 if errors else 0


def run_glossary(args: argparse.Namespace) -> int:
    """Every term with its first sentence, or one term's whole entry (exit 1 if unknown).

    Lesson text goes out as Rich ``Text``, never as markup: a term holding ``[/]`` would
    raise, ``[draft]`` would vanish."""
    from rich.markdown import Markdown
    from rich.padding import Padding
    from rich.text import Text

    from tutor.lessons.catalog import load_catalog
    from tutor.lessons.glossary import entries, lookup, suggestions

    all_entries = entries(load_catalog(lesson_dirs(args)).lessons)
    console, _ = stdout_console(soft_wrap=False)
    if args.term is None:
        if not all_entries:
            raise UsageError("no lessons found on the lesson path")
        for entry in all_entries:
            text = " ".join(entry.term.definition.split())
            first_sentence = text.split(". ")[0].rstrip(".") + "."
            line = Text(entry.term.term, style="bold")
            if entry.term.aliases:
                line.append(f" ({', '.join(entry.term.aliases)})", style="dim")
            line.append(f"  {entry.lesson.id}", style="dim")
            console.print(line)
            console.print(Padding(Text(first_sentence), (0, 0, 1, 4)))
        return 0
    found = lookup(all_entries, args.term)
    if not found:
        close = suggestions(all_entries, args.term)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        print(visible(f"restutor: no glossary term '{args.term}'{hint}"), file=sys.stderr)
        return 1
    for entry in found:
        term = entry.term
        console.print(Text.assemble((term.term, "bold"), f"  ({entry.lesson.title})"))
        if term.aliases:
            console.print(Text(f"also called: {', '.join(term.aliases)}"))
        console.print(Markdown(term.definition))
        if term.related:
            console.print(Text(f"related: {', '.join(term.related)}"))
        console.print()
    return 0
