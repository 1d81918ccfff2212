"""The key a binding answers to now, for text that names it: the learner's keymap can move
any binding with an id, so a hint written into prose asks here rather than naming a letter."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.binding import Binding

from tutor.config import BINDINGS

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tutor.ui.app import RestutorApp


def key_shown(app: RestutorApp, binding_id: str) -> str:
    """The first key of ``binding_id`` after the keymap, as the footer shows it."""
    keys = app.config.keymap.get(binding_id) or BINDINGS[binding_id].keys
    return app.get_key_display(Binding(keys.split(",")[0], ""))


def relabel(node: DOMNode, binding_id: str, description: str) -> None:
    """Say in the footer what ``binding_id`` does now on ``node`` (a key whose action
    depends on what is shown): Textual's footer shows a binding's own description, so
    ``node``'s copy of the binding is swapped for one that says ``description``. The
    keymap, applied later, keeps it."""
    bindings = node._bindings.key_to_bindings
    for key, listed in bindings.items():
        bindings[key] = [
            replace(b, description=description) if b.id == binding_id else b for b in listed
        ]
