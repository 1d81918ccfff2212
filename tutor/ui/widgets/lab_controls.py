"""The lab's parameter panels (the simulator's, the training's): every parameter, the one
selected, and how each one steps.

The panel takes no focus and handles no keys: the lab screen's bindings pick a
knob and turn it, and the panel shows the result through its reactives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tutor.sim import ACTIVATIONS, NORMS, SimParams, TrainParams, describe_ensemble
from tutor.ui.widgets.cell_grid import NO_STYLE, CellGrid, GridColumn, GridLines, GridRow

# fmt: off
#: Depths worth visiting: dense where the curves change fast, sparse up to 1,000.
DEPTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48, 64, 80, 100, 128, 160, 200, 256,
          320, 400, 500, 640, 800, 1000)
# fmt: on
#: Widths in powers of two and the halfway points between them.
WIDTHS = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
#: The branch scale α from 0 to 2 in steps of 0.05, and σ_w from 0 to 4 in steps of 0.1.
ALPHAS = tuple(round(0.05 * i, 2) for i in range(41))
SIGMAS = tuple(round(0.1 * i, 1) for i in range(41))


def along(ladder: Sequence[float], value: float, direction: int) -> float:
    """The next rung of ``ladder`` past ``value`` (which may sit between rungs).

    Past either end the value stays, so a lesson's depth of 2,000 is never
    "stepped up" to 1,000.
    """
    if direction > 0:
        return next((rung for rung in ladder if rung > value), value)
    return next((rung for rung in reversed(ladder) if rung < value), value)


def cycle(options: Sequence[str], value: str, direction: int) -> str:
    """The option after (or before) ``value``, wrapping around."""
    return options[(options.index(value) + direction) % len(options)]


@dataclass(frozen=True)
class Knob:
    """One steerable parameter: the field it sets, its label, and how it steps."""

    field: str
    label: str
    step: Callable[[Any, int], Any]
    show: Callable[[Any], str] = str

    def turn(self, params: Any, direction: int) -> Any:
        """``params`` with this knob moved one step; raises ``SimParamError`` past a limit."""
        return replace(params, **{self.field: self.step(getattr(params, self.field), direction)})


KNOBS: tuple[Knob, ...] = (
    Knob("depth", "depth L", lambda v, d: along(DEPTHS, v, d)),
    Knob("width", "width d", lambda v, d: along(WIDTHS, v, d)),
    Knob("alpha", "alpha α", lambda v, d: along(ALPHAS, v, d), "{:g}".format),
    Knob("activation", "activation", lambda v, d: cycle(ACTIVATIONS, v, d)),
    Knob("sigma_w", "sigma_w", lambda v, d: along(SIGMAS, v, d), "{:g}".format),
    Knob("norm", "norm", lambda v, d: cycle(NORMS, v, d)),
    Knob("residual", "skip", lambda v, d: not v, lambda v: "on" if v else "off"),
    Knob("seed", "seed", lambda v, d: max(0, v + d)),
)


#: Depth sets worth comparing: the default, its two ends, a shallower and a deeper ladder.
DEPTH_SETS = ((4, 16, 48), (4, 48), (2, 8, 32), (4, 16, 48, 96), (8, 32, 96))
TRAIN_WIDTHS = (8, 16, 32, 64, 128)
TRAIN_STEPS = (100, 200, 400, 800, 1600)
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)


def next_depth_set(depths: tuple[int, ...], direction: int) -> tuple[int, ...]:
    """The next of ``DEPTH_SETS``; a set from elsewhere (a lesson's) steps to the first."""
    if depths not in DEPTH_SETS:
        return DEPTH_SETS[0]
    return DEPTH_SETS[(DEPTH_SETS.index(depths) + direction) % len(DEPTH_SETS)]


TRAIN_KNOBS: tuple[Knob, ...] = (
    Knob("depths", "depths", next_depth_set, lambda v: ", ".join(map(str, v))),
    Knob("width", "width", lambda v, d: along(TRAIN_WIDTHS, v, d)),
    Knob("steps", "steps", lambda v, d: along(TRAIN_STEPS, v, d)),
    Knob("lr", "lr (Adam)", lambda v, d: along(LEARNING_RATES, v, d), "{:g}".format),
    Knob("seed", "seed", lambda v, d: max(0, v + d)),
)


def ensemble_caption(params: SimParams) -> str:
    return describe_ensemble(params)


def training_caption(params: TrainParams) -> str:
    return f"batch {params.batch}, plain and residual"


#: The label takes what the value leaves; values line up on the right.
_COLUMNS = (GridColumn(), GridColumn(justify="right"))


class LabControls(Widget):
    """The current parameters, one row a knob, the selected one marked."""

    DEFAULT_CSS = """
    LabControls {
        height: auto;
        border: round $primary;
        border-title-color: $text-primary;
        padding: 0 1;
    }
    LabControls > .lab-controls--selected {
        background: $primary 40%;
        text-style: bold;
    }
    LabControls > .lab-controls--status {
        color: $text-muted;
        text-style: italic;
    }
    """
    COMPONENT_CLASSES = {"lab-controls--selected", "lab-controls--status"}

    params: reactive[Any] = reactive(SimParams, init=False)
    selected: reactive[int] = reactive(0)
    #: What the experiment is doing, e.g. "computing… 40%"; empty when the plots are current.
    status: reactive[str] = reactive("", init=False)

    def __init__(
        self,
        knobs: Sequence[Knob] = KNOBS,
        title: str = "parameters",
        caption: Callable[[Any], str] = ensemble_caption,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.knobs, self.caption = knobs, caption
        self.border_title = title
        self._last_line: str | None = None

    def watch_status(self) -> None:
        self._relayout_if_reworded()

    def watch_params(self) -> None:
        self._relayout_if_reworded()

    def _relayout_if_reworded(self) -> None:
        """The last line may take more or fewer rows than before (a long status wraps):
        the panel's height follows it (a key that changes only a value costs no layout)."""
        line = self.status or self.caption(self.params)
        if line != self._last_line:
            self._last_line = line
            self.refresh(layout=True)

    def render(self) -> GridLines:
        selected_style = self.get_component_rich_style("lab-controls--selected")
        rows = []
        for index, knob in enumerate(self.knobs):
            value = knob.show(getattr(self.params, knob.field))
            if index == self.selected:
                cells = ((f"▸ {knob.label}", NO_STYLE), (f"◂ {value} ▸", NO_STYLE))
                rows.append(GridRow(cells, selected_style))
            else:
                rows.append(GridRow(((f"  {knob.label}", NO_STYLE), (f"{value}  ", NO_STYLE))))
        status_style = self.get_component_rich_style("lab-controls--status")
        status = Text(self.status or self.caption(self.params), style=status_style)
        return GridLines(self, (CellGrid(_COLUMNS, rows), status))
