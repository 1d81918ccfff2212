"""Whose code a lesson's witness is: restutor's own, or a file's from elsewhere.

The built-in lessons ship with restutor and run like restutor's own code. A lesson
file from anywhere else is data until the learner says otherwise: its code runs only
after a yes, and a yes holds for that file with exactly those bytes. Change the file
and the question comes back, so a yes can never be carried over to code the learner
has not seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.paths import builtin_lessons_dir


@dataclass(frozen=True)
class Origin:
    """A lesson file, resolved, and the SHA-256 of the bytes its lesson was read from."""

    path: Path
    sha256: str

    @property
    def builtin(self) -> bool:
        """Is this one of the lessons that ship with restutor?"""
        return is_builtin(self.path)


def is_builtin(path: Path) -> bool:
    """Does ``path`` (any form of it) lie inside restutor's built-in lesson folder?"""
    return path.resolve().is_relative_to(builtin_lessons_dir().resolve())
