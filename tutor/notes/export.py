"""Notes as files: JSON that imports back exactly, and Markdown that stands on its own
(each note with its anchor's stable id and the anchored content itself)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from tutor.store import Note

#: Format of the JSON export (bump when it changes).
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


class BadExport(ValueError):
    """A file that is not a restutor notes export; the message says what is wrong."""


def from_json(text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadExport(f"not JSON: {error.msg} at line {error.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
        raise BadExport("not a restutor notes export (no 'notes' list)")
    required = ("uid", "body", "anchor_kind", "anchor_id", "created_at", "updated_at")
    for index, note in enumerate(data["notes"]):
        missing = [k for k in required if not isinstance(note, dict) or k not in note]
        if missing:
            raise BadExport(f"note {index + 1} lacks {', '.join(missing)}")
    return data["notes"]


def to_markdown(
    notes: Sequence[Note], anchored: Callable[[Note], str], front_matter: bool = True
) -> str:
    """Each note as a section with YAML front matter (for files) or a one-line header (for
    the screen); ``anchored(note)`` gives the anchored content (the equation, the claim's
    text, the lab state as a command)."""
    parts = []
    for note in notes:
        if front_matter:
            front = [
                "---",
                f"uid: {note.uid}",
                f"anchor: {note.anchor_kind}:{note.anchor_id}",
                *([f"lesson: {note.lesson_id}"] if note.lesson_id else []),
                f"tags: [{', '.join(note.tags)}]",
                f"created: {note.created_at}",
                f"updated: {note.updated_at}",
                "---",
            ]
        else:
            facts = [
                *([f"lesson `{note.lesson_id}`"] if note.lesson_id else []),
                *([f"tags {' '.join('`' + t + '`' for t in note.tags)}"] if note.tags else []),
                f"updated {note.updated_at.replace('T', ' ')[:16]}",
            ]
            front = [f"### Note {note.id}", "", " · ".join(facts)]
        quoted = "\n".join(f"> {line}" for line in anchored(note).splitlines() or [""])
        body = [
            f"**Anchored to** {note.anchor_kind} `{note.anchor_id}`:",
            "",
            quoted,
            "",
            note.body.strip(),
        ]
        if note.next_action:
            body += ["", f"**Next action:** {note.next_action}"]
        parts.append("\n".join(front + [""] + body))
    return "\n\n".join(parts) + "\n"
