"""Messages the screens send to the app (navigation requests)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenLesson(Message):
    """Open a lesson, optionally at one of its sections."""

    lesson_id: str
    section: str | None = None
