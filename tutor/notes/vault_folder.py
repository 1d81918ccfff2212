"""Writing a vault into a folder without ever destroying the learner's own files.

restutor writes into a new or empty folder, or one it wrote a vault into before: that
one holds a marker (``.restutor-vault.json``) naming each file restutor wrote and the
SHA-256 of what it wrote. Only those files, unchanged since, are ever replaced or
removed; a page the learner edited in Obsidian, or any file restutor did not write, stops
the export before anything is written. The marker is written first naming old and new
contents alike, so an export cut short leaves a folder the next export still recognises.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Annotated

import pydantic
from pydantic import BaseModel, ConfigDict, StringConstraints

from tutor.lessons.files import RefusedFile, read_regular_file
from tutor.notes.vault import LESSONS_DIR, NOTES_DIR
from tutor.notes.writing import RefusedWrite, refuse_database, write_atomically

#: The file that says restutor wrote this vault, and which files in it are its own.
MARKER = ".restutor-vault.json"
MARKER_VERSION = 1
#: A marker bigger than this is not one restutor wrote.
MAX_MARKER_BYTES = 50_000_000

#: The only paths a marker may name: the pages restutor writes (never ``..``, never a
#: folder, never outside the vault's own two folders).
OwnPath = Annotated[
    str,
    StringConstraints(pattern=rf"^(({NOTES_DIR}|{LESSONS_DIR})/)?[a-z0-9][a-z0-9_-]*\.md$"),
]
Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Marker(BaseModel):
    """What ``.restutor-vault.json`` holds."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    restutor_vault: int
    #: Each file restutor wrote, and the digests of the contents it may still hold.
    files: dict[OwnPath, list[Digest]]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_marker(root: Path) -> dict[str, set[str]] | None:
    """The files restutor wrote into ``root`` (None: it wrote no vault here)."""
    path = root / MARKER
    if not os.path.lexists(path):
        return None
    try:
        marker = Marker.model_validate_json(
            read_regular_file(path, MAX_MARKER_BYTES, "restutor writes it as a JSON file")
        )
    except (OSError, RefusedFile, pydantic.ValidationError):
        marker = None
    if marker is None or marker.restutor_vault != MARKER_VERSION:
        raise RefusedWrite(
            f"{path} is not a marker this restutor wrote, so it cannot tell the learner's "
            "files from its own: export to a new folder"
        )
    return {name: set(digests) for name, digests in marker.files.items()}


def _write_marker(root: Path, files: dict[str, set[str]], db: Path) -> None:
    refuse_database(root / MARKER, db)
    marker = {
        "restutor_vault": MARKER_VERSION,
        "files": {name: sorted(files[name]) for name in sorted(files)},
    }
    write_atomically(root / MARKER, json.dumps(marker, indent=1) + "\n")


def _is_own(path: Path, digests: set[str]) -> bool:
    """Whether ``path`` is a plain file holding what restutor last wrote there."""
    if path.is_symlink() or not path.is_file():
        return False
    return _digest(path.read_bytes()) in digests


def _open_folder(folder: Path) -> tuple[Path, dict[str, set[str]]]:
    """The folder (made if new) and the files in it restutor may replace; raises
    ``RefusedWrite`` for a folder holding files of someone else's."""
    root = Path(os.path.realpath(folder))
    if os.path.lexists(root) and not root.is_dir():
        raise RefusedWrite(f"{folder} is not a folder: a vault is written into a folder")
    root.mkdir(parents=True, exist_ok=True)
    owned = _read_marker(root)
    if owned is None:
        if any(root.iterdir()):
            raise RefusedWrite(
                f"{folder} holds files restutor did not write (it has no {MARKER}): "
                "give a new or empty folder, or one restutor wrote a vault into"
            )
        return root, {}
    for sub in (NOTES_DIR, LESSONS_DIR):
        if (root / sub).is_symlink() or (root / sub).exists() and not (root / sub).is_dir():
            raise RefusedWrite(f"{root / sub} is not a folder restutor made: export elsewhere")
    return root, owned


def _refuse_replacing(folder: Path, target: Path, wrote_it: bool) -> RefusedWrite:
    why = "was changed after restutor wrote it" if wrote_it else "is not a file restutor wrote"
    return RefusedWrite(f"{target} {why}: move it out of {folder}, or export to a new folder")


def write_vault(folder: Path, pages: dict[str, str], db: Path) -> Path:
    """Write ``pages`` (by path inside the vault) into ``folder``, replacing only files
    restutor wrote there and removing those of notes since deleted; returns the folder.
    Raises ``RefusedWrite`` before writing anything, or ``OSError``."""
    root, owned = _open_folder(folder)
    stale = sorted(set(owned) - set(pages))
    for name in [*pages, *stale]:
        target = root / name
        refuse_database(target, db)
        if name in pages and os.path.lexists(target):
            if not _is_own(target, owned.get(name, set())):
                raise _refuse_replacing(folder, target, wrote_it=name in owned)
    new = {name: {_digest(text.encode("utf-8"))} for name, text in pages.items()}
    either = {name: owned.get(name, set()) | new.get(name, set()) for name in [*pages, *stale]}
    _write_marker(root, either, db)
    for sub in (NOTES_DIR, LESSONS_DIR):
        (root / sub).mkdir(exist_ok=True)
    for name, text in pages.items():
        write_atomically(root / name, text)
    for name in stale:
        if _is_own(root / name, owned[name]):
            (root / name).unlink()
    _write_marker(root, new, db)
    return root
