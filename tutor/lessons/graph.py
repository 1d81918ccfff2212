"""The concept graph between lessons: edges, cycles and the map's layers.

Works on anything with ``id``, ``title``, ``order``, ``prerequisites`` and
``unlocks`` (a full ``Lesson`` or the index's ``LessonSummary``), and imports
neither pydantic nor the UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar


class LessonNode(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def order(self) -> int: ...
    @property
    def prerequisites(self) -> Sequence[str]: ...
    @property
    def unlocks(self) -> Sequence[str]: ...


Node = TypeVar("Node", bound=LessonNode)


def edges(lessons: Iterable[LessonNode]) -> set[tuple[str, str]]:
    """Prerequisite edges ``before → after``, from both ends' declarations."""
    found: set[tuple[str, str]] = set()
    for lesson in lessons:
        found.update((before, lesson.id) for before in lesson.prerequisites)
        found.update((lesson.id, after) for after in lesson.unlocks)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of nodes, or None if it is acyclic."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def layers(lessons: Sequence[Node]) -> list[list[Node]]:
    """Lessons layered for the map: each lesson one layer below its deepest prerequisite."""
    by_id = {lesson.id: lesson for lesson in lessons}
    parents: dict[str, set[str]] = {lesson_id: set() for lesson_id in by_id}
    for before, after in edges(lessons):
        if before in by_id and after in by_id and before != after:
            parents[after].add(before)
    level: dict[str, int] = {}
    remaining = dict(parents)
    depth = 0
    while remaining:  # Kahn's algorithm, one layer at a time (a cycle ends up in the last layer)
        ready = [i for i, ps in remaining.items() if not (ps & remaining.keys())] or list(remaining)
        for lesson_id in ready:
            level[lesson_id] = depth
            del remaining[lesson_id]
        depth += 1
    grouped: dict[int, list[Node]] = {}
    for lesson in lessons:
        grouped.setdefault(level[lesson.id], []).append(lesson)
    return [sorted(grouped[k], key=lambda x: (x.order, x.title)) for k in sorted(grouped)]
