"""A light index of the lesson path: enough to draw the map, without pydantic.

Reading the index costs a fast YAML parse per changed file: summaries are
cached as JSON, keyed by each file's path, size and modification time, so an
unchanged lesson path is read without importing YAML at all. The full
``Lesson`` models (and pydantic) load later, in the background or when a
lesson opens. A file without the map's fields is left out here and reported by
``restutor validate``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from tutor.lessons.files import real_path

#: Bump when LessonSummary changes, so old caches are ignored.
CACHE_VERSION = 1

LESSON_SUFFIXES = (".yaml", ".yml")

#: The ranges of ``phase`` and ``order``, here and in the lesson model alike.
MAX_PHASE = 20
MAX_ORDER = 1000


@dataclass(frozen=True)
class LessonSummary:
    """What the map, the palette and the lesson-id check need; attribute names match ``Lesson``."""

    id: str
    title: str
    one_line: str
    equation: str
    phase: int
    order: int
    difficulty: str
    prerequisites: tuple[str, ...]
    unlocks: tuple[str, ...]
    path: Path


def lesson_files(paths: Sequence[Path]) -> list[Path]:
    """Lesson files named by ``paths``: files as given, and each folder's ``*.yaml``/``*.yml``
    sorted. An entry of a folder that is not a regular file (a FIFO, a device, a dangling
    link) is listed too, so the reader refuses it with a line instead of it vanishing; an
    unreadable folder is skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            try:
                entries = sorted(p for p in path.iterdir() if p.suffix in LESSON_SUFFIXES)
            except OSError:
                continue
            found.extend(p for p in entries if not p.is_dir())
        elif path.exists() or path.is_symlink():  # a broken link is reported, not skipped
            found.append(path)
    return found


def _summary(path: Path) -> LessonSummary | None:
    from tutor.lessons.yamlio import parse_file

    data = parse_file(path).data
    if not isinstance(data, dict):
        return None
    try:
        equation = data["key_equation"]["text"]
        summary = LessonSummary(
            id=data["id"],
            title=data["title"],
            one_line=data["one_line"],
            equation=equation,
            phase=int(data["phase"]),
            order=int(data["order"]),
            difficulty=data["difficulty"],
            prerequisites=tuple(data.get("prerequisites") or ()),
            unlocks=tuple(data.get("unlocks") or ()),
            path=path,
        )
    except (KeyError, TypeError, ValueError):
        return None
    return summary if all(isinstance(x, str) for x in (summary.id, summary.title)) else None


def read_index(paths: Sequence[Path], cache: Path | None = None) -> list[LessonSummary]:
    """Summaries of the lessons on ``paths`` in the map's order; the first file per id wins.

    ``cache`` is a JSON file of earlier summaries; it is read if it can be and
    rewritten when anything changed, and a broken or unwritable cache only costs time.
    """
    cached = _read_cache(cache) if cache else {}
    fresh: dict[str, dict] = {}
    by_id: dict[str, LessonSummary] = {}
    for path in lesson_files(paths):
        try:
            stat = path.stat()
        except OSError:  # vanished, a dangling link, a link loop: not on the map
            continue
        key = str(real_path(path))
        entry = cached.get(key)
        if entry and entry["mtime_ns"] == stat.st_mtime_ns and entry["size"] == stat.st_size:
            summary = _from_json(entry["summary"])
        else:
            summary = _summary(path)
        fresh[key] = {
            "mtime_ns": stat.st_mtime_ns,
            "size": stat.st_size,
            "summary": _to_json(summary),
        }
        if summary is not None and summary.id not in by_id:
            by_id[summary.id] = summary
    if cache and fresh != cached:
        _write_cache(cache, fresh)
    return sorted(by_id.values(), key=lambda s: (s.phase, s.order, s.title))


def _to_json(summary: LessonSummary | None) -> dict | None:
    if summary is None:
        return None
    data = asdict(summary)
    data["path"] = str(summary.path)
    return data


def _from_json(data: dict | None) -> LessonSummary | None:
    if data is None:
        return None
    return LessonSummary(
        **{
            **data,
            "path": Path(data["path"]),
            "prerequisites": tuple(data["prerequisites"]),
            "unlocks": tuple(data["unlocks"]),
        }
    )


def _read_cache(cache: Path) -> dict[str, dict]:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        return data["entries"] if data.get("version") == CACHE_VERSION else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_cache(cache: Path, entries: dict[str, dict]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(
            json.dumps({"version": CACHE_VERSION, "entries": entries}), encoding="utf-8"
        )
        os.replace(temporary, cache)
    except OSError:
        pass
