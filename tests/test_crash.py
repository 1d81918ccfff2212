"""A bug that reaches the top of the tutor: a report beside the data, one line, exit 1."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading

import pytest

from tests.ui_app import make_app
from tutor.crash import crash_report, write_crash_report


def test_a_report_names_the_versions_the_platform_and_the_traceback(tmp_path):
    try:
        raise ZeroDivisionError("the bug")
    except ZeroDivisionError as error:
        path = write_crash_report(error, tmp_path / "reports")
        text = crash_report(error)
    assert path.parent == tmp_path / "reports"
    saved = path.read_text(encoding="utf-8")
    for part in ("restutor:", "textual:", "python:", "platform:", "ZeroDivisionError: the bug"):
        assert part in saved and part in text
    assert "Traceback (most recent call last)" in saved


async def test_an_unhandled_error_keeps_a_report_and_exits_1(tmp_path):
    app = make_app(tmp_path / "restutor.db")

    def bug() -> None:
        raise RuntimeError("a bug in a handler")

    with pytest.raises(RuntimeError, match="a bug in a handler"):
        async with app.run_test() as pilot:
            await pilot.pause()
            app.call_later(bug)
            await pilot.pause()
    assert app.return_code == 1
    assert app.crash_report is not None
    assert app.crash_report.parent == tmp_path / "crash-reports"
    assert "RuntimeError: a bug in a handler" in app.crash_report.read_text(encoding="utf-8")


#: Starts the real command in a terminal with a map that crashes as it opens.
CRASHING_TUTOR = """
import sys
import tutor.ui.screens.map as map_screen

def crash(self):
    raise RuntimeError("the map is broken")

map_screen.MapScreen.on_mount = crash
from tutor.cli import main
sys.exit(main([]))
"""


def test_the_command_says_where_the_report_is_in_one_line_and_exits_non_zero(tmp_path):
    main_end, child_end = pty.openpty()
    env = {**os.environ, "RESTUTOR_DB": str(tmp_path / "restutor.db"), "TERM": "xterm"}
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_TUTOR],
        stdin=child_end,
        stdout=child_end,
        stderr=subprocess.PIPE,
        env=env,
        close_fds=True,
    )
    os.close(child_end)

    def drain() -> None:  # the screen it draws, read so that it never blocks on a full pty
        try:
            while os.read(main_end, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        _, err = child.communicate(timeout=120)  # a guard against a hang, not a timing
    finally:
        child.kill()
        os.close(main_end)
    lines = err.decode().strip().splitlines()
    assert child.returncode == 1
    assert len(lines) == 1 and "Traceback" not in err.decode(), err.decode()
    [report] = (tmp_path / "crash-reports").iterdir()
    assert str(report) in lines[0]
    assert "RuntimeError: the map is broken" in report.read_text(encoding="utf-8")
