"""Grading a committed prediction against a practice item.

Numbers accept ``0.2``, ``1/5``, ``2e-1``, ``20%`` and scientific notation as people type it
(``1.31×10^5``, ``1.31·10⁵``, ``10^-3``), and the verdict states the tolerance; text answers
are read against the item's key ideas and misconceptions (``tutor.lessons.wording``), and
then the learner's own self-check has the last word; ``predict-sim`` and ``predict-train``
answers are compared with what the experiment actually produces. ``grade_answer`` is the one
door the practice screen and ``restutor practice grade`` both go through.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from tutor.lessons.model import (
    ChoiceItem,
    CodeItem,
    CodePrediction,
    NumberItem,
    PracticeItem,
    Prediction,
    TextItem,
)
from tutor.lessons.wording import read_answer
from tutor.practice.code_check import CodeCheck, check_code, first_failure
from tutor.text import one_line


class NotANumber(ValueError):
    """The learner's answer cannot be read as a number; the message says what was typed."""


class NotAChoice(ValueError):
    """The learner's answer names none of the item's choices; the message says what was typed."""


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
    check: CodeCheck | None = None  # code items: every test's result
    guess: Guess | None = None  # code items with a prediction: it, beside the number
    gave_up: bool = False  # code items: the learner gave up (and sees the reference)


@dataclass(frozen=True)
class Guess:
    """A code exercise's prediction beside the number the reference computes."""

    guess: float
    value: float
    tolerance: float  # absolute: the prediction's relative tolerance of ``value``

    @property
    def close(self) -> bool:
        return abs(self.guess - self.value) <= self.tolerance

    def verdict(self) -> str:
        """``✓ Your prediction, 3000, is close: …`` or ``✗ … 33× too small``."""
        said, value = shown_number(self.guess), f"{self.value:.4g}"
        within = f"predictions within ±{self.tolerance:.2g} count"
        if self.close:
            return f"✓ **Your prediction,** {said}, is close: it is {value}, and {within}."
        off = _how_far(self.guess, self.value)
        return f"✗ **Your prediction,** {said}, is off{off}: it is {value}, and {within}."


def _how_far(guess: float, value: float) -> str:
    """`` by 33× (too small)`` where the two share a sign, else nothing."""
    if guess * value <= 0:
        return ""
    ratio = value / guess
    if ratio >= 1:
        return f" by {ratio:.3g}× (too small)"
    return f" by {1 / ratio:.3g}× (too large)"


