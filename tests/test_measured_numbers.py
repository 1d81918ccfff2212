"""No lesson quotes a number from the lab that nothing checks.

Every prose field of every lesson is read sentence by sentence. A sentence *speaks of a
measurement* when it names the lab, a tab, a seed, a run, or something measured or shown;
all of a lab state's notice and of a predict item's answer speak of one. Each number in
such a sentence must then be one of:

- a readout of the lab, to the digits written: what the lab shows for the notice's own
  state or the predict-sim item's own state (elsewhere: for any lab state of the lesson,
  if the number has three significant digits or more, since fewer match some readout by
  chance): the forward growth and gradient ratio of the run and of its skip-toggled
  counterpart, their first and last RMS (forward and gradient), the theory's growth and
  ratio, the layer of an overflow, the lesion's median, smallest and largest change;
- the value a predict-sim item measures, in that item's text (the same measurement
  ``test_lesson_content`` grades the item's answer by);
- listed in ``REGISTRY`` under its lesson, with its check: another quantity of a lab run
  (``Lab``), a training fact ``tests/test_train_reproducible.py`` proves across kernels
  and thread counts (``Train``), a line of a code witness's output (``Witness``, which
  ``test_lesson_content`` runs), or not a measurement at all (``NotMeasured``, with why).

Not measurements, and so left out: setup numbers (a depth, width, seed, α, σ_w, step or
block count written next to its name), a choice's bounds, ordinals, list numbers, bare
integers below 10 (counts and thresholds: "near 1", "below 1"), numbers in `code`,
arithmetic (a number touching an operator or an exponent, or what ``≈``/``=`` gives for
one: the worked examples recompute those), and paper numbers (a sentence citing
"et al." or a year without naming the lab or a run; a citation's year everywhere).

A number is right when the measurement rounds to it as written ("2.34" to ±0.005; an
integer's trailing zeros are not significant, so "about 150" is ±5).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
import pytest
from pydantic import BaseModel

from tests.test_train_reproducible import STATED
from tutor.lessons.catalog import load_catalog
from tutor.lessons.model import LabState, Lesson, PredictSimItem, PredictTrainItem
from tutor.paths import builtin_lessons_dir
from tutor.practice.measures import LESION_VARIANTS, measure, run_lab_state, sim_params
from tutor.sim import lesion_blocks, simulate
from tutor.sim.lab_run import skip_toggled

LESSONS = load_catalog([builtin_lessons_dir()]).lessons

# -- where the numbers are ---------------------------------------------------------------

#: Fields that are not prose: ids, references, code (its output is checked by running it).
NOT_PROSE = {
    "id", "ref", "url", "code", "starter", "tests", "solution", "expected_output", "latex",
    "sources", "params", "train",
    "bounds", "kind", "measure", "difficulty", "opens", "experiment", "witness",
    "prerequisites", "unlocks", "aliases", "authors", "venue", "year", "choices", "title",
    "compute", "result", "equation", "text", "value", "rel_tolerance", "correct", "phase",
    "order",
}  # fmt: skip
SPEAKS_OF_THE_LAB = re.compile(
    r"\b(lab|lab's|tab|seeds?|runs?|ran|measures?|measured|measuring|shows|simulator|"
    r"restutor|ends? at|ended)\b",
    re.IGNORECASE,
)
CITES_A_PAPER = re.compile(r"et al\.|\b(?:19|20)\d\d\b")
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(*])|\n\s*\n|(?<=:)\s*\n")
CODE_SPAN = re.compile(r"`[^`]*`")
SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
NUMBER = re.compile(
    r"(?<![\w.^_])"
    r"(?P<mantissa>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)"
    rf"(?P<exponent>\s*[×·]\s*10(?:\^?[−-]?\d+|[{SUPERSCRIPT}]+)|[eE][−-]?\d+)?"
    r"(?P<unit>%|×)?"
    r"(?![\w.]\d)"
)
#: A setup value is named just before it ("depth 40", "α = 0.2", "seeds 0–4", "σ_w = 0.9 or 1.1").
SETUP_BEFORE = re.compile(
    r"(?:\b(?:depths?|layers?|seeds?|width|blocks?|steps?|sublayers?|networks?|inputs?|heads?|"
    r"d_head|n_heads|batch)|(?<!\w)(?:σ_w|σ²|[αLσkdnN]))\s*(?:=|of)?\s*"
    r"(?:\d+(?:\.\d+)?\s*(?:[,–-]|to|or|and)\s*)*$",
    re.IGNORECASE,
)
#: ... or just after it, maybe past two words that are not prepositions ("48 layers", "a
#: 48-layer network", "400 Adam steps", "40 tanh residual blocks"), or it is an ordinal.
SETUP_AFTER = re.compile(
    r"^(?:\s*(?:(?:[–-]|to)\s*\d+\s*)?"
    r"(?:(?!(?:at|in|of|per|over|after|for|by|from|to)\b)[a-zA-Z-]+\s+){0,2}?"
    r"(?:-?layers?|-?blocks?|steps|Adam|seeds|networks|inputs|sublayers?|weights|heads|times|"
    r"dimensions|coordinates|paths|entries|channels|writes|factors|Jacobians|orders|branches)\b"
    r"|th\b|st\b|nd\b|rd\b)",
    re.IGNORECASE,
)
#: A number just after one of these, or just before one of the second, is in arithmetic
#: ("1/1,048,576", "(1 + α²)^{20}", "1.5 + 2"); a parenthesis alone is only prose.
OPERATOR_BEFORE = "+−-·/^√*={≈<>≤≥"
OPERATOR_AFTER = "+−-·/^*=≈<>≤≥" + SUPERSCRIPT


@dataclass(frozen=True)
class Quote:
    """One number a lesson quotes from a measurement, and where."""

    lesson: Lesson
    field: str
    written: str  # as in the lesson: "2.34×", "13.2%", "7.9 × 10⁻⁷"
    value: float  # "13.2%" is 13.2, "2.34×" is 2.34
    decimals: int  # the written precision: 2 for "2.34", 1 for "7.9 × 10⁻⁷"
    digits: int  # significant digits: 3 for "2.34", 2 for "0.024" and "150"
    sentence: str
    item: object | None  # the predict item or lab state the field belongs to

    def __str__(self) -> str:
        return f"{self.lesson.id}: {self.field}: {self.written!r} in {self.sentence.strip()!r}"


def prose(
    obj: object, path: str = "", owner: object | None = None
) -> Iterator[tuple[str, str, object | None]]:
    """Every prose string under ``obj`` as ``(field path, text, owner)``, where ``owner`` is
    the lab state or predict item the text belongs to (None elsewhere)."""
    if isinstance(obj, str):
        yield path, obj, owner
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            yield from prose(value, f"{path}[{getattr(value, 'id', i)}]", owner)
    elif isinstance(obj, BaseModel):
        if isinstance(obj, PredictSimItem | PredictTrainItem | LabState):
            owner = obj
        for name in type(obj).model_fields:
            if name not in NOT_PROSE:
                yield from prose(getattr(obj, name), f"{path}.{name}" if path else name, owner)


def _parse(match: re.Match[str]) -> tuple[float, int, int]:
    """The number's value, its decimals and its significant digits, as written.

    An integer's trailing zeros are not significant: "about 150" is good to ±5.
    """
    mantissa = match["mantissa"].replace(",", "")
    whole, _, fraction = mantissa.partition(".")
    bare = (whole + fraction).lstrip("0")
    decimals = len(fraction) if fraction else len(whole.rstrip("0")) - len(whole)
    digits = len(bare) if fraction else len(bare.rstrip("0"))
    value = float(mantissa)
    if exponent := match["exponent"]:
        power = exponent.translate(str.maketrans(SUPERSCRIPT[:10] + "⁻−", "0123456789--"))
        power = int(re.sub(r"^\s*[×·]\s*10\^?|^[eE]", "", power.strip()))
        value *= 10.0**power
        decimals -= power
    return value, decimals, digits


def is_arithmetic(sentence: str, start: int, end: int) -> bool:
    before, after = sentence[:start].rstrip(), sentence[end:].lstrip()
    if before[-1:] in OPERATOR_BEFORE or after[:1] in OPERATOR_AFTER:
        return True
    return bool(re.search(rf"[\d{SUPERSCRIPT})]\s*[≈=]\s*$", before))  # "0.9⁵⁰ ≈ 0.005"


def quotes(lesson: Lesson) -> Iterator[Quote]:
    for field, text, owner in prose(lesson):
        # All of a lab state's notice and of a predict item's answer speak of the lab.
        whole = field.endswith((".notice", ".answer")) and owner is not None
        bounds = {b for pair in getattr(owner, "bounds", ()) for b in pair}
        for sentence in SENTENCE_END.split(CODE_SPAN.sub(" ", text)):
            lab, cites = SPEAKS_OF_THE_LAB.search(sentence), CITES_A_PAPER.search(sentence)
            if not (whole or lab) or (cites and not lab):
                continue
            for match in NUMBER.finditer(sentence):
                start, end = match.span()
                if SETUP_BEFORE.search(sentence[:start]) or SETUP_AFTER.search(sentence[end:]):
                    continue
                if is_arithmetic(sentence, start, end):
                    continue
                value, decimals, digits = _parse(match)
                if decimals == 0 and value < 10 and not match["unit"]:
                    continue  # a count or a threshold: "near 1", "below 1", "2 blocks"
                if cites and decimals == 0 and 1900 <= value < 2100:
                    continue  # the year of a citation
                if (value / 100 if match["unit"] == "%" else value) in bounds:
                    continue  # a choice's range, not what was measured
                if re.fullmatch(r"\s*\(?", sentence[:start]) and sentence[end : end + 1] == ")":
                    continue  # a list's numbering: "(3) Open the lab"
                yield Quote(lesson, field, match[0], value, decimals, digits, sentence, owner)


# -- what checks them --------------------------------------------------------------------


@dataclass(frozen=True)
class Readout:
    """A lab run as the lab shows it: the run, its skip-toggled counterpart, the lesion."""

    run: Any
    toggled: Any
    lesion: Any


@cache
def readout(params: tuple[tuple[str, object], ...], experiment: str) -> Readout:
    setup = sim_params(dict(params))
    lesion = lesion_blocks(setup) if experiment == "lesion" else None
    return Readout(simulate(setup), simulate(skip_toggled(setup)), lesion)


def headline(r: Readout) -> dict[str, float]:
    """What a lab run's readout lines show (a lesion's changes as fractions)."""
    shown: dict[str, float] = {}
    for name, run in (("run", r.run), ("toggled", r.toggled)):
        shown |= {
            f"{name}.growth": run.forward_growth,
            f"{name}.gradient_ratio": run.gradient_ratio,
            f"{name}.first_rms": float(run.forward.rms[0]),
            f"{name}.last_rms": float(run.forward.rms[-1]),
            f"{name}.input_gradient": float(run.backward.rms[0]),
            f"{name}.output_gradient": float(run.backward.rms[-1]),
        }
        if run.theory_forward is not None and run.theory_backward is not None:
            shown[f"{name}.theory_growth"] = float(run.theory_forward[-1] / run.theory_forward[0])
            shown[f"{name}.theory_ratio"] = float(run.theory_backward[0] / run.theory_backward[-1])
        if run.diverged_at is not None:
            shown[f"{name}.diverged_at"] = float(run.diverged_at)
    if r.lesion is not None:
        for variant in ("plain", "residual"):
            changes = getattr(r.lesion, variant)
            changes = changes[np.isfinite(changes)]
            for how, value in (("median", np.median), ("min", np.min), ("max", np.max)):
                shown[f"lesion.{variant}.{how}"] = float(value(changes))
    return shown


def agrees(quote: Quote, measured: float | None) -> bool:
    """Whether ``measured`` rounds to the number as written (a percentage as a fraction)."""
    if measured is None or not math.isfinite(measured):
        return False
    if quote.written.endswith("%"):
        measured *= 100
    return abs(measured - quote.value) <= 0.5 * 10.0**-quote.decimals * (1 + 1e-9)


@dataclass(frozen=True)
class Lab:
    """``of`` the readout of the lesson's lab state ``state`` (or of ``params``)."""

    state: str | None = None
    of: Callable[[Readout], float] = lambda r: math.nan
    params: tuple[tuple[str, object], ...] = ()
    rel: float = 0.0  # more than the written digits allow ("about 440", a BLAS-dependent 1828)
    #: The text gives a bound, not the value: "within about 20%" is "at most", "more than
    #: 2000" is "at least".
    bound: Literal["at most", "at least"] | None = None

    def check(self, quote: Quote) -> str | None:
        if self.state is not None:
            state = quote.lesson.lab_state(self.state)
            if state is None:
                return f"no lab state {self.state!r}"
            params, experiment = tuple(sorted(state.params.items())), state.experiment
        else:
            params, experiment = self.params, "signal"
        value = self.of(readout(params, experiment))
        if self.bound is not None:
            scaled = value * (100 if quote.written.endswith("%") else 1)
            bounded = scaled <= quote.value if self.bound == "at most" else scaled >= quote.value
            return None if bounded else f"the lab shows {value:.6g}"
        near = math.isclose(value, quote.value, rel_tol=self.rel)
        return None if agrees(quote, value) or near else f"the lab shows {value:.6g}"


