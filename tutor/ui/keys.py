"""The key a binding answers to now, for text that names it: the learner's keymap can move
any binding with an id, so a hint written into prose asks here rather than naming a letter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from tutor.config import BINDINGS

if TYPE_CHECKING:
    from tutor.ui.app import RestutorApp


def key_shown(app: RestutorApp, binding_id: str) -> str:
    """The first key of ``binding_id`` after the keymap, as the footer shows it."""
    keys = app.config.keymap.get(binding_id) or BINDINGS[binding_id].keys
    return app.get_key_display(Binding(keys.split(",")[0], ""))
