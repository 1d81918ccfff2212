"""The terminal boundary: every control character comes out printable, nothing else
changes; and equations broken to a width at their operators, never inside a bracket
group that fits on a line."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from tutor.text import break_equation, visible

CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\n\t"] + [chr(0x7F)]
CONTROLS += [chr(c) for c in range(0x80, 0xA0)] + ["\u202e", "\u2066"]


def test_escape_sequences_lose_their_escape():
    title = "Harmless\x1b]0;pwned\x07 hello\x1b[2J\x9b31m"
    shown = visible(title)
    assert shown == "Harmless␛]0;pwned␇ hello␛[2J<U+009B>31m"
    assert visible(shown) == shown


def test_newline_tab_and_ordinary_unicode_stay():
    text = "y = x + F(x)\n\t∂y/∂x = I + ∂F/∂x — ✓ α²χ 日本"
    assert visible(text) == text


@given(st.text())
def test_nothing_a_terminal_acts_on_survives(text):
    shown = visible(text)
    assert not any(c in shown for c in CONTROLS)
    assert visible(shown) == shown


@given(st.text(alphabet=st.characters(blacklist_characters=CONTROLS)))
def test_text_without_controls_is_unchanged(text):
    assert visible(text) == text


#: Short names, so that every piece between two operators fits on a line of 40.
ATOMS = st.text(alphabet="abxyzα₀₁²ᵀ_′", min_size=1, max_size=4)
OPERATORS = st.sampled_from([" = ", " ≈ ", " + ", " − ", "·", " × ", ", ", " ⇒ ", "   "])
BRACKETS = st.sampled_from(["()", "[]", "{}", "⟨⟩", "‖‖"])


def _expressions(inner):
    term = st.one_of(
        ATOMS,
        st.tuples(ATOMS, BRACKETS, inner).map(lambda t: f"{t[0]}{t[1][0]}{t[2]}{t[1][1]}"),
    )
    return st.tuples(term, st.lists(st.tuples(OPERATORS, term), max_size=5)).map(
        lambda t: t[0] + "".join(op + right for op, right in t[1])
    )


#: Equations nested at most three brackets deep.
EQUATIONS = st.recursive(ATOMS, _expressions, max_leaves=16)


def _placed(equation, lines):
    """Where each line (its indent aside) starts in ``equation``: every line is a piece
    of it, in order, and together they leave out only white space."""
    starts, at = [], 0
    for line in lines:
        start = equation.find(line.lstrip(), at)
        assert start >= 0 and not equation[at:start].strip(), (equation, lines)
        starts.append(start)
        at = start + len(line.lstrip())
    assert not equation[at:].strip()
    return starts


def _groups(equation):
    """Each bracket group of ``equation`` as (first index, last index)."""
    spans, stack = [], []
    for index, char in enumerate(equation):
        if char in ")]}⟩" or (char == "‖" and stack and equation[stack[-1]] == "‖"):
            spans.append((stack.pop(), index))
        elif char in "([{⟨‖":
            stack.append(index)
    return spans


def _breakable(text, room):
    """Whether ``text`` holds a place to break: an operator outside brackets (not its first
    character, not a sign after another operator), or one inside a group too long for ``room``.
    A bar closes a group only when the innermost open group is a bar's, as in ``_groups``."""
    stack, signs = [], "=≈+−·×,⇒([{⟨"
    for index, char in enumerate(text):
        if char in ")]}⟩" or (char == "‖" and stack and text[stack[-1]] == "‖"):
            if stack:
                start = stack.pop()
                inside = text[start + 1 : index]
                if not stack and index - start + 1 > room and _breakable(inside, room):
                    return True
        elif char in "([{⟨‖":
            stack.append(index)
        elif not stack and char in signs[:8] and 0 < index < len(text) - (char == ","):
            if text[:index].rstrip()[-1:] not in signs:
                return True
    return False


@given(EQUATIONS, st.integers(8, 120))
@example("_ = _‖_ = _ = _ = _ = _ = _(_ = _ = _ = _‖_‖ = _)‖", 47)  # a bar inside (…) opens
def test_an_equation_breaks_into_lines_that_fit_and_keep_every_character(equation, width):
    lines = break_equation(equation, width)
    starts = _placed(equation, lines)
    groups = _groups(equation)
    indent = len(lines[-1]) - len(lines[-1].lstrip())
    for number, (line, start) in enumerate(zip(lines, starts, strict=True)):
        room = width - (indent if number else 0)
        # A line that starts inside a bracket group of the equation (a group too long for a
        # line is broken inside), read on its own, sees its brackets otherwise than the whole
        # equation does: in '_‖_ = _‖_‖ = _‖' the line '= _‖_‖ = _‖' opens a norm where the
        # equation closes one. Only a line starting outside every group is judged alone.
        alone = not any(first < start <= last for first, last in groups)
        assert len(line) <= width or not alone or not _breakable(line.strip(), room), (lines, line)
    if len(equation) <= width:
        assert lines == [equation]


@given(EQUATIONS, st.integers(8, 120))
def test_a_break_falls_inside_a_bracket_group_only_when_the_group_is_too_long(equation, width):
    lines = break_equation(equation, width)
    room = width - width // 2  # what a continuation line holds, at the deepest indent
    for start in _placed(equation, lines)[1:]:
        around = [(a, b) for a, b in _groups(equation) if a < start <= b]
        assert all(b - a + 1 > room for a, b in around), (equation, lines, around)


@given(st.integers(1, 30))
def test_a_line_that_nothing_breaks_stays_whole(width):
    word = "∂h_L/∂h_0" * 5
    assert break_equation(word, width) == [word]
    lines = break_equation(f"{word} = {word}", width)
    assert [line.strip() for line in lines] == [word, f"= {word}"]


def test_continuation_lines_sit_under_the_first_relation():
    equation = "E‖g_0‖² = Σ_S E‖P_Sᵀ g_L‖² = Σ_k C(L, k) a^k ‖g_L‖² = (1 + a)^L ‖g_L‖²"
    assert break_equation(equation, 40) == [
        "E‖g_0‖² = Σ_S E‖P_Sᵀ g_L‖²",
        "        = Σ_k C(L, k) a^k ‖g_L‖²",
        "        = (1 + a)^L ‖g_L‖²",
    ]


def test_formulas_side_by_side_part_before_any_operator():
    equation = "plain: y = H(x)        residual: y = x + F(x),   x, F(x) ∈ ℝᵈ"
    assert break_equation(equation, 44) == [
        "plain: y = H(x)",
        "residual: y = x + F(x),   x, F(x) ∈ ℝᵈ",
    ]
    assert break_equation(equation, len(equation)) == [equation]
