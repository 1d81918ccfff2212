"""``restutor notes add``, ``edit`` and ``delete``: the writes, none of which loses a word.

Text that exists nowhere else (piped in, or written in the editor) is put in a file of its
own whenever it cannot be saved, and the one error line says where; text given with
``--body`` or ``--file`` is kept too when the database refuses it. An anchor is checked
against the lesson path before the note is written.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack, closing
from pathlib import Path
from typing import TYPE_CHECKING

from tutor import paths
from tutor.cli.notes_input import (
    Body,
    check_write_options,
    kept_if_refused,
    kept_in,
    lab_anchor_data,
    read_body,
    said,
    utf8_problem,
)
from tutor.cli.options import lesson_dirs, open_store
from tutor.cli.parser import UsageError
from tutor.text import one_line, visible

if TYPE_CHECKING:
    from tutor.store import Note


def _db(args: argparse.Namespace) -> Path:
    return paths.db_path(getattr(args, "db", None))


def _no_note(note_id: int) -> UsageError:
    return UsageError(f"no note {note_id} (see 'restutor notes list')")


def _emptied(note_id: int) -> UsageError:
    return UsageError(
        f"the note cannot be empty: note {note_id} is unchanged "
        f"(to remove it: restutor notes delete {note_id})"
    )


def run_add(args: argparse.Namespace) -> int:
    """Add a note; a doubtful anchor is a warning (an error with ``--strict``)."""
    db = _db(args)
    body = read_body(args, db)
    if not body.text.strip():
        raise UsageError("the note is empty")
    with kept_if_refused(body, db):
        check_write_options(args)
        kind, anchor_id, data = _anchor(args.anchor)
        lesson_id, problem = _checked_anchor(args, kind, anchor_id)
    with kept_if_refused(body, db, writing=True), closing(open_store(args)) as store:
        note = store.add_note(
            body.text,
            kind,
            anchor_id,
            lesson_id=lesson_id,
            tags=args.tag,
            next_action=args.next or "",
            anchor_data=data,
        )
    found = args.lesson is None and lesson_id is not None and kind != "concept"
    print(f"added note {note.id}" + (f" (in lesson {lesson_id})" if found else ""))
    if problem:
        warning = f"restutor: note {note.id} is saved, but {problem} (--strict refuses such a note)"
        print(visible(warning), file=sys.stderr)
    return 0


def _anchor(anchor: str) -> tuple[str, str, dict | None]:
    """``KIND:ID`` read: the kind, the id, and a lab anchor's state."""
    from tutor.notes import ANCHOR_KINDS

    kind, _, anchor_id = anchor.partition(":")
    if kind not in ANCHOR_KINDS or not anchor_id.strip():
        raise UsageError(
            f"--anchor must be KIND:ID with KIND one of {', '.join(ANCHOR_KINDS)} "
            f"(got {said(anchor)})"
        )
    return kind, anchor_id, lab_anchor_data(anchor_id) if kind == "lab" else None


def _checked_anchor(
    args: argparse.Namespace, kind: str, anchor_id: str
) -> tuple[str | None, str | None]:
    """The note's lesson (given, or found from the anchor) and what is doubtful about the
    anchor; an unknown ``--lesson`` is an error, and so is any doubt with ``--strict``."""
    from tutor.notes.checks import LessonPath, check_anchor

    lessons = LessonPath(lesson_dirs(args))
    if args.lesson is not None and (unknown := lessons.unknown_lesson(args.lesson)):
        raise UsageError(f"{unknown}; nothing saved")
    check = check_anchor(kind, anchor_id, args.lesson, lessons)
    if check.problem and args.strict:
        raise UsageError(f"{check.problem}; nothing saved (--strict)")
    return check.lesson_id, check.problem


