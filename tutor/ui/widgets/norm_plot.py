"""One panel of the lab (forward or gradient norms across depth) and the legend they share."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget
from textual_plotext import PlotextPlot

from tutor.plot import INKS, PANEL_TITLES, Which, draw_norm_panel
from tutor.sim import LabRun, variant_name

#: Below this many rows a panel drops its x-axis label.
SHORT_PLOT_HEIGHT = 12


class NormPlot(PlotextPlot):
    """A live panel: redrawn from ``run`` and ``cursor`` whenever either changes."""

    DEFAULT_CSS = """
    NormPlot {
        height: 1fr;
        min-height: 6;
    }
    """

    run: reactive[LabRun | None] = reactive(None)
    cursor: reactive[int] = reactive(0)

    def __init__(self, which: Which, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.which = which

    def render(self) -> RenderResult:
        # Filling the figure is cheap next to building it, so it is redone on each
        # render rather than kept in step with the reactives by watchers.
        plt = self.plt
        plt.clear_figure()
        if self.run is None:
            plt.title(f"{PANEL_TITLES[self.which]}: computing…")
        else:
            draw_norm_panel(
                plt,
                self.run.current,
                self.which,
                counterpart=self.run.counterpart,
                cursor=min(self.cursor, self.run.params.depth),
                legend=False,
            )
            if self.size.height < SHORT_PLOT_HEIGHT:
                plt.xlabel("")  # the curves need the row more than the axis needs its name
        return super().render()


class PlotLegend(Widget):
    """One line naming the curves of both panels, in their colours."""

    DEFAULT_CSS = """
    PlotLegend {
        height: 1;
        padding: 0 1;
    }
    """

    run: reactive[LabRun | None] = reactive(None)

    def render(self) -> RenderableType:
        if self.run is None:
            return ""
        current = self.run.current
        entries = [
            ("rms", f"{variant_name(current.params)} rms"),
            ("counterpart", f"{variant_name(self.run.counterpart.params)} rms"),
            ("band", "p10–p90"),
        ]
        if current.theory_forward is not None or current.theory_backward is not None:
            entries.append(("theory", "theory"))
        entries.append(("cursor", "layer cursor"))
        legend = Text(overflow="ellipsis", no_wrap=True)
        for ink_name, label in entries:
            ink = INKS[ink_name]
            legend.append(ink.glyph * (2 if ink_name != "cursor" else 1), f"color({ink.ansi})")
            legend.append(f" {label}  ")
        return legend
