"""Reading a YAML lesson file safely and fast, with every problem at its line.

Kept free of pydantic so the map can paint from a light index of the lesson
files before the full models are even imported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from tutor.lessons.files import RefusedFile, read_regular_file
from tutor.text import visible

#: Lesson files bigger than this are refused before parsing.
MAX_FILE_BYTES = 2_000_000
#: Aliases may repeat text, but never past what one file may hold: a 90 kB string
#: aliased a thousand times is 90 MB for every screen that shows it.
MAX_EXPANDED_CHARS = MAX_FILE_BYTES
#: A number written with more characters than this is refused before Python converts it
#: (an integer of over 4,300 digits cannot even be converted; no lesson needs 30).
MAX_NUMBER_CHARS = 100
#: A document that would expand past this many nodes (through aliases: a YAML bomb)
#: is refused; the largest built-in lesson has about 2,600.
MAX_EXPANDED_NODES = 200_000
#: libyaml's parser when PyYAML has it (ten times faster), else the pure-Python one;
#: both are the *safe* loaders: no Python object is ever constructed from a tag.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: How deep collections may nest (a lesson needs about eight levels). libyaml composes
#: nodes recursively in C: some PyYAML wheels (6.0.1's) let 50,000 opening brackets
#: overflow the C stack, a segmentation fault no ``except`` can catch.
MAX_NESTING = 100
_OPENS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSES = (yaml.SequenceEndEvent, yaml.MappingEndEvent)

Severity = Literal["error", "warning"]
Loc = tuple[int | str, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a lesson file, printed as ``path:line: message``."""

    path: Path
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        """The line ``validate`` prints: file names and echoed keys are the file's own
        text, so control characters in them are shown, never sent to the terminal."""
        prefix = "warning: " if self.severity == "warning" else ""
        return visible(f"{self.path}:{self.line}: {prefix}{self.message}")


@dataclass
class ParsedFile:
    """A file's data (None if unreadable), its YAML nodes and the problems found so far."""

    path: Path
    data: object = None
    root: yaml.Node | None = None
    problems: list[Problem] = field(default_factory=list)
    #: The SHA-256 of exactly the bytes parsed ("" if none were read): what the learner's
    #: consent to run a lesson's code is tied to.
    sha256: str = ""

    def problem(self, loc: Loc, message: str, severity: Severity = "error") -> Problem:
        return Problem(self.path, line_of(self.root, loc), message, severity)


def parse_file(path: Path) -> ParsedFile:
    """Read and parse ``path``; whatever it holds, problems are collected, never raised."""
    result = ParsedFile(path)
    result.data = _parse(path, result)
    return result


def line_of(root: yaml.Node | None, loc: Loc) -> int:
    """The 1-based line of the deepest node ``loc`` reaches (the key's line for a mapping)."""
    if root is None:
        return 1
    node, line = root, root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    node, line = value, key.start_mark.line + 1
                    break
            # A part that is not a key (a union's tag, a missing field): stay here.
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
    return line


def _parse(path: Path, result: ParsedFile) -> object | None:
    def fail(line: int, message: str) -> None:
        result.problems.append(Problem(path, line, message))

    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except RefusedFile as error:
        fail(1, str(error))
        return None
    except OSError as error:
        fail(1, f"cannot read the file: {error.strerror or error}")
        return None
    result.sha256 = hashlib.sha256(raw).hexdigest()
    if b"\x00" in raw:
        fail(1, "this is a binary file, not YAML text")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        fail(line, f"not UTF-8 text (byte 0x{raw[error.start]:02x})")
        return None

    try:
        loader = _SafeLoader(text)
    except yaml.reader.ReaderError as error:
        fail(text[: error.position].count("\n") + 1, f"not YAML text: {error.reason}")
        return None
    try:
        too_deep = _line_too_deep(text)
        if too_deep is not None:
            fail(too_deep, f"collections nest more than {MAX_NESTING} deep")
            return None
        root = loader.get_single_node()
        if root is None:
            fail(1, "the file is empty")
            return None
        result.root = root
        return _Builder(loader).build(root)
    except _TooBig as error:
        fail(1, f"aliases expand to more than {error} (a YAML bomb?)")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or error.context or "invalid YAML").strip()
        if "python/" in problem or "could not determine a constructor" in problem:
            problem = f"unsupported YAML tag: {problem}"
        fail(mark.line + 1 if mark else 1, problem)
    except yaml.reader.ReaderError as error:
        fail(text[: error.position].count("\n") + 1, f"not YAML text: {error.reason}")
    except yaml.YAMLError as error:
        fail(1, f"invalid YAML: {error}")
    except RecursionError:
        fail(1, "the YAML nests too deeply")
    finally:
        loader.dispose()
    return None


