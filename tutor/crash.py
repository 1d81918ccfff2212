"""What a crash leaves behind: a report a learner can send, written beside their data.

Pure (no Textual): the app calls ``write_crash_report`` from its exception handler and
the command line prints one line naming the file, so a crash is never a bare traceback
and never an exit status of 0.
"""

from __future__ import annotations

import platform
import sys
import traceback
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def crash_report(error: BaseException) -> str:
    """The report's text: when, which versions on which platform, and the traceback."""
    lines = [
        "restutor crash report",
        f"when: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"restutor: {_version('restutor')}",
        f"textual: {_version('textual')}",
        f"python: {sys.version.split()[0]} ({platform.python_implementation()})",
        f"platform: {platform.platform()}",
        "",
        *traceback.format_exception(error),
    ]
    return "\n".join(line.rstrip("\n") for line in lines) + "\n"


def write_crash_report(error: BaseException, folder: Path) -> Path:
    """Write the report for ``error`` into ``folder`` (made if needed) and return its path;
    raises ``OSError`` if the folder cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"crash-{stamp}.txt"
    path.write_text(crash_report(error), encoding="utf-8")
    return path
