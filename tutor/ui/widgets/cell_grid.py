"""Rows of cells laid out as ``Table.grid(padding=(0, 1), expand=True)`` lays them out,
without its cost: the lab's panel and readout redraw on every key.

A Rich table measures every cell, wraps each in a ``Padding`` and renders it on its
own (~2 ms a frame for the panel, ~5 ms for the readout, in the lab). Here the first
column takes what the others leave, each other column is as wide as its widest cell
(or its minimum), one space between columns. ``GridLines``, the widget's visual,
writes the strips itself when every row and line of text fits on one line (as they
do in the lab's side column, unless a status is too long). Otherwise Rich renders the
same parts (``CellGrid`` is a Rich renderable), and a row that would wrap or be cut
has its cells rendered one by one exactly as the table did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich._ratio import ratio_distribute, ratio_reduce
from rich.cells import cell_len
from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    JustifyMethod,
    OverflowMethod,
    RenderResult,
)
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, RichVisual, Visual
from textual.widget import Widget

#: A cell: its text (one line) and that text's own style (under the row's).
Cell = tuple[str, Style]
NO_STYLE = Style.null()


@dataclass(frozen=True)
class GridColumn:
    """How one column lays out its cells, as a Rich ``Column`` would."""

    justify: JustifyMethod = "left"
    no_wrap: bool = False
    overflow: OverflowMethod = "ellipsis"
    min_width: int = 0


@dataclass(frozen=True)
class GridRow:
    cells: Sequence[Cell]
    style: Style = NO_STYLE


class CellGrid:
    """A renderable: ``rows`` under ``columns``, the first column flexible."""

    def __init__(self, columns: Sequence[GridColumn], rows: Sequence[GridRow]) -> None:
        self.columns, self.rows = columns, rows
        last = len(columns) - 1
        #: The space after each column but the last (a grid without edge padding).
        self._gaps = [0 if index == last else 1 for index in range(len(columns))]

    def lines(self, max_width: int) -> list[list[Segment]] | None:
        """Every row as one line of segments, or None if a row wraps or is cut."""
        widths = self._widths(max_width)
        lines = []
        for row in self.rows:
            line = self._line(row, widths)
            if line is None:
                return None
            lines.append(line)
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self._widths(options.max_width)
        new_line = Segment.line()
        for row in self.rows:
            line = self._line(row, widths)
            if line is None:
                yield from self._rendered_row(console, options, row, widths)
            else:
                yield from line
                yield new_line

    def _line(self, row: GridRow, widths: Sequence[int]) -> list[Segment] | None:
        """The row as one line of segments, or None if a cell does not fit its column."""
        segments: list[Segment] = []
        for (text, style), column, width, gap in zip(
            row.cells, self.columns, widths, self._gaps, strict=True
        ):
            room = width - gap
            if room < 1 or cell_len(text) > room:
                return None
            if column.justify == "right":
                text = text.rstrip()
                text = " " * (room - cell_len(text)) + text
            else:
                text += " " * (room - cell_len(text))
            segments.append(Segment(text, row.style + style))
            if gap:
                segments.append(Segment(" " * gap, row.style))
        return segments

    def _cell(self, text: str, style: Style, index: int) -> Padding:
        return Padding(Text(text, style=style), (0, self._gaps[index], 0, 0))

    def _rendered_row(
        self, console: Console, options: ConsoleOptions, row: GridRow, widths: Sequence[int]
    ) -> RenderResult:
        """A row that wraps or is cut: each cell rendered by Rich, as a table does."""
        cells = []
        for index, ((text, style), column, width) in enumerate(
            zip(row.cells, self.columns, widths, strict=True)
        ):
            cell_options = options.update(
                width=width,
                justify=column.justify,
                no_wrap=column.no_wrap,
                overflow=column.overflow,
                height=None,
                highlight=False,
            )
            cells.append(
                console.render_lines(self._cell(text, style, index), cell_options, style=row.style)
            )
        tallest = max(len(lines) for lines in cells)
        height = max(1, tallest)  # a row of empty cells is still a line
        shaped = [
            Segment.set_shape(Segment.align_top(lines, width, tallest, row.style), width, height)
            for lines, width in zip(cells, widths, strict=True)
        ]
        for line_no in range(height):
            for lines in shaped:
                yield from lines[line_no]
            yield Segment.line()

    def _column_width(self, index: int, max_width: int) -> int:
        """Column ``index``'s widest cell, gap included, within ``max_width`` (at least its
        minimum): what a table measures, from the cells' lengths (each is one line)."""
        if max_width < 1:
            return 0
        gap = self._gaps[index]
        if max_width - gap < 1:  # no room beside the gap: a padded cell claims it all
            widest = max_width
        else:
            longest = max((cell_len(row.cells[index][0]) for row in self.rows), default=0)
            widest = min(longest + gap, max_width)
        return max(widest, self.columns[index].min_width + gap)

    def _widths(self, max_width: int) -> list[int]:
        """Each column's width, gap included, as ``Table._calculate_column_widths`` has it."""
        fixed = [0] + [self._column_width(i, max_width) for i in range(1, len(self.columns))]
        (flexible,) = ratio_distribute(max_width - sum(fixed), [1], [1 + self._gaps[0]])
        widths = [flexible] + [width or 1 for width in fixed[1:]]
        table_width = sum(widths)
        if table_width <= max_width:
            return widths
        widths = _collapsed(widths, [not c.no_wrap for c in self.columns], max_width)
        table_width = sum(widths)
        if table_width > max_width:
            widths = ratio_reduce(table_width - max_width, [1] * len(widths), widths, widths)
            table_width = sum(widths)
        widths = [self._column_width(index, width) for index, width in enumerate(widths)]
        if table_width < max_width:
            pads = ratio_distribute(max_width - table_width, widths)
            widths = [width + pad for width, pad in zip(widths, pads, strict=True)]
        return widths


