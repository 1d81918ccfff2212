"""The notes as an Obsidian vault: one page a note, one a lesson, and an index.

Every page starts with YAML front matter and links the others with ``[[name]]``, each
name a file's name in the vault, so every link resolves. Names come from uids and lesson
ids, which may come from someone else's file: a name is used as it is only when it is a
plain lowercase name no system reserves, else it becomes a slug and a digest, so no name
can leave the folder, hide, or stand for a device (``../x``, ``/etc``, NUL, ``con``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tutor.notes.export import EXPORT_VERSION, kept_apart, note_metadata, quoted_anchor
from tutor.notes.markdown import front_matter_block, plain_line
from tutor.store import Note

#: The vault's entry page: every lesson, and the notes that belong to none.
INDEX = "index"
#: The folders of the pages (one a note, one a lesson).
NOTES_DIR = "notes"
LESSONS_DIR = "lessons"
#: A name used as it is: what every uid restutor makes, and every lesson id, looks like.
_PLAIN_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
#: Names Windows keeps for devices (whatever follows them), and the index's.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"{port}{n}" for port in ("com", "lpt") for n in range(10)),
    INDEX,
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def page_name(text: str) -> str:
    """A file name (without ``.md``) for ``text``: ``text`` itself when it is plain, else
    a slug of it and a digest (the same every time)."""
    if _PLAIN_NAME.fullmatch(text) and text not in _RESERVED:
        return text
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return f"{slug}-{_digest(text)}" if slug else _digest(text)


def _free(name: str, taken: set[str]) -> str:
    """``name``, or the first ``name-2``, ``name-3``… no other page has (Obsidian finds a
    page by its name alone, whatever its folder)."""
    chosen, count = name, 1
    while chosen in taken:
        count += 1
        chosen = f"{name}-{count}"
    taken.add(chosen)
    return chosen


def _link(name: str, shown: str) -> str:
    text = plain_line(shown, 80)
    return f"[[{name}|{text}]]" if text and text != name else f"[[{name}]]"


def _about(note: Note) -> str:
    return f"{note.anchor_kind} {note.anchor_id}"


@dataclass(frozen=True)
class _Names:
    """Every page's name: the lessons' by id, the notes' in the order given."""

    lessons: dict[str, str]
    notes: list[str]

    @classmethod
    def of(cls, notes: Sequence[Note]) -> _Names:
        taken = {INDEX}
        lesson_ids = sorted({n.lesson_id for n in notes if n.lesson_id is not None})
        lessons = {lesson: _free(page_name(lesson), taken) for lesson in lesson_ids}
        return cls(lessons, [_free(page_name(note.uid), taken) for note in notes])


def vault_pages(
    notes: Sequence[Note], anchored: Callable[[Note], str], exported_at: str
) -> dict[str, str]:
    """Every page of the vault, by its path inside it (``notes/<name>.md``, …)."""
    names = _Names.of(notes)
    pages: dict[str, str] = {}
    by_lesson: dict[str, list[str]] = {lesson: [] for lesson in names.lessons}
    loose: list[str] = []
    for note, name in zip(notes, names.notes, strict=True):
        pages[f"{NOTES_DIR}/{name}.md"] = _note_page(note, anchored(note), names)
        entry = f"- {_link(name, _about(note))}: {plain_line(note.body, 80)}"
        (by_lesson[note.lesson_id] if note.lesson_id is not None else loose).append(entry)
    for lesson, name in names.lessons.items():
        head = front_matter_block({"lesson": lesson, "notes": len(by_lesson[lesson])})
        title = f"# Lesson {plain_line(lesson) or name}"
        pages[f"{LESSONS_DIR}/{name}.md"] = "\n".join([head, title, "", *by_lesson[lesson], ""])
    about = {"restutor_export": EXPORT_VERSION, "exported": exported_at, "count": len(notes)}
    index = [front_matter_block(about), "# restutor notes", "", "## Lessons", ""]
    index += [f"- {_link(name, lesson)}" for lesson, name in names.lessons.items()] or ["None."]
    if loose:
        index += ["", "## Notes on no lesson", "", *loose]
    pages[f"{INDEX}.md"] = "\n".join([*index, ""])
    return pages


def _note_page(note: Note, anchored: str, names: _Names) -> str:
    lines = [front_matter_block(note_metadata(note)), f"# {plain_line(_about(note)) or 'Note'}", ""]
    if note.lesson_id is not None:
        lines += [f"Lesson: {_link(names.lessons[note.lesson_id], note.lesson_id)}", ""]
    lines += [*quoted_anchor(note, anchored), "", *kept_apart(note), ""]
    return "\n".join(lines)
