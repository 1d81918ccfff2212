"""The terminal boundary: every control character comes out printable, nothing else changes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tutor.text import visible

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
