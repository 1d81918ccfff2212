"""The lab's Train tab: training-loss curves of plain and residual networks by depth,
drawn live as they train (the degradation problem, He et al. 2016, fig. 1)."""

from __future__ import annotations

from textual.app import RenderResult
from textual.reactive import reactive

from tutor.plot import draw_training, training_inks
from tutor.sim import TrainResult
from tutor.ui.widgets.norm_plot import Entry, LegendLine
from tutor.ui.widgets.plot_canvas import CanvasPlot


class TrainPlot(CanvasPlot):
    """Every finished curve and the one still training; redrawn on each new snapshot.

    Its legend is a line of its own (`TrainLegend`): plotext's would cover the curves'
    start, up in the corner where they all begin."""

    DEFAULT_CSS = """
    TrainPlot {
        height: 1fr;
        min-height: 8;
    }
    """

    result: reactive[TrainResult | None] = reactive(None)

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_figure()
        if self.result is None or not self.result.runs:
            plt.title("training loss: press enter to train")
        else:
            draw_training(plt, self.result, legend=False)
        return super().render()


class TrainLegend(LegendLine):
    """One line: each variant, then each depth's marker in that variant's colours."""

    result: reactive[TrainResult | None] = reactive(None)

    def entries(self) -> list[Entry] | None:
        if self.result is None:
            return None
        inks = training_inks(self.result)
        entries: list[Entry] = []
        for residual, name in ((False, "plain"), (True, "residual")):
            entries.append((None, (f"{name}:", name)))
            for depth in sorted(self.result.params.depths):
                entries.append((inks[depth, residual], (f"{depth} layers", str(depth))))
        return entries
