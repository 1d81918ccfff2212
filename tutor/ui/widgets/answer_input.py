"""Where the learner types an answer: one line for a number (``AnswerInput``), several for a
written answer (``AnswerArea``, "two or three sentences": Enter is a new line).

Both are bounded: a paste of ten megabytes would make every later key redraw ten megabytes (a
third of a second a key), and grading reads the whole answer. While one has focus every letter
is the learner's, so the keys that work while typing are modifiers, bound here so the footer
shows them only then: ``ctrl+s`` commits, ``ctrl+g`` asks for a nudge, ``ctrl+n`` skips,
``escape`` leaves the field (and the screen's letter keys work again).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, TextArea

#: The most an answer holds: a written answer is a sentence or a page (20,000 characters
#: is some 3,000 words), a number a few characters.
MOST_CHARACTERS = {"text": 20_000}
MOST_OTHERWISE = 100
PLACEHOLDERS = {
    "number": "your number (0.2, 1/5 or 2e-1), then Enter",
    "predict-sim": "your predicted value, then Enter",
    "predict-train": "your predicted value, then Enter",
}


@dataclass
class Asked(Message):
    """A key pressed while typing asks the screen for ``action`` ("commit", "nudge",
    "next_item", or "leave" the field)."""

    action: str


TYPING_BINDINGS: list[BindingType] = [
    Binding("ctrl+s,ctrl+enter", "ask('commit')", "Commit", key_display="^s", id="answer.commit"),
    Binding("ctrl+g", "ask('nudge')", "Nudge", id="answer.nudge"),
    Binding("ctrl+n", "ask('next_item')", "Skip", id="answer.skip"),
    Binding("escape", "leave", "Leave the answer", id="answer.leave"),
]


class _Typing:
    """What both answer fields share: the typing keys."""

    def action_ask(self, action: str) -> None:
        self.post_message(Asked(action))  # type: ignore[attr-defined]

    def action_leave(self) -> None:
        self.post_message(Asked("leave"))  # type: ignore[attr-defined]


class AnswerInput(_Typing, Input):
    BINDINGS = TYPING_BINDINGS

    def bound_for(self, kind: str) -> None:
        """Take answers of at most the length an item of ``kind`` needs, and say what."""
        self.max_length = MOST_CHARACTERS.get(kind, MOST_OTHERWISE)
        self.placeholder = PLACEHOLDERS[kind]

    def restricted(self) -> None:
        """A key or a paste past the bound is refused whole: say so (Textual only rings)."""
        self.notify(
            f"an answer here holds at most {self.max_length:,} characters", severity="warning"
        )


class AnswerArea(_Typing, TextArea):
    """A written answer over several lines; ``value`` as on ``Input``."""

    BINDINGS = TYPING_BINDINGS
    MOST = MOST_CHARACTERS["text"]

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False)
        self.placeholder = "your answer in two or three sentences, then ctrl+s"

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.load_text(text)

    def _bounded(self, adding: str) -> bool:
        """Whether ``adding`` fits within the bound; if not it is refused whole, and said."""
        if len(self.text) + len(adding) <= self.MOST:
            return True
        self.notify(f"an answer here holds at most {self.MOST:,} characters", severity="warning")
        return False

    async def _on_paste(self, event: events.Paste) -> None:
        if not self._bounded(event.text):
            event.prevent_default()  # TextArea's own paste handler does not run

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and not self._bounded(event.character or ""):
            event.prevent_default()
