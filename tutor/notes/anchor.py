"""What a note is anchored to: the kinds, the anchor itself, and the lab-state codec.

A lab note keeps the tab and its parameters (``lab_anchor_data``) so the research room
can reopen the lab exactly there (``lab_anchor_state``) and an export can show the
state as the command that reruns it (``lab_command``).
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tutor.store import Note
from tutor.text import one_line, visible

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


@dataclass(frozen=True)
class Anchor:
    """The exact object a note is about."""

    kind: str
    id: str
    description: str
    lesson_id: str | None = None
    data: dict | None = field(default=None)

    @property
    def draft_key(self) -> str:
        return f"note:{self.kind}:{self.id}"

    @classmethod
    def of(cls, note: Note) -> Anchor:
        """The anchor a saved note already has."""
        return cls(
            note.anchor_kind, note.anchor_id, note.anchor_id, note.lesson_id, note.anchor_data
        )


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


def _lab_options(experiment: str, params: SimParams | TrainParams) -> list[str]:
    """The options of the command that reruns a lab tab's state (none at the defaults)."""
    from tutor.sim import TrainParams, sim_options, train_options

    if isinstance(params, TrainParams):
        if experiment != "train":
            raise ValueError(f"a training setup belongs on the train tab, not {experiment!r}")
        return train_options(params)
    return sim_options(params)


def lab_command(experiment: str, params: SimParams | TrainParams) -> str:
    """The command line that reruns a lab tab's state outside the lab."""
    name = {"signal": "sim"}.get(experiment, experiment)
    return shlex.join(["restutor", name, *_lab_options(experiment, params)])


def lab_anchor(experiment: str, params: SimParams | TrainParams) -> Anchor:
    """The anchor of a note on a lab tab: its id names the tab (unless Signal) and the
    options that differ from the defaults, and its data reopens the tab exactly."""
    options = shlex.join(_lab_options(experiment, params)) or "defaults"
    anchor_id = options if experiment == "signal" else f"{experiment} {options}"
    command = lab_command(experiment, params)
    return Anchor("lab", anchor_id, command, data=lab_anchor_data(experiment, params))


def anchored_content(note: Note, lesson: Lesson | None) -> str:
    """The anchored object itself, in words, so an export makes sense on its own.

    Any stored note has an answer, even one an older import let in (a kind restutor does
    not know, a lab state the lab cannot run, a lesson that is gone): the export, ``notes
    show`` and the research room read every note through here.
    """
    if note.anchor_kind == "lab":
        return _lab_content(note.anchor_data)
    if lesson is None or note.anchor_kind not in ANCHOR_KINDS:
        return f"{note.anchor_kind} {note.anchor_id}"
    ref = note.anchor_id
    if note.anchor_kind == "concept":
        return f"{lesson.title}: {lesson.one_line}"
    if note.anchor_kind == "equation":
        step = next((s for s in lesson.math_steps if s.id == ref), None)
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


#: How much of a lab state the lab cannot run is shown in its place.
_ODD_STATE_CHARS = 200


def _lab_content(data: dict | None) -> str:
    """The command that reruns a lab note's state, or the state itself, shortened and
    made visible, when it is not one the lab can run."""
    try:
        return "`" + lab_command(*lab_anchor_state(data)) + "`"
    except ValueError:
        pass
    try:
        shown = json.dumps(data, ensure_ascii=False, default=repr)
    except (ValueError, RecursionError):  # an integer past Python's digits, deep nesting
        shown = "(unreadable)"
    return f"lab state the lab cannot run: {visible(one_line(shown, _ODD_STATE_CHARS))}"
