"""Words the database refused, kept in a file of their own and said where (the note
editor's and the practice answer's drafts: nothing typed is lost to a refused write)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from tutor.notes.keep import keep_text


class KeptWords:
    """One screen's refused words: the same words go to one file, new words to a new one."""

    def __init__(self) -> None:
        self._kept: tuple[str, Path] | None = None

    def holds(self, words: str) -> bool:
        """Whether these very words are kept already."""
        return self._kept is not None and self._kept[0] == words

    def keep(self, app: App, db_path: Path, words: str, why: str) -> bool:
        """Keep ``words`` (once) beside the database at ``db_path`` and say where, after
        ``why`` (what was refused); False if no file could take them (said too, so the
        learner copies them elsewhere)."""
        if not self.holds(words):
            try:
                self._kept = (words, keep_text(words, db_path))
            except OSError as error:
                app.notify(
                    f"{why}, and no file could keep your words ({error}): copy them elsewhere",
                    severity="error",
                    timeout=20,
                )
                return False
        assert self._kept is not None
        app.notify(f"{why}: your words are kept in {self._kept[1]}", severity="warning", timeout=15)
        return True
