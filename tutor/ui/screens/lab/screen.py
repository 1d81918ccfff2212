"""The lab screen: the tabs, the side column, the footer, and what every tab shares.

Every key is a screen binding (nothing takes focus). `[` and `]` switch tabs, `c`
copies the command that reruns the tab in front, `escape` goes back; every other key
is the front tab's (`_pane_key`): the screen runs it on that pane and shows it in the
footer only where the pane offers it (`LabPane.offers`). The footer's order is this
one list, whichever tab is in front.
"""

from __future__ import annotations

import threading

from textual import actions, events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import TabbedContent, Tabs

from tutor.lessons.model import Experiment
from tutor.notes import Anchor, lab_anchor, lab_command
from tutor.sim import LabRun, SimParams, Simulator, TrainParams, TrainResult
from tutor.ui.screens.base import BaseScreen
from tutor.ui.screens.lab.lesion import LesionPane
from tutor.ui.screens.lab.pane import LabPane
from tutor.ui.screens.lab.signal import SignalPane
from tutor.ui.screens.lab.train import TrainPane

#: The tabs in order, as `[` and `]` step through them.
EXPERIMENTS: tuple[Experiment, ...] = tuple(
    pane.EXPERIMENT for pane in (SignalPane, LesionPane, TrainPane)
)
#: Below this width the side column narrows and the readout gives its room to the plots.
NARROW_WIDTH = 100

_TAB = Binding.Group("tab", compact=True)
_SELECT = Binding.Group("select", compact=True)
_CHANGE = Binding.Group("change", compact=True)
_STEP = Binding.Group("layer", compact=True)
_SPEED = Binding.Group("speed", compact=True)


def _pane_key(
    key: str,
    action: str,
    description: str = "",
    *,
    show: bool = True,
    group: Binding.Group | None = None,
) -> Binding:
    """A key the front tab answers with its own ``action`` (e.g. ``"select(-1)"``)."""
    return Binding(key, f"pane({action!r})", description, show=show, group=group)


class LabScreen(BaseScreen):
    """Three tabs of live plots beside the parameter panel (and, on Signal, the readout)."""

    LOCATION = "lab"
    CSS_PATH = "lab.tcss"
    BINDINGS = [
        Binding("left_square_bracket", "tab(-1)", "tab", key_display="[", group=_TAB),
        Binding("right_square_bracket", "tab(1)", "tab", key_display="]", group=_TAB),
        _pane_key("up", "select(-1)", "up", group=_SELECT),
        _pane_key("down", "select(1)", "down", group=_SELECT),
        _pane_key("k", "select(-1)", show=False),
        _pane_key("j", "select(1)", show=False),
        _pane_key("left", "change(-1)", "less", group=_CHANGE),
        _pane_key("right", "change(1)", "more", group=_CHANGE),
        _pane_key("minus", "change(-1)", show=False),
        _pane_key("plus,equals_sign", "change(1)", show=False),
        _pane_key("t", "toggle_skip", "skip"),
        _pane_key("r", "reseed", "reseed"),
        Binding("c", "copy_command", "copy cmd"),
        _pane_key("0", "reset", "reset"),
        _pane_key("space", "play", "play"),
        _pane_key("comma", "step(-1)", "back", group=_STEP),
        _pane_key("full_stop", "step(1)", "forward", group=_STEP),
        _pane_key("1", "speed(0.25)", "¼×", group=_SPEED),
        _pane_key("2", "speed(1)", "1×", group=_SPEED),
        _pane_key("3", "speed(4)", "4×", group=_SPEED),
        _pane_key("enter", "train", "train"),
        _pane_key("x", "cancel_training", "stop"),
        Binding("escape", "back", "back"),
    ]

    experiment: var[Experiment] = var("signal", init=False)

    def __init__(
        self,
        params: SimParams,
        title: str | None = None,
        experiment: Experiment = "signal",
        train: TrainParams | None = None,
        measured: TrainResult | None = None,
    ) -> None:
        super().__init__()
        self.set_reactive(LabScreen.experiment, experiment)
        if title:
            self.LOCATION = f"{self.LOCATION} · {title}"  # the header shows where the lab came from
        # One simulator for the network's runs and its lesions, so they share weights.
        self.simulator = Simulator()
        self.simulator_lock = threading.Lock()
        self.signal = SignalPane(params, self.simulator, self.simulator_lock)
        self.lesion = LesionPane(self.signal, self.simulator, self.simulator_lock)
        self.train = TrainPane(train or TrainParams(), measured)
        self.panes: dict[Experiment, LabPane] = {
            pane.EXPERIMENT: pane for pane in (self.signal, self.lesion, self.train)
        }

    @property
    def pane(self) -> LabPane:
        """The tab in front."""
        return self.panes[self.experiment]

    # What other screens and tests read of the lab.

    @property
    def params(self) -> SimParams:
        """The network the Signal and Lesion tabs steer."""
        return self.signal.params

    @property
    def run(self) -> LabRun | None:
        """The network's run the Signal tab draws."""
        return self.signal.run

    @property
    def train_params(self) -> TrainParams:
        """The Train tab's setup."""
        return self.train.params

    def action_cancel_training(self) -> None:
        """Stop the Train tab's training (its `x`)."""
        self.train.action_cancel_training()

    def compose_content(self) -> ComposeResult:
        with Horizontal(id="lab-body"):
            with TabbedContent(id="lab-tabs", initial=self.experiment):
                yield from self.panes.values()
            with Vertical(id="lab-side"):
                for pane in self.panes.values():
                    yield from pane.side()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_WIDTH, "narrow")
        self.query_one(Tabs).can_focus = False  # the lab's keys stay the lab's
        self.set_focus(None)
        self.watch_experiment(self.experiment)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "narrow")

    # -- tabs ---------------------------------------------------------------------

    def action_tab(self, direction: int) -> None:
        index = EXPERIMENTS.index(self.experiment)
        self.experiment = EXPERIMENTS[(index + direction) % len(EXPERIMENTS)]

    @on(TabbedContent.TabActivated, "#lab-tabs")
    def _tab_clicked(self, event: TabbedContent.TabActivated) -> None:
        self.experiment = event.pane.id  # type: ignore[assignment]

    def watch_experiment(self, experiment: Experiment) -> None:
        self.query_one("#lab-tabs", TabbedContent).active = experiment
        for name, pane in self.panes.items():
            pane.showing = name == experiment
            self.set_class(pane.showing, f"-{name}")
        self.refresh_bindings()
        self.pane.shown()

    # -- keys -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each tab's footer shows the keys that do something there."""
        if action == "pane":
            _, name, arguments = actions.parse(str(parameters[0]))
            return self.pane.offers(name, arguments)
        return True

    async def action_pane(self, action: str) -> None:
        """Run one of the front tab's actions (a `_pane_key`)."""
        await self.app.run_action(action, self.pane)

    def action_copy_command(self) -> None:
        command = lab_command(self.pane.EXPERIMENT, self.pane.state())
        self.app.copy_to_clipboard(command)
        self.notify(command, title="Copied to the clipboard", markup=False)

    def note_anchor(self) -> Anchor:
        """The lab's current tab and state, kept so the note can reopen them exactly."""
        return lab_anchor(self.pane.EXPERIMENT, self.pane.state())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            for pane in self.panes.values():
                pane.stop()
            self.dismiss()
