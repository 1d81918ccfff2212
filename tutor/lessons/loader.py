"""Reading one lesson file into a ``Lesson``, with every problem at its YAML line.

Whatever a file holds — invalid YAML, binary junk, a 10 MB string, a YAML bomb,
``!!python/object`` tags — the result is a list of ``Problem``s, never an
exception (``yamlio`` parses; this module validates). pydantic error locations
are mapped back to the line of the key through the YAML nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from tutor.lessons.arithmetic import BadArithmetic, evaluate
from tutor.lessons.model import Lesson, Prediction, TextItem
from tutor.lessons.trust import Origin
from tutor.lessons.wording import read_answer
from tutor.lessons.yamlio import ParsedFile, Problem, parse_file

#: How close a worked example's ``compute`` must come to its ``result``.
RESULT_TOLERANCE = 1e-6


@dataclass
class LessonFile(ParsedFile):
    """A parsed lesson file and the lesson in it (None if invalid)."""

    lesson: Lesson | None = None

    @property
    def origin(self) -> Origin:
        """Where the lesson was read from, and a digest of the bytes it was read from."""
        return Origin(self.path.resolve(), self.sha256)


def read_lesson(path: Path) -> LessonFile:
    """Read, parse and validate one lesson file; problems are collected, never raised."""
    parsed = parse_file(path)
    result = LessonFile(parsed.path, parsed.data, parsed.root, parsed.problems, parsed.sha256)
    data = result.data
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
    """Checks one valid lesson can make on its own: ids, references, worked-example numbers,
    the concepts practice items test, and every text item's model answer against its own
    rubric."""
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
    steps = unique("math step", lesson.math_steps, "id", "sections")
    witnesses = unique("code witness", lesson.sections.code.witnesses, "id", "sections")
    labs = unique("lab state", lesson.sections.demo.lab_states, "id", "sections")
    unique("claim", lesson.claims, "id", "claims")
    unique("practice item", lesson.practice, "id", "practice")
    unique("worked example", lesson.worked_examples, "id", "worked_examples")
    problems.extend(_concept_problems(file))

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
            assert step.result is not None  # and finite: the model allows no inf or NaN
            if abs(value - step.result) > RESULT_TOLERANCE * max(1.0, abs(step.result)):
                problems.append(
                    file.problem(
                        loc, f"{example.id}: {step.compute} is {value:g}, not {step.result:g}"
                    )
                )

    for p_index, item in enumerate(lesson.practice):
        if isinstance(item, Prediction):
            for b_index, (low, high) in enumerate(item.bounds):
                if low >= high:
                    problems.append(
                        file.problem(
                            ("practice", p_index, "bounds", b_index),
                            f"{item.id}: bound [{low}, {high}) is empty",
                        )
                    )
        elif isinstance(item, TextItem):
            reading = read_answer(item, item.answer)
            problems.extend(
                file.problem(("practice", p_index), f"{item.id}: {complaint}")
                for complaint in [
                    *(f"the model answer misses the key idea '{idea}'" for idea in reading.missing),
                    *(
                        f"the model answer voices the misconception '{m.name}'"
                        for m in reading.flagged
                    ),
                ]
            )
    return problems


def _concept_problems(file: LessonFile) -> list[Problem]:
    """Mastery is counted over the inventory, so every concept needs an item that tests it
    and every concept an item names must be in the inventory."""
    lesson = file.lesson
    assert lesson is not None
    problems: list[Problem] = []
    known: set[str] = set()
    for index, concept in enumerate(lesson.inventory):
        if concept.id in known:
            problems.append(
                file.problem(("inventory", index, "id"), f"duplicate concept id '{concept.id}'")
            )
        known.add(concept.id)
    tested: set[str] = set()
    for p_index, item in enumerate(lesson.practice):
        tested.update(item.concepts)
        for c_index, concept_id in enumerate(item.concepts):
            if concept_id not in known:
                problems.append(
                    file.problem(
                        ("practice", p_index, "concepts", c_index),
                        f"{item.id}: tests unknown concept '{concept_id}' "
                        "(not in this lesson's inventory)",
                    )
                )
        if known and not item.concepts:
            problems.append(
                file.problem(
                    ("practice", p_index),
                    f"{item.id}: names no concept it tests (give it 'concepts')",
                    "warning",
                )
            )
    for index, concept in enumerate(lesson.inventory):
        if concept.id not in tested:
            problems.append(
                file.problem(
                    ("inventory", index),
                    f"concept '{concept.id}' is tested by no practice item "
                    "(name it in an item's 'concepts')",
                )
            )
    return problems