def read_guess(prediction: CodePrediction, typed: str) -> Guess:
    """The learner's typed prediction, beside the number; ``NotANumber`` if it is none."""
    value = prediction.value
    return Guess(parse_number(typed), value, prediction.rel_tolerance * abs(value))


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SUPERSCRIPT_RUN = re.compile(r"[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
#: ``1.31×10^5``, ``1.31x10**5``, ``1.31·10^5``, ``-10^-3`` (superscripts already turned to ``^``).
_TIMES_TEN_TO = re.compile(
    r"(?:(?P<mantissa>[-+]?(?:\d+\.?\d*|\.\d+))[×xX*·⋅∙]|(?P<sign>[-+]?))"
    r"10(?:\^|\*\*)(?P<exponent>[-+]?\d+)"
)


def parse_number(text: str) -> float:
    """``0.2``, ``1/5``, ``2e-1``, ``-3``, ``20%``, ``1,000``, ``0,2``, ``1.31E+05``,
    ``1.31×10^5``, ``1.31 x 10^5``, ``1.31·10⁵`` or ``10^-3`` → a float."""
    cleaned = re.sub(r"\s+", "", text).replace("−", "-").replace("_", "")
    cleaned = _SUPERSCRIPT_RUN.sub(lambda run: "^" + run.group().translate(_SUPERSCRIPTS), cleaned)
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    if power := _TIMES_TEN_TO.fullmatch(cleaned):
        mantissa = power["mantissa"] or f"{power['sign']}1"
        cleaned = f"{mantissa}e{power['exponent']}"
    shown = one_line(text, 40)  # a pasted page is quoted by its start
    try:
        value = float(Fraction(cleaned)) if "/" in cleaned else float(cleaned)
    except (ValueError, ZeroDivisionError):
        raise NotANumber(f"'{shown}' is not a number (try 0.2, 1/5, 2e-1 or 1.3×10^5)") from None
    except OverflowError:  # a fraction whose value is beyond any float
        raise NotANumber(f"'{shown}' is not a finite number") from None
    if not math.isfinite(value):
        raise NotANumber(f"'{shown}' is not a finite number")
    return value / 100 if percent else value


def shown_number(value: float) -> str:
    """A number as the feedback writes it: up to ten significant digits, no float noise."""
    return f"{value:.10g}"


def _against(text: str, value: float, target: float, tolerance: float) -> str:
    """``1.31e5 = 131000 is 1072 away from 131072; answers within ±500 count``."""
    typed = one_line(text, 40)
    said = shown_number(value)
    you = said if typed == said else f"{typed} = {said}"
    return (
        f"{you} is {shown_number(abs(value - target))} away from {shown_number(target)}; "
        f"answers within ±{shown_number(tolerance)} count"
    )


def grade_choice(item: ChoiceItem, chosen: int) -> Grade:
    if not 0 <= chosen < len(item.choices):
        raise ValueError(f"choice {chosen} is out of range (0–{len(item.choices) - 1})")
    correct = chosen == item.correct
    return Grade(correct, "right" if correct else f"the answer is: {item.choices[item.correct]}")


def grade_number(item: NumberItem, text: str) -> Grade:
    value = parse_number(text)
    tolerance = item.tolerance
    correct = abs(value - item.value) <= tolerance
    verdict = (
        f"right: within ±{shown_number(tolerance)} of {shown_number(item.value)}"
        if correct
        else _against(text, value, item.value, tolerance)
    )
    return Grade(correct, verdict, tolerance=tolerance)


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
    if measured is None:
        return Grade(False, f"the lab shows {shown} (you said {shown_number(value)})")
    tolerance = item.rel_tolerance * abs(measured)
    correct = abs(value - measured) <= tolerance
    verdict = (
        f"right: the lab shows {shown}, and answers within ±{shown_number(tolerance)} count"
        if correct
        else f"the lab shows {shown}: " + _against(str(answer), value, measured, tolerance)
    )
    return Grade(correct, verdict, measured=measured, tolerance=tolerance)


def read_choice(choices: list[str], text: str) -> int:
    """The choice ``text`` names: its words (case and spacing aside) or its 0-based index."""
    wanted = " ".join(text.split()).casefold()
    for index, choice in enumerate(choices):
        if " ".join(choice.split()).casefold() == wanted:
            return index
    if wanted.isdecimal() and wanted.isascii():
        index = int(wanted)
        if index < len(choices):
            return index
        raise NotAChoice(f"choice {index} is out of range (0–{len(choices) - 1})")
    raise NotAChoice(
        f"'{one_line(text, 40)}' is none of the choices (give one's words or its index, "
        f"0–{len(choices) - 1})"
    )


def grade_code(check: CodeCheck, guess: Guess | None = None) -> Grade:
    """A code answer is right when its file loads and passes every test. A prediction made
    first is set beside its number once the file passes (before, the number stays unsaid),
    and does not change the grade."""
    if check.correct:
        return Grade(True, f"all {len(check.tests)} tests pass", check=check, guess=guess)
    failure = first_failure(check)
    if check.failure is not None:
        return Grade(False, failure or "", check=check)
    message = f"{check.passed} of {len(check.tests)} tests pass; first to fix: {failure}"
    return Grade(False, message, check=check)


def grade_answer(
    item: PracticeItem,
    answer: int | str,
    measured: float | None = None,
    predicted: str | None = None,
) -> Grade:
    """Grade ``answer`` to ``item``: a choice's index (choice items and choice-style
    predictions), or the typed text; a prediction against what its experiment ``measured``;
    a code item's file against its tests (run here, in the bounded runner: seconds), with
    the number ``predicted`` before it ran, if its exercise asks one.
    Raises ``NotANumber`` for a number that is none, ``ValueError`` for a choice out of range."""
    if isinstance(item, CodeItem):
        guess = None
        if item.predict is not None and predicted is not None:
            guess = read_guess(item.predict, predicted)
        return grade_code(check_code(item, str(answer)), guess)
    if isinstance(item, ChoiceItem):
        if not isinstance(answer, int):
            answer = read_choice(item.choices, answer)
        return grade_choice(item, answer)
    if isinstance(item, Prediction):
        if item.choices and not isinstance(answer, int):
            answer = read_choice(item.choices, answer)
        return grade_prediction(item, answer, measured)
    if isinstance(item, NumberItem):
        return grade_number(item, str(answer))
    return grade_text(item, str(answer))
