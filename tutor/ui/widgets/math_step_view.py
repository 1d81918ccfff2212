"""One step of a derivation: its number and equation (broken to the width it has), then
why it follows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown

from tutor.lessons.model import MathStep
from tutor.ui.widgets.equation_view import EquationView


class MathStepView(Vertical):
    DEFAULT_CSS = """
    MathStepView { height: auto; }
    MathStepView EquationView { color: $text-accent; text-style: bold; padding: 0 2; }
    MathStepView Markdown { margin: 0 0 0 4; }
    """

    def __init__(self, number: int, step: MathStep) -> None:
        super().__init__(classes="math-step")
        self.number = number
        self.step = step

    def compose(self) -> ComposeResult:
        yield EquationView(self.step.equation, f"{self.number}. ".ljust(4))
        yield Markdown(self.step.why.strip())
