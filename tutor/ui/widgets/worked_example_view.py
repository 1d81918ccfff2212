"""A worked example revealed one step at a time: commit to the next step before you see it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Markdown

from tutor.lessons.model import ExampleStep, WorkedExample


def step_markdown(number: int, step: ExampleStep) -> str:
    text = f"**Step {number}.** {step.say.strip()}"
    if step.compute is not None and step.result is not None:
        text += f"\n\n    {step.compute} = {step.result:g}"
    return text


class WorkedExampleView(Vertical, can_focus=True):
    """Focus it; `space` reveals the next step, `b` hides the last one."""

    DEFAULT_CSS = """
    WorkedExampleView {
        height: auto;
        border: round $primary-background;
        padding: 0 1;
        margin: 1 0;
    }
    WorkedExampleView:focus { border: round $accent; }
    WorkedExampleView Markdown { margin: 0; }
    """

    BINDINGS = [
        Binding("space", "next_step", "Next step", id="example.next_step"),
        Binding("b", "previous_step", "Step back", id="example.previous_step"),
    ]

    shown: reactive[int] = reactive(0)

    def __init__(self, example: WorkedExample) -> None:
        super().__init__(id=f"example-{example.id}")
        self.example = example

    @property
    def total(self) -> int:
        return len(self.example.steps)

    def compose(self) -> ComposeResult:
        yield Markdown(self._text())

    def _text(self) -> str:
        example = self.example
        parts = [f"### {example.title}", f"**Given.** {example.given.strip()}"]
        parts += [step_markdown(i + 1, s) for i, s in enumerate(example.steps[: self.shown])]
        if self.shown >= self.total:
            parts += [
                f"**Answer.** {example.answer.strip()}",
                f"**Insight.** {example.insight.strip()}",
            ]
        else:
            parts.append(
                f"*{self.shown}/{self.total} steps shown — focus here and press "
                "space for the next one (predict it first).*"
            )
        return "\n\n".join(parts)

    def watch_shown(self) -> None:
        if self.is_mounted:
            self.query_one(Markdown).update(self._text())

    def action_next_step(self) -> None:
        self.shown = min(self.total, self.shown + 1)

    def action_previous_step(self) -> None:
        self.shown = max(0, self.shown - 1)
