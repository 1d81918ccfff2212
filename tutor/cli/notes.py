"""``restutor notes``: the research-room notes, headless.

This module holds the parser and the reading side (list, search, show, as lines or as
JSON); the writes (add, edit, delete) are ``notes_edit``'s, export and import are
``notes_files``'. What the learner writes is never lost: see ``notes_edit``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.cli.notes_files import add_file_actions, run_file_action
from tutor.cli.notes_input import parse_lesson_id, parse_note_id, parse_tag, parse_text
from tutor.cli.options import lesson_dirs, open_store
from tutor.cli.parser import Parser, UsageError

if TYPE_CHECKING:
    from tutor.store import Note, Store


#: ``--tag``, on ``add`` and ``edit``: repeatable, each value one whole tag. The writes'
#: text options are checked once the note's text is read (``check_write_options``), so a
#: refused value keeps piped text; the reads' are checked by the parser.
_TAGS: dict = {"action": "append", "default": [], "metavar": "TAG"}


def add_notes_command(parser: Parser) -> None:
    """Hang ``notes`` and its actions from ``parser``."""
    from tutor.notes import ANCHOR_KINDS

    notes = parser.add_command(
        "notes",
        help="research-room notes: list, search, show, add, edit, delete, export, import",
        description="Notes anchored to the exact thing they are about, kept in the database.",
    )
    notes.start_commands("notes_action", "ACTION", required=True)
    listing = notes.add_command("list", help="every note, newest first")
    search = notes.add_command(
        "search", help='full-text search (FTS5: "a phrase", prefix*, AND/OR/NOT)'
    )
    search.add_argument("query", type=parse_text, help="what to look for")
    for action in (listing, search):
        action.add_argument("--lesson", type=parse_lesson_id, help="only notes of this lesson")
        action.add_argument(
            "--tag", type=parse_tag, help="only notes with this tag (matched whole)"
        )
        action.add_argument(
            "--anchor",
            choices=ANCHOR_KINDS,
            metavar="KIND",
            help=f"only notes on this kind of object: {', '.join(ANCHOR_KINDS)}",
        )
        action.add_argument("--json", action="store_true", help="print one JSON array of notes")
    show = notes.add_command("show", help="one note in full, with what it is anchored to")
    _note_id_argument(show)
    show.add_argument("--json", action="store_true", help="print the note as one JSON object")
    _add_writing_commands(notes, ANCHOR_KINDS)
    add_file_actions(notes)
    notes.set_defaults(handler=run_notes)


def _note_id_argument(action: Parser) -> None:
    action.add_argument(
        "id", type=parse_note_id, metavar="ID", help="the note's id (see 'restutor notes list')"
    )


def _add_writing_commands(notes: Parser, kinds: tuple[str, ...]) -> None:
    """``add``, ``edit`` and ``delete``."""
    add = notes.add_command(
        "add",
        help="add a note (its text from --body, --file or standard input)",
        description="Add a note. Its anchor is checked against the lesson path: an object "
        "that is not there is a warning naming the nearest ids (an error with --strict).",
    )
    add.add_argument(
        "--anchor",
        required=True,
        metavar="KIND:ID",
        help=f"what the note is about; KIND is one of {', '.join(kinds)} "
        "(lab:ID takes 'restutor sim' options, e.g. lab:'--depth 60 --plain')",
    )
    add.add_argument(
        "--lesson",
        help="the anchor's lesson (found from the anchor's id if one lesson has it)",
    )
    add.add_argument(
        "--strict", action="store_true", help="refuse an anchor that is not in its lesson"
    )
    _text_arguments(add, "")
    add.add_argument("--tag", **_TAGS, help="a tag, kept whole, spaces and all (repeatable)")
    edit = notes.add_command(
        "edit",
        help="rewrite a note (in $VISUAL or $EDITOR, or from --body, --file, --tag, --next)",
        description="Rewrite a note's text, tags or next action; its anchor stays. Without "
        "--body or --file the text opens in $VISUAL, else $EDITOR, else vi.",
    )
    _note_id_argument(edit)
    _text_arguments(edit, "new ")
    tags = edit.add_mutually_exclusive_group()
    tags.add_argument("--tag", **_TAGS, help="the note's tags become the ones given (repeatable)")
    tags.add_argument("--no-tags", action="store_true", help="remove every tag")
    delete = notes.add_command("delete", help="delete a note (export first to keep a copy)")
    _note_id_argument(delete)


def _text_arguments(action: Parser, new: str) -> None:
    """``--body``/``--file`` (one or the other) and ``--next``."""
    given = action.add_mutually_exclusive_group()
    given.add_argument("--body", help=f"the note's {new}text (Markdown)")
    given.add_argument(
        "--file",
        type=Path,
        help=f"read the note's {new}text from this file ('-': standard input)",
    )
    action.add_argument("--next", metavar="ACTION", help=f"the {new}next action")


def run_notes(args: argparse.Namespace) -> int:
    """Do the one notes action ``args.notes_action`` names, on the database ``--db`` names."""
    from tutor.cli import notes_edit

    writes = {
        "add": notes_edit.run_add,
        "edit": notes_edit.run_edit,
        "delete": notes_edit.run_delete,
    }
    action = args.notes_action
    if action in writes:
        return writes[action](args)
    store = open_store(args)
    try:
        if action in ("list", "search"):
            _check_lesson(args, store)
            query = args.query if action == "search" else ""
            found = store.notes(args.lesson, args.tag, args.anchor, query=query)
            _print_notes(found, args.json)
        elif action == "show":
            _show(args, store)
        else:
            return run_file_action(args, store, anchored_content_of(args))
        return 0
    finally:
        store.close()


def _check_lesson(args: argparse.Namespace, store: Store) -> None:
    """``--lesson`` must name a lesson on the path, or one that notes are kept on (a lesson
    taken off the path keeps its notes)."""
    from tutor.notes.checks import LessonPath

    if args.lesson is None:
        return
    unknown = LessonPath(lesson_dirs(args)).unknown_lesson(args.lesson)
    if unknown and not store.notes(lesson_id=args.lesson, limit=1):
        raise UsageError(unknown)


def note_json(note: Note) -> dict:
    """A note as ``--json`` prints it: every field, under names that will not change."""
    return {
        "id": note.id,
        "uid": note.uid,
        "body": note.body,
        "tags": list(note.tags),
        "next_action": note.next_action,
        "anchor_kind": note.anchor_kind,
        "anchor_id": note.anchor_id,
        "lesson_id": note.lesson_id,
        "anchor_data": note.anchor_data,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def _dump(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _show(args: argparse.Namespace, store: Store) -> None:
    from tutor import notes as notes_module

    note = store.note(args.id)
    if note is None:
        raise UsageError(f"no note {args.id} (see 'restutor notes list')")
    if args.json:
        _dump(note_json(note))
    else:
        print(
            notes_module.to_markdown([note], anchored_content_of(args), front_matter=False), end=""
        )


def _print_notes(found: list[Note], as_json: bool) -> None:
    """One line a note, its body's start only (``show`` prints all of it); or JSON."""
    from tutor.text import one_line

    if as_json:
        _dump([note_json(note) for note in found])
        return
    if not found:
        print("no notes")
        return
    for note in found:
        first = one_line(note.body, 70)
        where = f"{note.anchor_kind}:{note.anchor_id}"
        tags = f" [{', '.join(note.tags)}]" if note.tags else ""
        print(f"{note.id:5d}  {where:32.32}  {first}{tags}")


def anchored_content_of(args: argparse.Namespace) -> Callable[[Note], str]:
    """What each note is anchored to, read from its lesson (each lesson read once)."""
    from tutor.notes import anchored_content
    from tutor.notes.checks import LessonPath

    lessons = LessonPath(lesson_dirs(args))

    def content(note: Note) -> str:
        lesson_id = note.lesson_id or (note.anchor_id if note.anchor_kind == "concept" else None)
        return anchored_content(note, lessons.lesson(lesson_id))

    return content
