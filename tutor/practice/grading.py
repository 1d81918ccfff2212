"""Grading a committed prediction against a practice item.

Numbers accept ``0.2``, ``1/5``, ``2e-1`` or ``20%``; text answers are checked
for the item's key ideas, tolerant of case, plurals and small typos, and then
the learner's own self-check has the last word; ``predict-sim`` and ``predict-train``
answers are compared with what the experiment actually produces.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from tutor.lessons.model import ChoiceItem, NumberItem, Prediction, TextItem
from tutor.lessons.wording import read_answer
from tutor.text import one_line


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
    flags: tuple[str, ...] = field(default=())  # text items: the misconceptions voiced, by name
    corrections: tuple[str, ...] = field(default=())  # their corrections (Markdown), in order
    tolerance: float | None = None  # numbers: how far from the answer still counts


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


def grade_text(item: TextItem, answer: str) -> Grade:
    """Which key ideas the answer finds and which misconceptions it voices; correct when it
    finds them all and voices none (before the learner's self-check)."""
    reading = read_answer(item, answer)
    message = f"finds {len(reading.found)} of {len(item.key_ideas)} key ideas"
    if reading.flagged:
        message += f"; voices {len(reading.flagged)} misconception(s)"
    return Grade(
        reading.sound,
        message,
        reading.found,
        reading.missing,
        flags=tuple(m.name for m in reading.flagged),
        corrections=tuple(m.correction for m in reading.flagged),
    )


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
