"""The lab's Lesion tab: how far the output moves when one block is deleted, and the
path lengths of a residual stack (Veit et al. 2016)."""

from __future__ import annotations

from textual.app import RenderResult
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from tutor.plot import draw_lesion, draw_paths
from tutor.sim import LesionResult


class LesionPlot(PlotextPlot):
    """Plain against residual, one point per deleted block; redrawn when ``result`` changes."""

    DEFAULT_CSS = """
    LesionPlot {
        height: 1fr;
        min-height: 6;
    }
    """

    result: reactive[LesionResult | None] = reactive(None)
    #: Why there is no result yet: computing, declined, or failed (the tab's status line).
    waiting: reactive[str] = reactive("")

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_figure()
        if self.result is None:
            plt.title(self.waiting.split(":")[0] or "deleting one block at a time")
        else:
            draw_lesion(plt, self.result)
        return super().render()


class PathsPlot(PlotextPlot):
    """The share of the 2^L paths through L residual blocks that pass k branches."""

    DEFAULT_CSS = """
    PathsPlot {
        height: 1fr;
        min-height: 6;
    }
    """

    depth: reactive[int] = reactive(0)

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_figure()
        if self.depth:
            draw_paths(plt, self.depth)
        return super().render()
