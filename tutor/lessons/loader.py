"""Reading one lesson file into a ``Lesson``, with every problem at its YAML line.

Whatever a file holds — invalid YAML, binary junk, a 10 MB string, a YAML bomb,
``!!python/object`` tags — the result is a list of ``Problem``s, never an
exception. YAML is composed with PyYAML's safe loader into nodes first, so
every pydantic error location can be mapped back to the line of the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import ValidationError

from tutor.lessons.arithmetic import BadArithmetic, evaluate
from tutor.lessons.model import Lesson

#: Lesson files bigger than this are refused before parsing.
MAX_FILE_BYTES = 2_000_000
#: A document that would expand past this many nodes (through aliases: a YAML bomb)
#: is refused; the largest built-in lesson has about 2,600.
MAX_EXPANDED_NODES = 200_000
#: libyaml's parser when PyYAML has it (ten times faster), else the pure-Python one;
#: both are the *safe* loaders: no Python object is ever constructed from a tag.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: How close a worked example's ``compute`` must come to its ``result``.
RESULT_TOLERANCE = 1e-6

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
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass
class LessonFile:
    """A lesson file as read: the lesson (None if invalid), its problems and its YAML nodes."""

    path: Path
    lesson: Lesson | None
    problems: list[Problem] = field(default_factory=list)
    root: yaml.Node | None = None

    def line_of(self, loc: Loc) -> int:
        return line_of(self.root, loc)

    def problem(self, loc: Loc, message: str, severity: Severity = "error") -> Problem:
        return Problem(self.path, self.line_of(loc), message, severity)


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


def read_lesson(path: Path) -> LessonFile:
    """Read, parse and validate one lesson file; problems are collected, never raised."""
    result = LessonFile(path=path, lesson=None)
    data = _parse(path, result)
    if result.problems:
        return result
    if not isinstance(data, dict):
        result.problems.append(result.problem((), "a lesson file must be a mapping of keys"))
        return result
    try:
        result.lesson = Lesson.model_validate(data)
    except ValidationError as error:
        result.problems.extend(_schema_problems(result, error))
        return result
    result.problems.extend(check_lesson(result))
    return result


def _parse(path: Path, result: LessonFile) -> object | None:
    def fail(line: int, message: str) -> None:
        result.problems.append(Problem(path, line, message))

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            fail(
                1,
                f"the file is {size / 1e6:.1f} MB; lesson files are limited to "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB",
            )
            return None
        raw = path.read_bytes()
    except OSError as error:
        fail(1, f"cannot read the file: {error.strerror or error}")
        return None
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
        root = loader.get_single_node()
        if root is None:
            fail(1, "the file is empty")
            return None
        result.root = root
        return _Builder(loader).build(root)
    except _TooBig:
        fail(1, f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (a YAML bomb?)")
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


class _TooBig(Exception):
    pass


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "seq", "map"))


class _Builder:
    """Python values from composed nodes, several times faster than PyYAML's constructor.

    Strings, lists and dicts are built directly; any other scalar goes through the
    safe constructor (so ints, floats, bools and nulls mean what they mean to every
    other YAML tool, and unknown tags are refused with their line). Every visit
    counts, so aliases that would expand past ``MAX_EXPANDED_NODES`` stop early.
    """

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.visits = 0

    def build(self, node: yaml.Node) -> object:
        self.visits += 1
        if self.visits > MAX_EXPANDED_NODES:
            raise _TooBig
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else self.loader.construct_object(node)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            return [self.build(child) for child in node.value]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            mapping = {}
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if not isinstance(key, str | int | float | bool | None):
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be a plain value", key_node.start_mark
                    )
                mapping[key] = self.build(value_node)
            return mapping
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"could not determine a constructor for the tag {node.tag!r}",
            node.start_mark,
        )


def _schema_problems(result: LessonFile, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        where = ".".join(str(part) for part in loc) or "the lesson"
        message = item["msg"]
        if item["type"] == "missing":
            message = f"'{loc[-1]}' is required"
            where = ".".join(str(part) for part in loc[:-1]) or "the lesson"
        elif item["type"] == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'"
            where = ".".join(str(part) for part in loc[:-1]) or "the lesson"
        elif item["type"] == "string_too_long":
            message = (
                f"text is too long ({len(item['input']):,} characters; the limit is "
                f"{item['ctx']['max_length']:,})"
            )
        problems.append(result.problem(loc, f"{where}: {message}"))
    return problems


def check_lesson(file: LessonFile) -> list[Problem]:
    """Checks one valid lesson can make on its own: ids, references, worked-example numbers."""
    lesson = file.lesson
    assert lesson is not None
    problems: list[Problem] = []

    def unique(kind: str, items: Sequence[object], attr: str, loc: str) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            value = getattr(item, attr)
            if value is None:
                continue
            if value in seen:
                problems.append(file.problem((loc, index, attr), f"duplicate {kind} id '{value}'"))
            seen.add(value)
        return seen

    sources = unique("source", lesson.sources, "id", "sources")
    steps = unique("math step", lesson.sections.math.steps, "id", "sections")
    witnesses = unique("code witness", lesson.sections.code.witnesses, "id", "sections")
    labs = unique("lab state", lesson.sections.demo.lab_states, "id", "sections")
    unique("claim", lesson.claims, "id", "claims")
    unique("practice item", lesson.practice, "id", "practice")
    unique("worked example", lesson.worked_examples, "id", "worked_examples")

    anchors = {"equation": steps, "code": witnesses, "lab": labs}
    for index, claim in enumerate(lesson.claims):
        for s_index, source in enumerate(claim.sources):
            if source not in sources:
                problems.append(
                    file.problem(
                        ("claims", index, "sources", s_index),
                        f"claim '{claim.id}' cites unknown source '{source}'",
                    )
                )
        if not claim.sources:
            problems.append(
                file.problem(("claims", index), f"claim '{claim.id}' has no source", "warning")
            )
        if claim.witness and claim.witness.ref not in anchors[claim.witness.kind]:
            problems.append(
                file.problem(
                    ("claims", index, "witness", "ref"),
                    f"claim '{claim.id}': no {claim.witness.kind} witness with id "
                    f"'{claim.witness.ref}' in this lesson",
                )
            )
    opens = lesson.sections.demo.opens
    if opens is not None and opens not in labs:
        problems.append(
            file.problem(("sections", "demo", "opens"), f"demo opens unknown lab state '{opens}'")
        )

    for e_index, example in enumerate(lesson.worked_examples):
        for s_index, step in enumerate(example.steps):
            if step.compute is None:
                continue
            loc = ("worked_examples", e_index, "steps", s_index, "compute")
            try:
                value = evaluate(step.compute)
            except BadArithmetic as error:
                problems.append(file.problem(loc, f"{example.id}: {error}"))
                continue
            assert step.result is not None
            if abs(value - step.result) > RESULT_TOLERANCE * max(1.0, abs(step.result)):
                problems.append(
                    file.problem(
                        loc, f"{example.id}: {step.compute} is {value:g}, not {step.result:g}"
                    )
                )

    for p_index, item in enumerate(lesson.practice):
        if item.kind == "predict-sim":
            for b_index, (low, high) in enumerate(item.bounds):
                if low >= high:
                    problems.append(
                        file.problem(
                            ("practice", p_index, "bounds", b_index),
                            f"{item.id}: bound [{low}, {high}) is empty",
                        )
                    )
    return problems
