"""The plots drawn straight to strips (`CanvasPlot`) look cell for cell and style for style
as textual_plotext's ANSI route (`PlotextPlot.render`: plotext's string, `Text.from_ansi`,
Textual's layout) draws the same figure at the same size."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plotext._dict import themes as plotext_themes
from rich.style import Style as RichStyle
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual_plotext import PlotextPlot

from tests.test_plot_legibility import widest_training
from tests.test_ui_lab import LabApp, run_drawn
from tutor.plot import canvas_rows, draw_lesion, draw_norm_panel, draw_paths, draw_training
from tutor.sim import SimParams, Simulator, lesion_blocks, run_both
from tutor.ui.widgets.norm_plot import NormPlot
from tutor.ui.widgets.plot_canvas import CanvasPlot, PlotCanvas

Draw = Callable[[Any, int], None]  # fills a figure for a widget of that height


class SizedPlot(CanvasPlot):
    """A plot whose size the test sets, so that hypothesis tries sizes without a layout."""

    fixed_size = Size(0, 0)
    draw: Draw = staticmethod(lambda fig, height: None)

    @property
    def size(self) -> Size:  # type: ignore[override]
        return self.fixed_size

    def render(self) -> Any:
        self.plt.clear_figure()
        self.draw(self.plt, self.fixed_size.height)
        return super().render()


class PlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SizedPlot()


Cell = tuple[str, RichStyle, tuple[int, int]]


def cells(strips: list[Strip]) -> list[list[Cell]]:
    """Each cell's character, style (without meta) and the offset text selection reads
    from it (its segment's offset plus its place in the segment)."""
    rows = []
    for strip in strips:
        row = []
        for text, style, _ in strip:
            assert style is not None
            x, y = style.meta.get("offset", (0, 0))
            bare = style.copy()
            bare._meta = None
            row += [(char, bare, (x + i, y)) for i, char in enumerate(text)]
        rows.append(row)
    return rows


def both_routes(plot: SizedPlot, size: tuple[int, int], draw: Draw) -> tuple[list, list]:
    """The cells of the new route and of the ANSI route for the same figure and size."""
    plot.fixed_size = Size(*size)
    plot.draw = draw
    width, height = size
    new = Visual.to_strips(plot, visualize(plot, plot.render()), width, height, plot.visual_style)
    plot.plt.clear_figure()
    draw(plot.plt, height)
    ansi = visualize(plot, PlotextPlot.render(plot))
    old = Visual.to_strips(plot, ansi, width, height, plot.visual_style)
    return cells(new), cells(old)


def run_in_app(check: Callable[[SizedPlot], None], app_theme: str = "textual-dark") -> None:
    async def main() -> None:
        app = PlotApp()
        app.theme = app_theme
        async with app.run_test():
            plot = app.query_one(SizedPlot)
            plot._register_theme(app_theme)
            check(plot)

    asyncio.run(main())


# -- generated figures --------------------------------------------------------------------

COLORS = st.one_of(
    st.sampled_from(["red", "blue+", "gray", "default", "orange", "white"]),
    st.integers(0, 255),
    st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)),
)
MARKERS = st.sampled_from(["hd", "fhd", "braille", "dot", "sd", "x", "•", "⣿", "▇", "字"])
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
#: Values plotext draws (its tick labels overflow on values as tiny as 1e-300).
VALUES = st.integers(-8000, 8000).map(lambda n: n / 8)
SIZES = st.tuples(st.integers(0, 90), st.integers(0, 30))
PLOTEXT_THEMES = st.sampled_from(["auto", *sorted(plotext_themes)])


@st.composite
def figures(draw: st.DrawFn) -> Draw:
    """A random figure: lines and scatters in any colour and marker, titles and labels."""
    series = draw(
        st.lists(
            st.tuples(
                st.booleans(),
                st.lists(VALUES, min_size=1, max_size=30),
                COLORS,
                MARKERS,
                st.one_of(st.none(), WORDS),
            ),
            max_size=4,
        )
    )
    title, xlabel = draw(st.one_of(st.none(), WORDS)), draw(st.one_of(st.none(), WORDS))
    log = draw(st.booleans())

    def fill(fig: Any, height: int) -> None:
        for scatter, ys, color, marker, label in series:
            (fig.scatter if scatter else fig.plot)(ys, color=color, marker=marker, label=label)
        if title is not None:
            fig.title(title)
        if xlabel is not None:
            fig.xlabel(xlabel)
        if log and series and all(y > 0 for _, ys, *_ in series for y in ys):
            fig.yscale("log")

    return fill


