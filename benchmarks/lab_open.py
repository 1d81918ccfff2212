"""Opening the lab from the map (`L`) until both Signal plots are painted, in a real pty.

    python benchmarks/lab_open.py

`restutor` starts in a pseudo-terminal (100×30, a fresh database) and waits on the
map; then `L` is written to the terminal and the clock runs until the second panel's
title has appeared in what restutor writes *with its curves*: the legend line below
the plots (drawn from the same run, in the same frame) names the "layer cursor".
The median of several openings, each in a fresh process (so nothing is warm but the
bytecode), is printed against the bar (≤ 0.3 s). Nothing here is asserted by the
test suite.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from pty_run import drain, in_a_terminal, read_until, terminal_env

BAR_SECONDS = 0.3
RUNS = 7
#: The map is up (its first lesson level is drawn).
MAP_TEXT = b"level 1"
#: The Signal tab's legend: drawn only once the run is there, in the plots' frame.
PLOTS_TEXT = b"cursor"


def time_lab_open(env: dict[str, str]) -> float:
    """Seconds from writing `L` on the map until the lab's plots are painted."""
    with in_a_terminal([sys.executable, "-m", "tutor"], env) as master:
        read_until(master, MAP_TEXT, time.perf_counter())
        time.sleep(0.5)  # let the map finish its first frames
        drain(master)
        start = time.perf_counter()
        os.write(master, b"L")
        read_until(master, PLOTS_TEXT, start)
        return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = terminal_env(folder)
        time_lab_open(env)  # warm-up: compiles and caches the bytecode
        times = [time_lab_open(env) for _ in range(RUNS)]
    median = statistics.median(times)
    print(
        f"map → lab plots painted, median of {RUNS} in a 100×30 pty: {median * 1e3:.0f} ms "
        f"(min {min(times) * 1e3:.0f}, max {max(times) * 1e3:.0f}); bar ≤ "
        f"{BAR_SECONDS * 1e3:.0f} ms: {'yes' if median <= BAR_SECONDS else 'NO'}"
    )


if __name__ == "__main__":
    main()
