"""Key names for the keymap, checked as Textual reads them, and which keys a remap may take.

No Textual here (the core's rule): its names are spelled out below, and a test checks them
against Textual's own.
"""

from __future__ import annotations

import string
import unicodedata


def shown(value: object) -> str:
    """``value`` as a message may show it: escaped (``repr``), and cut short if long."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


#: Textual's names for the keys that are not a letter or a digit: the function and named keys,
#: and each ASCII punctuation mark by its Unicode name (``?`` is ``question_mark``), with the
#: short names Textual puts in place of six of them.
_SHORT_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_PUNCTUATION = {
    _SHORT_NAMES.get(name, name)
    for name in (
        unicodedata.name(mark).lower().replace("-", "_").replace(" ", "_")
        for mark in string.punctuation
    )
}
NAMED_KEYS = {
    *(f"f{number}" for number in range(1, 25)),
    *"up down left right home end pageup pagedown enter escape tab space backspace".split(),
    *"delete insert".split(),
    *_PUNCTUATION,
}
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super")
ALLOWED_KEYS = (
    "key names separated by commas, each a letter, a digit, f1-f24 or a named key (up, enter, "
    "escape, space, question_mark, …) after at most one each of ctrl+ shift+ alt+ meta+ super+"
)

#: Keys no binding may take: the command palette's and quitting (Textual's own).
RESERVED_KEYS = {"ctrl+p": "the command palette", "ctrl+q": "quitting", "ctrl+c": "quitting"}


def _key_problem(key: str) -> str:
    """What is wrong with one key (``ctrl+shift+a``), or ``""``."""
    *modifiers, name = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"{shown(modifier)} is not a modifier"
        if modifiers.count(modifier) > 1:
            return f"{shown(modifier)} is given twice"
    if not ((len(name) == 1 and name.isascii() and name.isalnum()) or name in NAMED_KEYS):
        return f"{shown(name)} is not a key name" if name else "no key after the modifiers"
    return ""


def canonical(key: str) -> str:
    """``key`` with its modifiers in one order, so that ``shift+ctrl+a`` is ``ctrl+shift+a``."""
    *modifiers, name = key.split("+")
    return "+".join([*sorted(modifiers, key=MODIFIERS.index), name])


def keys_problem(keys: str) -> str:
    """What is wrong with a binding's comma separated ``keys``, or ``""``."""
    listed = keys.split(",")
    for key in listed:
        if problem := _key_problem(key):
            return problem
    spelled_alike = [canonical(key) for key in listed]
    for key in listed:
        if spelled_alike.count(canonical(key)) > 1:
            return f"{shown(key)} is given twice"
    return ""


def _shares_a_screen(binding_id: str, other_id: str) -> bool:
    """Whether the two bindings can be live at once: one screen's (the same id prefix), or
    one of them the app's, which every screen has."""
    screen, other_screen = binding_id.partition(".")[0], other_id.partition(".")[0]
    return screen == other_screen or "app" in (screen, other_screen)


def clash(keymap: dict[str, str], default_keys: dict[str, str]) -> str:
    """The first binding ``keymap`` remaps onto a reserved key or one another live binding
    has (of ``default_keys``, binding id -> keys, after the keymap), or ``""``."""
    keys_now = {
        binding_id: {canonical(key) for key in keymap.get(binding_id, keys).split(",")}
        for binding_id, keys in default_keys.items()
    }
    for binding_id in keymap:
        for key in sorted(keys_now[binding_id]):
            if key in RESERVED_KEYS:
                return f"keymap.{binding_id} cannot take {key}: it is {RESERVED_KEYS[key]}'s"
            for other_id, other_keys in keys_now.items():
                if other_id != binding_id and key in other_keys:
                    if _shares_a_screen(binding_id, other_id):
                        return f"keymap.{binding_id} cannot take {key}: keymap.{other_id} has it"
    return ""
