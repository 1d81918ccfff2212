"""The research room: every note, searched as you type, each one a way back to its object."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Markdown, OptionList
from textual.widgets.option_list import Option

from tutor.notes import anchored_content, research_prompt, to_markdown
from tutor.store import Note
from tutor.ui.screens.base import BaseScreen

#: Where a note's anchor kind leads inside its lesson.
SECTION_OF = {
    "equation": "math",
    "witness": "code",
    "claim": "claims",
    "source": "claims",
    "practice": "practice",
    "misconception": "practice",
    "concept": "intuition",
}


class NotesScreen(BaseScreen):
    LOCATION = "Notes"
    CSS_PATH = "notes.tcss"
    BINDINGS = [
        Binding("enter", "jump", "Go to its object", show=False),
        Binding("ctrl+g", "jump", "Go to its object"),
        Binding("ctrl+r", "research_prompt", "Research prompt"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[Note] = []

    def compose_content(self) -> ComposeResult:
        yield Input(placeholder='search: words, "a phrase", prefix*, AND/OR/NOT', id="notes-query")
        with Horizontal():
            yield OptionList(id="notes-list")
            yield Markdown(id="note-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self._refresh("")
        self.query_one("#notes-query", Input).focus()

    @on(Input.Changed, "#notes-query")
    def _search(self, event: Input.Changed) -> None:
        self._refresh(event.value)

    def _refresh(self, query: str) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        if store is None:
            self.shown = []
        else:
            self.shown = store.search_notes(query) if query.strip() else store.notes()
        options = self.query_one("#notes-list", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    f"{n.anchor_kind}:{n.anchor_id[:24]} — {' '.join(n.body.split())[:40]}",
                    id=str(i),
                )
                for i, n in enumerate(self.shown)
            ]
        )
        if self.shown:
            options.highlighted = 0
            self._show(self.shown[0])
        else:
            self.query_one("#note-detail", Markdown).update(
                "No notes yet: press `n` anywhere to write one." if not query else "No match."
            )

    @on(OptionList.OptionHighlighted, "#notes-list")
    def _highlight(self, event: OptionList.OptionHighlighted) -> None:
        self._show(self.shown[int(event.option.id or 0)])

    @property
    def selected(self) -> Note | None:
        index = self.query_one("#notes-list", OptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def _object_text(self, note: Note) -> str:
        lesson = self.app.lesson(note.lesson_id) if note.lesson_id else None  # type: ignore[attr-defined]
        return anchored_content(note, lesson)

    def _show(self, note: Note) -> None:
        self.query_one("#note-detail", Markdown).update(to_markdown([note], self._object_text))

    @on(OptionList.OptionSelected, "#notes-list")
    def _chosen(self) -> None:
        self.action_jump()

    def action_jump(self) -> None:
        """Back to the anchored object: the lab in its stored state, or the lesson's section."""
        note = self.selected
        if note is None:
            return
        if note.anchor_kind == "lab":
            from tutor.sim import SimParams

            self.app.open_lab(SimParams(**(note.anchor_data or {})), "from a note")  # type: ignore[attr-defined]
        elif note.lesson_id:
            self.app.open_lesson(note.lesson_id, SECTION_OF.get(note.anchor_kind))  # type: ignore[attr-defined]
        else:
            self.notify("this note's object has no lesson to open")

    def action_research_prompt(self) -> None:
        note = self.selected
        if note is None:
            return
        context = note.lesson_id or "the restutor lab"
        text = research_prompt(note, self._object_text(note), context)
        self.app.copy_to_clipboard(text)
        # Beside the database, so it is found where the learner's data lives.
        target = self.app.db_path.parent / "research-prompts" / f"note-{note.id}.md"  # type: ignore[attr-defined]
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            where = f" and written to {target}"
        except OSError:
            where = ""
        self.notify(f"research prompt copied to the clipboard{where}")

    def action_back(self) -> None:
        self.app.pop_screen()
