"""What the learner hands the notes commands, read so that nothing is lost or crashes.

The parser's types (a note id in SQLite's range, text that is UTF-8, a tag that is one
clean line), the note's text (from ``--body``, ``--file`` or standard input, read as
bytes so that bad UTF-8 is named rather than raised), the lab anchor's options (parsed
without ``--help``: an option must never print help and drop the note), and keeping text
that was read once when what follows refuses it.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tutor.cli.options import NETWORK_OPTIONS, TRAINING_OPTIONS
from tutor.cli.parser import Parser, UsageError
from tutor.text import one_line, visible

#: The largest id SQLite can hold (ids start at 1).
MAX_NOTE_ID = 2**63 - 1


def said(text: str) -> str:
    """The learner's input quoted in a one-line message (it may be long, or hold newlines)."""
    return f"'{one_line(visible(text), 60)}'"


def parse_note_id(text: str) -> int:
    """The parser's type of a note id: a whole number SQLite can hold."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_NOTE_ID:
        raise argparse.ArgumentTypeError(
            f"a note id is a whole number from 1 to {MAX_NOTE_ID} (got {said(text)})"
        )
    return value


def _argv_bytes(text: str) -> bytes:
    """A command-line word as the bytes it was typed in (Python decodes the command line
    with surrogateescape, so a byte that is not UTF-8 arrives as a lone surrogate)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def utf8_problem(data: bytes) -> str | None:
    """Where ``data`` stops being UTF-8 ("byte 0xff at offset 3"), or None if it is all UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"byte 0x{data[error.start]:02x} at offset {error.start}"
    return None


def stdin_bytes() -> bytes:
    """All of standard input, as bytes (an unreadable one is one line)."""
    stdin = sys.stdin
    try:
        return stdin.buffer.read() if stdin is not None else b""
    except OSError as error:
        raise UsageError(f"cannot read standard input: {error.strerror or error}") from None


def parse_text(value: str) -> str:
    """The parser's type of every text option: UTF-8 (the database holds nothing else)."""
    problem = utf8_problem(_argv_bytes(value))
    if problem:
        raise argparse.ArgumentTypeError(f"not UTF-8 text ({problem})")
    return value


def parse_lesson_id(value: str) -> str:
    """The parser's type of ``--lesson``: UTF-8 text that is not empty."""
    if not value.strip():
        raise argparse.ArgumentTypeError("a lesson id cannot be empty")
    return parse_text(value)


def parse_tag(value: str) -> str:
    """The parser's type of ``--tag``: one tag, kept whole (spaces and all) but for the
    spaces around it; never empty, never a control character or a line break."""
    cleaned = parse_text(value).strip()
    if not cleaned:
        raise argparse.ArgumentTypeError("a tag cannot be empty")
    hidden = [c for c in cleaned if visible(c) != c or (c.isspace() and c != " ")]
    if hidden:
        raise argparse.ArgumentTypeError(
            f"a tag is one line without control characters ({hidden[0]!r} in {said(cleaned)})"
        )
    return cleaned


def _checked(option: str, check: Callable[[str], str], value: str) -> str:
    try:
        return check(value)
    except argparse.ArgumentTypeError as error:
        raise UsageError(f"argument {option}: {error}") from None


#: The text options of ``add`` and ``edit`` and the check each takes (``--tag`` aside).
_WRITE_OPTIONS = {"anchor": parse_text, "lesson": parse_lesson_id, "next": parse_text}


def check_write_options(args: argparse.Namespace) -> None:
    """Check (and tidy) the options of ``add`` and ``edit``: done after the note's text is
    read, not by the parser, so that a refused value keeps piped text instead of leaving
    it unread. Each tag is kept once, in the order given."""
    for name, check in _WRITE_OPTIONS.items():
        value = getattr(args, name, None)
        if value is not None:
            setattr(args, name, _checked(f"--{name}", check, value))
    args.tag = list(dict.fromkeys(_checked("--tag", parse_tag, value) for value in args.tag))


