"""Grading a written answer takes work linear in its length, and finds exactly what a
word-by-word scan of the matching rules (every start, every word compared afresh) finds."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from tests.lesson_factory import PRACTICE_FIELDS
from tutor.lessons import wording
from tutor.lessons.model import TextItem
from tutor.lessons.wording import NEGATION_REACH, NEGATORS, finds, stem, typo_apart
from tutor.practice.grading import grade_text

ITEM = TextItem(
    kind="text",
    id="item",
    key_ideas=[
        {"idea": "identity path", "keywords": ["identity", "skip path", "shortcut"]},
        {
            "idea": "gradient multiplies",
            "keywords": ["multiply", "product of jacobians", "not added"],
        },
        {"idea": "deep stacks train", "keywords": ["degradation", "very deep network"]},
    ],
    **PRACTICE_FIELDS,
)


def scan(answer: str, keyword: str) -> bool:
    """The rules read literally: at every start, every word of the phrase compared afresh,
    and a start with a negator in the three words before it skipped (unless the phrase has
    one of its own)."""

    def same(a: str, b: str) -> bool:
        return stem(a) == stem(b) or typo_apart(a, b)

    words, phrase = wording.words(answer), wording.words(keyword)
    heeds = not NEGATORS.intersection(phrase)
    return bool(phrase) and any(
        all(same(w, p) for w, p in zip(words[start:], phrase, strict=False))
        and not (heeds and NEGATORS.intersection(words[max(0, start - NEGATION_REACH) : start]))
        for start in range(len(words) - len(phrase) + 1)
    )


#: Words near the keywords (plurals, stems, typos, near misses) and words far from them.
NEAR = (
    "identity identiy identities idenity identityx skip skips path paths shortcut shortcuts"
    " shotcut multipl multiplies multiply product produce jacobian jacobians of degradation"
    " degredation very deep network networks netwrok sum sun not never no added adding"
).split()
ANSWERS = st.lists(
    st.sampled_from(NEAR) | st.text(alphabet="abcdeity", min_size=1, max_size=9), max_size=30
).map(" ".join)
KEYWORDS = st.sampled_from([k for idea in ITEM.key_ideas for k in idea.keywords] + NEAR)


@given(ANSWERS, KEYWORDS)
def test_the_grader_finds_what_the_word_by_word_scan_finds(answer, keyword):
    assert finds(answer, keyword) is scan(answer, keyword)


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
    """Words read, plus words stemmed and pairs of words compared for a typo, to grade
    ``answer``."""
    done = 0

    def counted(function):
        def call(*args):
            nonlocal done
            done += 1
            return function(*args)

        return call

    CountingWords.reads = 0
    monkeypatch.setattr(
        wording, "words", lambda text, split=wording.words: CountingWords(split(text))
    )
    monkeypatch.setattr(wording, "stem", counted(stem))
    monkeypatch.setattr(wording, "typo_apart", counted(typo_apart))
    grade_text(ITEM, answer)
    monkeypatch.undo()
    return CountingWords.reads + done


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


def test_each_distinct_word_of_the_answer_is_stemmed_once(monkeypatch):
    """Repeating an answer adds words read, and nothing stemmed or compared."""
    pick = random.Random(1)
    words = ["".join(pick.choice("abcdeity") for _ in range(7)) for _ in range(1_000)]
    once, twice = " ".join(words), " ".join(words * 2)
    assert work(monkeypatch, twice) - work(monkeypatch, once) <= 2 * len(words) + 10
