"""``restutor notes``: the research-room notes, headless (list, search, show, add, export,
import).

What the learner writes is never lost: text read from standard input that the database
refuses is put in a file first, and the error says where.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.cli.notes_files import add_file_actions, run_file_action
from tutor.cli.options import lesson_dirs, open_store
from tutor.cli.parser import Parser, UsageError

if TYPE_CHECKING:
    from tutor.store import Note, Store


def add_notes_command(parser: Parser) -> None:
    """Hang ``notes`` and its actions from ``parser``."""
    from tutor.notes import ANCHOR_KINDS

    notes = parser.add_command(
        "notes",
        help="research-room notes: list, search, show, add, export, import",
        description="Notes anchored to the exact thing they are about, kept in the database.",
    )
    notes.start_commands("notes_action", "ACTION", required=True)
    listing = notes.add_command("list", help="every note, newest first")
    search = notes.add_command(
        "search", help='full-text search (FTS5: "a phrase", prefix*, AND/OR/NOT)'
    )
    search.add_argument("query")
    for action in (listing, search):
        action.add_argument("--lesson", help="only notes of this lesson")
        action.add_argument("--tag", help="only notes with this tag")
        action.add_argument(
            "--anchor", choices=ANCHOR_KINDS, help="only notes on this kind of object"
        )
    show = notes.add_command("show", help="one note in full")
    show.add_argument("id", type=int)
    add = notes.add_command("add", help="add a note (body from --body, --file or standard input)")
    add.add_argument(
        "--anchor",
        required=True,
        metavar="KIND:ID",
        help=f"what the note is about; KIND is one of {', '.join(ANCHOR_KINDS)}",
    )
    add.add_argument("--lesson", help="the lesson the anchor belongs to")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument("--next", default="", metavar="ACTION", help="the next action")
    add.add_argument("--body", help="the note's text (Markdown)")
    add.add_argument("--file", type=Path, help="read the note's text from this file")
    add_file_actions(notes)
    notes.set_defaults(handler=run_notes)


def run_notes(args: argparse.Namespace) -> int:
    """Do the one notes action ``args.notes_action`` names, on the database ``--db`` names."""
    from tutor import notes as notes_module

    store = open_store(args)
    try:
        action = args.notes_action
        if action in ("list", "search"):
            query = args.query if action == "search" else ""
            _print_note_lines(store.notes(args.lesson, args.tag, args.anchor, query=query))
        elif action == "show":
            note = store.note(args.id)
            if note is None:
                raise UsageError(f"no note {args.id} (see 'restutor notes list')")
            print(notes_module.to_markdown([note], anchored_content_of(args)), end="")
        elif action == "add":
            return _add_note(args, store)
        else:
            return run_file_action(args, store, anchored_content_of(args))
        return 0
    finally:
        store.close()


def _add_note(args: argparse.Namespace, store: Store) -> int:
    from tutor.notes import ANCHOR_KINDS

    kind, _, anchor_id = args.anchor.partition(":")
    if kind not in ANCHOR_KINDS or not anchor_id:
        raise UsageError(
            f"--anchor must be KIND:ID with KIND one of {', '.join(ANCHOR_KINDS)} "
            f"(got '{args.anchor}')"
        )
    if args.body is not None:
        body = args.body
    elif args.file is not None:
        try:
            body = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read {args.file}: {error}") from None
    elif not sys.stdin.isatty():
        body = sys.stdin.read()
    else:
        raise UsageError("give the note's text with --body, --file, or on standard input")
    if not body.strip():
        raise UsageError("the note is empty")
    data = None
    if kind == "lab":
        data = _lab_params(anchor_id)
    from tutor.store import StoreError

    try:
        note = store.add_note(
            body,
            kind,
            anchor_id,
            lesson_id=args.lesson,
            tags=tuple(args.tag),
            next_action=args.next,
            anchor_data=data,
        )
    except StoreError as error:
        if args.body is not None or args.file is not None:
            raise  # the text is still where the learner gave it
        raise StoreError(f"{error}; your text is kept in {_keep_text(body)}") from None
    print(f"added note {note.id}")
    return 0


def _keep_text(body: str) -> Path:
    """Standard input is read once: when the database refuses it, put it somewhere safe."""
    import tempfile

    handle, name = tempfile.mkstemp(prefix="restutor-note-", suffix=".md")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(body)
    return Path(name)


def _lab_params(command: str) -> dict:
    """A lab anchor's id is its `restutor sim` options, e.g. 'lab:--depth=60 --plain'."""
    import shlex

    from tutor.cli import params_from_words
    from tutor.sim import SimParamError

    try:
        return params_from_words(["sim", *shlex.split(command)]).to_dict()
    except (SimParamError, ValueError) as error:
        raise UsageError(f"--anchor lab:OPTIONS takes 'restutor sim' options: {error}") from None


def _print_note_lines(found: list[Note]) -> None:
    """One line a note, its body's start only (``show`` prints all of it)."""
    from tutor.text import one_line

    if not found:
        print("no notes")
        return
    for note in found:
        first = one_line(note.body, 70)
        where = f"{note.anchor_kind}:{note.anchor_id}"
        tags = f" [{' '.join(note.tags)}]" if note.tags else ""
        print(f"{note.id:5d}  {where:32.32}  {first}{tags}")


def anchored_content_of(args: argparse.Namespace) -> Callable[[Note], str]:
    """What each note is anchored to, read from its lesson (each lesson read once)."""
    from tutor.lessons.index import read_index
    from tutor.lessons.loader import read_lesson
    from tutor.notes import anchored_content

    paths_by_id = {s.id: s.path for s in read_index(lesson_dirs(args))}
    cache: dict = {}

    def content(note: Note) -> str:
        lesson_id = note.lesson_id or (note.anchor_id if note.anchor_kind == "concept" else None)
        if lesson_id not in cache:
            path = paths_by_id.get(lesson_id)
            cache[lesson_id] = read_lesson(path).lesson if path else None
        return anchored_content(note, cache[lesson_id])

    return content
