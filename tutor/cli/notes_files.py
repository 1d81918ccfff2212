"""``restutor notes export`` and ``notes import``: the learner's notes as files.

An export goes to standard output, to a file (never the database, never half-written),
or to an Obsidian vault folder. An import checks the whole file, then each note: every
refused note is one line on stderr (``FILE: note N: problem``), the good ones are
imported together, and the summary says how many were imported, already there, refused.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.cli.parser import EXIT_BAD_INPUT, Parser, UsageError
from tutor.text import visible

if TYPE_CHECKING:
    from tutor.store import Note, Store


def add_file_actions(notes: Parser) -> None:
    """Hang ``export`` and ``import`` from the ``notes`` command."""
    export = notes.add_command(
        "export", help="every note as Markdown, JSON, or an Obsidian vault (--out DIR)"
    )
    export.add_argument("--format", choices=("md", "json", "vault"), default="md")
    export.add_argument(
        "--out", type=Path, help="write here instead of standard output (a folder for vault)"
    )
    load = notes.add_command("import", help="add notes from a JSON export (no duplicates)")
    load.add_argument("path", type=Path)


def run_file_action(args: argparse.Namespace, store: Store, anchored: Callable[[Note], str]) -> int:
    """Export or import, as ``args.notes_action`` says."""
    if args.notes_action == "export":
        return _export(args, store, anchored)
    return _import(args.path, store)


def shown_path(path: Path) -> str:
    """A path as a line may show it (a name may hold bytes that are not UTF-8)."""
    return visible(str(path).encode("utf-8", "backslashreplace").decode("utf-8"))


def _export(args: argparse.Namespace, store: Store, anchored: Callable[[Note], str]) -> int:
    from tutor import notes as notes_module
    from tutor.notes.writing import RefusedWrite

    everything = store.notes()
    exported_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        if args.format == "vault":
            if args.out is None:
                raise UsageError("--format vault writes a folder: give it with --out DIR")
            pages = notes_module.vault_pages(everything, anchored, exported_at)
            notes_module.write_vault(args.out, pages, store.path)
            print(f"wrote {len(everything)} note(s) as a vault in {shown_path(args.out)}")
            return 0
        if args.format == "json":
            text = notes_module.to_json(everything)
        else:
            text = notes_module.to_markdown(everything, anchored, exported_at=exported_at)
        if args.out is None:
            print(text, end="")
            return 0
        notes_module.write_export(args.out, text, store.path)
    except RefusedWrite as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {args.out}: {error.strerror or error}") from None
    print(f"wrote {shown_path(args.out)}")
    return 0


def _import(path: Path, store: Store) -> int:
    from tutor import notes as notes_module

    try:
        checked = notes_module.read_export(path)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except notes_module.BadExport as error:
        raise UsageError(f"{path}: {error}") from None
    for problem in checked.problems:
        print(visible(f"{shown_path(path)}: {problem}"), file=sys.stderr)
    added = store.import_notes(checked.notes)
    present = len(checked.notes) - added
    refused = len(checked.problems)
    print(
        f"imported {added} new note(s) from {shown_path(path)}; "
        f"{present} already present, {refused} refused"
    )
    return EXIT_BAD_INPUT if refused else 0