@dataclass(frozen=True)
class Train:
    """A training number ``tests/test_train_reproducible.py`` proves (its ``STATED``)."""

    fact: str

    def check(self, quote: Quote) -> str | None:
        stated = STATED[self.fact]  # a value, a (low, high) range, or a value per kernel
        values = stated.values() if isinstance(stated, dict) else stated
        values = values if isinstance(values, Iterable) else (values,)
        return None if quote.value in values else f"test_train_reproducible states {stated}"


@dataclass(frozen=True)
class Witness:
    """A number printed by the lesson's code witness ``witness`` (run by the lesson tests)."""

    witness: str

    def check(self, quote: Quote) -> str | None:
        code = quote.lesson.sections.code.witnesses
        output = next((w.expected_output for w in code if w.id == self.witness), None)
        if output is None:
            return f"no code witness {self.witness!r}"
        printed = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", output)]
        scale = 100 if quote.written.endswith("%") else 1
        if any(agrees(quote, p / scale) for p in printed):
            return None
        return f"{self.witness} prints no {quote.written}"


@dataclass(frozen=True)
class NotMeasured:
    """Not a measurement: a setting, or a threshold the text compares with (say which)."""

    why: str

    def check(self, quote: Quote) -> str | None:
        return None


Check = Lab | Train | Witness | NotMeasured


