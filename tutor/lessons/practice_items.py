"""The lesson format's practice items: what every kind shares (``PracticeBase``), and each
kind, told apart by ``kind`` (``PracticeItem``). Re-exported by ``tutor.lessons.model``."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, model_validator

from tutor.lessons.fields import Difficulty, Id, Markdown, Strict, Text
from tutor.lessons.lab_state import LabState


class WrongAnswer(Strict):
    answer: Text
    why: Markdown


class PracticeBase(Strict):
    id: Id = Field(description="Stable: review history follows it across wording changes.")
    difficulty: Difficulty
    prompt: Markdown
    nudges: list[Markdown] = Field(min_length=3, max_length=3)
    answer: Markdown
    reasoning: Markdown
    wrong_answer: WrongAnswer = Field(description="The common wrong answer and why it is wrong.")
    rubric: list[Text] = Field(min_length=1, description="Self-check: what a good answer does.")
    concepts: list[Id] = Field(
        default_factory=list,
        description="The ids of the lesson's inventory concepts this item tests (one or more).",
    )


class ChoiceItem(PracticeBase):
    kind: Literal["choice"]
    choices: list[Text] = Field(min_length=2)
    correct: int = Field(ge=0, description="Index into choices.")

    @model_validator(mode="after")
    def _correct_in_range(self) -> ChoiceItem:
        if self.correct >= len(self.choices):
            raise ValueError(f"correct is {self.correct} but there are {len(self.choices)} choices")
        return self


class NumberItem(PracticeBase):
    kind: Literal["number"]
    value: float
    tolerance: float = Field(ge=0, description="Absolute tolerance.")


class KeyIdea(Strict):
    idea: Text
    keywords: list[Text] = Field(
        min_length=1,
        description="Words or phrases that show the idea is there: matched by stem, with one "
        "typo allowed in words of five letters or more, and not when negated (a negator among "
        "the three words before, unless the keyword has its own).",
    )


class Misconception(Strict):
    """A named wrong idea: an answer voicing one of its patterns is flagged (never called
    right), and the learner is shown the correction."""

    name: Text = Field(description="Short; shown as the flag.")
    patterns: list[Text] = Field(
        min_length=1,
        description="Phrases that voice the misconception, matched like keywords "
        "(a negated one does not flag).",
    )
    correction: Markdown = Field(description="Shown when an answer is flagged.")


class TextItem(PracticeBase):
    kind: Literal["text"]
    key_ideas: list[KeyIdea] = Field(min_length=1)
    misconceptions: list[Misconception] = Field(
        default_factory=list,
        description="Wrong ideas the answer must not voice: one flagged means not right.",
    )


Measure = Literal[
    "forward_growth",
    "gradient_ratio",
    "diverged_at",
    "lesion_plain_median",
    "lesion_residual_median",
]
TrainMeasure = Literal["plain_depth_penalty", "residual_depth_penalty", "worst_plain_depth"]


class Prediction(PracticeBase):
    """What every predict-before-you-see item shares: the answer is a choice among
    ``choices`` (each a range of the measure) or a number with a relative tolerance."""

    choices: list[Text] = Field(default_factory=list)
    bounds: list[tuple[float, float]] = Field(
        default_factory=list, description="For each choice, the [low, high) range of the measure."
    )
    correct: int | None = Field(None, ge=0)
    value: float | None = None
    rel_tolerance: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _one_answer_form(self) -> Prediction:
        as_choice = bool(self.choices)
        if as_choice:
            if len(self.bounds) != len(self.choices) or self.correct is None:
                raise ValueError("a choice prediction needs one bound per choice and 'correct'")
            if self.correct >= len(self.choices):
                raise ValueError(
                    f"correct is {self.correct} but there are {len(self.choices)} choices"
                )
        elif self.value is None or self.rel_tolerance is None:
            raise ValueError(
                "give 'choices' with 'bounds' and 'correct', or 'value' and 'rel_tolerance'"
            )
        return self


class PredictSimItem(Prediction):
    """Predict what the simulator will show for ``lab`` before it runs.

    ``forward_growth`` is ``rms‖h_L‖ / rms‖h_0‖``; ``gradient_ratio`` is
    ``rms‖g_0‖ / rms‖g_L‖``; ``diverged_at`` the first overflowing layer (or
    none); ``lesion_plain_median`` / ``lesion_residual_median`` the median, over
    the blocks, of how far the output moves when that one block is deleted
    (relative). The tests run the engine.
    """

    kind: Literal["predict-sim"]
    lab: LabState
    measure: Measure

    @model_validator(mode="after")
    def _lab_tab_fits_the_measure(self) -> PredictSimItem:
        wants = "lesion" if self.measure.startswith("lesion_") else "signal"
        if self.lab.experiment != wants:
            raise ValueError(
                f"measure {self.measure} is read on the {wants} tab: "
                f"give its lab state 'experiment: {wants}'"
            )
        return self


class PredictTrainItem(Prediction):
    """Predict what the degradation experiment (plain and residual networks trained at
    several depths) will show before it trains.

    ``plain_depth_penalty`` is the deepest plain network's final training loss over the
    shallowest one's; ``residual_depth_penalty`` the same for the residual networks;
    ``worst_plain_depth`` the depth of the plain network that ends highest. The tests train.
    """

    kind: Literal["predict-train"]
    train: dict[str, int | float | list[int]] = Field(
        default_factory=dict,
        description="TrainParams fields: depths, width, steps, seed, lr, batch; "
        "the ones not given keep the defaults of `restutor train`.",
    )
    measure: TrainMeasure

    @model_validator(mode="after")
    def _known_train_params(self) -> PredictTrainItem:
        from tutor.sim.params import SimParamError
        from tutor.sim.train_params import TrainParams

        unknown = sorted(set(self.train) - set(TrainParams.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown training parameter(s): {', '.join(unknown)}")
        try:
            params = TrainParams(**self.train)  # type: ignore[arg-type]
        except SimParamError as error:
            raise ValueError(str(error)) from None
        if len(params.depths) < 2:
            raise ValueError("a training prediction compares depths: give two or more")
        return self


class CodePrediction(Strict):
    """Asked before the learner's first run: a number their finished code will compute.
    ``measure`` is evaluated in the learner's file after its tests (in the bounded runner,
    as the tests are); ``validate`` checks that the reference computes ``value``."""

    prompt: Markdown = Field(description="The question, e.g. what ratio the stack will give.")
    measure: Text = Field(
        description="A Python expression over the names the learner's file and the tests "
        "define, e.g. `gradient_ratio(20, 0.5)`: its value is the number predicted."
    )
    value: float = Field(description="What the reference solution computes (validate checks).")
    rel_tolerance: float = Field(
        gt=0, description="Predictions within this fraction of value count as close."
    )
    reasoning: Markdown = Field(description="Why the number is what it is: shown after.")


class CodeItem(PracticeBase):
    """Write it yourself: the learner completes ``starter`` until ``tests`` pass.

    The learner's file is saved as ``solution.py`` beside ``tests`` (as ``checks.py``):
    every top-level function named ``test_*`` runs, in the order written, and passes when
    it returns; an assert's message is what the learner reads when it fails. ``answer``
    says the reference's idea in words, shown with ``solution`` once the learner passes or
    gives up. ``predict``, where given, is asked before the tests may first run.
    """

    kind: Literal["code"]
    starter: Text = Field(
        description="The file the learner starts from: imports, each signature with a "
        "docstring, bodies that raise NotImplementedError (it must fail the tests)."
    )
    tests: Text = Field(
        description="Hidden checks: top-level test_* functions that import from `solution` "
        "(the learner's file); every assert has a message naming what was expected and got."
    )
    solution: Text = Field(description="The reference solution: a whole file that passes.")
    predict: CodePrediction | None = Field(
        None, description="A number to predict before the first run (where it teaches)."
    )

    @model_validator(mode="after")
    def _has_a_test(self) -> CodeItem:
        # Read, not compiled: CPython 3.11's parser is not safe to run in two threads at
        # once (the lessons are read in workers), and whether the code is Python is what
        # `validate` finds out by running it.
        if not re.search(r"^def test_\w*\s*\(", self.tests, re.MULTILINE):
            raise ValueError("tests defines no top-level test_ function")
        return self


PracticeItem = Annotated[
    ChoiceItem | NumberItem | TextItem | PredictSimItem | PredictTrainItem | CodeItem,
    Field(discriminator="kind"),
]
