"""`n` anywhere: a note anchored to what is on screen, autosaved as a draft while you type."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea


@dataclass(frozen=True)
class Anchor:
    """The exact object a note is about."""

    kind: str
    id: str
    description: str
    lesson_id: str | None = None
    data: dict | None = field(default=None)

    @property
    def draft_key(self) -> str:
        return f"note:{self.kind}:{self.id}"


class NoteEditor(ModalScreen[None]):
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

    def __init__(self, anchor: Anchor) -> None:
        super().__init__()
        self.anchor = anchor

    def compose(self) -> ComposeResult:
        draft = self._load_draft()
        with Vertical():
            yield Static(
                f"[b]Note on[/b] {self.anchor.kind}: {self.anchor.description}", markup=True
            )
            yield TextArea(draft.get("body", ""), id="note-body")
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
        }

    def _load_draft(self) -> dict[str, str]:
        store = self.app.store  # type: ignore[attr-defined]
        saved = store.draft(self.anchor.draft_key) if store else ""
        try:
            return json.loads(saved) if saved else {}
        except ValueError:
            return {"body": saved}

    def _save_draft(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        if store is not None:
            fields = self._fields()
            self.app.safely(  # type: ignore[attr-defined]
                store.save_draft,
                self.anchor.draft_key,
                json.dumps(fields) if any(fields.values()) else "",
            )

    def on_text_area_changed(self) -> None:
        self._save_draft()

    def on_input_changed(self) -> None:
        self._save_draft()

    def action_save(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        fields = self._fields()
        if not fields["body"].strip():
            self.notify("the note is empty", severity="warning")
            return
        if store is None:
            self.notify("the database is not open: the note is kept as a draft", severity="error")
            return
        anchor = self.anchor
        note = self.app.safely(  # type: ignore[attr-defined]
            store.add_note,
            fields["body"],
            anchor.kind,
            anchor.id,
            lesson_id=anchor.lesson_id,
            tags=tuple(fields["tags"].split()),
            next_action=fields["next"],
            anchor_data=anchor.data,
        )
        if note is None:
            return  # refused by the database: the draft is still there
        self.app.safely(store.save_draft, anchor.draft_key, "")  # type: ignore[attr-defined]
        self.notify(f"note {note.id} saved")
        self.dismiss()

    def action_close(self) -> None:
        self._save_draft()
        self.dismiss()
