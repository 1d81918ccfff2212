"""Plotext figures built from simulator results, shared by the CLI and the TUI.

Each function draws on a plotext figure it is given (``plotext._figure_class``
or textual-plotext's ``Plot``, which share the API), so the CLI and the lab
render exactly the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

from tutor.plot.axes import canvas_rows as canvas_rows  # the widgets size their plots by it
from tutor.plot.axes import (
    even_ticks,
    integer_xticks,
    round_ticks,
    scale_label,
    set_yticks,
)
from tutor.sim import SimResult

# Text helpers that live in tutor.sim.words (the CLI and the lab share them, plot or not),
# re-exported so that ``from tutor.plot import format_value`` keeps working.
from tutor.sim import format_percent as format_percent
from tutor.sim import format_value as format_value
from tutor.sim import lesion_summary as lesion_summary
from tutor.sim import variant_name as variant_name

if TYPE_CHECKING:
    from tutor.sim.lesion import LesionResult
    from tutor.sim.trainer import TrainResult

Which = Literal["forward", "backward"]

#: Spread (max / min) past which a panel switches to a log scale.
LOG_SCALE_SPREAD = 30.0

PANEL_TITLES: dict[str, str] = {
    "forward": "forward ‖h_l‖ across depth",
    "backward": "gradient ‖∂ℒ/∂h_l‖ across depth",
}


def _finite_positive(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values) & (values > 0)]


def _line(layers: np.ndarray, values: np.ndarray) -> tuple[list[float], list[float]]:
    """The finite points of a curve (diverged layers are left out, never drawn as NaN)."""
    keep = np.isfinite(values) & (values > 0)
    return layers[keep].tolist(), values[keep].tolist()


@dataclass(frozen=True, slots=True)
class Ink:
    """How one curve is drawn, so that it reads with colour and without.

    Every curve of a plot has an ink of its own: a colour no other curve of the plot
    shares (nor its grey, which is what a terminal without colour shows) and a marker
    of its own, which draws the curve's line and its legend entry.
    """

    color: int  # an xterm-256 colour from 16 up: fixed RGB, which no terminal theme remaps
    marker: str  # one character: the curve's line, in colour or not

    @property
    def glyph(self) -> str:
        """The curve's entry in a legend drawn elsewhere (a Rich one: ``color(N)``)."""
        return self.marker * 2


def plotext_color(ink: Ink, color: bool) -> int | str:
    """What plotext is given as the ink's colour (its default without colour)."""
    return ink.color if color else "default"


#: The lab's two variants, the same in every plot: residual cool, plain warm.
VARIANT_INKS: dict[bool, Ink] = {True: Ink(45, "o"), False: Ink(208, "x")}

INKS: dict[str, Ink] = {
    "band": Ink(27, "·"),
    "theory": Ink(226, "+"),
    "cursor": Ink(170, "│"),
    "prediction": Ink(196, "─"),
    "paths": Ink(27, "█"),
}


def _panel_series(
    result: SimResult, which: Which, counterpart: SimResult | None
) -> list[tuple[np.ndarray, Ink, str]]:
    """The curves of one panel as ``(values, ink, label)``, drawn in this order.

    The band goes first and the RMS last, so the curve a learner reads sits on top;
    the counterpart (the other variant) goes under everything of the run. Each variant
    keeps its ink whichever of the two is the run, as in the lesion plot.
    """
    stats = getattr(result, which)
    theory = result.theory_forward if which == "forward" else result.theory_backward
    series = []
    if counterpart is not None:
        other = getattr(counterpart, which).rms
        series.append((other, VARIANT_INKS[counterpart.params.residual], rms_label(counterpart)))
    band = INKS["band"]
    series += [(stats.p10, band, "p10–p90"), (stats.p90, band, "")]
    if theory is not None:
        series.append((theory, INKS["theory"], "mean-field theory"))
    series.append((stats.rms, VARIANT_INKS[result.params.residual], rms_label(result)))
    return series


def rms_label(result: SimResult) -> str:
    return f"{variant_name(result.params)} rms"


