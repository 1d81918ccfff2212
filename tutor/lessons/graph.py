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
    """One cycle of ``graph`` as a list of nodes, or None if it is acyclic.

    A depth-first search with its own stack, not Python's: a chain of a few thousand
    lessons is an ordinary graph, not a ``RecursionError``.
    """
    done: set[str] = set()
    for root in sorted(graph):
        if root in done:
            continue
        path: list[str] = [root]  # the nodes on the current search path, in order
        on_path = {root}
        pending = [iter(sorted(graph[root]))]  # each path node's children still to visit
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                done.add(path[-1])
                on_path.discard(path.pop())
                pending.pop()
            elif nxt in on_path:
                return path[path.index(nxt) :]
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                pending.append(iter(sorted(graph[nxt])))
    return None


def layers(lessons: Sequence[Node]) -> list[list[Node]]:
    """Lessons layered for the map: each lesson one layer below its deepest prerequisite."""
    by_id = {lesson.id: lesson for lesson in lessons}
    children: dict[str, list[str]] = {lesson_id: [] for lesson_id in by_id}
    waiting = dict.fromkeys(by_id, 0)  # prerequisites not yet placed, per lesson
    for before, after in edges(lessons):
        if before in by_id and after in by_id and before != after:
            children[before].append(after)
            waiting[after] += 1
    # Kahn's algorithm, one layer at a time and each edge looked at once; whatever a cycle
    # blocks (the cycle and everything below it) ends up in one last layer.
    layer = [lesson_id for lesson_id, count in waiting.items() if count == 0]
    level: dict[str, int] = {}
    depth = 0
    while layer:
        below = []
        for lesson_id in layer:
            level[lesson_id] = depth
            for child in children[lesson_id]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    below.append(child)
        layer, depth = below, depth + 1
    for lesson_id in by_id.keys() - level.keys():
        level[lesson_id] = depth
    grouped: dict[int, list[Node]] = {}
    for lesson in lessons:
        grouped.setdefault(level[lesson.id], []).append(lesson)
    return [sorted(grouped[k], key=lambda x: (x.order, x.title)) for k in sorted(grouped)]
