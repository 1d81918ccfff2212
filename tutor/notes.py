"""Research-room notes: anchor kinds, exports that stand on their own, and imports.

The store keeps the notes; this module turns them into Markdown a reader can
follow without restutor (each note with its anchor's stable id and the anchored
content itself) and into JSON that imports back exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tutor.store import Note

if TYPE_CHECKING:
    from tutor.lessons.model import Lesson
    from tutor.sim import SimParams, TrainParams

#: What a note can be anchored to.
ANCHOR_KINDS = (
    "concept",
    "equation",
    "source",
    "witness",
    "claim",
    "misconception",
    "practice",
    "lab",
)

#: Format of the JSON export (bump when it changes).
EXPORT_VERSION = 1


def to_json(notes: Sequence[Note]) -> str:
    return (
        json.dumps(
            {"version": EXPORT_VERSION, "notes": [n.to_dict() for n in notes]},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


class BadExport(ValueError):
    """A file that is not a restutor notes export; the message says what is wrong."""


def from_json(text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadExport(f"not JSON: {error.msg} at line {error.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
        raise BadExport("not a restutor notes export (no 'notes' list)")
    required = ("uid", "body", "anchor_kind", "anchor_id", "created_at", "updated_at")
    for index, note in enumerate(data["notes"]):
        missing = [k for k in required if not isinstance(note, dict) or k not in note]
        if missing:
            raise BadExport(f"note {index + 1} lacks {', '.join(missing)}")
    return data["notes"]


def to_markdown(
    notes: Sequence[Note], anchored: Callable[[Note], str], front_matter: bool = True
) -> str:
    """Each note as a section with YAML front matter (for files) or a one-line header (for
    the screen); ``anchored(note)`` gives the anchored content (the equation, the claim's
    text, the lab state as a command)."""
    parts = []
    for note in notes:
        if front_matter:
            front = [
                "---",
                f"uid: {note.uid}",
                f"anchor: {note.anchor_kind}:{note.anchor_id}",
                *([f"lesson: {note.lesson_id}"] if note.lesson_id else []),
                f"tags: [{', '.join(note.tags)}]",
                f"created: {note.created_at}",
                f"updated: {note.updated_at}",
                "---",
            ]
        else:
            facts = [
                *([f"lesson `{note.lesson_id}`"] if note.lesson_id else []),
                *([f"tags {' '.join('`' + t + '`' for t in note.tags)}"] if note.tags else []),
                f"updated {note.updated_at.replace('T', ' ')[:16]}",
            ]
            front = [f"### Note {note.id}", "", " · ".join(facts)]
        quoted = "\n".join(f"> {line}" for line in anchored(note).splitlines() or [""])
        body = [
            f"**Anchored to** {note.anchor_kind} `{note.anchor_id}`:",
            "",
            quoted,
            "",
            note.body.strip(),
        ]
        if note.next_action:
            body += ["", f"**Next action:** {note.next_action}"]
        parts.append("\n".join(front + [""] + body))
    return "\n\n".join(parts) + "\n"


def lab_anchor_data(experiment: str, params: SimParams | TrainParams) -> dict:
    """What a note on the lab keeps: the parameters, and the tab unless it is Signal (so
    notes written before the lab had tabs read back the same)."""
    data = params.to_dict()
    return data if experiment == "signal" else {**data, "experiment": experiment}


def lab_anchor_state(data: dict | None) -> tuple[str, SimParams | TrainParams]:
    """The tab and parameters a lab note was written on (raises ``ValueError`` if the
    stored state is not one the lab can run)."""
    from tutor.sim import SimParams, TrainParams

    fields = dict(data or {})
    experiment = fields.pop("experiment", "signal")
    try:
        if experiment == "train":
            return experiment, TrainParams(**fields)
        if experiment in ("signal", "lesion"):
            return experiment, SimParams(**fields)
    except TypeError as error:
        raise ValueError(str(error)) from None
    raise ValueError(f"unknown lab tab {experiment!r}")


def lab_command(experiment: str, params: SimParams | TrainParams) -> str:
    """The command line that reruns a lab tab's state outside the lab."""
    from tutor.sim import sim_command, train_command

    if experiment == "train":
        return train_command(params)  # type: ignore[arg-type]
    return sim_command(params, "lesion" if experiment == "lesion" else "sim")  # type: ignore[arg-type]


def anchored_content(note: Note, lesson: Lesson | None) -> str:
    """The anchored object itself, in words, so an export makes sense on its own."""
    if note.anchor_kind == "lab":
        try:
            return "`" + lab_command(*lab_anchor_state(note.anchor_data)) + "`"
        except ValueError:
            return f"lab state {note.anchor_data}"
    if lesson is None:
        return f"{note.anchor_kind} {note.anchor_id}"
    ref = note.anchor_id
    if note.anchor_kind == "concept":
        return f"{lesson.title}: {lesson.one_line}"
    if note.anchor_kind == "equation":
        step = next((s for s in lesson.sections.math.steps if s.id == ref), None)
        return f"`{step.equation if step else lesson.key_equation.text}`"
    if note.anchor_kind == "source":
        source = next((s for s in lesson.sources if s.id == ref), None)
        return (
            f"{source.authors} ({source.year}), {source.title}, {source.venue}" if source else ref
        )
    if note.anchor_kind == "witness":
        witness = next((w for w in lesson.sections.code.witnesses if w.id == ref), None)
        return f"code witness: {witness.title}" if witness else ref
    if note.anchor_kind == "claim":
        claim = next((c for c in lesson.claims if c.id == ref), None)
        return claim.statement.strip() if claim else ref
    if note.anchor_kind == "practice":
        item = next((i for i in lesson.practice if i.id == ref), None)
        return item.prompt.strip() if item else ref
    mistake = next((m for m in lesson.common_mistakes if m.mistake == ref), None)
    return f"{mistake.mistake} (fix: {mistake.fix})" if mistake else ref


def research_prompt(note: Note, anchored: str, context: str) -> str:
    """The grounded research prompt the seed notebook hands to a tutor: the object and its
    context, the open question, the evidence to inspect, and what would resolve it."""
    question = note.next_action or " ".join(note.body.split())[:300]
    return (
        "\n".join(
            [
                "I am studying residual connections (y = x + F(x)) with restutor.",
                f"Object: {note.anchor_kind} {note.anchor_id}",
                f"Context: {context}",
                f"The object itself: {' '.join(anchored.split())}",
                f"My note: {' '.join(note.body.split())}",
                f"Open question: {question}",
                "Evidence to inspect:",
                "- the equation or code witness that makes this object operational",
                "- one simulator state (restutor sim ...) that shows the effect, not a slogan",
                "- the paper that the claim rests on, and what exactly it reports",
                "What would resolve this:",
                "- I can state the mechanism in my own words",
                "- I can name the prerequisite that would repair my confusion",
                "- I can predict how the mechanism changes under one perturbation",
                "Answer as a careful research tutor: stay source-grounded, separate verified "
                "evidence "
                "from assumptions, name the math objects involved, and end with one next action.",
            ]
        )
        + "\n"
    )
