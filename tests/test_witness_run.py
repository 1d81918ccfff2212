"""The bounded runner: what a lesson's code may use, and that nothing of it outlives a run.

No test here waits on the clock. A test that needs the program to reach a point waits
for the program to say so through a FIFO; a test that needs a process to be dead waits
on its pidfd (readable once it has ended). The long timeout on those waits is only a
backstop that turns a hang into a failure.
"""

import os
import select
import signal
import sys
import threading
from pathlib import Path

import pytest

from tutor.lessons.witness_run import Limits, Run, output_matches, run_code

#: How long a condition wait may take before the test calls it a hang.
BACKSTOP = 120

linux_only = pytest.mark.skipif(
    not hasattr(os, "pidfd_open"), reason="waits on pidfds and FIFOs (Linux)"
)
posix_only = pytest.mark.skipif(os.name != "posix", reason="setrlimit and process groups")


def starts_a_grandchild(fifo: Path) -> str:
    """A program that starts a long-lived child, tells its pid through ``fifo``, and waits."""
    return (
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(3600)'])\n"
        f"with open({str(fifo)!r}, 'w') as f:\n"
        "    f.write(f'{child.pid}\\n')\n"
        "child.wait()\n"
    )


def wait_until_dead(pidfd: int) -> bool:
    """True once the process behind ``pidfd`` has ended (not merely been signalled)."""
    return bool(select.select([pidfd], [], [], BACKSTOP)[0])


def read_line(fifo: Path) -> str:
    """The first line the program writes to ``fifo`` (opened read-write, so the open
    does not wait for a writer and the read waits for data, never for an end)."""
    fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    try:
        received = b""
        while not received.endswith(b"\n"):
            assert select.select([fd], [], [], BACKSTOP)[0], "the program never wrote"
            received += os.read(fd, 100)
        return received.decode()
    finally:
        os.close(fd)


def test_a_program_runs_and_its_output_comes_back():
    outcome = run_code("import sys\nprint('hello')\nprint('oops', file=sys.stderr)")
    assert outcome.succeeded and outcome.failure() is None
    assert (outcome.stdout, outcome.stderr) == ("hello\n", "oops\n")


def test_a_failing_program_says_how_it_failed():
    outcome = run_code("raise SystemExit(3)")
    assert outcome.returncode == 3 and not outcome.succeeded
    assert outcome.failure() == "exited with 3"


def test_numpy_is_there_with_one_blas_thread():
    outcome = run_code(
        "import os, numpy\nprint(numpy.ones(3).sum(), os.environ['OMP_NUM_THREADS'])"
    )
    assert outcome.stdout == "3.0 1\n", outcome.stderr


def test_no_secret_from_the_environment_reaches_the_program(monkeypatch):
    monkeypatch.setenv("RESTUTOR_TEST_SECRET", "hunter2")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_hunter2")
    outcome = run_code("import os\nprint(sorted(os.environ.items()))\nprint(os.getcwd())")
    assert "hunter2" not in outcome.stdout
    assert "RESTUTOR_TEST_SECRET" not in outcome.stdout
    home = os.path.expanduser("~")
    assert repr(("HOME", home)) not in outcome.stdout


def test_the_program_starts_in_a_scratch_folder_that_is_removed_after():
    outcome = run_code("import os\nopen('left-behind.txt', 'w').write('x')\nprint(os.getcwd())")
    scratch = Path(outcome.stdout.strip())
    assert scratch.name.startswith("restutor-run-")
    assert not scratch.exists()


def test_bytes_that_are_not_utf8_are_replaced_not_raised():
    outcome = run_code("import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe\\n')")
    assert outcome.stdout == "ok \ufffd\ufffd\n"


@linux_only
def test_300_mb_of_output_is_cut_at_the_cap_and_the_program_is_gone():
    run = Run(
        "import sys\nchunk = 'x' * 1_000_000\nfor _ in range(300):\n    sys.stdout.write(chunk)"
    )
    pidfd = os.pidfd_open(run.pid)
    outcome = run.wait()
    assert outcome.stopped == "output" and outcome.returncode is None
    assert len(outcome.stdout) + len(outcome.stderr) == Limits().output_bytes
    assert set(outcome.stdout) == {"x"}
    assert "output cut" in outcome.failure()
    assert select.select([pidfd], [], [], 0)[0], "the program still runs"