def _line_too_deep(text: str) -> int | None:
    """The line where nesting passes ``MAX_NESTING``, read from the parser's events (the
    parser is a loop, not a recursion), before anything is composed."""
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, _OPENS):
            depth += 1
            if depth > MAX_NESTING:
                return int(event.start_mark.line) + 1
        elif isinstance(event, _CLOSES):
            depth -= 1
    return None


class _TooBig(Exception):
    pass


_STR, _SEQ, _MAP, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = (
    f"tag:yaml.org,2002:{kind}"
    for kind in ("str", "seq", "map", "int", "float", "bool", "null", "timestamp")
)


class _Builder:
    """Python values from composed nodes, several times faster than PyYAML's constructor.

    Strings, lists and dicts are built directly; ints, floats, bools and nulls go
    through the safe constructor (so they mean what they mean to every other YAML tool),
    a number only once its length is known to be sane, and a value the constructor
    cannot read (``!!float x``, ``2020-02-30``) is a problem at its line, not an
    exception. A date stays the text it is written as (YAML 1.2 has no dates); any other
    tag (``!!binary``, ``!!python/...``) is refused with its line. Every visit counts,
    and so does every character of text: aliases that would expand past
    ``MAX_EXPANDED_NODES`` nodes or ``MAX_EXPANDED_CHARS`` characters stop early.
    """

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.visits = 0
        self.chars = 0

    def build(self, node: yaml.Node) -> object:
        self.visits += 1
        if self.visits > MAX_EXPANDED_NODES:
            raise _TooBig(f"{MAX_EXPANDED_NODES:,} nodes")
        if isinstance(node, yaml.ScalarNode):
            self.chars += len(node.value)
            if self.chars > MAX_EXPANDED_CHARS:
                raise _TooBig(f"{MAX_EXPANDED_CHARS:,} characters of text")
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            return [self.build(child) for child in node.value]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            mapping = {}
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if not isinstance(key, str | int | float | bool | None):
                    raise _refused(key_node, "a mapping key must be a plain value")
                if key in mapping:
                    raise _refused(key_node, f"the key {key!r} is given twice")
                mapping[key] = self.build(value_node)
            return mapping
        raise _refused(node, f"could not determine a constructor for the tag {node.tag!r}")

    def scalar(self, node: yaml.ScalarNode) -> object:
        if node.tag in (_STR, _TIMESTAMP):
            return node.value
        if node.tag not in (_INT, _FLOAT, _BOOL, _NULL):
            raise _refused(node, f"could not determine a constructor for the tag {node.tag!r}")
        if node.tag in (_INT, _FLOAT) and len(node.value) > MAX_NUMBER_CHARS:
            raise _refused(
                node,
                f"a number written with {len(node.value):,} characters; numbers in a lesson "
                f"are limited to {MAX_NUMBER_CHARS}",
            )
        try:
            return self.loader.construct_object(node)
        except (ValueError, ArithmeticError, LookupError, AttributeError):
            kind = node.tag.rsplit(":", 1)[1]
            raise _refused(node, f"{node.value[:40]!r} is not a valid {kind}") from None


def _refused(node: yaml.Node, message: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)
