"""The one boundary text from files, the database and child processes crosses before a
terminal sees it.

A lesson or a note written by someone else may hold control characters: an escape
sequence can set the window title, write the clipboard (OSC 52), clear the screen or
hide a line of code; a bidirectional override can make code read differently from how
it runs. ``visible`` turns each into a printable stand-in, so the learner sees that it
is there and the terminal never acts on it. Newline and tab stay as they are.

A note or an answer may also be ten megabytes long. ``preview`` and ``one_line`` are how
much of it a screen lays out: a head, and a line that says how much more there is.
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


#: How much of a long text a screen lays out at once (a screenful or two): a Markdown view
#: of this much takes milliseconds, of ten megabytes tens of seconds.
PREVIEW_LINES = 60
PREVIEW_CHARS = 6_000
#: A word, or a piece of a long one (so that a 10 MB word is not read whole).
_WORD_CHUNK = re.compile(r"\S{1,64}")


def _head_end(text: str, lines: int, chars: int) -> int:
    """Where the first ``lines`` lines of ``text`` end, at most ``chars`` characters in."""
    limit = min(len(text), chars)
    end = 0
    for _ in range(lines):
        newline = text.find("\n", end, limit)
        if newline < 0:
            return limit
        end = newline + 1
    return end


def split_head(text: str, lines: int, chars: int) -> tuple[str, str]:
    """``text`` as its first ``lines`` lines, at most ``chars`` characters, and the rest;
    ``head + rest == text``. The cost is the head's, however long the text."""
    end = _head_end(text, lines, chars)
    return text[:end], text[end:]


def _count(n: int, what: str) -> str:
    return f"{n:,} more {what}{'' if n == 1 else 's'}"


def preview(text: str, lines: int = PREVIEW_LINES, chars: int = PREVIEW_CHARS) -> str:
    """``text`` as a screen shows it: whole when short, else its head and a last line that
    says how much is left ("… 12,345 more lines"); a line cut short ends in "…"."""
    end = _head_end(text, lines, chars)
    if end == len(text):
        return text
    after = text.count("\n", end) - text.endswith("\n")  # the lines after the one cut at `end`
    if end == 0 or text[end - 1] == "\n":
        return f"{text[:end]}… {_count(after + 1, 'line')}"
    rest = _count(after, "line") if after else _count(len(text) - end, "character")
    return f"{text[:end]}…\n… {rest}"


def one_line(text: str, most: int) -> str:
    """The start of ``text`` on one line of at most ``most`` characters: runs of white space
    become one space, and a longer text ends in "…". Only the start is read."""
    shown: list[str] = []
    length = end = 0
    for chunk in _WORD_CHUNK.finditer(text):
        gap = " " if shown and chunk.start() != end else ""
        shown.append(gap + chunk.group())
        length, end = length + len(shown[-1]), chunk.end()
        if length > most:
            return "".join(shown)[: most - 1] + "…"
    return "".join(shown)
