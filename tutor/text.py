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
from bisect import bisect_left, bisect_right

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


#: Where an equation may break, the loosest first: after a comma or semicolon (which ends
#: the line), then before an implication, a relation, a sum, a product (which starts the
#: next line). A line too long is broken at its loosest operators first.
_LOOSENESS = {
    **dict.fromkeys(",;", 0),
    **dict.fromkeys("⇒⇔", 1),
    **dict.fromkeys("=≈≠<>≤≥≡∈∉⊆→←", 2),
    **dict.fromkeys("+−", 3),
    **dict.fromkeys("·×⊙", 4),
}
_ENDS_LINE = frozenset(",;")
#: A formula's continuation lines are indented under its first relation.
_RELATIONS = frozenset(c for c, level in _LOOSENESS.items() if level in (1, 2))
_OPENERS, _CLOSERS, _BAR = "([{⟨", ")]}⟩", "‖"  # a bar opens and closes alike: ‖x‖
#: How many times a piece may be broken again: each time goes one level looser or one
#: bracket deeper, and no equation nests 60 brackets deep (a hostile one may nest 50,000).
_MOST_ROUNDS = 64
#: Between two formulas written side by side: a semicolon and a space, or three spaces.
_GAP = re.compile(r";?\s+")


def break_equation(equation: str, width: int) -> list[str]:
    """``equation`` as lines of at most ``width`` characters, broken the way mathematics
    is written by hand: between the formulas a line holds side by side, then at a
    formula's loosest operators (after ``,``; before ``⇒``, then ``=``/``≈``, then ``+``/``−``,
    then ``·``/``×``), the continuation lines indented under its first relation.

    A bracket group (``(…)``, ``[…]``, ``{…}``, ``⟨…⟩``, ``‖…‖``) is broken only when it is
    longer than a continuation line holds, and then at its own top-level operators. A
    line is longer than ``width`` only where none of these breaks it; joined, the lines
    are the equation up to white space."""
    lines: list[str] = []
    for line in equation.splitlines() or [""]:
        lines += _break_line(line, width) if len(line) > width > 0 else [line]
    return lines


def _break_line(line: str, width: int) -> list[str]:
    """Its formulas side by side while they fit; one too long for a line on lines of its own."""
    lines: list[str] = []
    for gap, formula in _formulas(line):
        if lines and len(lines[-1]) + len(gap) + len(formula) <= width:
            lines[-1] += gap + formula
        elif len(formula) <= width:
            lines.append(formula)
        else:
            lines += _break_formula(formula, width)
    return lines


def _formulas(line: str) -> list[tuple[str, str]]:
    """The formulas of ``line``, each with the white space before it: they are parted by
    a semicolon or three spaces outside brackets, with no operator on either side."""
    depths, _ = _groups(line)
    parts: list[tuple[str, str]] = []
    gap, start = "", 0
    for match in _GAP.finditer(line):
        space = match.group().lstrip(";")
        before, after = line[start : match.start()].strip(), line[match.end() : match.end() + 1]
        if (
            (match.group().startswith(";") or len(space) >= 3)
            and before
            and after
            and not depths[match.start()]
            and (before[-1] in _ENDS_LINE or before[-1] not in _LOOSENESS)
            and after not in _LOOSENESS
        ):
            parts.append((gap, line[start : match.end() - len(space)].strip()))
            gap, start = space, match.end()
    parts.append((gap, line[start:].strip()))
    return [(gap, formula) for gap, formula in parts if formula]


def _groups(text: str) -> tuple[list[int], dict[int, int]]:
    """How many bracket groups enclose each character (a bracket is outside its own
    group), and where each group that opens at an index ends (the last index, if never)."""
    depths: list[int] = []
    ends: dict[int, int] = {}
    stack: list[int] = []
    for index, char in enumerate(text):
        closes = char in _CLOSERS or (char == _BAR and stack and text[stack[-1]] == _BAR)
        if closes and stack:
            ends[stack.pop()] = index
        depths.append(len(stack))
        if not closes and (char in _OPENERS or char == _BAR):
            stack.append(index)
    return depths, ends | dict.fromkeys(stack, len(text) - 1)


def _break_formula(formula: str, width: int) -> list[str]:
    """One formula on as many lines as it needs, each filled as far as it goes, and
    indented under its first relation, or by two spaces where that takes fewer lines."""
    depths, _ = _groups(formula)
    first = next((i for i, c in enumerate(formula) if c in _RELATIONS and not depths[i]), width)
    indents = [first] if first <= width // 2 else []
    tried = [_fill(formula, width, indent) for indent in [*indents, min(2, width // 4)]]
    return min(tried, key=lambda lines: (sum(len(line) > width for line in lines), len(lines)))


def _fill(formula: str, width: int, indent: int) -> list[str]:
    cuts = _cuts(formula, width - indent)
    pieces = [formula[a:b] for a, b in zip([0, *cuts], [*cuts, len(formula)], strict=True)]
    lines, current, room = [], "", width
    for piece in pieces:
        if current.strip() and len((current + piece).strip()) > room:
            lines.append(current.strip())
            current, room = piece, width - indent
        else:
            current += piece
    lines.append(current.strip())
    return [lines[0], *(" " * indent + line for line in lines[1:])]


def _cuts(text: str, room: int) -> list[int]:
    """Where ``text`` breaks so that each piece fits in ``room``: a piece too long breaks
    at its outermost, loosest operators, and inside a bracket group only when the whole
    group is too long for ``room``; until every piece fits, none can break, or (in a text
    nested deeper than any equation) a bracket level too many was tried."""
    depths, ends = _groups(text)
    inside_long = _inside_long_groups(text, ends, room)
    #: The break before (or after, for a comma) each operator a break may fall at.
    candidates = sorted(
        (i + (text[i] in _ENDS_LINE), (depths[i], _LOOSENESS[text[i]]))
        for i in range(len(text))
        if inside_long[i] and _operator(text, i)
    )
    places = [cut for cut, _ in candidates]
    cuts: set[int] = set()
    for _ in range(_MOST_ROUNDS):
        bounds = [0, *sorted(cuts), len(text)]
        added = set()
        for start, end in zip(bounds, bounds[1:], strict=False):
            if len(text[start:end].strip()) > room:
                here = candidates[bisect_right(places, start) : bisect_left(places, end)]
                best = min((rank for _, rank in here), default=None)
                added |= {cut for cut, rank in here if rank == best}
        if not added:
            break
        cuts |= added
    return sorted(cuts)


def _inside_long_groups(text: str, ends: dict[int, int], room: int) -> list[bool]:
    """Whether each character of ``text`` lies only inside groups longer than ``room``."""
    flags: list[bool] = []
    open_groups: list[tuple[int, bool]] = []  # (where it ends, whether all so far are long)
    for index in range(len(text)):
        while open_groups and open_groups[-1][0] <= index:
            open_groups.pop()
        flags.append(open_groups[-1][1] if open_groups else True)
        if index in ends:
            group_long = ends[index] - index + 1 > room
            open_groups.append((ends[index], flags[-1] and group_long))
    return flags


def _operator(text: str, index: int) -> bool:
    """Whether a line may break at the operator at ``index``: a comma, or an operator
    that is not a sign right after another operator or a bracket (``= −0.1``, ``(−x)``)."""
    char = text[index]
    if char in _ENDS_LINE:
        return index + 1 < len(text)
    before = text[:index].rstrip()
    return char in _LOOSENESS and bool(before) and before[-1] not in {*_LOOSENESS, *_OPENERS}
