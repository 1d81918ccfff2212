"""Whether a note's anchor names something real: its lesson on the lesson path, and the
object in that lesson.

A note on a claim that does not exist can never be jumped back to, and exports as a bare
id. The checks here say what is wrong and name the nearest real ids, so a typo is seen
when the note is written; the command line decides whether that is a warning or an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.text import one_line

if TYPE_CHECKING:
    from tutor.lessons.model import Lesson

#: The kinds whose objects live inside one lesson (a concept is a lesson, a lab state is
#: the simulator's parameters).
IN_A_LESSON = ("equation", "source", "witness", "claim", "misconception", "practice")

#: The equation id of a lesson's key equation (the one a note from the Math section has).
KEY_EQUATION = "key"

#: What each kind's objects are called in a sentence.
_PLURALS = {
    "equation": "equations",
    "source": "sources",
    "witness": "code witnesses",
    "claim": "claims",
    "misconception": "common mistakes",
    "practice": "practice items",
}


def object_ids(lesson: Lesson, kind: str) -> list[str]:
    """The ids a note of ``kind`` may name in ``lesson`` (a common mistake is named by its
    text; an equation by its math step's id, or ``key``)."""
    if kind == "equation":
        return [KEY_EQUATION, *(s.id for s in lesson.math_steps if s.id)]
    if kind == "source":
        return [s.id for s in lesson.sources]
    if kind == "witness":
        return [w.id for w in lesson.sections.code.witnesses]
    if kind == "claim":
        return [c.id for c in lesson.claims]
    if kind == "practice":
        return [item.id for item in lesson.practice]
    if kind == "misconception":
        return [m.mistake for m in lesson.common_mistakes]
    raise ValueError(f"a {kind} is not an object in a lesson")


def nearest(word: str, known: Sequence[str], what: str) -> str:
    """The known words closest to ``word``, for a message; with none close, the first few
    of ``what`` there are, so the learner always sees what exists."""
    close = difflib.get_close_matches(word, known, n=3, cutoff=0.5)
    if close:
        return f"nearest: {', '.join(map(_quoted, close))}"
    return f"{what}: {_listed(known)}"


def _listed(words: Sequence[str], most: int = 5) -> str:
    shown = ", ".join(map(_quoted, words[:most]))
    return shown + (f", … ({len(words)} in all)" if len(words) > most else "")


def _quoted(word: str) -> str:
    """A word of a message on one line (a common mistake is a sentence, an id may be junk)."""
    return f"'{one_line(word, 60)}'"


class LessonPath:
    """The lessons on the lesson path, by id, each read only when it is first needed."""

    def __init__(self, dirs: Sequence[Path]) -> None:
        from tutor.lessons.index import read_index

        self._paths = {summary.id: summary.path for summary in read_index(dirs)}
        self._read: dict[str, Lesson | None] = {}

    @property
    def ids(self) -> list[str]:
        return list(self._paths)

    def __contains__(self, lesson_id: object) -> bool:
        return lesson_id in self._paths

    def lesson(self, lesson_id: str | None) -> Lesson | None:
        """The lesson ``lesson_id`` names; None if it is not on the path or does not load."""
        from tutor.lessons.loader import read_lesson

        if lesson_id not in self._paths:
            return None
        assert lesson_id is not None
        if lesson_id not in self._read:
            self._read[lesson_id] = read_lesson(self._paths[lesson_id]).lesson
        return self._read[lesson_id]

    def unknown_lesson(self, lesson_id: str) -> str | None:
        """What is wrong with the lesson id ``lesson_id`` (None: it is on the path)."""
        if lesson_id in self._paths:
            return None
        if not self._paths:
            return f"no lesson {_quoted(lesson_id)}: the lesson path holds no lessons"
        hint = nearest(lesson_id, self.ids, "lessons")
        return f"no lesson {_quoted(lesson_id)} on the lesson path ({hint})"


@dataclass(frozen=True)
class AnchorCheck:
    """What checking an anchor found: its lesson (as given, or found from the id), and what
    is wrong with it (None when the object exists)."""

    lesson_id: str | None
    problem: str | None = None


def check_anchor(kind: str, anchor_id: str, lesson_id: str | None, path: LessonPath) -> AnchorCheck:
    """Check that the object ``kind:anchor_id`` exists in ``lesson_id`` (which must be on
    ``path``); without a lesson, the one lesson that has such an object is taken.

    A lab anchor is the simulator's parameters (checked by the command line that parses
    them): only its lesson, if any, is checked here.
    """
    if lesson_id is not None and (unknown := path.unknown_lesson(lesson_id)):
        return AnchorCheck(lesson_id, unknown)
    if kind == "lab":
        return AnchorCheck(lesson_id)
    if kind == "concept":
        unknown = path.unknown_lesson(anchor_id)
        return AnchorCheck(lesson_id or (None if unknown else anchor_id), unknown)
    if lesson_id is not None:
        return AnchorCheck(lesson_id, _missing_in(kind, anchor_id, lesson_id, path))
    return _found_anywhere(kind, anchor_id, path)


def _missing_in(kind: str, anchor_id: str, lesson_id: str, path: LessonPath) -> str | None:
    lesson = path.lesson(lesson_id)
    if lesson is None:
        return (
            f"lesson '{lesson_id}' does not load (see 'restutor validate'): "
            f"its {_PLURALS[kind]} are unchecked"
        )
    known = object_ids(lesson, kind)
    if anchor_id in known:
        return None
    if not known:
        return f"lesson '{lesson_id}' has no {_PLURALS[kind]}"
    hint = nearest(anchor_id, known, _PLURALS[kind])
    return f"lesson '{lesson_id}' has no {kind} {_quoted(anchor_id)} ({hint})"


def _found_anywhere(kind: str, anchor_id: str, path: LessonPath) -> AnchorCheck:
    """The lesson of an anchor given without ``--lesson``: the one lesson that has it."""
    holders: list[str] = []
    known: list[str] = []
    for lesson_id in path.ids:
        lesson = path.lesson(lesson_id)
        ids = object_ids(lesson, kind) if lesson is not None else []
        if anchor_id in ids:
            holders.append(lesson_id)
        known.extend(i for i in ids if i not in known)
    if len(holders) == 1:
        return AnchorCheck(holders[0])
    if holders:
        return AnchorCheck(
            None,
            f"{kind} {_quoted(anchor_id)} is in {len(holders)} lessons ({_listed(holders, 3)}): "
            "say which with --lesson",
        )
    if not known:
        return AnchorCheck(None, f"no lesson on the lesson path has {_PLURALS[kind]}")
    hint = nearest(anchor_id, known, _PLURALS[kind])
    return AnchorCheck(None, f"no lesson has the {kind} {_quoted(anchor_id)} ({hint})")
