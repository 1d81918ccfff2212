"""`restutor` to its first painted screen, against a bare Textual hello-world, in a real pty.

    python benchmarks/startup.py

Each command is started in a pseudo-terminal (100×30) and timed until a piece of
its first screen's text appears in what it writes; the median of several runs is
printed with the ratio. Nothing here is asserted by the test suite.

Every command runs once untimed first, with bytecode caching on: a learner's second
start finds restutor's modules compiled (in ``__pycache__`` beside them), as Textual's
already are in site-packages. Without this, an environment that sets
``PYTHONDONTWRITEBYTECODE`` (as some sandboxes do) charges every start for compiling
restutor's sources, and only them.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from pty_run import in_a_terminal, read_until, terminal_env

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello from textual")

Hello().run()
"""
RUNS = 5


def time_to_text(command: list[str], needle: bytes, env: dict[str, str]) -> float:
    """Seconds from start until ``needle`` shows up in the program's terminal output."""
    start = time.perf_counter()
    with in_a_terminal(command, env) as master:
        read_until(master, needle, start, limit=20)
        return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = terminal_env(folder)
        hello = Path(folder) / "hello.py"
        hello.write_text(HELLO)
        cases = {
            "bare Textual hello-world": ([sys.executable, str(hello)], b"hello from textual"),
            "restutor (the map)": ([sys.executable, "-m", "tutor"], b"level 1"),
            "restutor residual-connections": (
                [sys.executable, "-m", "tutor", "residual-connections"],
                b"Intuition",
            ),
        }
        for command, needle in cases.values():
            time_to_text(command, needle, env)  # warm-up: compiles and caches the bytecode
        times = {
            name: statistics.median(time_to_text(cmd, needle, env) for _ in range(RUNS))
            for name, (cmd, needle) in cases.items()
        }
    base = times["bare Textual hello-world"]
    print(f"first painted screen, median of {RUNS} runs in a 100×30 pty:")
    for name, seconds in times.items():
        ratio = seconds / base
        bars = (
            ""
            if name.startswith("bare")
            else (
                f"   bars: < 1 s {'yes' if seconds < 1 else 'NO'}, "
                f"≤ 1.5× hello {'yes' if ratio <= 1.5 else 'NO'}"
            )
        )
        print(f"  {name:32} {seconds * 1e3:6.0f} ms  {ratio:4.2f}× hello{bars}")


if __name__ == "__main__":
    main()
