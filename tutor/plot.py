"""Plotext figures built from simulator results, shared by the CLI and the TUI.

Each function draws on a plotext figure it is given (``plotext._figure_class``
or textual-plotext's ``Plot``, which share the API), so the CLI and the lab
render exactly the same picture.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from tutor.sim import SimResult

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


def wants_log_scale(result: SimResult, which: Which) -> bool:
    """Log scale when the panel's values span more than ``LOG_SCALE_SPREAD``."""
    stats = getattr(result, which)
    theory = result.theory_forward if which == "forward" else result.theory_backward
    pools = [stats.p10, stats.p90] + ([theory] if theory is not None else [])
    values = _finite_positive(np.concatenate(pools))
    return values.size > 0 and values.max() / values.min() > LOG_SCALE_SPREAD


def draw_norm_panel(fig: Any, result: SimResult, which: Which, color: bool = True) -> None:
    """Draw one panel: the ensemble's RMS, its p10–p90 band, and the theory where offered.

    The band goes first and the RMS last, so the curve a learner reads sits on top.
    A curve with no finite point (all of it past a divergence) is left out.
    """
    stats = getattr(result, which)
    theory = result.theory_forward if which == "forward" else result.theory_backward
    layers = result.layers
    kind = "residual" if result.params.residual else "plain"
    band, theory_color, main = ("blue", "orange", "cyan") if color else ("default",) * 3
    series = [
        (stats.p10, {"label": "p10–p90", "marker": "dot", "color": band}),
        (stats.p90, {"marker": "dot", "color": band}),
        (theory, {"label": "mean-field theory", "marker": "x", "color": theory_color}),
        (stats.rms, {"label": f"{kind} rms", "marker": "braille", "color": main}),
    ]
    for values, style in series:
        if values is None:
            continue
        xs, ys = _line(layers, values)
        if xs:
            fig.plot(xs, ys, **style)
    drawn = _finite_positive(np.concatenate([v for v, _ in series if v is not None]))
    if drawn.size:
        log = wants_log_scale(result, which)
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
