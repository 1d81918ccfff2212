"""An equation drawn to the width it has: broken at its operators (``break_equation``),
never mid-expression, and broken again when the terminal is resized."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from tutor.text import break_equation


class EquationView(Widget):
    """``equation`` after ``label`` (a step's number), its continuation lines under it."""

    DEFAULT_CSS = """
    EquationView { height: auto; }
    """

    def __init__(
        self, equation: str, label: str = "", *, id: str | None = None, classes: str = ""
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.equation = equation
        self.label = label

    def lines(self, width: int) -> list[str]:
        """The equation's lines at ``width`` columns, the label on the first."""
        room = max(1, width - len(self.label))
        lines = break_equation(self.equation, room)
        pad = " " * len(self.label)
        return [self.label + lines[0], *(pad + line for line in lines[1:])]

    def _content(self, width: int) -> Content:
        return Content("\n".join(self.lines(width)))

    def render(self) -> Content:
        return self._content(self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the lines at ``width`` take (one that nothing breaks wraps)."""
        return len(self._content(width).wrap(width)) if width > 0 else 0