def _plot(fig: Any, xs: list, ys: list, ink: Ink, color: bool, label: str | None) -> None:
    fig.plot(xs, ys, marker=ink.marker, color=plotext_color(ink, color), label=label)


def draw_norm_panel(
    fig: Any,
    result: SimResult,
    which: Which,
    color: bool = True,
    *,
    counterpart: SimResult | None = None,
    cursor: int | None = None,
    legend: bool = True,
    rows: int | None = None,
) -> None:
    """Draw one panel: the ensemble's RMS, its p10–p90 band, and the theory where offered.

    ``counterpart`` (the same parameters with the skip connection toggled, so the
    same depth) is overlaid as a dimmer RMS curve; ``cursor`` marks a layer with a
    vertical line. The y axis turns logarithmic once everything drawn spans more
    than ``LOG_SCALE_SPREAD``. A curve with no finite point is left out. ``rows``:
    the canvas's height, to keep one y tick to a row (see `set_yticks`).
    """
    series = _panel_series(result, which, counterpart)
    if cursor is not None:
        fig.vline(cursor, plotext_color(INKS["cursor"], color))
    for values, ink, label in series:
        xs, ys = _line(result.layers, values)
        if xs:
            _plot(fig, xs, ys, ink, color, label if legend and label else None)
    drawn = _finite_positive(np.concatenate([values for values, _, _ in series]))
    if drawn.size:
        log = drawn.max() / drawn.min() > LOG_SCALE_SPREAD
        if log:
            fig.yscale("log")
        fig.ylabel(scale_label(log))
        ticks = even_ticks(drawn.min(), drawn.max(), log)
        limits = (float(drawn.min()), float(drawn.max()))
        set_yticks(fig, ticks, [f"{t:.3g}" for t in ticks], rows, limits, log)
    title = PANEL_TITLES[which]
    if result.diverged_at is not None:
        title += f" (diverged at layer {result.diverged_at})"
    fig.title(title)
    fig.xlabel("layer l")
    integer_xticks(fig, 0, result.params.depth, margin=0)


