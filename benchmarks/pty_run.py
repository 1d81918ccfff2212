"""A program in a real pseudo-terminal (100×30), for the benchmarks that time what a
learner sees: start it, read what it writes until a piece of text appears, stop it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

#: The benchmarks' terminal: the size the README's tmux checks use.
ROWS, COLUMNS = 30, 100


def terminal_env(folder: str) -> dict[str, str]:
    """The environment of a run: a real terminal's, a fresh database in ``folder``, and
    bytecode caching on (a learner's second start finds restutor compiled)."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["RESTUTOR_DB"] = str(Path(folder) / "bench.db")
    return env


@contextlib.contextmanager
def in_a_terminal(command: list[str], env: dict[str, str]) -> Iterator[int]:
    """Run ``command`` in a pty; yields the terminal's master end; kills it after."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    proc = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    try:
        yield master
    finally:
        proc.kill()
        proc.wait()
        os.close(master)


def read_until(master: int, needle: bytes, start: float, limit: float = 30) -> bytes:
    """What the program writes until ``needle`` is in it (``limit`` seconds after
    ``start`` at most)."""
    seen = b""
    while needle not in seen:
        if time.perf_counter() - start > limit:
            raise TimeoutError(f"{needle!r} never appeared")
        ready, _, _ = select.select([master], [], [], 0.01)
        if ready:
            seen += os.read(master, 65536)
    return seen


def drain(master: int) -> None:
    """Read away what the program has written so far."""
    while select.select([master], [], [], 0.05)[0]:
        os.read(master, 65536)
