"""Notes as files: JSON that imports back exactly, and Markdown that stands on its own
(each note with its anchor's stable id and the anchored content itself).

The Markdown file is one document other tools read: one front-matter block at the top
(what the file is), then each note as a heading, its metadata in a fenced YAML block,
the anchored content quoted, and its body.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from tutor.notes.markdown import (
    code_span,
    contained,
    fenced,
    front_matter_block,
    plain_line,
    yaml_text,
)
from tutor.store import Note

#: Format of the JSON export and of the Markdown file's metadata (bump when it changes).
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


def note_metadata(note: Note) -> dict:
    """What the Markdown export and the vault say about a note besides its text."""
    return {
        "uid": note.uid,
        "anchor": f"{note.anchor_kind}:{note.anchor_id}",
        "lesson": note.lesson_id,
        "tags": list(note.tags),
        "created": note.created_at,
        "updated": note.updated_at,
    }


def quoted_anchor(note: Note, anchored: str) -> list[str]:
    """What the note is anchored to: the anchor's id, and the object itself quoted."""
    quoted = "\n".join(f"> {line}" for line in anchored.splitlines() or [""])
    return [f"**Anchored to** {note.anchor_kind} {code_span(note.anchor_id)}:", "", quoted]


def kept_apart(note: Note) -> list[str]:
    """The body and next action in a file, neither able to swallow what follows them."""
    lines = [contained(note.body.strip())]
    if note.next_action:
        shown = contained(note.next_action)
        if shown == note.next_action and "\n" not in shown:
            lines += ["", f"**Next action:** {shown}"]
        else:
            lines += ["", "**Next action:**", "", shown]
    return lines


def to_markdown(
    notes: Sequence[Note],
    anchored: Callable[[Note], str],
    front_matter: bool = True,
    exported_at: str | None = None,
) -> str:
    """The notes as one Markdown file (``front_matter``: the file's own at the top, and each
    note's metadata in a YAML block) or as the screen shows them (a one-line header a
    note); ``anchored(note)`` gives the anchored content (the equation, the claim's text,
    the lab state as a command)."""
    if not front_matter:
        return "\n\n".join(_on_screen(note, anchored(note)) for note in notes) + "\n"
    about = {
        "restutor_export": EXPORT_VERSION,
        "exported": exported_at or datetime.now(UTC).isoformat(timespec="seconds"),
        "count": len(notes),
    }
    head = front_matter_block(about) + "\n# restutor notes"
    return "\n\n".join([head, *(_in_file(note, anchored(note)) for note in notes)]) + "\n"


def _in_file(note: Note, anchored: str) -> str:
    heading = f"## {plain_line(f'{note.anchor_kind} {note.anchor_id}') or 'Note'}"
    block = fenced(yaml_text(note_metadata(note)).rstrip("\n"), "yaml")
    lines = [heading, "", block, "", *quoted_anchor(note, anchored), "", *kept_apart(note)]
    return "\n".join(lines)


def _on_screen(note: Note, anchored: str) -> str:
    """The research room's and ``notes show``'s view: the text as the learner wrote it."""
    facts = [
        *([f"lesson `{note.lesson_id}`"] if note.lesson_id else []),
        *([f"tags {' '.join('`' + t + '`' for t in note.tags)}"] if note.tags else []),
        f"updated {note.updated_at.replace('T', ' ')[:16]}",
    ]
    lines = ["### Note " + str(note.id), "", " · ".join(facts), "", *quoted_anchor(note, anchored)]
    lines += ["", note.body.strip()]
    if note.next_action:
        lines += ["", f"**Next action:** {note.next_action}"]
    return "\n".join(lines)
