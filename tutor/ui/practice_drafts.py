"""A practice answer's draft: saved at each key, so an answer half typed is there when the
learner comes back to the item; what the database refuses is kept in a file on leaving
(``KeptWords``), so nothing typed is lost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutor.ui.kept_words import KeptWords

if TYPE_CHECKING:
    from tutor.ui.app import RestutorApp

#: What a notification says when an answer's draft could not be saved.
REFUSED = "the answer's draft was not saved"


class PracticeDrafts:
    def __init__(self, tutor: RestutorApp) -> None:
        self.tutor = tutor
        #: The item and typed answer the database did not take as a draft.
        self._unsaved = ("", "")
        self._kept = KeptWords()

    @staticmethod
    def _key(item_id: str) -> str:
        return f"practice:{item_id}"

    @staticmethod
    def _prediction_key(item_id: str) -> str:
        return f"prediction:{item_id}"

    def load(self, item_id: str) -> str:
        return self._load(self._key(item_id))

    def load_prediction(self, item_id: str) -> str:
        """A code exercise's prediction, locked in before its first run ("": none yet)."""
        return self._load(self._prediction_key(item_id))

    def _load(self, key: str) -> str:
        store = self.tutor.store
        return self.tutor.safely(store.draft, key, fallback="") if store else ""

    def save_prediction(self, item_id: str, guess: str) -> None:
        """Keep a locked prediction till its item is committed ("" clears it); one the
        database refuses lives on in the exercise while restutor runs."""
        if self.tutor.store is not None:
            self.tutor.safely(self.tutor.store.save_draft, self._prediction_key(item_id), guess)

    def save(self, item_id: str, body: str) -> None:
        tutor, store = self.tutor, self.tutor.store
        refused = store is None or (
            tutor.safely(store.save_draft, self._key(item_id), body, fallback=False) is False
        )
        if refused:  # (or no database): the words must not die with this screen
            if store is not None and not self._unsaved[1] and body.strip():
                self._kept.keep(tutor, tutor.db_path, self._words(item_id, body), REFUSED)
            self._unsaved = (item_id, body)
        else:
            self._unsaved = ("", "")

    @staticmethod
    def _words(item_id: str, answer: str) -> str:
        return f"practice item {item_id}\n\n{answer}"

    def keep_unsaved(self) -> None:
        """Leaving an answer typed but neither committed nor saved as a draft: keep it."""
        item_id, body = self._unsaved
        if body.strip():
            words = self._words(item_id, body)
            if not self._kept.holds(words):
                self._kept.keep(self.tutor, self.tutor.db_path, words, REFUSED)
        self._unsaved = ("", "")