def _layer(stats: str, layer: int, run: str = "run") -> Callable[[Readout], float]:
    return lambda r: float(getattr(getattr(r, run), stats).rms[layer])


def _ratio(r: Readout) -> float:
    return r.run.gradient_ratio


def _sim(**params: object) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(params.items()))


def _share_of_paths(low: int, high: int) -> Callable[[Readout], float]:
    """The share of the 2^L paths through ``low`` to ``high`` branches (the histogram)."""
    return lambda r: sum(r.lesion.paths[low : high + 1]) / 2**r.lesion.params.depth


LINEAR_PLAIN = _sim(activation="linear", residual=False, sigma_w=1.0)
POST_RELU = {"norm": "post", "activation": "relu"}
PRE_RELU = {"norm": "pre", "activation": "relu"}
POST_HOT = {"norm": "post", "sigma_w": 3.0, "alpha": 1.0}
PRE_HOT = {"norm": "pre", "sigma_w": 3.0, "alpha": 1.0}

REGISTRY: dict[str, dict[str, Check]] = {
    "chain-rule-jacobians": {
        "0.9": Lab(  # the predict item's 20-layer stack: its gradient falls 0.9× per layer
            params=_sim(depth=20, activation="linear", residual=False, sigma_w=0.9),
            of=lambda r: r.run.gradient_ratio ** (1 / 20),
        ),
        "0.85": Lab("crj-linear-critical", _ratio),
        "80": Lab("crj-linear-shrink", lambda r: 1 / r.run.gradient_ratio),
    },
    "vanishing-exploding-gradients": {
        "0.98": Lab("veg-relu-he", _ratio),
        # The mean-field recursion's error for a plain linear stack (tanh's is smaller).
        "20%": Lab(
            params=LINEAR_PLAIN, of=lambda r: abs(1 / r.run.gradient_ratio - 1), bound="at most"
        ),
        "1.165": Lab("veg-tanh-chaotic", lambda r: r.run.gradient_ratio ** (1 / 40)),
        "2.2": Lab(params=_sim(activation="linear", alpha=0.2, sigma_w=1.0), of=_ratio),
        "3.4 · 10³⁸": NotMeasured("float32's largest value, a constant of the format"),
        "2.83": NotMeasured("√8, the theory's factor per layer"),
    },
    "residual-connections": {
        "15.75": Lab("residual-defaults", lambda r: float(r.run.theory_backward[0])),
        "0.036": Lab("residual-deep", lambda r: r.toggled.gradient_ratio),
        "22.97": Lab(params=_sim(norm="pre", depth=200), of=lambda r: float(r.run.forward.rms[-1])),
        "0.024×": Lab("residual-deep", lambda r: r.toggled.forward_growth),
        "1.3": Lab("residual-defaults", lambda r: r.run.forward_growth),
        "12%": Witness("lesion"),
        "14.80": Lab("residual-defaults", lambda r: float(r.run.theory_forward[-1])),
        "13.3": Lab("residual-defaults", lambda r: float(r.run.forward.p10[-1])),
        "7.10": Lab("plain-defaults", lambda r: float(r.run.forward.rms[1])),
        "2.02×": Lab(params=_sim(norm="pre", depth=200), of=lambda r: r.run.forward_growth),
        "2.38": Lab(params=_sim(norm="pre", depth=200), of=_ratio),
        "3.9": Lab("relu-plain-he", lambda r: float(r.run.forward.p10[-1])),
        "15.6": Lab("relu-plain-he", lambda r: float(r.run.forward.p90[-1])),
        "2.48": Lab(params=_sim(depth=100, alpha=0.3), of=lambda r: r.run.forward_growth),
        "150%": Witness("lesion"),
        "200": NotMeasured("a depth: '1.30× at depth 40, 2.34× at 200'"),
        "2000": Lab(params=_sim(depth=200, alpha=1.0), of=_ratio, bound="at least"),
        "0.20": Witness("shattered-gradients"),
        "0.88": Witness("shattered-gradients"),
        "0.24": Witness("trained-responses"),
        "0.34": Witness("trained-responses"),
        "0.40": Witness("trained-responses"),
        "0.71": Witness("trained-responses"),
        # The degradation experiment: proved over seeds 0–4, two kernels, 1 and 2 threads.
        "1.5×": Train("plain_penalty"),
        "60×": Train("plain_penalty"),
        "0.09×": Train("residual_penalty"),
        "0.93×": Train("residual_penalty"),
        "4×": Train("seed0_plain_penalty"),
        "6×": Train("seed0_plain_penalty"),
        "0.053": Train("seed0_residual_4"),
        "0.014": Train("seed0_plain_4"),
        "250": Train("seed0_residual_48_start"),
        "1.0": NotMeasured("predicting the mean scores a loss of 1 (the targets are standardized)"),
    },
    "residual-stream": {
        "4×": NotMeasured("four times the depth, what the growth is compared with"),
        "1.596": Lab(params=_sim(norm="pre", depth=100), of=lambda r: r.run.forward_growth),
    },
    "pre-norm-vs-post-norm": {
        "40": NotMeasured("the depth: '40 of them compound'"),
        "3.8e−4": NotMeasured("the worked example's prediction, which its steps compute"),
        "2.4e−5": Lab(params=_sim(depth=160, **POST_RELU), of=_ratio),
        "2.16": Lab(params=_sim(depth=160, norm="pre"), of=_ratio),
        "0.93": Lab(  # the gradient's factor per layer over layers 41 to 80
            "pn-lab-post-relu-80",
            lambda r: float(r.run.backward.rms[40] / r.run.backward.rms[80]) ** (1 / 40),
        ),
        "1.17": Lab(params=_sim(depth=40, **PRE_RELU), of=_ratio),
        "0.0066": Lab("pn-lab-post-relu-80", _ratio),
        "14.5": Lab(params=_sim(depth=20, **PRE_HOT), of=_ratio),
        "3.9e−4": Lab(params=_sim(depth=120, **POST_RELU), of=_ratio),
        "3.90e−4": Lab(params=_sim(depth=120, **POST_RELU), of=_ratio),
        "0.79": Lab(params=_sim(depth=10, **POST_RELU), of=_ratio),
        "1.09": Lab(params=_sim(depth=10, **PRE_RELU), of=_ratio),
        "1.19": Lab(params=_sim(depth=80, **PRE_RELU), of=_ratio),
        "50.1": Lab(params=_sim(depth=20, **POST_HOT), of=_ratio),
    },
    "unraveled-view": {
        "40": NotMeasured("the depth: the path length is Binomial(40, ·)"),
        "2.2": Lab("uv-linear-residual", _ratio),
        "0.12": Witness("uv-lesion"),
        "38%": Lab("uv-lesion-alpha-one", lambda r: headline(r)["lesion.residual.median"]),
        "1.38": Witness("uv-lesion"),
        "0.038": NotMeasured("the binomial's p = a/(1 + a) for a = α² = 0.04: arithmetic"),
        "96%": Lab("uv-lesion-defaults", _share_of_paths(14, 26)),
        "4.80": NotMeasured("1.04⁴⁰, the path sum of the theory: arithmetic"),
    },
    "transformers": {
        "4.9": Lab("tf-lab-12-layers", lambda r: r.toggled.gradient_ratio),
        # Float32 through 96 sublayers: another BLAS rounds this ratio up to 0.3% away.
        "1828": Lab("tf-lab-48-no-skips", _ratio, rel=0.01),
        "12": NotMeasured("the width of an exercise's attention heads (2 × 6)"),
    },
}


