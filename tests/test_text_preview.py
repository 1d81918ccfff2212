"""How much of a long text a screen shows: a bounded head and a line saying what is left."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tutor.text import one_line, preview, split_head

#: Texts made of few characters, so lines, long lines and white-space runs all turn up.
TEXTS = st.text(alphabet="ab \n\t", max_size=300)
LIMITS = st.integers(min_value=0, max_value=40)


def _lines(text: str) -> int:
    return len(text.splitlines())


@given(TEXTS, LIMITS, LIMITS)
def test_the_head_and_the_rest_are_the_whole_text(text, lines, chars):
    head, rest = split_head(text, lines, chars)
    assert head + rest == text
    assert len(head) <= chars and head.count("\n") <= lines
    if rest:  # the head stopped at a bound, not early
        assert len(head) == chars or head.count("\n") == lines


@given(TEXTS, LIMITS, LIMITS)
def test_a_preview_is_bounded_and_counts_what_it_leaves_out(text, lines, chars):
    shown = preview(text, lines, chars)
    if _lines(text) <= lines and len(text) <= chars:
        assert shown == text
        return
    head, rest = split_head(text, lines, chars)
    assert shown.startswith(head)
    [(count, unit)] = re.findall(r"… (\d+) more (line|character)s?$", shown)
    if not head or head.endswith("\n"):
        assert (unit, int(count)) == ("line", _lines(rest))
    elif _lines(rest) > 1:  # the line cut short ends in "…", the lines after it are counted
        assert shown.startswith(head + "…\n")
        assert (unit, int(count)) == ("line", _lines(rest) - 1)
    else:
        assert (unit, int(count)) == ("character", len(rest))


def test_a_ten_megabyte_note_previews_as_its_first_lines():
    body = "".join(f"line {i} of the note\n" for i in range(500_000))
    shown = preview(body, lines=200)
    assert shown.splitlines()[:200] == body.splitlines()[:200]
    assert shown.endswith("\n… 499,800 more lines")
    one_long_line = "x" * 10_000_000
    assert preview(one_long_line, chars=100) == "x" * 100 + "…\n… 9,999,900 more characters"


@given(st.text(alphabet="ab \n\t", max_size=200), st.integers(min_value=1, max_value=30))
def test_one_line_is_the_start_with_its_white_space_collapsed(text, most):
    shown = one_line(text, most)
    words = " ".join(text.split())
    assert len(shown) <= most and "\n" not in shown and "\t" not in shown
    if len(words) <= most:
        assert shown == words
    else:
        assert shown == words[: most - 1] + "…"


def test_one_line_reads_past_long_white_space_and_long_words():
    assert one_line("a" + " " * 50 + "bbbbbb", 5) == "a bb…"
    assert one_line("\n" * 1_000 + "x" * 10_000_000, 8) == "xxxxxxx…"