def render_sim(result: SimResult, width: int, height: int, color: bool) -> str:
    """Both panels stacked, as text for a terminal (ANSI colours only if ``color``)."""
    from plotext._figure import _figure_class
    from plotext._utility import uncolorize

    panels = []
    for which in ("forward", "backward"):
        fig = _figure_class()
        fig.theme("pro" if color else "clear")
        fig.plotsize(width, max(height // 2, 8))
        draw_norm_panel(fig, result, which, color)
        text = fig.build()
        panels.append(text if color else uncolorize(text))
    return "\n".join(panels)


#: A predicted lesion change above this (a 1000-fold move) is a range's open end.
LESION_MARK_LIMIT = 1e3

#: Which panel shows a predict-sim measure, and which end of it the measure is relative to.
_MEASURE_PANEL: dict[str, tuple[Which, int]] = {
    "gradient_ratio": ("backward", -1),  # g_0 predicted as ratio × g_L
    "forward_growth": ("forward", 0),  # h_L predicted as growth × h_0
    "diverged_at": ("forward", 0),
}


def draw_prediction(
    fig: Any,
    result: SimResult | LesionResult | TrainResult,
    measure: str,
    prediction: float | tuple[float, float],
    color: bool = True,
) -> None:
    """The experiment's evidence with the learner's committed prediction marked on it.

    A ratio is drawn where it puts the far end of the curve (a horizontal line, or
    two for a predicted range); a predicted divergence layer as a vertical line; a
    predicted lesion change as a line across the per-block changes. Training curves
    carry no mark: the prediction compares their ends, which the feedback states.
    """
    # The measure says which experiment ran, so it also says which result this is.
    marks = prediction if isinstance(prediction, tuple) else (prediction,)
    ink = plotext_color(INKS["prediction"], color)
    if measure.startswith("lesion_"):
        draw_lesion(fig, cast("LesionResult", result), color)
        for value in marks:
            if 0 < value < LESION_MARK_LIMIT:  # an open-ended range has no top to draw
                fig.hline(value, ink)
        fig.title("output change when block k is deleted — your prediction in red")
        return
    if measure not in _MEASURE_PANEL:
        draw_training(fig, cast("TrainResult", result), color)
        return
    which, reference_end = _MEASURE_PANEL[measure]
    result = cast(SimResult, result)
    draw_norm_panel(fig, result, which, color, legend=True)
    if measure == "diverged_at":
        for layer in marks:
            if 0 <= layer <= result.params.depth:
                fig.vline(layer, ink)
    else:
        reference = getattr(result, which).rms[reference_end]
        for value in marks:
            y = value * reference
            if np.isfinite(y) and y > 0:
                fig.hline(y, ink)
    fig.title(f"{PANEL_TITLES[which]} — your prediction in red")


#: Plain runs in warm colours, residual runs in cool ones, shallowest first, each with
#: a marker of its own (plain: x + * #, residual: o @ & $); the eight greys lie at least
#: 20 levels apart, so the runs part without colour by grey as well as by marker.
TRAIN_PALETTES: dict[bool, tuple[Ink, ...]] = {
    False: (Ink(208, "x"), Ink(196, "+"), Ink(170, "*"), Ink(226, "#")),
    True: (Ink(45, "o"), Ink(27, "@"), Ink(48, "&"), Ink(63, "$")),
}


def training_inks(result: TrainResult) -> dict[tuple[int, bool], Ink]:
    """How each ``(depth, residual)`` run is drawn, so a legend elsewhere can match it
    (a setup of more depths than a palette has inks reuses them: no knob offers one)."""
    return {
        (depth, residual): palette[index % len(palette)]
        for residual, palette in TRAIN_PALETTES.items()
        for index, depth in enumerate(sorted(result.params.depths))
    }


#: Losses above this are cut off the top: an untrained deep residual stack can start in
#: the hundreds, which would squash the decades below 1 where the curves part ways.
LOSS_CEILING = 10.0


def draw_training(
    fig: Any, result: TrainResult, color: bool = True, *, legend: bool = True
) -> None:
    """The training-loss curves, one per depth and variant, on a log scale.

    A log scale because what matters is the ratio between curves (a network
    stuck at 0.1 is ten times worse than one at 0.01, however small both look).
    The x axis spans the whole run even while curves are still growing, so a
    live plot does not rescale as it fills.
    """
    inks = training_inks(result)
    drawn = []
    for run in result.runs:
        steps, losses = np.asarray(run.steps), np.asarray(run.losses)
        xs, ys = _line(steps, losses)
        if not xs or min(ys) > LOSS_CEILING:
            continue  # nothing on the canvas yet (and plotext fails on a legend without points)
        drawn.append(losses)
        _plot(
            fig,
            xs,
            ys,
            inks[run.depth, run.residual],
            color,
            f"{run.name} layers" if legend else None,
        )
    values = _finite_positive(np.concatenate(drawn)) if drawn else np.empty(0)
    if values.size:
        low, high = values.min(), min(values.max(), LOSS_CEILING)
        fig.yscale("log")
        if low < high:  # plotext takes the limits of a log axis as exponents
            fig.ylim(math.log10(low), math.log10(high))
        decades = range(math.ceil(math.log10(low)), math.floor(math.log10(high)) + 1)
        ticks = [10.0**e for e in decades] if len(decades) > 1 else even_ticks(low, high, log=True)
        fig.yticks(ticks, [f"{t:.2g}" for t in ticks])
        fig.ylabel(scale_label(log=True))
    fig.title("training loss (MSE; predicting the mean scores 1)")
    fig.xlabel("step")
    fig.xlim(0, result.params.steps)


def render_training(
    result: TrainResult, width: int, height: int, color: bool, *, legend: bool = True
) -> str:
    """The training curves as text for a terminal (ANSI colours only if ``color``)."""
    from plotext._figure import _figure_class
    from plotext._utility import uncolorize

    fig = _figure_class()
    fig.theme("pro" if color else "clear")
    fig.plotsize(width, height)
    draw_training(fig, result, color, legend=legend)
    text = fig.build()
    return text if color else uncolorize(text)


#: Path lengths holding less than this fraction of all paths are not drawn as bars: a bar
#: of 10⁻¹² would still fill a whole character cell and look like one of 1%.
PATH_FRACTION_SHOWN = 1e-4


def draw_lesion(
    fig: Any,
    result: LesionResult,
    color: bool = True,
    *,
    legend: bool = True,
    rows: int | None = None,
) -> None:
    """How far the output moves when block k alone is deleted, plain against residual.

    The y axis turns logarithmic once the curves span more than ``LOG_SCALE_SPREAD``;
    a lesion that gives no ratio (the output overflowed) is left out. ``rows``: as
    for `draw_norm_panel`.
    """
    drawn = []
    for residual, label in ((False, "plain: layer k skipped"), (True, "residual: branch k zeroed")):
        values = result.residual if residual else result.plain
        xs, ys = _line(result.blocks, values)
        if not xs:
            continue
        drawn.append(values)
        _plot(fig, xs, ys, VARIANT_INKS[residual], color, label if legend else None)
    values = _finite_positive(np.concatenate(drawn)) if drawn else np.empty(0)
    if values.size:
        log = values.max() / values.min() > LOG_SCALE_SPREAD
        if log:  # at least 30× apart, so at least one decade tick between the extremes
            fig.yscale("log")
            low, high = math.log10(values.min()), math.log10(values.max())
            ticks = [10.0**e for e in range(math.ceil(low), math.floor(high) + 1)]
            limits = (float(values.min()), float(values.max()))
        else:
            # From zero, so the gap reads as a ratio; the headroom keeps the legend off the curves.
            fig.ylim(0, 1.3 * values.max())
            ticks = round_ticks(1.3 * values.max())
            limits = (0.0, float(1.3 * values.max()))
        fig.ylabel(scale_label(log))
        set_yticks(fig, ticks, [format_percent(t) for t in ticks], rows, limits, log)
    fig.title("output change ‖h_L' − h_L‖ / ‖h_L‖ when block k alone is deleted")
    fig.xlabel("deleted block k")
    integer_xticks(fig, 1, result.params.depth)


def draw_paths(fig: Any, depth: int, color: bool = True, *, rows: int | None = None) -> None:
    """The path lengths of ``depth`` residual blocks: the fraction C(L, k) / 2^L of paths
    that go through exactly k branches.

    Fractions, not counts (the lab's 40 blocks have 10¹¹ paths of length 20), and the
    whole range 0..L on the x axis, so that the learner sees how few paths are as long
    as the network: almost all of them use about half its blocks. ``rows``: as for
    `draw_norm_panel`.
    """
    from tutor.sim import path_counts

    total = 2**depth
    lengths, fractions = [], []
    for length, count in enumerate(path_counts(depth)):
        if count / total >= PATH_FRACTION_SHOWN:
            lengths.append(length)
            fractions.append(count / total)
    fig.bar(lengths, fractions, color=plotext_color(INKS["paths"], color), width=0.8)
    ticks = round_ticks(max(fractions))
    labels = [format_percent(t) for t in ticks]
    set_yticks(fig, ticks, labels, rows, (0.0, max(fractions)))
    integer_xticks(fig, 0, depth)
    fig.title(f"paths through {depth} residual blocks by length (mean {depth / 2:g})")
    fig.xlabel("path length k: the branches a path goes through")


def render_lesion(result: LesionResult, width: int, height: int, color: bool = False) -> str:
    """The lesion curves above the path-length histogram, as text for a terminal."""
    from plotext._figure import _figure_class
    from plotext._utility import uncolorize

    panels = []
    for draw in (
        lambda fig: draw_lesion(fig, result, color),
        lambda fig: draw_paths(fig, result.params.depth, color),
    ):
        fig = _figure_class()
        fig.theme("pro" if color else "clear")
        fig.plotsize(width, max(height // 2, 8))
        draw(fig)
        text = fig.build()
        panels.append(text if color else uncolorize(text))
    return "\n".join(panels)
