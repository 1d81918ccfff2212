"""The lab's Train tab against `restutor train` for the same runs (the defaults).

    python benchmarks/lab_train.py

Three timings, taken in turn in each of several rounds so that a machine shared with
other work loads them alike: `restutor train --json` as a whole process; ``train()`` in
process (the same arithmetic, no plot); and the lab's Train tab headless
(``App.run_test``, 120×40) from the key that brings it forward, which starts the
training, until the finished curves are on screen. Printed: the median of each, and the
median of the rounds' ratios tab / command against the bar (≤ 1.3×). Nothing here is
asserted by the test suite.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time

from textual.app import App

from tutor.sim import SimParams, TrainParams, train
from tutor.ui.screens.lab import LabScreen

BAR_RATIO = 1.3
RUNS = 5
SIZE = (120, 40)


class TrainLab(App[None]):
    def on_mount(self) -> None:
        self.push_screen(LabScreen(SimParams()))


async def tab_seconds() -> float:
    """From `[` on the open lab, which brings the Train tab forward and starts it
    training the defaults, to its finished curves on screen (as a learner waits)."""
    app = TrainLab()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LabScreen)
        while screen.run is None:  # the lab is open, its Signal plots drawn
            await pilot.pause(0.02)
        start = time.perf_counter()
        await pilot.press("left_square_bracket")
        while True:
            result = screen.train.result
            if result is not None and result.complete and not screen.train.is_training():
                return time.perf_counter() - start
            await pilot.pause(0.02)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    command = [sys.executable, "-m", "tutor", "train", "--json"]
    rounds = [
        (
            timed(lambda: subprocess.run(command, check=True, capture_output=True)),
            timed(lambda: train(TrainParams())),
            asyncio.run(tab_seconds()),
        )
        for _ in range(RUNS)
    ]
    cli, in_process, tab = (statistics.median(column) for column in zip(*rounds, strict=True))
    ratio = statistics.median(tab / cli for cli, _, tab in rounds)
    print(f"training at the defaults, median of {RUNS} rounds:")
    print(f"  `restutor train --json` process  {cli:6.2f} s")
    print(f"  train() in process               {in_process:6.2f} s")
    print(
        f"  the lab's Train tab, headless    {tab:6.2f} s   {ratio:.2f}× the command "
        f"(bar ≤ {BAR_RATIO}×: {'yes' if ratio <= BAR_RATIO else 'NO'})"
    )


if __name__ == "__main__":
    main()
