"""The axes of the lab's and the CLI's plots: where their ticks go, and what a y axis says.

A plotext figure lays out its ticks itself; these choose them so that each reads at a
glance (round values, whole layers) and draws the same in every process (one y tick to
a row: see `set_yticks`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def even_ticks(low: float, high: float, log: bool, count: int = 5) -> list[float]:
    """Evenly spaced tick values (in log space for a log axis), labelled compactly."""
    if high <= low:
        return [low]
    if log:
        return np.geomspace(low, high, count).tolist()
    return np.linspace(low, high, count).tolist()


#: Rows of a plotext figure outside its canvas: the title, the frame's top, the x axis
#: with its ticks, their labels, and the x label.
FRAME_ROWS = 5


def canvas_rows(height: int) -> int:
    """The rows a figure ``height`` rows high plots on (and puts its y ticks beside)."""
    return max(height - FRAME_ROWS, 1)


def set_yticks(
    fig: Any,
    ticks: list[float],
    labels: list[str],
    rows: int | None,
    limits: tuple[float, float],
    log: bool = False,
) -> None:
    """Label the y axis, at most one tick to a row of a canvas ``rows`` high.

    Plotext draws the ticks in the order of a ``set`` of (value, label) pairs, which is
    the hash order of their strings and so changes from process to process: of two
    ticks on one row, either label may end up on screen (the lab's 80×24 plots showed
    12.3 one run and 8.56 the next). So a tick whose row (as plotext places it within
    ``limits``, log10 of them on a log axis) is taken by one kept earlier is dropped,
    the two ends first kept. ``rows`` None: every tick (a figure of unknown height).
    """
    low, high = (math.log10(v) for v in limits) if log else limits
    if rows is not None and high > low and len(ticks) > 1:

        def row(tick: float) -> int:
            value = math.log10(tick) if log else tick
            return math.floor(round(0.5 + (rows - 1) * (value - low) / (high - low), 8))

        order = [0, len(ticks) - 1, *range(1, len(ticks) - 1)]
        taken: set[int] = set()
        keep = []
        for index in order:
            if row(ticks[index]) not in taken:
                taken.add(row(ticks[index]))
                keep.append(index)
        keep.sort()
        ticks, labels = [ticks[i] for i in keep], [labels[i] for i in keep]
    fig.yticks(ticks, labels)


def round_ticks(high: float) -> list[float]:
    """Ticks from 0 to at most ``high`` at a round step (1, 2, 2.5 or 5 × 10ⁿ), 3 to 6 of them:
    a percentage axis reads best at 50%, 100%, 150%."""
    rough = high / 5
    magnitude = 10.0 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    return [i * step for i in range(int(high / step + 1e-9) + 1)]


def integer_xticks(fig: Any, first: int, last: int, margin: float = 0.5) -> None:
    """At most five whole-number ticks from ``first`` to ``last`` (layers, blocks and
    lengths are counts: a depth of 1 shows 0 and 1, never 0.25)."""
    ticks = sorted({round(first + (last - first) * q) for q in (0, 0.25, 0.5, 0.75, 1)})
    fig.xticks(ticks, [str(t) for t in ticks])
    fig.xlim(first - margin, last + margin)


def scale_label(log: bool) -> str:
    """The y axis's label: a panel switches to a log scale by the spread of its curves,
    and says so (the label sits on the x axis's row, so it costs no row of its own)."""
    return "log scale" if log else "linear scale"