@pytest.mark.parametrize("app_theme", ["textual-dark", "textual-light"])
def test_generated_figures_look_the_same_either_way(app_theme):
    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(figure=figures(), size=SIZES, theme=PLOTEXT_THEMES)
    def check(plot: SizedPlot, figure: Draw, size: tuple[int, int], theme: str) -> None:
        plot.theme = theme
        new, old = both_routes(plot, size, figure)
        assert new == old

    run_in_app(check, app_theme)


# -- the lab's own figures ----------------------------------------------------------------


@pytest.fixture(scope="module")
def lab_figures() -> dict[str, Draw]:
    simulator = Simulator()
    run = run_both(simulator, SimParams(depth=12))
    lesion = lesion_blocks(SimParams(depth=8))
    training = widest_training()

    def panel(which: Any) -> Draw:
        return lambda fig, height: draw_norm_panel(
            fig,
            run.current,
            which,
            counterpart=run.counterpart,
            cursor=3,
            legend=False,
            rows=canvas_rows(height),
        )

    return {
        "forward panel": panel("forward"),
        "gradient panel": panel("backward"),
        "lesion": lambda fig, h: draw_lesion(fig, lesion, legend=False, rows=canvas_rows(h)),
        "paths": lambda fig, h: draw_paths(fig, 8, rows=canvas_rows(h)),
        "training": lambda fig, h: draw_training(fig, training, legend=False),
        "empty": lambda fig, h: None,
        "title only": lambda fig, h: fig.title("computing…"),
        "matrix": lambda fig, h: fig.matrix_plot(GREYS),
        "fast matrix": lambda fig, h: fig.matrix_plot(GREYS, fast=True),  # plotext's own canvas
    }


#: A small image for plotext's matrix plot: its fast form writes its ANSI canvas itself.
GREYS = [[(17 * r + 5 * c) % 256 for c in range(12)] for r in range(6)]


LAB_SIZES = [(78, 18), (118, 17), (38, 8), (80, 6), (10, 3), (1, 1), (0, 0), (60, 0), (0, 9)]


@pytest.mark.parametrize("app_theme", ["textual-dark", "textual-light"])
def test_the_labs_figures_look_the_same_either_way(lab_figures, app_theme):
    def check(plot: SizedPlot) -> None:
        for (name, figure), size in itertools.product(lab_figures.items(), LAB_SIZES):
            new, old = both_routes(plot, size, figure)
            assert new == old, (name, size)

    run_in_app(check, app_theme)


def test_a_plot_that_fits_is_drawn_without_the_ansi_route(lab_figures):
    def check(plot: SizedPlot) -> None:
        plot.fixed_size, plot.draw = Size(78, 18), lab_figures["forward panel"]
        canvas = plot.render()
        assert isinstance(canvas, PlotCanvas)
        Visual.to_strips(plot, canvas, 78, 18, plot.visual_style)
        assert canvas._ansi is None

    run_in_app(check)


# -- on screen ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_labs_panels_on_screen_are_those_of_the_ansi_route(size, monkeypatch):
    app = LabApp()
    async with app.run_test(size=size) as pilot:
        await run_drawn(pilot)
        panels = list(app.lab.query(NormPlot))
        assert len(panels) == 2
        assert all(isinstance(panel.render(), PlotCanvas) for panel in panels)
        shown = [cells(panel.render_lines(Region(0, 0, *panel.size))) for panel in panels]

        monkeypatch.setattr(CanvasPlot, "render", PlotextPlot.render)
        for panel in panels:
            assert isinstance(panel.render(), Text)
            panel.refresh()
        await pilot.pause()
        by_ansi = [cells(panel.render_lines(Region(0, 0, *panel.size))) for panel in panels]
        assert shown == by_ansi
        assert any(char != " " for row in shown[0] for char, _, _ in row)
