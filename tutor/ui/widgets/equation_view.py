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
        #: The lines last broken, and the width they were broken for (layout asks for
        #: the height, then the widget draws, at one width).
        self._broken: tuple[int, list[str]] = (-1, [])

    def lines(self, width: int) -> list[str]:
        """The equation's lines at ``width`` columns, the label on the first."""
        if self._broken[0] != width:
            lines = break_equation(self.equation, max(1, width - len(self.label)))
            pad = " " * len(self.label)
            self._broken = (width, [self.label + lines[0], *(pad + line for line in lines[1:])])
        return self._broken[1]

    def _content(self, width: int) -> Content:
        return Content("\n".join(self.lines(width)))

    def render(self) -> Content:
        return self._content(self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the lines at ``width`` take (one that nothing breaks wraps)."""
        return len(self._content(width).wrap(width)) if width > 0 else 0
