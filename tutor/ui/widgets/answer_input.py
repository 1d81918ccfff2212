"""The practice answer line, bounded: a paste of ten megabytes would make every later key
redraw ten megabytes (a third of a second a key), and grading reads the whole answer."""

from __future__ import annotations

from textual.widgets import Input

#: The most an answer holds: a written answer is a sentence or a page (20,000 characters
#: is some 3,000 words), a number a few characters.
MOST_CHARACTERS = {"text": 20_000}
MOST_OTHERWISE = 100


class AnswerInput(Input):
    def bound_for(self, kind: str) -> None:
        """Take answers of at most the length an item of ``kind`` needs."""
        self.max_length = MOST_CHARACTERS.get(kind, MOST_OTHERWISE)

    def restricted(self) -> None:
        """A key or a paste past the bound is refused whole: say so (Textual only rings)."""
        self.notify(
            f"an answer here holds at most {self.max_length:,} characters", severity="warning"
        )
