"""The lab screen: the tabs, the side column, the footer, and what every tab shares.

Every key is a screen binding (nothing takes focus). `[` and `]` switch tabs, `c`
copies the command that reruns the tab in front, `escape` goes back; every other key
is the front tab's (`_pane_key`): the screen runs it on that pane and shows it in the
footer only where the pane offers it (`LabPane.offers`). The footer's order is this
one list, whichever tab is in front, its most important keys first: below
`NARROW_WIDTH` the lesser ones (`LESSER_KEYS`) leave the footer (they still work), so
that the tabs, ⏎ and `esc` stay on an 80-column terminal.

The header says what the tab in front runs: the lesson's name for a state of the lesson
the lab was opened from (or the title it was opened with), else the tab's options.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from textual import actions, events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive, var
from textual.types import NoActiveAppError
from textual.widgets import TabbedContent, Tabs

from tutor.lessons.model import Experiment
from tutor.notes import Anchor, lab_anchor, lab_command
from tutor.sim import (
    LabRun,
    LesionResult,
    SimParams,
    SimResult,
    TrainParams,
    TrainResult,
)
from tutor.ui.messages import LabShown
from tutor.ui.screens.base import BaseScreen
from tutor.ui.screens.lab.lesion import LesionPane
from tutor.ui.screens.lab.pane import LabPane
from tutor.ui.screens.lab.signal import SignalPane
from tutor.ui.screens.lab.train import TrainPane
from tutor.ui.screens.lab.warm import LabCache, lab_cache
from tutor.ui.widgets.lab_readout import LabReadout

if TYPE_CHECKING:
    from tutor.lessons.model import Lesson

#: The tabs in order, as `[` and `]` step through them.
EXPERIMENTS: tuple[Experiment, ...] = tuple(
    pane.EXPERIMENT for pane in (SignalPane, LesionPane, TrainPane)
)
#: Below this width the side column narrows and the readout gives its room to the plots.
NARROW_WIDTH = 100
#: Keys the footer leaves out below `NARROW_WIDTH` (each still works, and help lists it).
LESSER_KEYS = frozenset({"r", "c", "0", "comma", "full_stop", "1", "2", "3"})

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
    id: str | None = None,  # noqa: A002 (Binding's name)
) -> Binding:
    """A key the front tab answers with its own ``action`` (e.g. ``"select(-1)"``)."""
    return Binding(key, f"pane({action!r})", description, show=show, group=group, id=id)


class LabScreen(BaseScreen):
    """Three tabs of live plots beside the parameter panel (and, on Signal, the readout)."""

    LOCATION = "lab"
    CSS_PATH = "lab.tcss"
    BINDINGS = [
        Binding(
            "left_square_bracket",
            "tab(-1)",
            "tab",
            key_display="[",
            group=_TAB,
            id="lab.previous_tab",
        ),
        Binding(
            "right_square_bracket", "tab(1)", "tab", key_display="]", group=_TAB, id="lab.next_tab"
        ),
        _pane_key("enter", "train", "train", id="lab.run"),
        _pane_key("x", "cancel_training", "stop", id="lab.stop"),
        Binding("escape", "back", "back", id="lab.back"),
        _pane_key("up", "select(-1)", "up", group=_SELECT, id="lab.up"),
        _pane_key("down", "select(1)", "down", group=_SELECT, id="lab.down"),
        _pane_key("k", "select(-1)", show=False),
        _pane_key("j", "select(1)", show=False),
        _pane_key("left", "change(-1)", "less", group=_CHANGE, id="lab.less"),
        _pane_key("right", "change(1)", "more", group=_CHANGE, id="lab.more"),
        _pane_key("minus", "change(-1)", show=False),
        _pane_key("plus,equals_sign", "change(1)", show=False),
        _pane_key("t", "toggle_skip", "skip", id="lab.skip"),
        _pane_key("r", "reseed", "reseed", id="lab.reseed"),
        Binding("c", "copy_command", "copy cmd", id="lab.copy"),
        _pane_key("0", "reset", "reset", id="lab.reset"),
        _pane_key("space", "play", "play", id="lab.play"),
        _pane_key("comma", "step(-1)", "back", group=_STEP, id="lab.step_back"),
        _pane_key("full_stop", "step(1)", "forward", group=_STEP, id="lab.step_forward"),
        _pane_key("1", "speed(0.25)", "¼×", group=_SPEED),
        _pane_key("2", "speed(1)", "1×", group=_SPEED),
        _pane_key("3", "speed(4)", "4×", group=_SPEED),
    ]

    experiment: var[Experiment] = var("signal", init=False)
    #: The header's second line, which says what the tab runs and so changes with nearly
    #: every key. The header redraws it (it watches it); Textual's own ``sub_title``
    #: also repaints the whole screen, every plot line of it, a frame's work a key.
    sub_title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)
    #: A footer rebuild is on its way (`refresh_bindings`).
    _bindings_stale = False
    #: Whether the lab is laid out narrow (None: not laid out yet).
    _narrow: bool | None = None

    def __init__(
        self,
        params: SimParams,
        title: str | None = None,
        experiment: Experiment = "signal",
        train: TrainParams | None = None,
        *,
        lesson: Lesson | None = None,
        measured: SimResult | LesionResult | TrainResult | None = None,
    ) -> None:
        """``measured``: what a practice item just measured on these very parameters (a
        run, a lesion or a training), shown by its tab instead of being computed again."""
        super().__init__()
        self.set_reactive(LabScreen.experiment, experiment)
        #: The lesson the lab was opened from: its notes include the lab's, and its lab
        #: states name the header when the tab in front runs one.
        self.lesson = lesson
        self._named: list[tuple[Experiment, SimParams | TrainParams, str]] = []
        if lesson is not None:
            from tutor.practice.measures import sim_params

            self._named = [
                (state.experiment, sim_params(state.params), state.title)
                for state in lesson.sections.demo.lab_states
            ]
        # The app's one simulator for the network's runs and its lesions, so they share
        # weights (with an earlier lab's and the warm-up's, whose run the first plots show).
        try:
            cache = lab_cache(self.app)
        except NoActiveAppError:  # made before its app runs (a test's): a cache of its own
            cache = LabCache()
        self.simulator, self.simulator_lock = cache.simulator, cache.lock
        self.signal = SignalPane(
            params,
            cache,
            measured if isinstance(measured, SimResult) else None,
        )
        self.lesion = LesionPane(
            self.signal,
            self.simulator,
            self.simulator_lock,
            measured if isinstance(measured, LesionResult) else None,
        )
        self.train = TrainPane(
            train or TrainParams(), measured if isinstance(measured, TrainResult) else None
        )
        self.panes: dict[Experiment, LabPane] = {
            pane.EXPERIMENT: pane for pane in (self.signal, self.lesion, self.train)
        }
        if title:  # what the lab was opened on, named as the opener named it
            self._named.insert(0, (experiment, self.pane.state(), title))

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
        self._fit_width(self.app.size.width)
        self.query_one(Tabs).can_focus = False  # the lab's keys stay the lab's
        self.set_focus(None)
        self.watch_experiment(self.experiment)
        self.watch(self.signal, "params", self._describe, init=False)
        self.watch(self.train, "params", self._describe, init=False)
        self.call_later(self._describe)  # after BaseScreen's mount, which sets the LOCATION

    def on_resize(self, event: events.Resize) -> None:
        self._fit_width(event.size.width)

    def _fit_width(self, width: int) -> None:
        """Narrow: a narrower side column, the compact readout, the footer's main keys."""
        narrow = width < NARROW_WIDTH
        if narrow == self._narrow:
            return  # the footer shows the right keys already: no rebuild
        self._narrow = narrow
        self.set_class(narrow, "narrow")
        self.query_one(LabReadout).compact = narrow
        self.refresh_bindings()

    def refresh_bindings(self) -> None:
        """One footer rebuild for a burst of changes: each rebuild makes every key's widget
        anew (tens of milliseconds with the lab's keys), and opening the lab asked for
        nine, a third of a second before the plots could paint."""
        if not self._bindings_stale:
            self._bindings_stale = True
            self.call_later(self._publish_bindings)

    def _publish_bindings(self) -> None:
        self._bindings_stale = False
        super().refresh_bindings()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys as the footer shows them: without the lesser ones when narrow."""
        bindings = super().active_bindings
        if not self.has_class("narrow"):
            return bindings
        return {
            key: active._replace(binding=dataclasses.replace(active.binding, show=False))
            if key in LESSER_KEYS
            else active
            for key, active in bindings.items()
        }

    def _describe(self) -> None:
        """The header: what the tab in front runs, named if the lesson names it."""
        state = self.pane.state()
        experiment = self.pane.EXPERIMENT
        title = next(
            (
                name
                for named_experiment, params, name in self._named
                if self._same_state(experiment, state, named_experiment, params)
            ),
            None,
        )
        if title is None:  # the options that differ from the defaults, as `c` copies them
            options = lab_anchor(experiment, state).id.removeprefix(f"{experiment} ")
            title = f"{self.pane.TITLE}: {options}"
        self.sub_title = f"{self.LOCATION} · {title}"

    @staticmethod
    def _same_state(
        experiment: Experiment,
        state: SimParams | TrainParams,
        named_experiment: Experiment,
        named: SimParams | TrainParams,
    ) -> bool:
        """Whether a named state is what the tab runs (a lesion ignores the skip toggle)."""
        if experiment == "lesion" and isinstance(named, SimParams):
            return (
                named_experiment == "lesion" and dataclasses.replace(named, residual=True) == state
            )
        return named_experiment == experiment and named == state

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
            was_showing, pane.showing = pane.showing, name == experiment
            self.set_class(pane.showing, f"-{name}")
            if was_showing and not pane.showing:
                pane.hidden()
        self.refresh_bindings()
        self.pane.shown()
        self._describe()
        self.post_message(LabShown(self, experiment, self.pane.state()))

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
        self.post_message(LabShown(self, self.experiment, self.pane.state()))

    def action_copy_command(self) -> None:
        command = lab_command(self.pane.EXPERIMENT, self.pane.state())
        self.app.copy_to_clipboard(command)
        self.notify(command, title="Copied to the clipboard", markup=False)

    def note_anchor(self) -> Anchor:
        """The lab's current tab and state, kept so the note can reopen them exactly, and
        the lesson the lab was opened from, so that the lesson's notes include it."""
        anchor = lab_anchor(self.pane.EXPERIMENT, self.pane.state())
        return dataclasses.replace(anchor, lesson_id=self.lesson.id if self.lesson else None)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            for pane in self.panes.values():
                pane.stop()
            self.dismiss()
