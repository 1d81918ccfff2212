"""The lesson's key equation, pinned above the content so it is always in view."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tutor.lessons.model import Lesson


class KeyEquation(Static):
    DEFAULT_CSS = """
    KeyEquation {
        height: auto;
        padding: 0 2;
        background: $boost;
        border-bottom: solid $primary;
    }
    """

    def __init__(self, lesson: Lesson) -> None:
        text = Text()
        text.append(lesson.key_equation.text, style="bold")
        text.append(f"    {lesson.title}", style="dim")
        super().__init__(text, id="key-equation")
