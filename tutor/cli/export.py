"""``restutor export anki``: the practice items of the lesson path as an Anki package.

The deck is built by the core (``tutor.practice.anki``); this command finds the lessons,
writes the file where ``--out`` says (whole or not at all, never over the database), and
says what went in and what was left out.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from tutor import paths
from tutor.cli.notes_files import shown_path
from tutor.cli.options import lesson_dirs
from tutor.cli.parser import Parser, UsageError

if TYPE_CHECKING:
    from tutor.practice.anki import AnkiExport

#: Where the package goes when ``--out`` is not given (in the current folder).
DEFAULT_OUT = Path("restutor.apkg")


def add_export_command(parser: Parser) -> None:
    """Hang ``export`` and its ``anki`` format from ``parser``."""
    export = parser.add_command(
        "export",
        help="take the practice items elsewhere: export anki writes an Anki deck",
        description="Export what restutor teaches for use in other tools.",
    )
    export.start_commands("export_format", "FORMAT", required=True)
    anki = export.add_command(
        "anki",
        help="every choice, number and text item as an Anki note (.apkg)",
        description="Write every choice, number and text practice item of the lessons on the "
        "lesson path as a note of an Anki package, one deck per lesson under 'restutor'. "
        "Importing a later export updates these cards instead of adding new ones. "
        "Predictions and code exercises need restutor to run: they are left out, and counted.",
    )
    anki.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="FILE",
        help="the .apkg file to write (default: %(default)s in the current folder)",
    )
    anki.add_argument(
        "--json",
        action="store_true",
        help='print {"out", "notes", "decks", "left_out": {"predict-sim": n, …}}',
    )
    anki.set_defaults(handler=run_anki)


def run_anki(args: argparse.Namespace) -> int:
    from tutor.lessons.catalog import load_catalog
    from tutor.notes.writing import RefusedWrite, write_export
    from tutor.practice.anki import build_export

    out: Path = args.out
    if str(out) == "-":
        raise UsageError("--out -: an .apkg is a zip file, not text for a pipe; name the file")
    if out.is_dir():
        raise UsageError(f"--out {shown_path(out)} is a folder: name the .apkg file to write")
    lessons = load_catalog(lesson_dirs(args)).lessons
    if not lessons:
        raise UsageError("no lessons found on the lesson path")
    export = build_export(lessons)
    try:
        write_export(out, export.apkg(), paths.db_path(getattr(args, "db", None)))
    except RefusedWrite as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {shown_path(out)}: {error.strerror or error}") from None
    if args.json:
        print(json.dumps({"out": str(out), **_counts(export)}))
    else:
        print(f"wrote {shown_path(out)}: {summary(export)}")
    return 0


def _counts(export: AnkiExport) -> dict[str, object]:
    return {"notes": export.notes, "decks": export.decks, "left_out": export.left_out}


def summary(export: AnkiExport) -> str:
    """ "42 notes in 7 decks; left out 20 predict and 10 code items (they need restutor to
    run)"; and the items whose id an earlier lesson already took, if any."""
    left = export.left_out
    said = f"{_count(export.notes, 'note')} in {_count(export.decks, 'deck')}"
    predict, code = left["predict-sim"] + left["predict-train"], left["code"]
    kinds = [f"{n} {what}" for n, what in ((predict, "predict"), (code, "code")) if n]
    if kinds:
        items = "item" if predict + code == 1 else "items"
        said += f"; left out {' and '.join(kinds)} {items} (they need restutor to run)"
    if left["same-id"]:
        said += (
            f"; left out {_count(left['same-id'], 'item')} whose id an earlier lesson already uses"
        )
    return said


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"