@dataclass(frozen=True)
class Body:
    """A note's text, and whether it was read once (standard input, an editor's buffer):
    such text exists nowhere else, so it is kept in a file when it cannot be saved."""

    text: str
    read_once: bool


def kept_in(text: str, db: Path) -> str:
    """Put ``text`` in a file of its own and say where (or that even that failed)."""
    from tutor.notes.keep import keep_text

    try:
        return f"your text is kept in {keep_text(text, db)}"
    except OSError as error:
        return f"your text could not be kept either ({error.strerror or error})"


@contextmanager
def kept_if_refused(body: Body | None, db: Path, *, writing: bool = False) -> Iterator[None]:
    """An error inside says where the learner's text now is: always while ``writing`` (the
    database refused it), otherwise only for text that was read once."""
    from tutor.store import StoreError

    kept = body.text if body is not None and (writing or body.read_once) else None
    try:
        yield
    except (UsageError, StoreError) as error:
        if kept is None:
            raise
        said_where = f"{error}; {kept_in(kept, db)}"
        raise (UsageError if isinstance(error, UsageError) else StoreError)(said_where) from None
    except KeyboardInterrupt:
        if kept is not None:
            print(visible(f"restutor: {kept_in(kept, db)}"), file=sys.stderr)
        raise


def read_body(args: argparse.Namespace, db: Path) -> Body:
    """The note's text: ``--body``, else ``--file`` (``-`` for standard input), else
    standard input when it is not a terminal. Text that is not UTF-8 is refused, and what
    came from standard input is kept byte for byte."""
    if args.body is not None:
        return Body(_checked("--body", parse_text, args.body), read_once=False)
    if args.file is not None and str(args.file) != "-":
        try:
            data = args.file.read_bytes()
        except OSError as error:
            raise UsageError(f"cannot read {args.file}: {error.strerror or error}") from None
        problem = utf8_problem(data)
        if problem:
            raise UsageError(f"{args.file} is not UTF-8 text ({problem})")
        return Body(data.decode("utf-8"), read_once=False)
    stdin = sys.stdin
    if args.file is None and (stdin is None or stdin.isatty()):
        raise UsageError("give the note's text with --body, --file, or on standard input")
    data = stdin_bytes()
    problem = utf8_problem(data)
    if problem:
        kept = kept_in(data.decode("utf-8", "surrogateescape"), db)
        raise UsageError(f"standard input is not UTF-8 text ({problem}); {kept}")
    return Body(data.decode("utf-8"), read_once=True)


#: The lab tabs whose anchor id starts with their name (the Signal tab's has none).
_NAMED_TABS = ("lesion", "train")


def lab_anchor_data(anchor_id: str) -> dict:
    """The lab state a lab anchor's id names, as the lab writes it: ``[lesion|train]``
    then the command's options, or ``defaults`` (``--depth=60 --plain``, ``train
    --steps 50``). The options are parsed without ``--help``, so no id prints help."""
    from tutor.notes import lab_anchor_data as state_data
    from tutor.sim import SimParamError

    problem = (
        "--anchor lab:OPTIONS takes the options of 'restutor sim' "
        "(or 'lesion OPTIONS', 'train OPTIONS')"
    )
    try:
        words = shlex.split(anchor_id)
    except ValueError as error:
        raise UsageError(f"{problem}: {error}") from None
    experiment = words.pop(0) if words[:1] and words[0] in _NAMED_TABS else "signal"
    if words == ["defaults"]:
        words = []
    options = TRAINING_OPTIONS if experiment == "train" else NETWORK_OPTIONS
    command = {"signal": "sim"}.get(experiment, experiment)
    parser = Parser(prog=f"restutor {command}", add_help=False)
    options.add(parser)
    try:
        named = parser.parse_args(words)
    except UsageError as error:
        raise UsageError(f"{problem}: {error}") from None
    try:
        params = options.params(named)
    except SimParamError as error:
        raise UsageError(f"--anchor lab:{one_line(anchor_id, 60)}: {error}") from None
    return state_data(experiment, params)
