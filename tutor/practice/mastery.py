"""Which of a lesson's concepts the learner has shown they know.

A lesson's inventory lists its concepts; each practice item names the ones it tests.
A concept is *mastered* when the learner's most recent committed answer to at least one
of its items was right without every nudge: a right answer reached only after all the
nudges is what FSRS rates Again, and it does not count here either. The latest answer
decides, so a concept mastered once and then failed on its only item is not mastered
any more (another item answered right keeps it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from tutor.practice.schedule import NUDGES

#: The sections whose reading counts towards a lesson's "sections read": the Glossary and
#: the Claims are looked things up in, not read through.
COUNTED_SECTIONS = ("intuition", "math", "code", "demo", "worked_examples", "practice")

#: An item's latest committed answer, as the store keeps it: (right, nudges used).
Answer = tuple[bool, int]


class HasConcepts(Protocol):
    """A lesson summary: its id, its concepts as (id, name) and each item's concept ids."""

    @property
    def id(self) -> str: ...
    @property
    def concepts(self) -> Sequence[tuple[str, str]]: ...
    @property
    def item_concepts(self) -> Iterable[tuple[str, Sequence[str]]]: ...


@dataclass(frozen=True)
class ConceptMap:
    """What mastery needs of a lesson: its concept ids in inventory order, and the
    concepts each of its practice items tests."""

    lesson_id: str
    concepts: tuple[str, ...]
    item_concepts: Mapping[str, Sequence[str]]

    @classmethod
    def of(cls, lesson: HasConcepts) -> ConceptMap:
        """From the light index (what the map has at first paint)."""
        return cls(
            lesson.id,
            tuple(concept_id for concept_id, _ in lesson.concepts),
            dict(lesson.item_concepts),
        )


@dataclass(frozen=True)
class Mastery:
    """One lesson's mastered concepts (ids, in inventory order) out of ``total``;
    ``attempted`` says whether any of its items has been answered at all."""

    mastered: tuple[str, ...]
    total: int
    attempted: bool

    @property
    def fraction(self) -> float:
        """Mastered over total (0 for a lesson with no concepts)."""
        return len(self.mastered) / self.total if self.total else 0.0

    @property
    def figure(self) -> str:
        """``5/13``."""
        return f"{len(self.mastered)}/{self.total}"


@dataclass(frozen=True)
class LessonProgress:
    """What the map shows of a lesson: sections read (of ``COUNTED_SECTIONS``) and mastery."""

    read: int
    mastery: Mastery

    @property
    def begun(self) -> bool:
        return bool(self.read) or self.mastery.attempted

    @property
    def read_figure(self) -> str:
        """``3/6``."""
        return f"{self.read}/{len(COUNTED_SECTIONS)}"


def sections_read(seen: Iterable[str]) -> int:
    """How many of the counted sections are among ``seen``."""
    return len(set(seen) & set(COUNTED_SECTIONS))


def answered_right(answer: Answer) -> bool:
    """Right, and with a nudge to spare: what FSRS rates better than Again."""
    right, nudges = answer
    return right and nudges < NUDGES


def lesson_mastery(lesson: ConceptMap, latest: Mapping[str, Answer]) -> Mastery:
    """The lesson's concepts mastered given each item's latest answer (items of other
    lessons in ``latest`` are ignored; an item naming no known concept adds nothing)."""
    shown: set[str] = set()
    attempted = False
    for item_id, concepts in lesson.item_concepts.items():
        answer = latest.get(item_id)
        if answer is None:
            continue
        attempted = True
        if answered_right(answer):
            shown.update(concepts)
    mastered = tuple(c for c in lesson.concepts if c in shown)
    return Mastery(mastered, len(lesson.concepts), attempted)


def mastery_by_lesson(
    lessons: Iterable[ConceptMap], latest: Mapping[str, Answer]
) -> dict[str, Mastery]:
    """Every lesson's mastery, by lesson id."""
    return {lesson.lesson_id: lesson_mastery(lesson, latest) for lesson in lessons}
