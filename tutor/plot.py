"""Plotext figures built from simulator results, shared by the CLI and the TUI.

Each function draws on a plotext figure it is given (``plotext._figure_class``
or textual-plotext's ``Plot``, which share the API), so the CLI and the lab
render exactly the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tutor.sim import SimParams, SimResult

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


def _ticks(low: float, high: float, log: bool, count: int = 5) -> list[float]:
    """Evenly spaced tick values (in log space for a log axis), labelled compactly."""
    if high <= low:
        return [low]
    if log:
        return np.geomspace(low, high, count).tolist()
    return np.linspace(low, high, count).tolist()


@dataclass(frozen=True, slots=True)
class Ink:
    """How one kind of curve is drawn, and how a legend drawn elsewhere shows it."""

    color: str  # plotext's colour name
    ansi: int  # that colour's ANSI number, so a Rich legend can match it
    marker: str  # plotext's marker when drawing in colour
    plain_marker: str  # the marker without colour, where the marker alone tells curves apart
    glyph: str  # what a legend shows


INKS: dict[str, Ink] = {
    "band": Ink("blue", 4, "dot", "dot", "•"),
    "theory": Ink("orange", 3, "x", "x", "x"),
    "rms": Ink("cyan", 6, "braille", "braille", "⠒"),
    "counterpart": Ink("gray", 8, "braille", "·", "⠒"),
    "cursor": Ink("magenta", 5, "", "", "│"),
}


def variant_name(params: SimParams) -> str:
    """``residual`` or ``plain``: how legends and readouts name a run."""
    return "residual" if params.residual else "plain"


def _panel_series(
    result: SimResult, which: Which, counterpart: SimResult | None
) -> list[tuple[np.ndarray, str, str]]:
    """The curves of one panel as ``(values, ink, label)``, drawn in this order.

    The band goes first and the RMS last, so the curve a learner reads sits on top;
    the counterpart (the other variant, dimmer) goes under everything of the run.
    """
    stats = getattr(result, which)
    theory = result.theory_forward if which == "forward" else result.theory_backward
    series = []
    if counterpart is not None:
        other = getattr(counterpart, which).rms
        series.append((other, "counterpart", f"{variant_name(counterpart.params)} rms"))
    series += [(stats.p10, "band", "p10–p90"), (stats.p90, "band", "")]
    if theory is not None:
        series.append((theory, "theory", "mean-field theory"))
    series.append((stats.rms, "rms", f"{variant_name(result.params)} rms"))
    return series


def draw_norm_panel(
    fig: Any,
    result: SimResult,
    which: Which,
    color: bool = True,
    *,
    counterpart: SimResult | None = None,
    cursor: int | None = None,
    legend: bool = True,
) -> None:
    """Draw one panel: the ensemble's RMS, its p10–p90 band, and the theory where offered.

    ``counterpart`` (the same parameters with the skip connection toggled, so the
    same depth) is overlaid as a dimmer RMS curve; ``cursor`` marks a layer with a
    vertical line. The y axis turns logarithmic once everything drawn spans more
    than ``LOG_SCALE_SPREAD``. A curve with no finite point is left out.
    """
    series = _panel_series(result, which, counterpart)
    if cursor is not None:
        fig.vline(cursor, INKS["cursor"].color if color else "default")
    for values, ink_name, label in series:
        xs, ys = _line(result.layers, values)
        if not xs:
            continue
        ink = INKS[ink_name]
        fig.plot(
            xs,
            ys,
            marker=ink.marker if color else ink.plain_marker,
            color=ink.color if color else "default",
            label=label if legend and label else None,
        )
    drawn = _finite_positive(np.concatenate([values for values, _, _ in series]))
    if drawn.size:
        log = drawn.max() / drawn.min() > LOG_SCALE_SPREAD
        if log:
            fig.yscale("log")
        ticks = _ticks(drawn.min(), drawn.max(), log)
        fig.yticks(ticks, [f"{t:.3g}" for t in ticks])
    title = PANEL_TITLES[which]
    if result.diverged_at is not None:
        title += f" (diverged at layer {result.diverged_at})"
    fig.title(title)
    fig.xlabel("layer l")
    fig.xlim(0, result.params.depth)


def format_value(value: float) -> str:
    """A norm or ratio for a readout: 4 significant digits, a dash where it overflowed."""
    return f"{value:.4g}" if math.isfinite(value) else "—"


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


#: Which panel shows a predict-sim measure, and which end of it the measure is relative to.
_MEASURE_PANEL: dict[str, tuple[Which, int]] = {
    "gradient_ratio": ("backward", -1),  # g_0 predicted as ratio × g_L
    "forward_growth": ("forward", 0),  # h_L predicted as growth × h_0
    "diverged_at": ("forward", 0),
}


def draw_prediction(
    fig: Any,
    result: SimResult,
    measure: str,
    prediction: float | tuple[float, float],
    color: bool = True,
) -> None:
    """The lab state's panel with the learner's committed prediction marked on it.

    A ratio is drawn where it puts the far end of the curve (a horizontal line, or
    two for a predicted range); a predicted divergence layer as a vertical line.
    """
    which, reference_end = _MEASURE_PANEL[measure]
    draw_norm_panel(fig, result, which, color, legend=True)
    marks = prediction if isinstance(prediction, tuple) else (prediction,)
    ink = "red" if color else "default"
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
