"""Every curve of every plot reads at a glance, with colour and without.

Each plot's curves, at the most a tab can draw (the Train tab's deepest depth set, the
Signal tab with its counterpart and theory, the Lesion tab's two variants), must differ
in ANSI colour, in the grey a terminal without colour shows (Textual's ``NO_COLOR``
filter keeps the luminance), and in marker, which is also the legend's glyph.
"""

from __future__ import annotations

import itertools

import pytest
from rich.color import Color as RichColor
from textual.color import Color

from tutor.plot import (
    INKS,
    VARIANT_INKS,
    Ink,
    draw_lesion,
    draw_norm_panel,
    render_sim,
    render_training,
    training_inks,
)
from tutor.sim import SimParams, Simulator, TrainParams, TrainResult, lesion_blocks, run_both
from tutor.sim.trainer import TrainRun
from tutor.ui.widgets.lab_controls import DEPTH_SETS

#: Two greys closer than this (of 255) read as one on a terminal without colour.
GREY_GAP = 16


def grey(ink: Ink) -> int:
    """The grey ``NO_COLOR`` turns the ink into."""
    return Color(*RichColor.from_ansi(ink.color).get_truecolor()).monochrome.r


def widest_training() -> TrainResult:
    """A finished-looking result of the Train tab's largest depth set (no training run)."""
    depths = max(DEPTH_SETS, key=len)
    params = TrainParams(depths=depths)
    runs = tuple(
        TrainRun(depth=d, residual=r, steps=(0, params.steps), losses=(1.0, 0.1 / (i + 1)))
        for i, (d, r) in enumerate(itertools.product(depths, (False, True)))
    )
    return TrainResult(params, runs, 2 * len(depths) * params.steps)


def signal_inks() -> list[Ink]:
    """The Signal tab's inks: both variants' RMS, the band, the theory and the cursor."""
    return [*VARIANT_INKS.values(), INKS["band"], INKS["theory"], INKS["cursor"]]


PLOTS = {
    "train": lambda: list(training_inks(widest_training()).values()),
    "signal": signal_inks,
    "lesion": lambda: list(VARIANT_INKS.values()),
    "prediction on signal": lambda: [*signal_inks(), INKS["prediction"]],
}


@pytest.mark.parametrize("plot", PLOTS)
def test_no_two_curves_of_a_plot_share_a_colour_a_grey_or_a_marker(plot):
    inks = PLOTS[plot]()
    assert len({ink.color for ink in inks}) == len(inks), "two curves share an ANSI colour"
    assert len({ink.marker for ink in inks}) == len(inks), "two curves share a marker"
    assert len({ink.glyph for ink in inks}) == len(inks), "two legend entries look the same"
    greys = sorted(grey(ink) for ink in inks)
    gaps = [high - low for low, high in itertools.pairwise(greys)]
    assert min(gaps) >= GREY_GAP, f"greys {greys} too close without colour"


def test_the_train_tab_has_an_ink_for_each_of_its_curves():
    result = widest_training()
    assert len(training_inks(result)) == 2 * len(result.params.depths) == 8


def test_without_colour_each_training_curve_draws_its_own_marker():
    result = widest_training()
    text = render_training(result, 100, 30, color=False)
    for ink in training_inks(result).values():
        assert ink.marker in text


@pytest.fixture(scope="module")
def runs():
    simulator = Simulator()
    return {depth: run_both(simulator, SimParams(depth=depth)) for depth in (1, 40, 200)}


def test_without_colour_plain_and_residual_draw_their_own_markers(runs):
    text = render_sim(runs[40].current, 100, 40, color=False)
    assert VARIANT_INKS[True].marker in text
    # The counterpart is drawn only in the lab: draw one panel with it.
    from plotext._figure import _figure_class

    fig = _figure_class()
    fig.theme("clear")
    draw_norm_panel(fig, runs[40].current, "forward", False, counterpart=runs[40].counterpart)
    both = fig.build()
    assert VARIANT_INKS[True].marker in both and VARIANT_INKS[False].marker in both


# -- axes ----------------------------------------------------------------------------


def _built(draw) -> str:
    from plotext._figure import _figure_class
    from plotext._utility import uncolorize

    fig = _figure_class()
    fig.theme("clear")
    fig.plotsize(80, 24)
    draw(fig)
    return uncolorize(fig.build())


def test_a_depth_of_one_labels_only_whole_layers(runs):
    text = _built(lambda fig: draw_norm_panel(fig, runs[1].current, "forward", False))
    lines = text.splitlines()
    below_axis = next(i for i, line in enumerate(lines) if line.strip().startswith("└")) + 1
    assert lines[below_axis].split() == ["0", "1"]


def test_the_y_axis_says_when_it_is_logarithmic(runs):
    plain = runs[200].counterpart  # its forward norm falls 40-fold over 200 layers
    log_panel = _built(lambda fig: draw_norm_panel(fig, plain, "forward", False))
    assert "log scale" in log_panel
    linear = _built(lambda fig: draw_norm_panel(fig, runs[40].current, "forward", False))
    assert "linear scale" in linear and "log" not in linear
    assert "log scale" in render_training(widest_training(), 80, 24, color=False)


def test_the_lesion_axis_says_its_scale():
    result = lesion_blocks(SimParams(depth=8))
    text = _built(lambda fig: draw_lesion(fig, result, False))
    assert "log scale" in text or "linear scale" in text
