"""The one boundary text from files, the database and child processes crosses before a
terminal sees it.

A lesson or a note written by someone else may hold control characters: an escape
sequence can set the window title, write the clipboard (OSC 52), clear the screen or
hide a line of code; a bidirectional override can make code read differently from how
it runs. ``visible`` turns each into a printable stand-in, so the learner sees that it
is there and the terminal never acts on it. Newline and tab stay as they are.
"""

from __future__ import annotations

import re

#: C0 controls except tab and newline, DEL, the C1 controls, and the bidirectional
#: embedding, override and isolate marks.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` with every control character shown as a printable stand-in."""
    return _HIDDEN.sub(_stand_in, text)


def is_visible(text: str) -> bool:
    """True when ``text`` holds nothing ``visible`` would change."""
    return _HIDDEN.search(text) is None
