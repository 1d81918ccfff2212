"""One panel of the lab (forward or gradient norms across depth) and the legends the lab's
plots share: one line, its labels shortened rather than cut when the line is narrow."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from tutor.plot import (
    INKS,
    PANEL_TITLES,
    VARIANT_INKS,
    Ink,
    Which,
    canvas_rows,
    draw_norm_panel,
)
from tutor.sim import LabRun
from tutor.ui.widgets.plot_canvas import CanvasPlot


class NormPlot(CanvasPlot):
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
                rows=canvas_rows(self.size.height),
            )
        return super().render()


#: One legend entry: the curve's ink (None: a heading) and its label, longest first.
Entry = tuple[Ink | None, Sequence[str]]


def fitted_legend(entries: Sequence[Entry], width: int) -> Text:
    """The entries on one line in the longest wording that fits ``width``: each entry's
    labels go from long to short, then the gaps between entries narrow (the last
    wording is used whatever the width)."""
    wordings = max(len(labels) for _, labels in entries)
    for wording, gap in [*((w, "  ") for w in range(wordings)), (wordings - 1, " ")]:
        legend = Text(no_wrap=True)
        for ink, labels in entries:
            label = labels[min(wording, len(labels) - 1)]
            if ink is None:
                legend.append(label, "bold")
            else:
                legend.append(ink.glyph, f"color({ink.color})")
                legend.append(f" {label}" if label else "")
            legend.append(gap)
        legend.rstrip()
        if legend.cell_len <= width:
            break
    return legend


class LegendLine(Widget):
    """One line of legend entries, shortened to fit (``fitted_legend``); a subclass says
    which entries, or None while it has nothing to name."""

    DEFAULT_CSS = """
    LegendLine {
        height: 1;
        padding: 0 1;
    }
    """

    def entries(self) -> list[Entry] | None:
        raise NotImplementedError

    def render(self) -> RenderableType:
        entries = self.entries()
        return "" if entries is None else fitted_legend(entries, self.content_size.width)


class PlotLegend(LegendLine):
    """One line naming the curves of both panels, in their colours and markers."""

    run: reactive[LabRun | None] = reactive(None)

    def entries(self) -> list[Entry] | None:
        if self.run is None:
            return None
        current = self.run.current
        entries: list[Entry] = [
            (VARIANT_INKS[False], ("plain rms", "plain", "plain")),
            (VARIANT_INKS[True], ("residual rms", "residual", "residual")),
            (INKS["band"], ("p10–p90", "p10–90", "band")),
        ]
        if current.theory_forward is not None or current.theory_backward is not None:
            entries.append((INKS["theory"], ("theory", "theory", "theory")))
        entries.append((INKS["cursor"], ("layer cursor", "cursor", "layer")))
        return entries
