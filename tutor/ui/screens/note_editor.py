"""`n` anywhere: a note anchored to what is on screen, autosaved as a draft while you type."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from tutor.notes import Anchor
from tutor.store import Note
from tutor.text import split_head
from tutor.ui.plain import plain
from tutor.ui.screens.base import TutorScreen

#: The most of a note the editor opens: a TextArea lays out all it holds at every resize,
#: about a quarter of a second a megabyte, so a longer note is edited by its head and the
#: rest is kept as it is and saved after it.
EDITABLE_LINES, EDITABLE_CHARS = 2_000, 30_000


class NoteEditor(TutorScreen, ModalScreen[Note | None]):
    """A new note on ``anchor``, or, given ``note``, that note rewritten (its anchor stays)."""

    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > Vertical {
        width: 90%;
        max-width: 100;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    NoteEditor TextArea { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save note"),
        Binding("escape", "close", "Close (draft kept)"),
    ]

    def __init__(self, anchor: Anchor, note: Note | None = None) -> None:
        super().__init__()
        self.anchored_to = anchor
        self.note = note
        # An edit's draft is the note's own, so it never mixes with a new note's on the anchor.
        self.draft_key = f"note-edit:{note.uid}" if note else anchor.draft_key
        self.rest = ""  # what follows the part open in the editor: the end of a long note
        self._rest_kept = False  # whether the draft beside this one holds ``rest``

    def compose(self) -> ComposeResult:
        draft = self._load_draft()
        title = f"Note {self.note.id}, on" if self.note else "Note on"
        with Vertical():
            anchor = self.anchored_to
            yield Static(
                Text.assemble((title, "bold"), f" {anchor.kind}: ", plain(anchor.description))
            )
            head, self.rest = split_head(self._draft_body(draft), EDITABLE_LINES, EDITABLE_CHARS)
            yield TextArea(head, id="note-body")
            if self.rest:
                yield Static(
                    f"Only the start of this long note is open here: the rest ({len(self.rest):,}"
                    " more characters) is kept as it is and saved after what you write.",
                    id="note-rest",
                )
            yield Input(
                draft.get("tags", ""), placeholder="tags, separated by spaces", id="note-tags"
            )
            yield Input(draft.get("next", ""), placeholder="next action", id="note-next")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def _fields(self) -> dict[str, str]:
        return {
            "body": self.query_one(TextArea).text,
            "tags": self.query_one("#note-tags", Input).value,
            "next": self.query_one("#note-next", Input).value,
            **({"rest": "kept"} if self._rest_kept else {}),
        }

    @property
    def _rest_key(self) -> str:
        return f"{self.draft_key}:rest"

    def _draft_body(self, draft: dict[str, str]) -> str:
        """The whole text of ``draft``: a long note's draft is its head, the rest beside it."""
        body = draft.get("body", "")
        store = self.tutor.store
        return body + store.draft(self._rest_key) if draft.get("rest") and store else body

    def _keep_rest(self) -> bool:
        self.tutor.store.save_draft(self._rest_key, self.rest)
        return True

    def _load_draft(self) -> dict[str, str]:
        store = self.tutor.store
        saved = store.draft(self.draft_key) if store else ""
        if not saved and self.note:
            note = self.note
            return {"body": note.body, "tags": " ".join(note.tags), "next": note.next_action}
        try:
            return json.loads(saved) if saved else {}
        except ValueError:
            return {"body": saved}

    def _save_draft(self) -> None:
        store = self.tutor.store
        if store is not None:
            fields = self._fields()
            if self.rest and not self._rest_kept:  # once: the rest does not change here
                self._rest_kept = bool(self.tutor.safely(self._keep_rest))
                if not self._rest_kept:
                    return  # a draft of the head alone would read as the whole note
            self.tutor.safely(
                store.save_draft,
                self.draft_key,
                json.dumps(fields) if any(fields.values()) else "",
            )

    def on_text_area_changed(self) -> None:
        self._save_draft()

    def on_input_changed(self) -> None:
        self._save_draft()

    def action_save(self) -> None:
        store = self.tutor.store
        fields = self._fields()
        body = fields["body"] + self.rest
        if not body.strip():
            self.notify("the note is empty", severity="warning")
            return
        if store is None:
            self.notify("the database is not open: the note is kept as a draft", severity="error")
            return
        tags = tuple(fields["tags"].split())
        if self.note:
            note = self.tutor.safely(store.update_note, self.note.id, body, tags, fields["next"])
        else:
            anchor = self.anchored_to
            note = self.tutor.safely(
                store.add_note,
                body,
                anchor.kind,
                anchor.id,
                lesson_id=anchor.lesson_id,
                tags=tags,
                next_action=fields["next"],
                anchor_data=anchor.data,
            )
        if note is None:
            return  # refused by the database (or the note is gone): the draft is still there
        self.tutor.safely(store.save_draft, self.draft_key, "")
        self.tutor.safely(store.save_draft, self._rest_key, "")
        self.notify(f"note {note.id} saved")
        self.dismiss(note)

    def action_close(self) -> None:
        self._save_draft()
        self.dismiss(None)