class GridLines(Visual):
    """Grids and lines of text, one under the other, as a ``Group`` of them shows them.

    When every row fits on one line (as in the lab's side column) the strips are written
    here; otherwise Rich renders the group (``RichVisual``), wrapping and cutting as the
    tables did.
    """

    def __init__(self, widget: Widget, parts: Sequence[CellGrid | Text]) -> None:
        self._widget, self._parts = widget, parts
        self._group = Group(*parts)
        self._rich = RichVisual(widget, self._group)
        self._lines: dict[int, list[list[Segment]] | None] = {}

    def _one_line_each(self, width: int) -> list[list[Segment]] | None:
        """Each part's lines at ``width``, unless one would wrap or be cut."""
        if width not in self._lines:
            self._lines[width] = self._written(width)
        return self._lines[width]

    def _written(self, width: int) -> list[list[Segment]] | None:
        console = self._widget.app.console
        lines: list[list[Segment]] = []
        for part in self._parts:
            if isinstance(part, CellGrid):
                rows = part.lines(width)
                if rows is None:
                    return None
                lines += rows
            else:
                plain = part.plain
                if "\n" in plain or "\t" in plain or cell_len(plain) > width:
                    return None
                # Joined as Rich joins a text's lines, its own style becomes a span.
                lines.append(list(Text("\n").join([part]).render(console)))
        return lines

    def render_strips(
        self, width: int, height: int | None, style: VisualStyle, options: RenderOptions
    ) -> list[Strip]:
        lines = self._one_line_each(width)
        if lines is None:
            return self._rich.render_strips(width, height, style, options)
        base = style.rich_style
        if base:  # under every segment's own style, as a widget's base style is
            lines = [[Segment(text, base + own) for text, own, _ in line] for line in lines]
        return [Strip(line) for line in lines[:height]]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self._rich.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        lines = self._one_line_each(width)
        return self._rich.get_height(rules, width) if lines is None else len(lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Printed by a Rich console (a test, a log), the group it stands for."""
        yield self._group


def _collapsed(widths: list[int], wrapable: Sequence[bool], max_width: int) -> list[int]:
    """Narrow the widest wrapping columns step by step until the row fits (Rich's way)."""
    total = sum(widths)
    excess = total - max_width
    if not any(wrapable):
        return widths
    while total and excess > 0:
        pairs = list(zip(widths, wrapable, strict=True))
        widest = max(width for width, wraps in pairs if wraps)
        second = max(width if wraps and width != widest else 0 for width, wraps in pairs)
        ratios = [1 if (width == widest and wraps) else 0 for width, wraps in pairs]
        if not any(ratios) or not widest - second:
            break
        widths = ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - max_width
    return widths
