"""Running a code witness (or the learner's own code) in a bounded child process.

A lesson's code is a program, and a lesson file may come from anyone. So it never runs
in this process, and the child it runs in is bounded every way it could hurt: it leads
a process group of its own, and the whole group is killed at the time limit, on
``cancel`` and when the output passes its cap, so nothing it spawned outlives the run;
its CPU time and address space are capped with ``setrlimit`` before the code starts;
its environment holds only what Python needs (no tokens, no ``HOME``); it starts in an
empty scratch folder, in isolated mode (``-I``). Output is read as it comes, so a
program that prints without end costs a megabyte, not the machine.

On Windows there is no ``setrlimit`` and no process group to kill: the program still
runs in a child with the same environment, time limit and output cap, and ``cancel``
kills the child itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from tutor.text import visible

#: Why a run was stopped before its program finished on its own.
Stopped = Literal["time", "cancelled", "output"]

_POSIX = os.name == "posix"

#: Runs in the child before the lesson's code: the limits are set in the child itself
#: (a ``preexec_fn`` is unsafe in a process with threads), then the interpreter is
#: replaced by a fresh one running the program, which keeps the limits.
_BOOTSTRAP = """\
import os, resource, sys
def cap(kind, soft, hard):
    ceiling = resource.getrlimit(kind)[1]
    if ceiling != resource.RLIM_INFINITY:
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    resource.setrlimit(kind, (soft, hard))
cpu, memory = int(sys.argv[1]), int(sys.argv[2])
cap(resource.RLIMIT_CPU, cpu, cpu + 1)
cap(resource.RLIMIT_AS, memory, memory)
cap(resource.RLIMIT_CORE, 0, 0)
os.execv(sys.executable, [sys.executable, "-I", "-X", "utf8", *sys.argv[3:]])
"""

#: What the child may see of the parent's environment (besides the variables set below).
_PASSED_ON = ("PATH", "SYSTEMROOT", "WINDIR")


@dataclass(frozen=True)
class Limits:
    """What one run may use. The memory cap is the address space: importing NumPy with
    one BLAS thread takes about 150 MB of it, so 1 GiB leaves room for real arrays."""

    seconds: float = 30.0
    cpu_seconds: int = 20
    memory_bytes: int = 1 << 30
    output_bytes: int = 1_000_000


@dataclass(frozen=True)
class RunOutcome:
    """What a run printed (decoded, never raising on bad bytes) and how it ended."""

    stdout: str
    stderr: str
    #: The exit status (negative: the signal that ended it); None when we stopped it.
    returncode: int | None
    stopped: Stopped | None = None
    limits: Limits = Limits()

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0 and self.stopped is None

    def failure(self) -> str | None:
        """One line saying why the run failed, or None if it did not."""
        if self.stopped == "output":
            return f"output cut at {self.limits.output_bytes / 1e6:g} MB, and the program stopped"
        if self.stopped == "time":
            return f"stopped after {self.limits.seconds:g} s"
        if self.stopped == "cancelled":
            return "stopped"
        if self.returncode is None or self.returncode == 0:
            return None
        if _POSIX and self.returncode == -signal.SIGXCPU:
            return f"stopped: it used up its {self.limits.cpu_seconds} s of CPU time"
        if self.returncode < 0:
            return f"killed by signal {-self.returncode}"
        if "MemoryError" in self.stderr[-2000:]:
            memory = self.limits.memory_bytes / 2**30
            return f"ran out of memory (the limit is {memory:g} GiB); exited with {self.returncode}"
        return f"exited with {self.returncode}"


def child_environment(scratch: Path) -> dict[str, str]:
    """The whole environment the program sees: a path, a locale, one BLAS thread, and the
    scratch folder as its home and temporary folder."""
    env = {name: os.environ[name] for name in _PASSED_ON if name in os.environ}
    env.update(
        {
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "HOME": str(scratch),
            "TMPDIR": str(scratch),
            "TEMP": str(scratch),
            "TMP": str(scratch),
        }
    )
    return env


class Run:
    """One program running in its own bounded process: ``wait`` for its outcome from a
    worker thread, ``cancel`` it from any thread (it dies at once, with its children)."""

    def __init__(
        self,
        code: str,
        limits: Limits | None = None,
        *,
        argv: Sequence[str] = (),
        files: Mapping[str, str] | None = None,
    ) -> None:
        """Run ``code`` with ``argv`` as its arguments, ``files`` (name → text) beside it."""
        self.limits = limits or Limits()
        self._scratch = tempfile.TemporaryDirectory(
            prefix="restutor-run-", ignore_cleanup_errors=True
        )
        scratch = Path(self._scratch.name)
        for name, text in (files or {}).items():
            (scratch / name).write_text(text, encoding="utf-8")
        script = scratch / "witness.py"
        script.write_text(code, encoding="utf-8")
        if _POSIX:
            cpu, memory = self.limits.cpu_seconds, self.limits.memory_bytes
            bounds = [str(cpu), str(memory)]
            command = [sys.executable, "-I", "-c", _BOOTSTRAP, *bounds, str(script), *argv]
        else:
            command = [sys.executable, "-I", "-X", "utf8", str(script), *argv]
        self._lock = threading.Lock()
        self._done = threading.Event()  # both streams closed, or the run stopped
        self._stopped: Stopped | None = None
        self._output = {"stdout": bytearray(), "stderr": bytearray()}
        self._open_streams = 2
        try:
            self._process = subprocess.Popen(
                command,
                cwd=scratch,
                env=child_environment(scratch),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=_POSIX,
                creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
            )
        except OSError:
            self._scratch.cleanup()
            raise
        self.pid = self._process.pid
        for name, stream in (("stdout", self._process.stdout), ("stderr", self._process.stderr)):
            assert stream is not None
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()
        if hasattr(os, "waitid"):
            threading.Thread(target=self._end_with_the_program, daemon=True).start()

    def _end_with_the_program(self) -> None:
        """When the program ends, so does everything it started: a child still holding
        its output would otherwise keep the run open to its time limit. The program is
        waited for without being reaped (``WNOWAIT``), so its group id stays its own
        until the group is killed."""
        try:
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            return  # reaped already: the run is over
        self._kill()

    def cancel(self) -> None:
        """Stop the program now, and everything it started (safe to call at any time)."""
        self._stop("cancelled")

    def wait(self) -> RunOutcome:
        """Block until the program ends, is cut off or stopped; then nothing of it is left."""
        if not self._done.wait(self.limits.seconds):
            self._stop("time")
        # Whatever ended the run, kill the group before reaping its leader (so its id
        # cannot have been reused): a child that closed its output and lingers dies too.
        self._kill()
        returncode = self._process.wait()
        with self._lock:
            stopped = self._stopped
            stdout, stderr = (bytes(self._output[k]) for k in ("stdout", "stderr"))
        self._scratch.cleanup()
        return RunOutcome(
            stdout.decode("utf-8", errors="replace"),
            stderr.decode("utf-8", errors="replace"),
            None if stopped else returncode,
            stopped,
            self.limits,
        )

    def _stop(self, why: Stopped) -> None:
        with self._lock:
            if self._stopped is None and not self._done.is_set():
                self._stopped = why
        self._kill()
        self._done.set()

    def _kill(self) -> None:
        try:
            if _POSIX:
                os.killpg(self.pid, signal.SIGKILL)
            else:
                self._process.kill()
        except (ProcessLookupError, PermissionError):
            pass  # the group is already gone

    def _read(self, name: str, stream: IO[bytes]) -> None:
        """Collect one stream as it comes, up to the shared cap; past it, stop the run."""
        cap = self.limits.output_bytes
        read = getattr(stream, "read1", stream.read)
        try:
            while chunk := read(65536):
                with self._lock:
                    room = cap - sum(len(b) for b in self._output.values())
                    self._output[name] += chunk[: max(room, 0)]
                if len(chunk) > room:
                    self._stop("output")
                    return
        except (OSError, ValueError):
            pass  # the stream was closed under us
        finally:
            stream.close()
            with self._lock:
                self._open_streams -= 1
                finished = self._open_streams == 0
            if finished:
                self._done.set()


def run_code(code: str, limits: Limits | None = None) -> RunOutcome:
    """Run ``code`` to its end (or its limits) and return what it printed."""
    return Run(code, limits).wait()


def _canonical(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    return visible("\n".join(line.rstrip() for line in lines).rstrip("\n"))


def output_matches(actual: str, expected: str) -> bool:
    """Does ``actual`` say what ``expected`` says? Line endings, spaces at the end of a
    line and blank lines at the end do not count; control characters are compared as
    the stand-ins the learner sees."""
    return _canonical(actual) == _canonical(expected)
