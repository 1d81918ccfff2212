"""The learner's copy of a code witness: the editor that opens in the witness's box (`e`),
and the file that keeps the copy beside the database, so it is there after quitting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import LanguageDoesNotExist

from tutor.lessons.files import RefusedFile, read_regular_file
from tutor.notes.writing import write_atomically

#: A kept copy larger than this was not written by the editor (a witness's code is at
#: most 100,000 characters); it is refused rather than laid out.
MOST_BYTES = 1_000_000


class KeptCopy:
    """One witness's edited copy, ``folder/{lesson_id}/{witness_id}.py`` (ids are unique
    within a lesson, and neither holds a slash): written whole at each change (a new file
    renamed over the old, so it is never half written)."""

    def __init__(self, folder: Path, lesson_id: str, witness_id: str) -> None:
        self.path = folder / lesson_id / f"{witness_id}.py"

    def read(self) -> str | None:
        """The kept copy, or None when there is none. Raises ``OSError``, ``RefusedFile``
        or ``ValueError`` (not UTF-8)."""
        try:
            raw = read_regular_file(self.path, MOST_BYTES, "a kept copy is a Python text file")
        except FileNotFoundError:
            return None
        return raw.decode("utf-8")

    def write(self, code: str) -> None:
        """Keep ``code`` (the data folder is made if missing). Raises ``OSError``."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, code)

    def delete(self) -> None:
        """Forget the copy (none kept is fine). Raises ``OSError``."""
        self.path.unlink(missing_ok=True)


#: What reading a kept copy can raise (each said to the learner, the witness's code used).
UNREADABLE = (OSError, RefusedFile, ValueError)


class WitnessEditor(TextArea):
    """Python, highlighted when the grammar is installed (plain text otherwise). Every
    letter is the learner's; tab indents; `escape` leaves for the witness's keys and
    `ctrl+r` runs from here. Its witness keeps the text (``TextArea.Changed``)."""

    BINDINGS = [
        Binding("escape", "leave", "Leave the editor", id="witness.leave_editor"),
        Binding("ctrl+r", "run", "Run your version", id="witness.run_edited"),
        Binding("tab", "indent", "Indent", show=False),
    ]

    class Left(Message):
        """The learner left the editor (its text is kept as it is)."""

    class RunAsked(Message):
        """The learner asked, from the editor, to run what it holds."""

    @classmethod
    def holding(cls, code: str) -> WitnessEditor:
        """An editor holding ``code``: tab is bound here (not the text area's own
        indent mode, which takes `escape` for itself), so `escape` stays a binding."""
        options: dict[str, Any] = {"tab_behavior": "focus", "theme": "css", "id": "editor"}
        try:
            editor = cls.code_editor(code, language="python", **options)
        except LanguageDoesNotExist:  # tree-sitter without its Python grammar
            editor = cls.code_editor(code, **options)
        assert isinstance(editor, WitnessEditor)
        return editor

    def action_indent(self) -> None:
        """Spaces to the next indent stop (a witness is Python: never a tab character)."""
        column = self.cursor_location[1]
        self.insert(" " * (self.indent_width - column % self.indent_width))

    def action_leave(self) -> None:
        self.post_message(self.Left())

    def action_run(self) -> None:
        self.post_message(self.RunAsked())
