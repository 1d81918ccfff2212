"""After a prediction is committed: the experiment's evidence (the lab state's curve, its
lesion, or the training curves) with the prediction marked where it can be."""

from __future__ import annotations

from textual.app import RenderResult

from tutor.plot import draw_prediction
from tutor.ui.widgets.plot_canvas import CanvasPlot


class PredictionPlot(CanvasPlot):
    DEFAULT_CSS = """
    PredictionPlot {
        height: 16;
        margin: 1 0;
    }
    """

    def __init__(
        self, result: object, measure: str, prediction: float | tuple[float, float]
    ) -> None:
        super().__init__()
        self.result, self.measure, self.prediction = result, measure, prediction

    def render(self) -> RenderResult:
        self.plt.clear_figure()
        draw_prediction(self.plt, self.result, self.measure, self.prediction)
        return super().render()
