"""``restutor serve`` run as a learner runs it, in its own process group, for the server tests
and the browser test: started on a free port, waited on (never slept on), killed with its
group whatever happens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: How long a condition may take on a loaded two-core machine before the test fails.
PATIENCE = 90.0


def poll_until(condition: Callable[[], bool], what: str) -> None:
    """Until ``condition()``, asked every 50 ms, for at most ``PATIENCE`` seconds."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        threading.Event().wait(0.05)


def until_serving(port: int, process: subprocess.Popen[str]) -> None:
    """Until ``port`` answers; a server that exits first fails at once, with its stderr."""

    def ready() -> bool:
        if process.poll() is not None:
            _, stderr = process.communicate()
            raise AssertionError(f"the server exited ({process.returncode}): {stderr}")
        return answers(port)

    poll_until(ready, f"port {port} to answer")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def group_alive(group: int) -> bool:
    """Whether any process of the group is left (the server's app processes are in it)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def group_members(group: int) -> list[int]:
    """The processes in ``group`` (Linux: read from /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            members.append(int(stat.parent.name))
    return members


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def served(*words: str) -> Iterator[Served]:
    """``restutor serve --port FREE WORDS…`` answering on its port; on the way out its whole
    process group (the server and every tutor it started) is killed."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tutor", "serve", "--port", str(port), *words],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        until_serving(port, process)
        yield Served(process, port)
    finally:
        if process.poll() is None or group_alive(process.pid):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.communicate()