def run_edit(args: argparse.Namespace) -> int:
    """Rewrite a note from ``--body``/``--file``/``--tag``/``--next``, or in the editor."""
    db = _db(args)
    given = read_body(args, db) if args.body is not None or args.file is not None else None
    if given is not None and not given.text.strip():
        raise _emptied(args.id)
    with ExitStack() as open_here:
        with kept_if_refused(given, db):
            check_write_options(args)
            store = open_here.enter_context(closing(open_store(args)))
            note = store.note(args.id)
            if note is None:
                raise _no_note(args.id)
        body = given or _body_to_save(args, note, db)
        if body is None:
            print(f"note {note.id} unchanged")
            return 0
        tags = args.tag or (() if args.no_tags else note.tags)
        next_action = note.next_action if args.next is None else args.next
        with kept_if_refused(body, db, writing=body.text != note.body):
            if store.update_note(note.id, body.text, tags, next_action) is None:
                raise _no_note(note.id)  # deleted while the editor was open
    print(f"edited note {note.id}")
    return 0


def _body_to_save(args: argparse.Namespace, note: Note, db: Path) -> Body | None:
    """The text an edit without ``--body`` or ``--file`` saves: the note's own when only
    tags or the next action change, else what the learner writes in the editor (None if
    they changed nothing)."""
    if args.tag or args.no_tags or args.next is not None:
        return Body(note.body, read_once=False)
    edited = _edited_in_editor(note, db)
    if edited is None:
        return None
    if not edited.strip():
        raise _emptied(note.id)
    return Body(edited, read_once=True)


def _editor() -> list[str]:
    """The learner's editor as a command: ``$VISUAL``, else ``$EDITOR``, else ``vi``."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        words = shlex.split(command)
    except ValueError as error:
        raise UsageError(f"the editor {said(command)} is not a command line: {error}") from None
    return words or ["vi"]


def _edited_in_editor(note: Note, db: Path) -> str | None:
    """What the learner wrote in the editor over the note's text; None if they changed
    nothing. Anything written that cannot become the note is kept in a file of its own."""
    words = _editor()
    unchanged = f"note {note.id} is unchanged"
    try:
        with tempfile.TemporaryDirectory(
            prefix="restutor-edit-", ignore_cleanup_errors=True
        ) as folder:
            path = Path(folder) / f"note-{note.id}.md"
            path.write_text(note.body, encoding="utf-8")
            code = _run_editor([*words, str(path)], unchanged)
            try:
                data = path.read_bytes()
            except OSError as error:
                raise UsageError(
                    f"the edited file is gone ({error.strerror}); {unchanged}"
                ) from None
    except OSError as error:  # no temporary folder to edit in
        raise UsageError(f"cannot make a file to edit: {error.strerror or error}") from None
    written = data.decode("utf-8", "surrogateescape")
    if code != 0:
        how = f"was stopped by signal {-code}" if code < 0 else f"exited with code {code}"
        lost = written.rstrip("\n") != note.body.rstrip("\n")
        kept = f"; {kept_in(written, db)}" if lost else ""
        raise UsageError(f"the editor {how}: {unchanged}{kept}")
    problem = utf8_problem(data)
    if problem:
        raise UsageError(
            f"the edited text is not UTF-8 ({problem}): {unchanged}; {kept_in(written, db)}"
        )
    if written.rstrip("\n") == note.body.rstrip("\n"):
        return None
    return written


def _run_editor(command: list[str], unchanged: str) -> int:
    """Run the editor and wait for it; its exit code. Ctrl-C belongs to the editor while it
    runs (vi's users press it to leave insert mode): here it must not kill the editor and
    the words in it, so this process ignores it until the editor exits."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return subprocess.run(command, check=False).returncode
    except OSError as error:
        raise UsageError(
            f"cannot run the editor {said(command[0])}: {error.strerror or error} "
            f"(set $VISUAL or $EDITOR); {unchanged}"
        ) from None
    finally:
        signal.signal(signal.SIGINT, previous)


def run_delete(args: argparse.Namespace) -> int:
    """Delete a note and say which it was."""
    with closing(open_store(args)) as store:
        note = store.note(args.id)
        if note is None or store.delete_note(args.id) is None:
            raise _no_note(args.id)
    where = one_line(f"{note.anchor_kind}:{note.anchor_id}", 40)
    print(f"deleted note {note.id} ({where} — {one_line(note.body, 40)})")
    return 0
