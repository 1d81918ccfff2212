"""Grading a written answer takes work linear in its length, and finds exactly what the
word-by-word scan it replaced found."""

from __future__ import annotations

import difflib
import random

from hypothesis import given
from hypothesis import strategies as st

from tests.lesson_factory import PRACTICE_FIELDS
from tutor.lessons.model import TextItem
from tutor.practice import grading
from tutor.practice.grading import TYPO_RATIO, grade_text, mentions

ITEM = TextItem(
    kind="text",
    id="item",
    key_ideas=[
        {"idea": "identity path", "keywords": ["identity", "skip path", "shortcut"]},
        {"idea": "gradient multiplies", "keywords": ["multipl", "product of jacobians"]},
        {"idea": "deep stacks train", "keywords": ["degradation", "very deep network"]},
    ],
    **PRACTICE_FIELDS,
)


def scan(answer: str, keyword: str) -> bool:
    """The grader as it was: every start in the answer, every word compared afresh."""

    def same(a: str, b: str) -> bool:
        if a == b:
            return True
        if len(a) >= 5 and len(b) >= 5 and (a.startswith(b) or b.startswith(a)):
            return True
        return len(a) >= 6 and difflib.SequenceMatcher(None, a, b).ratio() >= TYPO_RATIO

    words, phrase = grading._words(answer), grading._words(keyword)
    return bool(phrase) and any(
        all(same(w, p) for w, p in zip(words[start:], phrase, strict=False))
        for start in range(len(words) - len(phrase) + 1)
    )


#: Words near the keywords (plurals, stems, typos, near misses) and words far from them.
NEAR = (
    "identity identiy identities idenity identityx skip skips path paths shortcut shortcuts"
    " shotcut multipl multiplies multiply product produce jacobian jacobians of degradation"
    " degredation very deep network networks netwrok sum sun"
).split()
ANSWERS = st.lists(
    st.sampled_from(NEAR) | st.text(alphabet="abcdeity", min_size=1, max_size=9), max_size=30
).map(" ".join)
KEYWORDS = st.sampled_from([k for idea in ITEM.key_ideas for k in idea.keywords] + NEAR)


@given(ANSWERS, KEYWORDS)
def test_the_grader_finds_what_the_word_by_word_scan_found(answer, keyword):
    assert mentions(answer, keyword) is scan(answer, keyword)


class CountingWords(list):
    """The answer's words, counting every word read (a slice reads each word it copies)."""

    reads = 0

    def __getitem__(self, index):
        got = super().__getitem__(index)
        CountingWords.reads += len(got) if isinstance(index, slice) else 1
        return got

    def __iter__(self):
        CountingWords.reads += len(self)
        return super().__iter__()


def work(monkeypatch, answer: str) -> int:
    """Words read plus words compared letter by letter, to grade ``answer``."""
    words, compare = grading._words, difflib.SequenceMatcher.set_seq1
    compared = 0

    def counted_compare(matcher, word):
        nonlocal compared
        compared += 1
        compare(matcher, word)

    CountingWords.reads = 0
    monkeypatch.setattr(grading, "_words", lambda text: CountingWords(words(text)))
    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", counted_compare)
    grade_text(ITEM, answer)
    monkeypatch.undo()
    return CountingWords.reads + compared


def test_twice_the_answer_is_at_most_about_twice_the_work(monkeypatch):
    """The worst case: every word different, no keyword present, so every keyword is
    looked for through the whole answer."""
    pick = random.Random(0)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = [
        "".join(pick.choice(letters) for _ in range(pick.randint(3, 10))) for _ in range(4_000)
    ]
    half, whole = work(monkeypatch, " ".join(words[:2_000])), work(monkeypatch, " ".join(words))
    assert grade_text(ITEM, " ".join(words)).covered == ()
    assert whole <= 2.2 * half


def test_a_long_answer_is_still_graded_for_every_idea():
    filler = "the block adds its branch to the stream and moves on " * 6_000  # 66,000 words
    answer = filler + "a shortcut keeps the gradient; a product of Jacobians; degredation"
    grade = grade_text(ITEM, answer)
    assert grade.correct and len(grade.covered) == 3
