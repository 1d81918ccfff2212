"""The lesson format: pydantic models whose field docs are the format's documentation.

``lessons/schema.json`` is generated from ``Lesson`` (``restutor schema``), so an
editor with the YAML language server completes and checks lesson files.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tutor.lessons.fields import Id, Markdown, Strict, Text
from tutor.lessons.index import MAX_ORDER, MAX_PHASE
from tutor.lessons.lab_state import Experiment, LabState
from tutor.lessons.practice_items import (
    ChoiceItem,
    CodeItem,
    CodePrediction,
    KeyIdea,
    Misconception,
    NumberItem,
    PracticeBase,
    PracticeItem,
    Prediction,
    PredictSimItem,
    PredictTrainItem,
    TextItem,
    WrongAnswer,
)

#: The practice items and the lab state live in their own modules; the format is read
#: from here, whole.
__all__ = [
    "Bridge",
    "ChoiceItem",
    "Claim",
    "CodeItem",
    "CodePrediction",
    "CodeSection",
    "CodeWitness",
    "Concept",
    "DemoSection",
    "ExampleStep",
    "Experiment",
    "Interview",
    "KeyEquation",
    "KeyIdea",
    "LabState",
    "Lesson",
    "MathSection",
    "MathStep",
    "Misconception",
    "Mistake",
    "NumberItem",
    "PracticeBase",
    "PracticeItem",
    "Prediction",
    "PredictSimItem",
    "PredictTrainItem",
    "Section",
    "Sections",
    "Source",
    "Term",
    "TextItem",
    "Witness",
    "WorkedExample",
    "WrongAnswer",
]


class KeyEquation(Strict):
    """The equation shown at the top of the lesson at all times."""

    latex: Text = Field(description="LaTeX source, e.g. 'y = x + \\mathcal{F}(x)'.")
    text: Text = Field(description="Plain-text/Unicode rendering for the terminal.")


class Mistake(Strict):
    """A common mistake and how to fix it."""

    mistake: Text
    fix: Text


class MathStep(Strict):
    """One step of a derivation."""

    id: Id | None = Field(None, description="Set it to let claims cite this step as a witness.")
    equation: Text = Field(description="The step's equation, in plain text/Unicode.")
    latex: Text | None = Field(None, description="The same equation in LaTeX.")
    why: Markdown = Field(description="Why this step follows.")


class CodeWitness(Strict):
    """Runnable Python whose printed output must equal ``expected_output`` (tests run it)."""

    id: Id
    title: Text
    code: Text = Field(description="A complete Python program (NumPy is available).")
    expected_output: str = Field(description="Exactly what the program prints.")


#: The lab's three experiments, one tab each.
class Section(Strict):
    """One stage of the lesson, in Markdown."""

    body: Markdown


class MathSection(Section):
    steps: list[MathStep] = Field(default_factory=list, description="The derivation, in order.")
    deep_dive: list[MathStep] = Field(
        default_factory=list,
        description="Steps beyond the core derivation, shown after it under 'Deep dive'.",
    )


class CodeSection(Section):
    witnesses: list[CodeWitness] = Field(default_factory=list)


class DemoSection(Section):
    lab_states: list[LabState] = Field(default_factory=list)
    opens: Id | None = Field(None, description="The lab state the lab opens in (`l`).")


class Sections(Strict):
    intuition: Section = Field(description="Picture first: ASCII diagrams in fenced blocks.")
    math: MathSection
    code: CodeSection
    demo: DemoSection


class ExampleStep(Strict):
    """A step of a worked example; ``compute`` (arithmetic) must evaluate to ``result``."""

    say: Markdown
    compute: str | None = Field(
        None,
        description="An arithmetic expression (numbers, + - * / **, parentheses, "
        "sqrt/exp/log/tanh) that the tests evaluate.",
        max_length=2000,
    )
    result: float | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> ExampleStep:
        if (self.compute is None) != (self.result is None):
            raise ValueError("give both 'compute' and 'result', or neither")
        return self


class WorkedExample(Strict):
    id: Id
    title: Text
    given: Markdown
    steps: list[ExampleStep] = Field(min_length=1)
    answer: Markdown
    insight: Markdown


class Term(Strict):
    """A glossary entry."""

    term: Text
    aliases: list[Text] = Field(default_factory=list)
    definition: Markdown
    related: list[Text] = Field(default_factory=list, description="Other terms, by name.")


class Concept(Strict):
    """A concept the lesson covers, and where; practice items name it by ``id`` (in their
    ``concepts``), and it is mastered once the learner's latest answer to one of them is right."""

    id: Id = Field(description="Stable: mastery follows it across wording changes.")
    concept: Text
    covered_in: list[
        Literal["intuition", "math", "code", "demo", "worked_examples", "practice", "terms"]
    ] = Field(min_length=1)


class Source(Strict):
    """A paper or other reference."""

    id: Id
    authors: Text
    year: int = Field(ge=1800, le=2100)
    title: Text
    venue: Text
    url: Text | None = None


class Witness(Strict):
    """What makes a claim checkable: a math step, a code witness or a lab state (by id)."""

    kind: Literal["equation", "code", "lab"]
    ref: Id


class Claim(Strict):
    id: Id
    statement: Markdown
    sources: list[Id] = Field(default_factory=list, description="Ids into this lesson's sources.")
    witness: Witness | None = None


class Interview(Strict):
    question: Text
    answer: Markdown
    avoid: Markdown = Field(description="The wrong answer to avoid, and why.")


class Bridge(Strict):
    next: Id = Field(description="The lesson to take next.")
    why: Markdown


class Lesson(Strict):
    """One lesson file."""

    id: Id
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    one_line: Text
    key_equation: KeyEquation
    phase: int = Field(ge=0, le=MAX_PHASE, strict=True)
    order: int = Field(ge=0, le=MAX_ORDER, strict=True)
    difficulty: Literal["beginner", "intermediate", "advanced"]
    prerequisites: list[Id] = Field(default_factory=list)
    unlocks: list[Id] = Field(default_factory=list)
    why_it_matters: Markdown
    what_tutorials_skip: list[Markdown] = Field(default_factory=list)
    takeaways: list[Text] = Field(min_length=1)
    common_mistakes: list[Mistake] = Field(default_factory=list)
    sections: Sections
    worked_examples: list[WorkedExample] = Field(default_factory=list)
    terms: list[Term] = Field(default_factory=list)
    inventory: list[Concept] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    practice: list[PracticeItem] = Field(default_factory=list)
    interview: list[Interview] = Field(default_factory=list)
    apply_now: Markdown | None = Field(None, description="A five-minute exercise.")
    bridge: Bridge | None = None

    def lab_state(self, state_id: str) -> LabState | None:
        return next((s for s in self.sections.demo.lab_states if s.id == state_id), None)

    @property
    def math_steps(self) -> list[MathStep]:
        """The core derivation, then the deep dive: every step a claim or a note may cite."""
        return [*self.sections.math.steps, *self.sections.math.deep_dive]
