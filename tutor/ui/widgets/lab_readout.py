"""The lab's numbers: what each variant does over the whole stack, and at the layer cursor."""

from __future__ import annotations

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tutor.sim import LabRun, SimResult, format_value, variant_name


def _theory_shown(result: SimResult) -> str:
    curves = [
        name
        for name, curve in (("h", result.theory_forward), ("g", result.theory_backward))
        if curve is not None
    ]
    return " and ".join(curves) if curves else "none"


def _band(p10: np.ndarray, p90: np.ndarray, layer: int) -> str:
    if not (np.isfinite(p10[layer]) and np.isfinite(p90[layer])):
        return "—"
    return f"{format_value(p10[layer])}–{format_value(p90[layer])}"


class LabReadout(Widget):
    """Growth, gradient ratio, divergence and theory per variant; then the cursor's layer."""

    DEFAULT_CSS = """
    LabReadout {
        height: 15;  /* its rows are fixed, so a new run repaints it without a relayout */
        border: round $primary;
        border-title-color: $text-primary;
        padding: 0 1;
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

    def on_mount(self) -> None:
        self.border_title = "readout"

    def _table(self) -> Table:
        """Three columns that line up across the readout's parts: label, current, counterpart."""
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1, no_wrap=True)
        for role in ("current", "counterpart"):
            style = self.get_component_rich_style(f"lab-readout--{role}")
            table.add_column(justify="right", width=11, no_wrap=True, style=style)
        return table

    def render(self) -> RenderableType:
        if self.run is None:
            return Text("computing…")
        current, counterpart = self.run.current, self.run.counterpart
        both = (current, counterpart)
        stack = self._table()
        stack.add_row(Text("whole stack", style="bold"), *(variant_name(r.params) for r in both))
        stack.add_row("‖h_L‖/‖h_0‖", *(format_value(r.forward_growth) for r in both))
        stack.add_row("‖g_0‖/‖g_L‖", *(format_value(r.gradient_ratio) for r in both))
        stack.add_row(
            "diverged at", *("—" if r.diverged_at is None else str(r.diverged_at) for r in both)
        )
        stack.add_row("theory shown", *(_theory_shown(r) for r in both))

        layer = min(self.cursor, current.params.depth)
        state = "▶ playing" if self.playing else "⏸ paused"
        heading = Text.assemble(
            (f"layer {layer} of {current.params.depth}", "bold"), f"   {state} at {self.speed:g}×"
        )
        at_layer = self._table()
        for symbol, which, theory in (
            ("h", "forward", current.theory_forward),
            ("g", "backward", current.theory_backward),
        ):
            stats = getattr(current, which)
            at_layer.add_row(
                f"‖{symbol}_l‖ rms",
                *(format_value(getattr(r, which).rms[layer]) for r in both),
            )
            at_layer.add_row("  p10–p90", _band(stats.p10, stats.p90, layer), "")
            at_layer.add_row("  theory", "—" if theory is None else format_value(theory[layer]), "")
        return Group(stack, Text(), heading, at_layer)
