"""The lab's Lesion tab: key press → the new network's lesion on screen, at the lab defaults.

    python benchmarks/lab_lesion.py

The lab runs headless (``App.run_test``, 120×40) on its Lesion tab. Each sample turns
alpha one step up (0.2, 0.25, … : every sample a network not shown before) and times
until the lesion plot has rendered the lesion of the network the key asked for. Two
ways, each in an app of its own:

- as a learner steps a knob and reads the plot: before each key the tab's look-ahead
  (the networks one step of the knob away, lesioned in the background) is waited for,
  so the key shows a lesion made ahead;
- a network not lesioned ahead (the look-ahead switched off): the key handled, every
  block deleted in turn in both variants on the lab's weights (in the tab's worker),
  the result handled and the plot drawn.

Beside them, the lesion alone outside the app (weights held, buffers kept), as
``benchmarks/run.py`` times it. Medians are printed against the bar (≤ 50 ms).
Nothing here is asserted by the test suite.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from textual.app import App
from textual.worker import WorkerState

from tutor.sim import SimParams, Simulator, Workspace, lesion_blocks
from tutor.ui.screens.lab import LabScreen
from tutor.ui.screens.lab.lesion import LesionPane
from tutor.ui.widgets.lesion_plot import LesionPlot

BAR_MS = 50.0
SAMPLES = 21
SIZE = (120, 40)


class LesionLab(App[None]):
    def on_mount(self) -> None:
        self.push_screen(LabScreen(SimParams(), experiment="lesion"))


def looking_ahead(pane: LesionPane) -> bool:
    return any(
        worker.group == "ahead" and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
        for worker in pane.workers
    )


async def key_to_lesion(ahead: bool) -> list[float]:
    rendered: list[tuple[object, float]] = []
    changed = asyncio.Event()
    render = LesionPlot.render

    def watched(plot: LesionPlot):
        result = render(plot)
        rendered.append((plot.result, time.perf_counter()))
        changed.set()
        return result

    LesionPlot.render = watched  # type: ignore[method-assign]
    app = LesionLab()
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LabScreen)

        async def shown() -> float:
            while True:
                lesion = screen.lesion.result
                if lesion is not None and lesion.params == screen.lesion.params:
                    hits = [at for result, at in rendered if result is lesion]
                    if hits:
                        return hits[0]
                changed.clear()
                await changed.wait()

        await shown()
        while screen.lesion.selected != 2:  # alpha's row
            await pilot.press("down")
        for index in range(SAMPLES + 2):  # the first two warm the path up
            await pilot.pause(0.05)
            while ahead and looking_ahead(screen.lesion):
                await pilot.pause(0.01)
            start = time.perf_counter()
            await pilot.press("right")
            at = await shown()
            if index >= 2:
                samples.append((at - start) * 1e3)
    return samples


def alone_ms() -> float:
    simulator, space, params = Simulator(), Workspace(), SimParams()
    lesion_blocks(params, simulator, workspace=space)
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        lesion_blocks(params, simulator, workspace=space)
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def main() -> None:
    for ahead, way in ((True, "lesioned ahead"), (False, "not lesioned ahead")):
        if not ahead:
            LesionPane._look_ahead = lambda pane: None  # type: ignore[method-assign]
        samples = asyncio.run(key_to_lesion(ahead))
        median = statistics.median(samples)
        print(
            f"lesion tab, key press → new lesion on screen ({way}), 120×40, median of "
            f"{SAMPLES}: {median:.1f} ms (p90 {statistics.quantiles(samples, n=10)[-1]:.1f}); "
            f"bar ≤ {BAR_MS:.0f} ms: {'yes' if median <= BAR_MS else 'NO'}"
        )
    print(f"the lesion alone, weights held: {alone_ms():.1f} ms")


if __name__ == "__main__":
    main()
