"""``restutor notes export`` and ``notes import``: the learner's notes as files."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.cli.parser import Parser, UsageError

if TYPE_CHECKING:
    from tutor.store import Note, Store


def add_file_actions(notes: Parser) -> None:
    """Hang ``export`` and ``import`` from the ``notes`` command."""
    export = notes.add_command("export", help="every note as Markdown or JSON")
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("--out", type=Path, help="write here instead of standard output")
    load = notes.add_command("import", help="add notes from a JSON export (no duplicates)")
    load.add_argument("path", type=Path)


def run_file_action(args: argparse.Namespace, store: Store, anchored: Callable[[Note], str]) -> int:
    """Export or import, as ``args.notes_action`` says."""
    from tutor import notes as notes_module

    if args.notes_action == "export":
        everything = store.notes()
        text = (
            notes_module.to_json(everything)
            if args.format == "json"
            else notes_module.to_markdown(everything, anchored)
        )
        _write_out(args.out, text)
        return 0
    try:
        text = args.path.read_text(encoding="utf-8")
        added = store.import_notes(notes_module.from_json(text))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {args.path}: {error}") from None
    except notes_module.BadExport as error:
        raise UsageError(f"{args.path}: {error}") from None
    print(f"imported {added} new note(s) from {args.path}")
    return 0


def _write_out(out: Path | None, text: str) -> None:
    if out is None:
        print(text, end="")
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {out}: {error.strerror or error}") from None
    print(f"wrote {out}")
