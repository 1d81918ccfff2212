"""`n` anywhere: a note anchored to what is on screen, autosaved as a draft while you type.

Nothing typed here is lost: when the database refuses the draft or the note (or is not
open), the words go to a file of their own (``tutor.notes.keep``) and a notification
says where.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static, TextArea

from tutor.notes import Anchor
from tutor.store import Note, Store
from tutor.text import split_head
from tutor.ui.kept_words import KeptWords
from tutor.ui.plain import plain
from tutor.ui.screens.base import TutorScreen

#: The most of a note the editor opens: a TextArea lays out all it holds at every resize,
#: about a quarter of a second a megabyte, so a longer note is edited by its head and the
#: rest is kept as it is and saved after it.
EDITABLE_LINES, EDITABLE_CHARS = 2_000, 30_000

#: Marks a draft whose tags are separated by commas (a draft without it separated them
#: by spaces, and reads back as it did).
COMMA_TAGS = {"tag_separator": ","}


def tags_of(text: str) -> tuple[str, ...]:
    """The tags typed in the editor: separated by commas, so a tag may hold a space."""
    return tuple(tag for tag in (part.strip() for part in text.split(",")) if tag)


def draft_fields(saved: str) -> dict[str, str]:
    """A saved draft's fields: JSON, or (from before drafts had fields) the body alone.
    Tags from before commas separated them by spaces: they come back separated by commas."""
    try:
        draft = json.loads(saved) if saved else {}
    except ValueError:
        return {"body": saved}
    if not isinstance(draft, dict):
        return {"body": saved}
    fields = {key: value for key, value in draft.items() if isinstance(value, str)}
    if "tags" in fields and draft.get("tag_separator") != "," and "," not in fields["tags"]:
        fields["tags"] = ", ".join(fields["tags"].split())
    return fields


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
        Binding("ctrl+s", "save", "Save note", id="note.save"),
        Binding("escape", "close", "Close (draft kept)", id="note.close"),
    ]

    def __init__(self, anchor: Anchor, note: Note | None = None) -> None:
        super().__init__()
        self.anchored_to = anchor
        self.note = note
        # An edit's draft is the note's own, so it never mixes with a new note's on the anchor.
        self.draft_key = f"note-edit:{note.uid}" if note else anchor.draft_key
        self.rest = ""  # what follows the part open in the editor: the end of a long note
        self._rest_kept = False  # whether the draft beside this one holds ``rest``
        #: Whether the database may hold a draft that could not be read (or was not open):
        #: then no draft is written over or cleared from here.
        self._draft_unread = False
        #: The body, tags and next action as the editor opened: unchanged, nothing is kept.
        self._opened: tuple[str, str, str] = ("", "", "")
        #: The words kept in a file: the same words are kept once.
        self._kept = KeptWords()
        #: Whether the words were kept since the draft was last refused: once a streak.
        self._refusal_kept = False

    def compose(self) -> ComposeResult:
        draft = self._load_draft()
        title = f"Note {self.note.id}, on" if self.note else "Note on"
        with Vertical():
            anchor = self.anchored_to
            yield Static(
                Text.assemble((title, "bold"), f" {anchor.kind}: ", plain(anchor.description))
            )
            head, self.rest = split_head(draft.get("body", ""), EDITABLE_LINES, EDITABLE_CHARS)
            yield TextArea(head, id="note-body")
            if self.rest:
                yield Static(
                    f"Only the start of this long note is open here: the rest ({len(self.rest):,}"
                    " more characters) is kept as it is and saved after what you write.",
                    id="note-rest",
                )
            yield Input(
                draft.get("tags", ""), placeholder="tags, separated by commas", id="note-tags"
            )
            yield Input(draft.get("next", ""), placeholder="next action", id="note-next")
        yield Footer()  # the editor's own keys, over the footer of the screen underneath
        self._opened = (head, draft.get("tags", ""), draft.get("next", ""))

    def on_mount(self) -> None:
        """Focus the body with the cursor after its last word: a note opened to be
        edited, or a draft, is most often continued."""
        body = self.query_one(TextArea)
        body.focus()
        body.move_cursor(body.document.end)

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

    # -- the draft -----------------------------------------------------------------

    def _load_draft(self) -> dict[str, str]:
        """The draft's fields (a long note's whole body), else the note's own, else none."""
        store = self.tutor.store
        draft = self.tutor.safely(self._read_draft, store, fallback=None) if store else None
        self._draft_unread = draft is None
        if not draft and self.note:
            note = self.note
            return {"body": note.body, "tags": ", ".join(note.tags), "next": note.next_action}
        return draft or {}

    def _read_draft(self, store: Store) -> dict[str, str]:
        fields = draft_fields(store.draft(self.draft_key))
        if fields.get("rest"):  # a long note's draft is its head, the rest beside it
            fields["body"] = fields.get("body", "") + store.draft(self._rest_key)
        return fields

    def _save_draft(self) -> bool:
        """Autosave the fields; False if they did not reach the database."""
        store = self.tutor.store
        if store is None or self._draft_unread:
            return False
        if self.rest and not self._rest_kept:  # once: the rest does not change here
            self._rest_kept = self._write_draft(store, self._rest_key, self.rest)
            if not self._rest_kept:
                return False  # a draft of the head alone would read as the whole note
        fields = self._fields()
        saved = json.dumps({**fields, **COMMA_TAGS}) if any(fields.values()) else ""
        return self._write_draft(store, self.draft_key, saved)

    def _write_draft(self, store: Store, key: str, body: str) -> bool:
        return self.tutor.safely(store.save_draft, key, body, fallback=False) is None

    def on_text_area_changed(self) -> None:
        self._autosave()

    def on_input_changed(self) -> None:
        self._autosave()

    def _autosave(self) -> None:
        """Save the draft; at the first refusal of a streak, keep the words in a file too
        (closing keeps them again if they changed since)."""
        if self._save_draft():
            self._refusal_kept = False
        elif self.tutor.store is not None and not self._refusal_kept and self._changed():
            self._refusal_kept = True
            self._say_kept("the draft was not saved")

    # -- words kept outside the database ----------------------------------------------

    def _changed(self) -> bool:
        """Whether there are words here that were not here when the editor opened (those
        are in the database already, or were never anywhere)."""
        fields = self._fields()
        typed = (fields["body"], fields["tags"], fields["next"])
        return typed != self._opened and bool(self._words().strip())

    def _words(self) -> str:
        """Everything written here as one text: the body, then the tags and next action."""
        fields = self._fields()
        extra = [
            f"{label}: {fields[key]}"
            for key, label in (("tags", "tags"), ("next", "next action"))
            if fields[key].strip()
        ]
        return "\n\n".join([fields["body"] + self.rest, *extra])

    def _say_kept(self, why: str) -> bool:
        return self._kept.keep(self.app, self.tutor.db_path, self._words(), why)

    # -- saving and closing --------------------------------------------------------------

    def action_save(self) -> None:
        store = self.tutor.store
        fields = self._fields()
        body = fields["body"] + self.rest
        if not body.strip():
            self.notify("the note is empty", severity="warning")
            return
        if store is None:
            self._say_kept("the database is not open, so the note was not saved")
            return
        tags = tags_of(fields["tags"])
        failed = "the note was not saved"
        if self.note:
            note = self.tutor.safely(
                store.update_note,
                self.note.id,
                body,
                tags,
                fields["next"],
                fallback=False,
                failed=failed,
            )
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
                fallback=False,
                failed=failed,
            )
        if note is False:
            self._say_kept(failed)  # the editor stays open: ctrl+s tries again
            return
        if note is None:
            assert self.note is not None  # only an update finds its note gone
            self._say_kept(f"note {self.note.id} was deleted meanwhile, so it was not saved")
            return
        if not self._draft_unread:
            self.tutor.safely(store.save_draft, self.draft_key, "")
            self.tutor.safely(store.save_draft, self._rest_key, "")
        self.notify(f"note {note.id} saved")
        self.dismiss(note)

    def action_close(self) -> None:
        """Close, the words kept as a draft, or in a file if the database will not take
        them; if no file can either, the editor stays open."""
        if not self._save_draft() and self._changed():
            if not self._say_kept("the draft was not saved"):
                return
        self.dismiss(None)
