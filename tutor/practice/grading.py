"""Grading a committed prediction against a practice item.

Numbers accept ``0.2``, ``1/5``, ``2e-1`` or ``20%``; text answers are checked
for the item's key ideas, tolerant of case, plurals and small typos, and then
the learner's own self-check has the last word; ``predict-sim`` and ``predict-train``
answers are compared with what the experiment actually produces.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from tutor.lessons.model import ChoiceItem, NumberItem, Prediction, TextItem
from tutor.text import one_line

#: Token similarity (difflib ratio) that still counts as the same word: one typo
#: in a word of six or more letters.
TYPO_RATIO = 0.85


class NotANumber(ValueError):
    """The learner's answer cannot be read as a number; the message says what was typed."""


@dataclass(frozen=True)
class Grade:
    """The verdict on one committed answer."""

    correct: bool
    message: str
    covered: tuple[str, ...] = field(default=())  # text items: key ideas found
    missing: tuple[str, ...] = field(default=())  # text items: key ideas not found
    measured: float | None = None  # a prediction: what the experiment produced


def parse_number(text: str) -> float:
    """``0.2``, ``1/5``, ``2e-1``, ``-3``, ``20%``, ``1,000``, or ``0,2`` → a float."""
    cleaned = text.strip().replace(" ", "").replace("−", "-").replace("_", "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    shown = one_line(text, 40)  # a pasted page is quoted by its start
    try:
        value = float(Fraction(cleaned)) if "/" in cleaned else float(cleaned)
    except (ValueError, ZeroDivisionError):
        raise NotANumber(f"'{shown}' is not a number (try 0.2, 1/5 or 2e-1)") from None
    except OverflowError:  # a fraction whose value is beyond any float
        raise NotANumber(f"'{shown}' is not a finite number") from None
    if not math.isfinite(value):
        raise NotANumber(f"'{shown}' is not a finite number")
    return value / 100 if percent else value


def grade_choice(item: ChoiceItem, chosen: int) -> Grade:
    if not 0 <= chosen < len(item.choices):
        raise ValueError(f"choice {chosen} is out of range (0–{len(item.choices) - 1})")
    correct = chosen == item.correct
    return Grade(correct, "right" if correct else f"the answer is: {item.choices[item.correct]}")


def grade_number(item: NumberItem, text: str) -> Grade:
    value = parse_number(text)
    correct = abs(value - item.value) <= item.tolerance
    verdict = "right" if correct else f"the answer is {item.value:g} (you said {value:g})"
    return Grade(correct, verdict)


def _words(text: str) -> list[str]:
    return [_singular(w) for w in re.findall(r"[a-z0-9α-ω]+", text.casefold())]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _same_as(key_word: str) -> Callable[[str], bool]:
    """Whether a word of the answer counts as ``key_word``: the same, one a stem of the other
    (five letters or more, so "multipl" matches "multiplies"), or one typo away (a difflib
    ratio of ``TYPO_RATIO``, for answer words of six letters or more)."""
    # difflib keeps what it learns about the second sequence; its quick ratios are upper
    # bounds of the ratio, so they only skip the words that could not pass.
    matcher = difflib.SequenceMatcher(None, b=key_word)

    def same(word: str) -> bool:
        if word == key_word:
            return True
        if len(word) >= 5 and len(key_word) >= 5:
            if word.startswith(key_word) or key_word.startswith(word):
                return True
        if len(word) < 6:
            return False
        matcher.set_seq1(word)
        return (
            matcher.real_quick_ratio() >= TYPO_RATIO
            and matcher.quick_ratio() >= TYPO_RATIO
            and matcher.ratio() >= TYPO_RATIO
        )

    return same


class _Answer:
    """An answer read once, so that finding many keywords in it takes time linear in its
    length: each word of a keyword is compared (the costly part) with each *distinct* word
    of the answer once, and a phrase is tried only where its first word stands."""

    def __init__(self, text: str) -> None:
        self.words = _words(text)
        self.places: dict[str, list[int]] = {}
        for place, word in enumerate(self.words):
            self.places.setdefault(word, []).append(place)
        self._matches: dict[str, frozenset[str]] = {}

    def _matching(self, key_word: str) -> frozenset[str]:
        """The answer's distinct words that count as ``key_word``."""
        if key_word not in self._matches:
            same = _same_as(key_word)
            self._matches[key_word] = frozenset(w for w in self.places if same(w))
        return self._matches[key_word]

    def mentions(self, keyword: str) -> bool:
        phrase = [self._matching(word) for word in _words(keyword)]
        if not phrase:
            return False
        words, last = self.words, len(self.words) - len(phrase)
        return any(
            start <= last
            and all(words[start + k] in matching for k, matching in enumerate(phrase[1:], 1))
            for first in phrase[0]
            for start in self.places[first]
        )


def mentions(answer: str, keyword: str) -> bool:
    """Does ``answer`` contain ``keyword`` (a word or phrase), allowing case, plurals, typos?"""
    return _Answer(answer).mentions(keyword)


def grade_text(item: TextItem, answer: str) -> Grade:
    """Which key ideas the answer covers; correct when it covers them all (before self-check)."""
    read = _Answer(answer)
    covered = tuple(k.idea for k in item.key_ideas if any(read.mentions(w) for w in k.keywords))
    missing = tuple(k.idea for k in item.key_ideas if k.idea not in covered)
    message = f"covers {len(covered)} of {len(item.key_ideas)} key ideas"
    return Grade(not missing, message, covered, missing)


def correct_bucket(item: Prediction, value: float | None) -> int | None:
    """The choice whose ``[low, high)`` range holds ``value`` (None if none does)."""
    if value is None:
        return None
    return next((i for i, (low, high) in enumerate(item.bounds) if low <= value < high), None)


def grade_prediction(item: Prediction, answer: int | str, measured: float | None) -> Grade:
    """Compare the prediction with what the experiment ``measured`` (the item's lab state
    run, or its networks trained)."""
    shown = "no overflow" if measured is None else f"{measured:.4g}"
    if item.choices:
        assert isinstance(answer, int)
        bucket = correct_bucket(item, measured)
        correct = bucket is not None and answer == bucket
        right = item.choices[bucket] if bucket is not None else shown
        return Grade(
            correct, "right" if correct else f"the lab shows {shown}: {right}", measured=measured
        )
    value = parse_number(str(answer))
    assert item.rel_tolerance is not None
    correct = measured is not None and abs(value - measured) <= item.rel_tolerance * abs(measured)
    return Grade(correct, f"the lab shows {shown} (you said {value:g})", measured=measured)
