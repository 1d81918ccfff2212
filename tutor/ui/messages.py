"""Messages the screens send to the app (navigation requests, where the learner is)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen

    from tutor.sim import SimParams, TrainParams


@dataclass
class OpenLesson(Message):
    """Open a lesson, optionally at one of its sections."""

    lesson_id: str
    section: str | None = None


@dataclass
class LabShown(Message):
    """The lab shows this tab and state now (the app keeps it as the place to continue)."""

    screen: Screen[None]
    experiment: str
    params: SimParams | TrainParams
