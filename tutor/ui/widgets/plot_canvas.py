"""Plotext plots drawn straight from plotext's cell matrix into Textual strips.

textual_plotext's `PlotextPlot` has plotext write its figure as an ANSI string, which
Rich decodes into a `Text` and Textual lays out again as `Content`: per panel about as
long as plotext takes to draw it. `CanvasPlot` reads the cells (marker and colours)
plotext has already laid out and makes one segment per run of equal colours, each in the
style the ANSI route gives that run. Whatever that route would treat specially (a plot
wider than the widget, which it wraps; characters not one cell wide or not printable;
alignment, padding or a text selection) still goes through it, so the screen is the same
cell for cell.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import groupby
from typing import Any

from plotext._utility import ansi_end, colors_to_ansi
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.console import RenderResult as RichRenderResult
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.terminal_theme import TerminalTheme
from rich.text import Text
from textual._context import active_app
from textual.app import RenderResult
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual_plotext import PlotextPlot

#: A plotext cell's colours: (fullground, style, background).
Colors = tuple[Any, Any, Any]


class CanvasPlot(PlotextPlot):
    """A `PlotextPlot` whose render is a `PlotCanvas` of the built figure.

    Subclasses fill ``self.plt`` and return ``super().render()``, as with `PlotextPlot`."""

    def render(self) -> RenderResult:
        # The same preparation as PlotextPlot.render (its size, twice, and its theme),
        # then plotext's build without its last step, the ANSI string.
        width, height = self.size
        plot = self._plot
        plot.plotsize(width, height)
        plot._set_size(width, height)
        plot.theme(self._get_plotext_theme_name(self.app.theme))
        plot._set_sizes()
        plot._build_matrix()
        if plot.monitor.fast_plot:
            # A fast plot's drawing wrote its ANSI canvas itself: build() returns that.
            return Text.from_ansi(plot.monitor.matrix.get_canvas())
        return PlotCanvas(plot.monitor.matrix)


class PlotCanvas(Visual):
    """A plotext matrix (rows bottom-up, a marker and three colours a cell) as a Visual."""

    def __init__(self, matrix: Any) -> None:
        self._matrix = matrix
        # Top row first, as on screen.
        self._markers: list[list[str]] = matrix.marker[::-1]
        self._colors: list[list[Colors]] = [
            list(zip(fullground, style, background, strict=True))
            for fullground, style, background in zip(
                matrix.fullground[::-1], matrix.style[::-1], matrix.background[::-1], strict=True
            )
        ]
        self._width = len(self._markers[0]) if self._markers else 0
        self._ansi: Content | None = None

    def _ansi_content(self) -> Content:
        """The figure the way PlotextPlot shows it: plotext's ANSI string, decoded."""
        if self._ansi is None:
            app = active_app.get()
            text = Text.from_ansi(self._matrix.set_canvas())
            self._ansi = Content.from_rich_text(text, console=app.console)
        return self._ansi

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RichRenderResult:
        """Printed with Rich (a test reading a plot, a log), it is the Text it stands for."""
        yield Text.from_ansi(self._matrix.set_canvas())

    def _plain_cells(self) -> bool:
        """Whether every cell is one printable character one cell wide."""
        markers = set().union(*self._markers)
        return all(_is_plain_cell(marker) for marker in markers)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self._ansi_content().get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._ansi_content().get_height(rules, width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        get_rule = options.rules.get
        if not (
            0 < self._width <= width
            and options.selection is None
            and options.post_style is None
            and get_rule("text_align", "left") in ("left", "start", "justify")
            and not get_rule("line_pad", 0)
            and self._plain_cells()
        ):
            return self._ansi_content().render_strips(width, height, style, options)
        ansi_theme = active_app.get().ansi_theme
        rows = range(len(self._markers) if height is None else min(height, len(self._markers)))
        return [self._strip(y, style, ansi_theme) for y in rows]

    def _strip(self, y: int, style: Style, ansi_theme: TerminalTheme) -> Strip:
        """Row ``y`` (from the top): one segment per run of equal colours."""
        markers = self._markers[y]
        segments = []
        x = 0
        for colors, run in groupby(self._colors[y]):
            end = x + sum(1 for _ in run)
            cell_style = _cell_style(_hashable(colors), style, ansi_theme)
            segments.append(Segment("".join(markers[x:end]), _at_offset(cell_style, x, y)))
            x = end
        return Strip(segments, self._width)


@lru_cache(maxsize=4096)
def _is_plain_cell(marker: str) -> bool:
    return marker.isprintable() and cell_len(marker) == 1


@lru_cache(maxsize=1024)
def _cell_style(colors: Colors, base: Style, ansi_theme: TerminalTheme) -> Style:
    """The style the ANSI route gives a cell of ``colors`` on ``base``: one cell of that
    colour encoded by plotext, decoded by Rich and rendered as Textual `Content` (which
    maps ANSI colours through the app's ``ansi_theme``: hence its place in the key)."""
    text = Text.from_ansi(colors_to_ansi(*colors) + "x" + ansi_end)
    content = Content.from_rich_text(text)
    ((_, text_style),) = content.render(base, end="")
    return base + text_style


@lru_cache(maxsize=16384)
def _at_offset(style: Style, x: int, y: int) -> RichStyle:
    """The Rich style of a run starting at (x, y), its offset in the meta as Content puts
    it there (text selection reads it); a plot's axes and labels keep their places from
    one render to the next."""
    return style.rich_style_with_offset(x, y)


def _hashable(colors: Colors) -> Colors:
    """The colours with any RGB list as a tuple (plotext accepts either)."""
    if any(isinstance(color, list) for color in colors):
        return tuple(tuple(c) if isinstance(c, list) else c for c in colors)  # type: ignore[return-value]
    return colors
