"""The shape every lab tab has: a ``TabPane`` that owns its knobs, its worker and its failures.

The screen holds what the tabs share (the simulator and its lock, the tab bar, the
footer) and asks the pane in front for the rest: whether it offers an action
(`offers`), to run it (its ``action_*`` methods), and what it runs (`state`, from
which the copied command and a note's anchor are built). A pane's worker posts its
results to the pane; the pane's one ``Worker.StateChanged`` handler turns a failed
run into a message and hands the pane the text to show (`failed`).

Timers come from the pane's `clock` (`CLOCK`, a factory): Textual's own timers in the
app, a hand-driven clock in the tests, so no test waits on the wall clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from textual import on
from textual.dom import DOMNode
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from tutor.sim import (
    LAB_MEMORY_KNOBS,
    SimParamError,
    SimParams,
    TrainParams,
    not_enough_memory,
)

if TYPE_CHECKING:
    from tutor.lessons.model import Experiment
    from tutor.ui.widgets.lab_controls import Knob


class Superseded(Exception):
    """Raised inside a run whose worker was cancelled, to stop it between layers."""


T = TypeVar("T")


def run_unless_cancelled(lock: threading.Lock, compute: Callable[[], T]) -> T | None:
    """Run ``compute`` in this thread worker on the lab's one simulator; None when the
    worker is cancelled before, during (``compute`` raises `Superseded` between layers)
    or after it.

    A cancelled thread worker runs on until its next layer: the lock keeps two runs off
    the one simulator, and the next run waits its turn.
    """
    worker = get_current_worker()
    with lock:
        if worker.is_cancelled:
            return None
        try:
            result = compute()
        except Superseded:
            return None
    return None if worker.is_cancelled else result


class Ticker(Protocol):
    """A timer a pane can pause, resume and stop (Textual's ``Timer`` is one)."""

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...


class Clock(Protocol):
    """Where a pane's timers come from."""

    def every(self, seconds: float, tick: Callable[[], None], *, paused: bool) -> Ticker:
        """Call ``tick`` every ``seconds`` (from the start, or once resumed)."""
        ...

    def after(self, seconds: float, tick: Callable[[], None]) -> Ticker:
        """Call ``tick`` once, ``seconds`` from now, unless stopped first."""
        ...


class TextualClock:
    """Timers on a node's own message loop: what the app runs."""

    def __init__(self, node: DOMNode) -> None:
        self.node = node

    def every(self, seconds: float, tick: Callable[[], None], *, paused: bool) -> Ticker:
        return self.node.set_interval(seconds, tick, pause=paused)

    def after(self, seconds: float, tick: Callable[[], None]) -> Ticker:
        return self.node.set_timer(seconds, tick)


def failure_text(error: BaseException | None, group: str) -> str:
    """What to tell the learner when ``group``'s run failed with ``error``."""
    if isinstance(error, SimParamError):
        return str(error)
    if isinstance(error, MemoryError):
        return not_enough_memory("this run", LAB_MEMORY_KNOBS)
    return f"the {group} run failed: {error!r}"


class LabPane(TabPane):
    """One tab of the lab. Subclasses name their experiment and title, compose their plots,
    offer their actions as ``action_*`` methods, and say what they run in `state`."""

    #: The tab's id, the experiment a note or a copied command names.
    EXPERIMENT: ClassVar[Experiment]
    #: The tab's label.
    TITLE: ClassVar[str]
    #: Makes the pane's clock (tests install a hand-driven one).
    CLOCK: ClassVar[Callable[[DOMNode], Clock]] = TextualClock

    def __init__(self) -> None:
        super().__init__(self.TITLE, id=self.EXPERIMENT)
        self.clock = type(self).CLOCK(self)
        #: Whether this tab is the one in front (the screen keeps it up to date).
        self.showing = False

    def side(self) -> Iterable[Widget]:
        """The widgets this tab adds to the lab's side column (the screen composes them
        there, beside the tabs; the pane binds them to its reactives when it mounts)."""
        return ()

    def shown(self) -> None:
        """The tab has just come to the front: start whatever it shows."""

    def hidden(self) -> None:
        """Another tab has just come to the front: stop what only this one needed."""

    def state(self) -> SimParams | TrainParams:
        """The parameters this tab runs, as its command and a note anchored to it name them."""
        raise NotImplementedError

    def offers(self, action: str, parameters: tuple[object, ...] = ()) -> bool | None:
        """Whether the tab answers ``action`` now (``None``: shown, but disabled)."""
        if not callable(getattr(self, f"action_{action}", None)):
            return False
        return self.check_action(action, parameters)

    def failed(self, text: str) -> None:
        """This tab's worker failed with ``text`` (already shown in a notification)."""

    def stop(self) -> None:
        """Cancel whatever this tab is running."""
        self.workers.cancel_node(self)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.node is not self:
            return
        self.report_failure(failure_text(event.worker.error, event.worker.group))

    def report_failure(self, text: str) -> None:
        """Say that this tab's run failed with ``text``, and let the tab show it."""
        self.notify(text, title="Cannot run", severity="error", timeout=8, markup=False)
        self.failed(text)


class KnobPane(LabPane):
    """A tab steered by knobs of its own: ↑↓ pick one, ←→ turn it, ``r`` reseeds. Every
    change goes through `propose`, which hands valid parameters to `apply`."""

    #: The knobs, in the order the side panel lists them.
    KNOBS: ClassVar[Sequence[Knob]]
    #: The row of the knob ←→ turn.
    selected: var[int] = var(0)

    def propose(self, change: Callable[[Any], Any]) -> None:
        """Apply ``change`` (old parameters → new ones) to what the tab runs, or say why
        the parameters it asks for cannot be."""
        try:
            params = change(self.state())
        except SimParamError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        if params != self.state():
            self.apply(params)

    def apply(self, params: Any) -> None:
        """Run the tab on new, valid ``params``."""
        raise NotImplementedError

    def action_select(self, direction: int) -> None:
        self.selected = (self.selected + direction) % len(self.KNOBS)

    def action_change(self, direction: int) -> None:
        knob = self.KNOBS[self.selected]
        self.propose(lambda params: knob.turn(params, direction))

    def action_reseed(self) -> None:
        self.propose(lambda params: replace(params, seed=params.seed + 1))
