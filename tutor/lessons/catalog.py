"""The lesson path, the catalogue it holds, and the concept graph between lessons.

Folders are searched in order (``--lessons``, ``$RESTUTOR_LESSONS``, then the
built-ins); the first file to define an id wins, and the others are reported.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tutor.lessons.files import real_path
from tutor.lessons.graph import edges, find_cycle
from tutor.lessons.index import lesson_files
from tutor.lessons.loader import LessonFile, Problem, read_lesson
from tutor.lessons.model import Lesson


@dataclass
class Catalog:
    """Every lesson on the path that loaded, by id, and every problem found on the way."""

    files: list[LessonFile] = field(default_factory=list)
    by_id: dict[str, LessonFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def lessons(self) -> list[Lesson]:
        """Lessons in the map's order: phase, then order, then title."""
        found = [f.lesson for f in self.by_id.values() if f.lesson is not None]
        return sorted(found, key=lambda lesson: (lesson.phase, lesson.order, lesson.title))

    def get(self, lesson_id: str) -> Lesson | None:
        file = self.by_id.get(lesson_id)
        return file.lesson if file else None

    def problems_in(self, paths: Iterable[Path]) -> list[Problem]:
        wanted = {real_path(p) for p in paths}
        return sorted(p for p in self.problems if real_path(p.path) in wanted)

    def files_in(self, paths: Iterable[Path]) -> list[LessonFile]:
        wanted = {real_path(p) for p in paths}
        return [f for f in self.files if real_path(f.path) in wanted]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Parsing creates ~1,000 small objects per kilobyte of YAML, all freed by reference
    counting; the cyclic collector scanning them again and again tripled load time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_catalog(paths: Sequence[Path]) -> Catalog:
    """Read every lesson file on ``paths`` (missing folders are skipped) and check the graph."""
    with _gc_paused():
        return _load_catalog(paths)


def _load_catalog(paths: Sequence[Path]) -> Catalog:
    catalog = Catalog()
    seen: set[Path] = set()
    for path in lesson_files(paths):
        if real_path(path) in seen:
            continue
        seen.add(real_path(path))
        file = read_lesson(path)
        catalog.files.append(file)
        catalog.problems.extend(file.problems)
        if file.lesson is None:
            continue
        winner = catalog.by_id.get(file.lesson.id)
        if winner is not None:
            catalog.problems.append(
                file.problem(
                    ("id",),
                    f"lesson id '{file.lesson.id}' is also defined in {winner.path}, which wins "
                    "(it comes first on the lesson path)",
                    "warning",
                )
            )
            continue
        catalog.by_id[file.lesson.id] = file
    catalog.problems.extend(graph_problems(catalog))
    return catalog


def graph_problems(catalog: Catalog) -> list[Problem]:
    """Unknown ids, one-sided edges and cycles in the concept graph."""
    problems: list[Problem] = []
    known = set(catalog.by_id)
    for lesson_id, file in catalog.by_id.items():
        lesson = file.lesson
        assert lesson is not None
        for key in ("prerequisites", "unlocks"):
            for index, other in enumerate(getattr(lesson, key)):
                if other not in known:
                    problems.append(
                        file.problem(
                            (key, index),
                            f"{key}: unknown lesson id '{other}'{_suggest(other, known)}",
                        )
                    )
                elif other == lesson_id:
                    problems.append(
                        file.problem((key, index), f"{key}: a lesson cannot list itself")
                    )
        if lesson.bridge and lesson.bridge.next not in known:
            problems.append(
                file.problem(
                    ("bridge", "next"),
                    "bridge: unknown lesson id "
                    f"'{lesson.bridge.next}'{_suggest(lesson.bridge.next, known)}",
                )
            )
    graph: dict[str, set[str]] = {lesson_id: set() for lesson_id in known}
    for before, after in edges(f.lesson for f in catalog.by_id.values() if f.lesson):
        if before in graph and after in graph and before != after:
            graph[before].add(after)
    cycle = find_cycle(graph)
    if cycle:
        file = catalog.by_id[cycle[0]]
        problems.append(
            file.problem(
                ("prerequisites",), "prerequisite cycle: " + " → ".join(cycle + [cycle[0]])
            )
        )
    return problems


def _suggest(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
