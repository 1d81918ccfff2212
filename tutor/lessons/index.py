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
from typing import TypeGuard

from tutor.lessons.files import RefusedFile, read_regular_file, real_path
from tutor.text import visible

#: Bump when the cache's layout changes, so old caches are ignored.
CACHE_VERSION = 3

LESSON_SUFFIXES = (".yaml", ".yml")

#: The ranges of ``phase`` and ``order``, here and in the lesson model alike.
MAX_PHASE = 20
MAX_ORDER = 1000

#: A cache bigger than this is not restutor's (a summary is well under a kilobyte).
MAX_CACHE_BYTES = 20_000_000

_TEXTS = ("id", "title", "one_line", "equation", "difficulty")
_LINKS = ("prerequisites", "unlocks")


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
    #: The inventory's concepts, in order, as (id, name): what mastery counts out of.
    concepts: tuple[tuple[str, str], ...] = ()
    #: Each practice item's id and the concept ids it names.
    item_concepts: tuple[tuple[str, tuple[str, ...]], ...] = ()


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
    equation = data.get("key_equation")
    fields = {
        **{name: data.get(name) for name in (*_TEXTS, "phase", "order")},
        **{name: data.get(name, []) for name in _LINKS},
        "equation": equation.get("text") if isinstance(equation, dict) else None,
        "concepts": [
            [c["id"], c["concept"]]
            for c in _mappings(data.get("inventory"))
            if isinstance(c.get("id"), str) and isinstance(c.get("concept"), str)
        ],
        "item_concepts": [
            [item["id"], named if _is_ids(named := item.get("concepts")) else []]
            for item in _mappings(data.get("practice"))
            if isinstance(item.get("id"), str)
        ],
    }
    return _checked(fields, path)


def _mappings(value: object) -> list[dict]:
    """The mappings in a YAML list (anything else there is for ``validate`` to report)."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _checked(fields: object, path: Path) -> LessonSummary | None:
    """The summary ``fields`` describe, if every field has the type and range the model
    requires; else None. A lesson file's fields and the cache's pass this same check, so
    neither can hand the map a list for an id or an infinite phase."""
    if not isinstance(fields, dict):
        return None
    texts = [text for name in _TEXTS if isinstance(text := fields.get(name), str)]
    links = [ids for name in _LINKS if _is_ids(ids := fields.get(name))]
    phase, order = fields.get("phase"), fields.get("order")
    concepts, item_concepts = fields.get("concepts"), fields.get("item_concepts")
    if not (
        len(texts) == len(_TEXTS)
        and len(links) == len(_LINKS)
        and _whole_number_in(phase, MAX_PHASE)
        and _whole_number_in(order, MAX_ORDER)
        and isinstance(concepts, list)
        and all(_is_ids(pair) and len(pair) == 2 for pair in concepts)
        and isinstance(item_concepts, list)
        and all(
            isinstance(pair, list)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and _is_ids(pair[1])
            for pair in item_concepts
        )
    ):
        return None
    lesson_id, title, one_line, equation, difficulty = (visible(text) for text in texts)
    prerequisites, unlocks = (tuple(visible(i) for i in ids) for ids in links)
    return LessonSummary(
        lesson_id,
        title,
        one_line,
        equation,
        phase,
        order,
        difficulty,
        prerequisites,
        unlocks,
        path,
        tuple((concept_id, visible(name)) for concept_id, name in concepts),
        tuple((item, tuple(named)) for item, named in item_concepts),
    )


def _is_ids(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _whole_number_in(value: object, most: int) -> TypeGuard[int]:
    return type(value) is int and 0 <= value <= most


def read_index(paths: Sequence[Path], cache: Path | None = None) -> list[LessonSummary]:
    """Summaries of the lessons on ``paths`` in the map's order; the first file per id wins.

    ``cache`` is a JSON file of earlier summaries; it is read if every entry in it checks
    out (else it is rebuilt whole) and rewritten when anything changed: a broken or
    unwritable cache only costs time.
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
            summary = _checked(entry["summary"], path)
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
    """A summary as the cache keeps it: JSON types only, and no path (the key is the path)."""
    if summary is None:
        return None
    data = asdict(summary)
    del data["path"]
    return {
        **data,
        **{name: list(data[name]) for name in _LINKS},
        "concepts": [list(pair) for pair in summary.concepts],
        "item_concepts": [[item, list(named)] for item, named in summary.item_concepts],
    }


def _read_cache(cache: Path) -> dict[str, dict]:
    """The cache's entries if the whole file is what ``_write_cache`` writes, else nothing."""
    try:
        data = json.loads(read_regular_file(cache, MAX_CACHE_BYTES))
    except (OSError, RefusedFile, ValueError, RecursionError):
        return {}  # unreadable, not a file, not UTF-8 JSON, a number too long, nested too deep
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return {}
    for key, entry in entries.items():
        if not (
            isinstance(entry, dict)
            and entry.keys() == {"mtime_ns", "size", "summary"}
            and type(entry["mtime_ns"]) is int
            and type(entry["size"]) is int
            and (entry["summary"] is None or _checked(entry["summary"], Path(key)))
        ):
            return {}
    return entries


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
