"""Research-room notes: what they are anchored to, the files they export to, the
research prompt they become. The store keeps them; this package is their face."""

from tutor.notes.anchor import (
    ANCHOR_KINDS,
    Anchor,
    anchored_content,
    lab_anchor,
    lab_anchor_data,
    lab_anchor_state,
    lab_command,
)
from tutor.notes.export import EXPORT_VERSION, BadExport, from_json, to_json, to_markdown
from tutor.notes.prompt import research_prompt

__all__ = [
    "ANCHOR_KINDS",
    "EXPORT_VERSION",
    "Anchor",
    "BadExport",
    "anchored_content",
    "from_json",
    "lab_anchor",
    "lab_anchor_data",
    "lab_anchor_state",
    "lab_command",
    "research_prompt",
    "to_json",
    "to_markdown",
]
