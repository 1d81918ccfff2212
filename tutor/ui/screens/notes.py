"""The research room: every note, filtered and searched as you type, each one a way back to
its object; a note deleted here comes back with ``u`` while the room is open."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Markdown, OptionList, Select
from textual.widgets.option_list import Option

from tutor.notes import ANCHOR_KINDS, anchored_content, research_prompt, to_markdown
from tutor.store import Note
from tutor.text import one_line, preview
from tutor.ui.plain import plain
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
        Binding("ctrl+g", "jump", "Go to its object", id="notes.jump"),
        Binding("f2,e", "edit", "Edit", key_display="F2", id="notes.edit"),
        Binding("ctrl+r", "research_prompt", "Research prompt", id="notes.prompt"),
        Binding("d,delete", "delete", "Delete", key_display="d", id="notes.delete"),
        Binding("u", "undo_delete", "Undo delete", id="notes.undo_delete"),
        Binding("escape", "back", "Back", id="notes.back"),
    ]

    def __init__(self, lesson_id: str | None = None) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.shown: list[Note] = []
        #: The rows of the notes deleted here, the latest last: what ``u`` restores.
        self.deleted: list[tuple] = []

    def compose_content(self) -> ComposeResult:
        yield Input(placeholder='search: words, "a phrase", prefix*, AND/OR/NOT', id="notes-query")
        lessons = [(plain(s.title), s.id) for s in self.tutor.summaries]
        with Horizontal(id="notes-filters"):
            yield Select(
                [(kind, kind) for kind in ANCHOR_KINDS], prompt="any object", id="filter-kind"
            )
            known = {lesson_id for _, lesson_id in lessons}
            preset = {"value": self.lesson_id} if self.lesson_id in known else {}
            yield Select(lessons, prompt="any lesson", id="filter-lesson", **preset)
            yield Select(
                [(plain(tag), tag) for tag in self._tags_in_use()],
                prompt="any tag",
                id="filter-tag",
            )
        with Horizontal():
            yield OptionList(id="notes-list")
            yield Markdown(id="note-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self._refresh()
        self.query_one("#notes-query", Input).focus()

    def _tags_in_use(self) -> list[str]:
        store = self.tutor.store
        return self.tutor.safely(store.tags, fallback=[]) if store else []

    @on(Input.Changed, "#notes-query")
    @on(Select.Changed)
    def _refresh(self) -> None:
        self._list_notes()

    def _list_notes(self, highlight: int | None = None) -> None:
        """List the notes the search and filters match, the one with id ``highlight``
        highlighted if it is among them, else the best match."""
        store = self.tutor.store
        query = self.query_one("#notes-query", Input).value
        filters = {
            name: None if select.is_blank() else select.value
            for name, select in (
                ("anchor_kind", self.query_one("#filter-kind", Select)),
                ("lesson_id", self.query_one("#filter-lesson", Select)),
                ("tag", self.query_one("#filter-tag", Select)),
            )
        }
        self.shown = (
            self.tutor.safely(store.notes, query=query, limit=500, **filters, fallback=[])
            if store
            else []
        )
        options = self.query_one("#notes-list", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    plain(f"{n.anchor_kind}:{n.anchor_id[:24]} — {one_line(n.body, 40)}"),
                    id=f"note-{n.id}",
                )
                for n in self.shown
            ]
        )
        if self.shown:
            ids = [n.id for n in self.shown]
            options.highlighted = ids.index(highlight) if highlight in ids else 0
            self._show(self.shown[options.highlighted])
        else:
            narrowed = query.strip() or any(filters.values())
            self.query_one("#note-detail", Markdown).update(
                "No match." if narrowed else "No notes yet: press `n` anywhere to write one."
            )

    @on(OptionList.OptionHighlighted, "#notes-list")
    def _highlight(self, event: OptionList.OptionHighlighted) -> None:
        """Show the highlighted note; a highlight from a list since replaced (a fast
        typist's search) names a note by its id, so it finds it or nothing."""
        note = next((n for n in self.shown if f"note-{n.id}" == event.option.id), None)
        if note is not None:
            self._show(note)

    @property
    def selected(self) -> Note | None:
        index = self.query_one("#notes-list", OptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def _object_text(self, note: Note) -> str:
        lesson = self.tutor.lesson(note.lesson_id) if note.lesson_id else None
        return anchored_content(note, lesson)

    def _show(self, note: Note) -> None:
        """The note's head: a 10 MB note is laid out as fast as a short one (the stored
        note is untouched; the editor and `restutor notes show` have all of it)."""
        shown = replace(note, body=preview(note.body), next_action=preview(note.next_action))
        self.query_one("#note-detail", Markdown).update(
            to_markdown([shown], self._object_text, front_matter=False)
        )

    @on(OptionList.OptionSelected, "#notes-list")
    def _chosen(self) -> None:
        self.action_jump()

    def action_jump(self) -> None:
        """Back to the anchored object: the lab in its stored state, or the lesson's section."""
        note = self.selected
        if note is None:
            return
        if note.anchor_kind == "lab":
            from tutor.notes import lab_anchor_state

            try:
                experiment, params = lab_anchor_state(note.anchor_data)
            except ValueError as error:
                self.notify(f"this note's lab state cannot be opened: {error}", severity="error")
                return
            self.tutor.open_lab(params, "from a note", experiment)
        elif note.anchor_kind == "practice" and note.lesson_id:
            self._open_practice_item(note.lesson_id, note.anchor_id)
        elif note.lesson_id:
            self.tutor.open_lesson(note.lesson_id, SECTION_OF.get(note.anchor_kind))
        else:
            self.notify("this note's object has no lesson to open")

    def _open_practice_item(self, lesson_id: str, item_id: str) -> None:
        """The item itself (a practice anchor names it by id); an item since removed
        from its lesson opens the lesson's Practice section, and says so."""
        lesson = self.tutor.lesson(lesson_id)
        if lesson is not None and item_id in {item.id for item in lesson.practice}:
            self.tutor.open_practice(lesson, item_id)
            return
        if lesson is not None:
            self.notify(f"practice item '{item_id}' is no longer in this lesson")
        self.tutor.open_lesson(lesson_id, "practice")

    def action_edit(self) -> None:
        """Rewrite the selected note; its anchor and its place in the history stay."""
        from tutor.notes import Anchor
        from tutor.ui.screens.note_editor import NoteEditor

        note = self.selected
        if note is not None:
            self.app.push_screen(NoteEditor(Anchor.of(note), note), self._after_edit)

    def _after_edit(self, edited: Note | None) -> None:
        """The list again (an edit moves its note up), the highlight on the note edited."""
        note = edited or self.selected
        self._offer_tags()
        self._list_notes(highlight=note.id if note else None)

    def _offer_tags(self) -> None:
        """Edits, deletes and undos bring and take tags: offer those in use, keeping the one
        chosen if it is still used. Quietly: the caller lists the notes again, with its own
        highlight, which a ``Select.Changed`` handled later would move back to the top."""
        tags = self.query_one("#filter-tag", Select)
        chosen = tags.value
        in_use = self._tags_in_use()
        with self.prevent(Select.Changed):
            tags.set_options([(plain(tag), tag) for tag in in_use])
            if chosen in in_use:
                tags.value = chosen

    # -- deleting ------------------------------------------------------------------

    def action_delete(self) -> None:
        """Ask first, naming the note: its anchor and its first words."""
        from tutor.ui.screens.confirm import Confirm

        note = self.selected
        if note is None:
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(note)

        anchor = one_line(f"{note.anchor_kind}:{note.anchor_id}", 60)
        about = f"{anchor} — {one_line(note.body, 60)}"
        self.app.push_screen(Confirm(f"Delete note {note.id}?", about, "Delete"), answered)

    def _delete(self, note: Note) -> None:
        store = self.tutor.store
        if store is None:
            return
        failed = f"note {note.id} was not deleted"
        row = self.tutor.safely(store.delete_note, note.id, fallback=False, failed=failed)
        if row is False:
            return
        if row is None:
            self.notify(f"note {note.id} was already gone")
        else:
            self.deleted.append(row)
            self.refresh_bindings()
            self.notify(f"note {note.id} deleted — u to undo")
        # The highlight moves to the note that followed it (or, at the end, the one before).
        index = next((i for i, n in enumerate(self.shown) if n.id == note.id), 0)
        after = [n for n in self.shown if n.id != note.id]
        self._offer_tags()
        self._list_notes(highlight=after[min(index, len(after) - 1)].id if after else None)

    def action_undo_delete(self) -> None:
        """Bring back the note deleted last, exactly as it was, highlighted."""
        store = self.tutor.store
        if not self.deleted or store is None:
            return
        failed = "the deleted note was not brought back"
        restored = self.tutor.safely(store.restore_note, self.deleted[-1], failed=failed)
        if restored is None:
            return  # still on the stack: u tries again
        self.deleted.pop()
        self.refresh_bindings()
        self._offer_tags()
        self._list_notes(highlight=restored.id)
        shown = self.selected is not None and self.selected.id == restored.id
        hidden = "" if shown else " (the search or a filter hides it)"
        self.notify(f"note {restored.id} is back{hidden}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``u`` is in the footer only while there is a deletion to undo."""
        return bool(self.deleted) if action == "undo_delete" else True

    def action_research_prompt(self) -> None:
        note = self.selected
        if note is None:
            return
        context = note.lesson_id or "the restutor lab"
        text = research_prompt(note, self._object_text(note), context)
        self.app.copy_to_clipboard(text)
        # Beside the database, so it is found where the learner's data lives.
        target = self.tutor.db_path.parent / "research-prompts" / f"note-{note.id}.md"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            where = f" and written to {target}"
        except OSError:
            where = ""
        self.notify(f"research prompt copied to the clipboard{where}")

    def action_back(self) -> None:
        self.app.pop_screen()