@cache
def _measured(params: tuple[tuple[str, object], ...], name: str) -> float | None:
    return measure(run_lab_state(dict(params), name), name)


def measured_by(item: PredictSimItem) -> float | None:
    """What the item's experiment measures: the value its answer is graded against."""
    return _measured(tuple(sorted(item.lab.params.items())), item.measure)


def _state(params: dict[str, object], experiment: str) -> dict[str, float]:
    return headline(readout(tuple(sorted(params.items())), experiment))


def check(quote: Quote) -> str | None:
    """None if the quote is checked, else why not.

    A lab state's notice and a predict-sim item may quote their own run's readout. Text
    elsewhere may quote the readout of any lab state of the lesson, if the number has
    three significant digits or more (fewer match some readout by chance too easily).
    """
    registered = REGISTRY.get(quote.lesson.id, {}).get(quote.written)
    if registered is not None:
        return registered.check(quote)
    owner = quote.item
    if isinstance(owner, PredictSimItem):
        if agrees(quote, measured_by(owner)):
            return None
        own = _state(owner.lab.params, "lesion" if owner.measure in LESION_VARIANTS else "signal")
    elif isinstance(owner, LabState) and owner.experiment != "train":
        own = _state(owner.params, owner.experiment)
    else:
        own = {}
    if any(agrees(quote, value) for value in own.values()):
        return None
    if quote.digits >= 3:
        for state in quote.lesson.sections.demo.lab_states:
            if state.experiment != "train":
                shown = _state(state.params, state.experiment)
                if any(agrees(quote, value) for value in shown.values()):
                    return None
    return "not the readout of its lab state, nor of another with 3 digits, nor in REGISTRY"


