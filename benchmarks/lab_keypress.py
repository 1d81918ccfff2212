"""The lab: key press → new plot on screen, in-process, at the lab defaults.

    python benchmarks/lab_keypress.py

The lab runs headless (``App.run_test``, 120×40). Each sample presses one key
and times until both panels have rendered the run the key asked for: the key
handled, both variants simulated in the worker thread, the result message
handled, both plots rebuilt in the next frame. (The pilot's own settling after
a key press is not counted: the clock stops when the second panel renders.)
The median of each kind of key is printed beside the DESIGN bar (≤ 50 ms), with
its two big parts (simulating both variants with the weights cached, rendering
both plotext panels), and the same two parts timed outside the app. Nothing
here is asserted by the test suite.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import statistics
import time

from rich.console import Console
from rich.table import Table
from textual.app import App

from tutor.plot import draw_norm_panel
from tutor.sim import SimParams, Simulator, run_both
from tutor.ui.screens.lab import LabScreen
from tutor.ui.screens.lab import signal as signal_pane
from tutor.ui.widgets.lab_controls import KNOBS
from tutor.ui.widgets.norm_plot import NormPlot

BAR_MS = 50.0
SAMPLES = 21
SIZE = (120, 40)
KNOB_ROWS = {knob.field: row for row, knob in enumerate(KNOBS)}
#: Each kind of key: the parameter row to select first, and the keys to alternate.
KEYS = {
    "alpha change (→/←)": ("alpha", ("right", "left")),
    "skip toggle (t)": ("alpha", ("t",)),
    "norm change (→)": ("norm", ("right",)),
}


class _RenderWatch:
    """Notes what each panel last rendered and when, and how long the parts took.

    Wraps ``NormPlot.render`` and the Signal tab's ``run_both`` (as its worker calls it).
    """

    def __init__(self) -> None:
        self.rendered: dict[str, tuple[object, float]] = {}
        self.changed = asyncio.Event()
        self.simulate_ms: list[float] = []
        self.render_ms: list[float] = []
        render_panel, simulate = NormPlot.render, signal_pane.run_both

        def render(plot: NormPlot):
            start = time.perf_counter()
            result = render_panel(plot)
            self.render_ms.append((time.perf_counter() - start) * 1e3)
            self.rendered[plot.which] = (plot.run, time.perf_counter())
            self.changed.set()
            return result

        def run_both_timed(*args, **kwargs):
            start = time.perf_counter()
            result = simulate(*args, **kwargs)
            self.simulate_ms.append((time.perf_counter() - start) * 1e3)
            return result

        NormPlot.render = render  # type: ignore[method-assign]
        signal_pane.run_both = run_both_timed

    async def both_show(self, screen: LabScreen) -> float:
        """Wait until both panels have rendered the current run; return when the last did."""
        while not (
            screen.run is not None
            and screen.run.params == screen.params
            and len(self.rendered) == 2
            and all(run is screen.run for run, _ in self.rendered.values())
        ):
            self.changed.clear()
            await self.changed.wait()
        return max(at for _, at in self.rendered.values())


class LabApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(LabScreen(SimParams()))


@dataclasses.dataclass
class KeyTimings:
    """One kind of key: its key → plot times and, per sample, the two big parts."""

    total_ms: list[float] = dataclasses.field(default_factory=list)
    simulate_ms: list[float] = dataclasses.field(default_factory=list)
    render_ms: list[float] = dataclasses.field(default_factory=list)


async def key_to_plot(watch: _RenderWatch) -> dict[str, KeyTimings]:
    app = LabApp()
    timings: dict[str, KeyTimings] = {}
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LabScreen)
        await watch.both_show(screen)
        for name, (field, keys) in KEYS.items():
            while screen.signal.selected != KNOB_ROWS[field]:
                await pilot.press("down")
            kind = timings[name] = KeyTimings()
            for index in range(SAMPLES + 2):  # the first two warm the path up
                await pilot.pause(0.05)  # let the last sample's frame settle
                watch.simulate_ms.clear()
                watch.render_ms.clear()
                start = time.perf_counter()
                await pilot.press(keys[index % len(keys)])
                shown = await watch.both_show(screen)
                if index >= 2:
                    kind.total_ms.append((shown - start) * 1e3)
                    kind.simulate_ms.append(sum(watch.simulate_ms))
                    kind.render_ms.append(sum(watch.render_ms))
    return timings


def median_ms(fn) -> float:
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def parts_alone_ms() -> tuple[float, float]:
    """An alpha change simulated (weights cached) and both panels built, outside the app."""
    from textual_plotext.plot import Plot

    simulator = Simulator()
    alphas = itertools.cycle([0.25, 0.2])
    run = run_both(simulator, SimParams())

    def build_panels() -> None:
        for which in ("forward", "backward"):
            fig = Plot()
            fig.plotsize(78, 18)
            draw_norm_panel(fig, run.current, which, counterpart=run.counterpart, cursor=0)
            fig.build()

    simulate = median_ms(lambda: run_both(simulator, SimParams(alpha=next(alphas))))
    return simulate, median_ms(build_panels)


def main() -> None:
    timings = asyncio.run(key_to_plot(_RenderWatch()))
    simulate_alone, build_alone = parts_alone_ms()
    table = Table(title=f"lab: key press → new plot on screen, 120×40, median of {SAMPLES}")
    columns = ("key", "median ms", "p90 ms", "simulate ms", "render plots ms", "bar ms", "within")
    for column in columns:
        table.add_column(column, justify="left" if column == "key" else "right")
    for name, kind in timings.items():
        median = statistics.median(kind.total_ms)
        table.add_row(
            name,
            f"{median:.1f}",
            f"{statistics.quantiles(kind.total_ms, n=10)[-1]:.1f}",
            f"{statistics.median(kind.simulate_ms):.1f}",
            f"{statistics.median(kind.render_ms):.1f}",
            f"{BAR_MS:.0f}",
            "yes" if median <= BAR_MS else "NO",
        )
    console = Console(width=100)
    console.print(table)
    console.print(
        f"outside the app: both variants of an alpha change simulated in {simulate_alone:.1f} ms, "
        f"both panels built in {build_alone:.1f} ms"
    )


if __name__ == "__main__":
    main()
