"""What the headless commands write to a terminal: when to use colour, the Rich console on
standard output, and the progress bar on standard error.

Rich is imported inside each helper, so a command that prints plain text or JSON
never pays for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from tutor.sim import Progress


def color_wanted(stream: object) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    return "NO_COLOR" not in os.environ and getattr(stream, "isatty", lambda: False)()


def stdout_console(*, soft_wrap: bool = True) -> tuple[Console, bool]:
    """A Rich console on standard output, and whether it (and the plots) may use colour."""
    from rich.console import Console

    color = color_wanted(sys.stdout)
    return Console(no_color=not color, highlight=False, soft_wrap=soft_wrap), color


@contextmanager
def progress_bar(enabled: bool, what: str = "simulating") -> Iterator[Progress | None]:
    """A ``progress(done, total)`` callback drawing a Rich bar on stderr, or None.

    On stderr, because stdout may be a pipe carrying ``--json`` while stderr is the
    terminal; transient, so nothing of it stays once the result is printed.
    """
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
