"""What the headless commands write to a terminal: when to use colour (and, for the TUI, the
same reading of ``NO_COLOR``), the Rich console on standard output, and the progress bar on
standard error.

Rich is imported inside each helper, so a command that prints plain text or JSON
never pays for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from tutor.sim import Progress


def _is_terminal(stream: object) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


def color_wanted(stream: object) -> bool:
    """Colour on a terminal; never with a non-empty ``NO_COLOR`` (no-color.org), and even
    through a pipe with a non-empty ``FORCE_COLOR`` (force-color.org). An empty value of
    either counts as unset, as both texts say. When both are set, ``NO_COLOR`` wins: the
    learner who turned colour off for good is not overruled (Rich decides so too)."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or _is_terminal(stream)


def follow_no_color(environ: MutableMapping[str, str]) -> None:
    """Only a non-empty ``NO_COLOR`` turns colour off (no-color.org), as in the CLI; Textual
    takes the variable's mere presence for it, so an empty one is dropped first."""
    if environ.get("NO_COLOR") == "":
        del environ["NO_COLOR"]


def stdout_console(*, soft_wrap: bool = True) -> tuple[Console, bool]:
    """A Rich console on standard output, and whether it (and the plots) may use colour.

    Both are decided here, not by Rich's own reading of the environment: forced colour
    makes the console draw as on a terminal even through a pipe."""
    from rich.console import Console

    color = color_wanted(sys.stdout)
    console = Console(
        no_color=not color,
        force_terminal=color or _is_terminal(sys.stdout),
        highlight=False,
        soft_wrap=soft_wrap,
    )
    return console, color


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
