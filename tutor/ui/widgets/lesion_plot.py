"""The lab's Lesion tab: how far the output moves when one block is deleted, and the
path lengths of a residual stack (Veit et al. 2016)."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from tutor.plot import VARIANT_INKS, canvas_rows, draw_lesion, draw_paths
from tutor.sim import LesionResult
from tutor.ui.widgets.norm_plot import fitted_legend
from tutor.ui.widgets.plot_canvas import CanvasPlot


class LesionPlot(CanvasPlot):
    """Plain against residual, one point per deleted block; redrawn when ``result`` changes.

    Its legend is a line of its own (`LesionLegend`), off the curves."""

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
            draw_lesion(plt, self.result, legend=False, rows=canvas_rows(self.size.height))
        return super().render()


class LesionLegend(Widget):
    """One line naming the lesion plot's two curves."""

    DEFAULT_CSS = """
    LesionLegend {
        height: 1;
        padding: 0 1;
    }
    """

    def render(self) -> RenderableType:
        entries = [
            (VARIANT_INKS[False], ("plain: layer k skipped", "plain: layer skipped", "plain")),
            (
                VARIANT_INKS[True],
                ("residual: branch k zeroed", "residual: branch zeroed", "residual"),
            ),
        ]
        return fitted_legend(entries, self.content_size.width)


class PathsPlot(CanvasPlot):
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
            draw_paths(plt, self.depth, rows=canvas_rows(self.size.height))
        return super().render()
