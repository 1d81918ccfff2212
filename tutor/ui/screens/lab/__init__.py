"""The lab: three experiments on residual networks, one tab (a ``LabPane``) each.

*Signal* (`signal`): forward and gradient norms across depth, plain vs residual.
*Lesion* (`lesion`): delete one block at a time and see how far the output moves.
*Train* (`train`): plain and residual networks of several depths trained side by side.
The screen (`screen`) holds what the tabs share and routes the keys to the one in front;
`pane` is the shape every tab has (`KnobPane`: one steered by knobs of its own).
"""

from tutor.ui.screens.lab.lesion import LesionPane
from tutor.ui.screens.lab.pane import (
    Clock,
    KnobPane,
    LabPane,
    TextualClock,
    Ticker,
)
from tutor.ui.screens.lab.screen import EXPERIMENTS, NARROW_WIDTH, LabScreen
from tutor.ui.screens.lab.signal import LAYERS_PER_SECOND, SignalPane
from tutor.ui.screens.lab.train import TrainPane

__all__ = [
    "EXPERIMENTS",
    "LAYERS_PER_SECOND",
    "NARROW_WIDTH",
    "Clock",
    "KnobPane",
    "LabPane",
    "LabScreen",
    "LesionPane",
    "SignalPane",
    "TextualClock",
    "Ticker",
    "TrainPane",
]
