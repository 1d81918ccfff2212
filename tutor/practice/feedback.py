"""What a grade says to the learner, in Markdown: the practice screen shows it under the
committed answer and ``restutor practice grade`` prints it, so the two never disagree.

A written answer hears which key ideas were found and which were not, and for each
misconception it voices, the misconception's name and its correction; it is never called
right while one is flagged (the learner's self-check comes after the answer). Every other
kind hears ✓ or ✗ and the grade's message, which for numbers states the tolerance.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tutor.practice.review_plan import local_days
from tutor.text import visible

if TYPE_CHECKING:
    from datetime import datetime

    from tutor.lessons.model import PracticeItem
    from tutor.practice.code_check import CodeCheck
    from tutor.practice.grading import Grade


def verdict(item: PracticeItem, grade: Grade) -> list[str]:
    """The grade as Markdown paragraphs, in the order they are shown."""
    if item.kind == "code":  # (given up before any run, there is no check)
        return [
            f"{'✓' if grade.correct else '✗'} {grade.message}",
            *_the_number(item, grade),
            *(test_lines(grade.check) if grade.check else []),
        ]
    if item.kind != "text":
        return [f"{'✓' if grade.correct else '✗'} {grade.message}"]
    parts = [f"Key ideas found: {', '.join(grade.covered) or 'none'}"]
    if grade.missing:
        parts.append(f"Not found: {', '.join(grade.missing)}")
    if grade.flags:
        parts.append("✗ **Not right as it stands:** the answer voices a common misconception.")
    for name, correction in zip(grade.flags, grade.corrections, strict=True):
        parts.append(f"**Misconception: {name}.** {correction.strip()}")
    return parts


def _the_number(item: PracticeItem, grade: Grade) -> list[str]:
    """A code exercise's prediction, once the number may be said (the file passed, or the
    learner gave up): how close the guess came, and why the number is what it is."""
    prediction = getattr(item, "predict", None)
    if prediction is None or not (grade.correct or grade.gave_up):
        return []
    said = [grade.guess.verdict()] if grade.guess else []
    return [
        *said,
        f"**Why it is {prediction.value:.4g}:** {prediction.reasoning.strip()}",
    ]


def test_lines(check: CodeCheck) -> list[str]:
    """Each test of a code exercise, ✓ or ✗ and its message; then what the code printed.
    Messages and output come from code (the learner's, a lesson file's): their control
    characters are shown as stand-ins, and they are quoted as code, never read as Markdown."""
    lines = [
        f"- ✓ {code_span(test.name)}"
        if test.passed
        else f"- ✗ {code_span(test.name)}: {code_span(test.message)}"
        for test in check.tests
    ]
    parts = ["\n".join(lines)] if lines else []
    if check.output:
        parts.append("Your code printed:\n\n" + code_block(check.output[-2000:]))
    return parts


def code_span(text: str) -> str:
    """``text`` as inline code: its control characters visible, fenced by more backticks
    than any run inside it."""
    shown = " ".join(visible(text).split("\n"))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    return f"{fence} {shown} {fence}"


def code_block(text: str) -> str:
    """``text`` as a fenced block that nothing inside it can close."""
    shown = visible(text)
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    return f"{fence}\n{shown}\n{fence}"


def again_in(due: datetime, now: datetime) -> str:
    """When a just-scheduled item comes back: "again in 10 minutes", "again tomorrow at
    09:12", "again in 3 days (Fri 4 Dec)"."""
    return f"again {when_due(due, now)}"


def when_due(due: datetime, now: datetime) -> str:
    """``due`` as the learner reads it, on their clock: "now", "in 10 minutes", "today at
    21:40", "tomorrow at 09:12", or "in 3 days (Fri 4 Dec)"."""
    if due <= now:
        return "now"
    minutes = round((due - now).total_seconds() / 60)
    if minutes < 60:
        return f"in {max(minutes, 1)} minute{'s' if minutes > 1 else ''}"
    local, days = due.astimezone(), local_days(now, due)
    if days <= 1:
        return f"{'today' if days == 0 else 'tomorrow'} at {local:%H:%M}"
    return f"in {days} days ({local:%a} {local.day} {local:%b})"
