"""The lab's Train tab: training-loss curves of plain and residual networks by depth,
drawn live as they train (the degradation problem, He et al. 2016, fig. 1)."""

from __future__ import annotations

from textual.app import RenderResult
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from tutor.plot import draw_training
from tutor.sim import TrainResult


class TrainPlot(PlotextPlot):
    """Every finished curve and the one still training; redrawn on each new snapshot."""

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
            draw_training(plt, self.result)
        return super().render()
