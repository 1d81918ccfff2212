"""Research-room notes: what they are anchored to, the files they export to and import
from, the research prompt they become. The store keeps them; this package is their face.

The anchors and the prompt load with the package (every command line names the anchor
kinds); the files load on first use, as they bring in PyYAML and pydantic.
"""

from importlib import import_module

from tutor.notes.anchor import (
    ANCHOR_KINDS,
    Anchor,
    anchored_content,
    lab_anchor,
    lab_anchor_data,
    lab_anchor_state,
    lab_command,
)
from tutor.notes.prompt import research_prompt

#: The names loaded on first use: name -> (module in tutor.notes, attribute).
_LAZY = {
    "EXPORT_VERSION": ("export", "EXPORT_VERSION"),
    "to_json": ("export", "to_json"),
    "to_markdown": ("export", "to_markdown"),
    "BadExport": ("importing", "BadExport"),
    "CheckedExport": ("importing", "CheckedExport"),
    "ExportedNote": ("importing", "ExportedNote"),
    "check_export": ("importing", "check_export"),
    "read_export": ("importing", "read_export"),
    "vault_pages": ("vault", "vault_pages"),
    "write_vault": ("vault_folder", "write_vault"),
    "RefusedWrite": ("writing", "RefusedWrite"),
    "write_export": ("writing", "write_export"),
}

__all__ = [
    "ANCHOR_KINDS",
    "Anchor",
    "anchored_content",
    "lab_anchor",
    "lab_anchor_data",
    "lab_anchor_state",
    "lab_command",
    "research_prompt",
    *_LAZY,
]


def __getattr__(name: str) -> object:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'tutor.notes' has no attribute {name!r}") from None
    return getattr(import_module(f"tutor.notes.{module}"), attribute)


def __dir__() -> list[str]:
    return sorted(__all__)
