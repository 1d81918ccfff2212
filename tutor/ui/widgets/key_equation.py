"""The lesson's key equation, pinned above the content so it is always in view, broken at
its operators when the screen is too narrow for it, the lesson's title beside it."""

from __future__ import annotations

from textual.content import Content

from tutor.lessons.model import Lesson
from tutor.ui.widgets.equation_view import EquationView

#: Between the equation's last line and the title.
GAP = "    "


class KeyEquation(EquationView):
    DEFAULT_CSS = """
    KeyEquation {
        height: auto;
        padding: 0 2;
        background: $boost;
        border-bottom: solid $primary;
    }
    """

    def __init__(self, lesson: Lesson) -> None:
        super().__init__(lesson.key_equation.text, id="key-equation")
        self.lesson_title = lesson.title

    def _content(self, width: int) -> Content:
        """The equation in bold; the title after its last line, or under it if it does
        not fit there."""
        lines = self.lines(width)
        equation = Content("\n".join(lines)).stylize("bold")
        beside = len(lines[-1]) + len(GAP) + len(self.lesson_title) <= width
        return (
            equation
            + Content(GAP if beside else "\n").stylize("dim")
            + Content(self.lesson_title).stylize("dim")
        )