QUOTES = [quote for lesson in LESSONS for quote in quotes(lesson)]


def test_every_measured_number_in_every_lesson_is_checked():
    unchecked = [f"{quote}: {why}" for quote in QUOTES if (why := check(quote)) is not None]
    assert unchecked == [], "\n".join(unchecked)


def test_the_registry_lists_only_numbers_the_lessons_quote():
    quoted = {(quote.lesson.id, quote.written) for quote in QUOTES}
    listed = {(lesson, written) for lesson, numbers in REGISTRY.items() for written in numbers}
    assert listed - quoted == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The lab measures 1.30× at depth 40.", ["1.30×"]),
        ("In the lab the output moves by 13.2% (block 1).", ["13.2%"]),
        ("The lab shows 7.9 × 10⁻⁷ at layer 40.", ["7.9 × 10⁻⁷"]),
        ("The lab: 2⁻²⁰ ≈ 9.5 × 10⁻⁷ over 40 layers, σ_w = 1.", []),
        ("He et al. (2016) trained 152 layers to 3.57% error.", []),
        ("Seeds 0–4 on 48-layer networks, width 32, 400 Adam steps.", []),
        ("The run ends 1.5× to 60× above the 10th percentile.", ["1.5×", "60×"]),
        ("The lab: 0.5²⁰ = 1/1,048,576, and at σ_w = 0.9 or 1.1 it would not be 0.85.", ["0.85"]),
        ("(3) Open the lab and read 2533, near 1 (He et al., 2016).", ["2533"]),
    ],
)
def test_the_scanner_finds_measurements_and_leaves_setups_and_arithmetic(text, expected):
    lesson = LESSONS[0].model_copy(update={"why_it_matters": text})
    found = [q.written for q in quotes(lesson) if q.field == "why_it_matters"]
    assert found == expected