@posix_only
@pytest.mark.parametrize(
    "hog",
    ["x = bytearray(4 << 30)", "import numpy\nx = numpy.ones(1 << 29)"],
    ids=["bytes", "numpy"],
)
def test_a_memory_hog_fails_cleanly(hog):
    outcome = run_code(hog)
    assert outcome.returncode == 1 and "MemoryError" in outcome.stderr
    assert outcome.failure().startswith("ran out of memory (the limit is 1 GiB)")


@posix_only
def test_a_busy_loop_is_stopped_by_its_cpu_limit():
    # The wall-clock limit is far away: only the CPU time the program used can stop it.
    outcome = run_code("while True:\n    pass", Limits(seconds=3600, cpu_seconds=1))
    assert outcome.returncode == -signal.SIGXCPU
    assert outcome.failure() == "stopped: it used up its 1 s of CPU time"


def test_a_program_past_its_time_limit_is_stopped():
    outcome = run_code("import time\ntime.sleep(3600)", Limits(seconds=0))
    assert outcome.stopped == "time" and outcome.returncode is None
    assert outcome.failure() == "stopped after 0 s"


@linux_only
def test_cancel_kills_what_the_program_started(tmp_path):
    fifo = tmp_path / "pid"
    os.mkfifo(fifo)
    code = starts_a_grandchild(fifo)
    run = Run(code)
    grandchild = int(read_line(fifo))
    pidfds = [os.pidfd_open(grandchild), os.pidfd_open(run.pid)]
    run.cancel()
    outcome = run.wait()
    assert outcome.stopped == "cancelled" and outcome.failure() == "stopped"
    assert all(wait_until_dead(fd) for fd in pidfds)


@linux_only
def test_cancel_from_another_thread_ends_a_wait_at_once(tmp_path):
    """What quitting the app does: a worker blocked in ``wait`` returns as soon as the
    run is cancelled, long before the time limit."""
    fifo = tmp_path / "ready"
    os.mkfifo(fifo)
    code = f"import time\nopen({str(fifo)!r}, 'w').write('ready\\n')\ntime.sleep(3600)\n"
    run = Run(code, Limits(seconds=3600))
    outcomes = []
    waiter = threading.Thread(target=lambda: outcomes.append(run.wait()))
    waiter.start()
    read_line(fifo)
    run.cancel()
    waiter.join(BACKSTOP)
    assert not waiter.is_alive()
    assert [o.stopped for o in outcomes] == ["cancelled"]


@linux_only
def test_a_run_ends_with_its_program_and_so_does_what_it_left_running(tmp_path):
    """A child still holding the program's output used to keep the run open to its time
    limit; now the program's end is the run's end, and the child dies with it."""
    fifo = tmp_path / "pid"
    os.mkfifo(fifo)
    code = starts_a_grandchild(fifo).replace("child.wait()\n", "print('done')\n")
    run = Run(code, Limits(seconds=3600))
    grandchild = os.pidfd_open(int(read_line(fifo)))
    outcomes = []
    waiter = threading.Thread(target=lambda: outcomes.append(run.wait()))
    waiter.start()
    waiter.join(BACKSTOP)
    assert not waiter.is_alive()
    [outcome] = outcomes
    assert outcome.succeeded and outcome.stdout == "done\n"
    assert wait_until_dead(grandchild)


def test_a_run_that_cannot_start_raises_oserror(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    with pytest.raises(OSError):
        Run("print(1)")


@pytest.mark.parametrize(
    ("actual", "expected", "same"),
    [
        ("2\n", "2\n", True),
        ("2\r\n", "2\n", True),
        ("a  \nb\n\n", "a\nb", True),
        ("2\n", "3\n", False),
        ("\x1b[2Kok\n", "␛[2Kok\n", True),
        ("\x1b[2Kok\n", "ok\n", False),
        (" 2\n", "2\n", False),
    ],
)
def test_output_is_compared_as_the_learner_reads_it(actual, expected, same):
    assert output_matches(actual, expected) is same
