"""Helpers for pilot tests that never race the machine they run on.

Textual's ``pilot.press`` and ``pilot.pause`` wait until the process looks idle (its CPU
time stops moving), and ``workers.wait_for_complete`` waits only for the workers that
already exist. On a loaded machine either can return before the thing a test is about
has happened: a screen just pushed has not started its worker, a result message is
still queued. So a test waits for the *condition* it is about (`wait_for`), never for
a time, and lab timers run on a clock the test drives by hand (`ManualClock`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from textual.pilot import Pilot
from textual.worker import WorkerError

#: How many rounds (every worker done, then every queued message handled) `wait_for`
#: allows before it gives up: far more than any condition here needs (two or three),
#: and a count, not a time, so a slow machine only makes each round longer.
ROUNDS = 200


async def settle(pilot: Pilot) -> None:
    """One round: wait for every worker, then handle what they and the keys queued.

    A worker that was cancelled or failed raises from ``wait_for_complete``; that is the
    screen's to handle (its failure handler runs as a message), so it only ends the wait.
    """
    with contextlib.suppress(WorkerError):
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str = "") -> None:
    """Settle until ``condition()`` holds; fail, naming ``what``, if it never does."""
    for _ in range(ROUNDS):
        if condition():
            return
        await settle(pilot)
    if condition():
        return
    raise AssertionError(f"still not true after {ROUNDS} rounds: {what or condition}")


async def press(pilot: Pilot, *keys: str) -> None:
    """Press ``keys`` and return once each one's binding has run.

    A key travels through a message queue per node: the app's, then the focused widget's
    (the screen's, in the lab, where nothing takes focus) and each of its ancestors' up
    to the app again, where the bindings are checked. ``pilot.press`` waits for the
    first of them only by an idleness guess; each ``pause`` handles everything queued
    when it starts, so one more per node carries every key through, however slow the
    machine.
    """
    await pilot.press(*keys)
    target = pilot.app.focused or pilot.app.screen
    for _ in target.ancestors_with_self:
        await pilot.pause()


async def resize(pilot: Pilot, width: int, height: int) -> None:
    """Resize the terminal and return once the screen is laid out at the new size.

    Textual hands a resize to the screen only after a short timer (resizes in a burst
    collapse into the last one), so ``resize_terminal`` returns before the screen knows.
    """
    await pilot.resize_terminal(width, height)
    await wait_for(
        pilot,
        lambda: pilot.app.screen.outer_size == (width, height),
        f"the screen laid out at {width}×{height}",
    )


class ManualTicker:
    """A timer that fires only when the test calls `tick` (pause, resume, stop as Textual's)."""

    def __init__(self, seconds: float, callback: Callable[[], None], *, paused: bool, repeat: bool):
        self.seconds, self.callback, self.repeat = seconds, callback, repeat
        self.active = not paused
        self.stopped = False

    def pause(self) -> None:
        self.active = False

    def resume(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active, self.stopped = False, True

    def tick(self, times: int = 1) -> None:
        """What the real timer would do at ``times`` expiries (nothing while paused or stopped)."""
        for _ in range(times):
            if self.stopped or not self.active:
                return
            self.callback()
            if not self.repeat:
                self.stop()


class ManualClock:
    """A pane's clock in tests (``LabPane.CLOCK``): it keeps every timer asked of it."""

    def __init__(self, node: object = None) -> None:
        self.timers: list[ManualTicker] = []

    def every(self, seconds: float, tick: Callable[[], None], *, paused: bool) -> ManualTicker:
        self.timers.append(ManualTicker(seconds, tick, paused=paused, repeat=True))
        return self.timers[-1]

    def after(self, seconds: float, tick: Callable[[], None]) -> ManualTicker:
        self.timers.append(ManualTicker(seconds, tick, paused=False, repeat=False))
        return self.timers[-1]

    @property
    def interval(self) -> ManualTicker:
        """The one repeating timer not stopped (the Signal tab's player)."""
        [live] = [t for t in self.timers if t.repeat and not t.stopped]
        return live

    def pending(self) -> list[ManualTicker]:
        """The one-shot timers still waiting to fire."""
        return [t for t in self.timers if not t.repeat and not t.stopped]
