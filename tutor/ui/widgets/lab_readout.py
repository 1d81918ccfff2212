"""The lab's numbers: what each variant does over the whole stack, and at the layer cursor.

The columns are always plain, then residual (the run on screen in bold, its counterpart
muted), so toggling the skip moves the emphasis and never the numbers. Every value is
formatted to fit its column, never cut: 4 significant digits, 3 in the compact readout
that a narrow terminal gets (its rows are the essential ones, so it stays on screen).
A value column is as wide as its widest value (at least 8) and the label takes what is
left, so a value could be cut only in a readout narrower than both value columns and
two cells: the lab's side column leaves it 26 at the narrowest, and the widest values
(``-1.23e-100``, compact) need 23.
"""

from __future__ import annotations

import math

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tutor.sim import LabRun, SimResult, variant_name
from tutor.ui.widgets.cell_grid import NO_STYLE, CellGrid, GridColumn, GridLines, GridRow

BOLD = Style(bold=True)
#: Label, plain, residual: the label takes what the values leave; a value column is as
#: wide as its widest value, at least 8.
_COLUMNS = (
    GridColumn(no_wrap=True, overflow="fold"),
    *(GridColumn(justify="right", min_width=8, no_wrap=True, overflow="fold"),) * 2,
)


def _theory_shown(result: SimResult) -> str:
    curves = [
        name
        for name, curve in (("h", result.theory_forward), ("g", result.theory_backward))
        if curve is not None
    ]
    return " and ".join(curves) if curves else "none"


class LabReadout(Widget):
    """Growth, gradient ratio, divergence and theory per variant; then the cursor's layer."""

    DEFAULT_CSS = """
    LabReadout {
        height: 17;  /* its rows are fixed, so a new run repaints it without a relayout */
        border: round $primary;
        border-title-color: $text-primary;
        padding: 0 1;
    }
    LabReadout.-compact {
        height: 9;
    }
    LabReadout > .lab-readout--current {
        text-style: bold;
    }
    LabReadout > .lab-readout--counterpart {
        color: $text-muted;
    }
    """
    COMPONENT_CLASSES = {"lab-readout--current", "lab-readout--counterpart"}

    run: reactive[LabRun | None] = reactive(None)
    cursor: reactive[int] = reactive(0)
    playing: reactive[bool] = reactive(False)
    speed: reactive[float] = reactive(1.0)
    #: The essential rows only, with shorter labels and values (a narrow terminal's).
    compact: reactive[bool] = reactive(False)

    def on_mount(self) -> None:
        self.border_title = "readout"

    def watch_compact(self, compact: bool) -> None:
        self.set_class(compact, "-compact")

    def _value(self, value: float) -> str:
        """A norm or ratio in the digits its column has room for; a dash where it overflowed."""
        if not math.isfinite(value):
            return "—"
        return f"{value:.3g}" if self.compact else f"{value:.4g}"

    def render(self) -> Text | GridLines:
        if self.run is None:
            return Text("computing…")
        current = self.run.current
        both = sorted((current, self.run.counterpart), key=lambda r: r.params.residual)
        styles = [
            self.get_component_rich_style(
                "lab-readout--current" if r is current else "lab-readout--counterpart"
            )
            for r in both
        ]

        def row(rows: list[GridRow], label: str, cells: list[str], label_style: Style = NO_STYLE):
            rows.append(GridRow(((label, label_style), *zip(cells, styles, strict=True))))

        compact = self.compact
        stack: list[GridRow] = []
        row(stack, "" if compact else "whole stack", [variant_name(r.params) for r in both], BOLD)
        row(
            stack,
            "h_L/h_0" if compact else "‖h_L‖/‖h_0‖",
            [self._value(r.forward_growth) for r in both],
        )
        row(
            stack,
            "g_0/g_L" if compact else "‖g_0‖/‖g_L‖",
            [self._value(r.gradient_ratio) for r in both],
        )
        diverged = ["—" if r.diverged_at is None else str(r.diverged_at) for r in both]
        row(stack, "diverged" if compact else "diverged at", diverged)
        if not compact:
            row(stack, "theory shown", [_theory_shown(r) for r in both])

        layer = min(self.cursor, current.params.depth)
        state = "▶" if self.playing else "⏸"
        if not compact:
            state += " playing" if self.playing else " paused"
        heading = Text.assemble(
            (f"layer {layer} of {current.params.depth}", "bold"), f"  {state} at {self.speed:g}×"
        )
        at_layer: list[GridRow] = []
        for symbol, which in (("h", "forward"), ("g", "backward")):
            row(
                at_layer,
                f"‖{symbol}_l‖" if compact else f"‖{symbol}_l‖ rms",
                [self._value(getattr(r, which).rms[layer]) for r in both],
            )
            if compact:
                continue
            for band in ("p10", "p90"):
                row(
                    at_layer,
                    f"  {band}",
                    [self._value(getattr(getattr(r, which), band)[layer]) for r in both],
                )
            theory = [getattr(r, f"theory_{which}") for r in both]
            row(at_layer, "  theory", ["—" if t is None else self._value(t[layer]) for t in theory])
        return GridLines(
            self,
            (
                CellGrid(_COLUMNS, stack),
                *(() if compact else (Text(),)),
                heading,
                CellGrid(_COLUMNS, at_layer),
            ),
        )
