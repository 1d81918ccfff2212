"""``restutor serve``: what it refuses, which database each browser session gets, that the
tutor accepts textual-serve's web driver for a terminal, and a real server stopped by ctrl+c
with a connection open (its tutor processes gone)."""

from __future__ import annotations

import asyncio
import shlex
import signal
import socket
import sqlite3
import sys
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.served import PATIENCE, Served, group_alive, group_members, poll_until, served
from tutor.cli import UsageError, build_parser, main
from tutor.cli import serve as serve_command
from tutor.cli.tui import WEB_DRIVER

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


@pytest.fixture(autouse=True)
def never_serve_in_process(monkeypatch):
    """A refusal that stopped refusing fails here instead of serving until the timeout (the
    real servers of this file run in their own processes)."""
    from textual_serve.server import Server

    def serve(self, debug=False):
        raise AssertionError("run_serve went on to serve")

    monkeypatch.setattr(Server, "serve", serve)


def run(capsys, *words: str) -> tuple[int, str, str]:
    code = main(list(words))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_a_host_others_can_reach_is_refused_without_public(capsys, host):
    code, out, err = run(capsys, "serve", "--host", host)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"restutor: --host {host} ")
    assert "anyone on the network could reach" in err and "add --public" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "LocalHost", "::1"])
def test_loopback_needs_no_public(host):
    assert serve_command.check_host(host, public=False) is None


def test_public_lets_it_through_with_a_warning():
    warning = serve_command.check_host("0.0.0.0", public=True)
    assert warning is not None and "anyone on the network" in warning
    assert "\n" not in warning


def test_without_the_web_extra_one_line_names_the_pip_command(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # the import fails
    code, out, err = run(capsys, "serve")
    assert code == 2 and out == ""
    assert (
        err == "restutor: serving in a browser needs the web extra: pip install 'restutor[web]'\n"
    )


def test_a_taken_port_is_one_line(capsys):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, out, err = run(capsys, "serve", "--port", str(port))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"restutor: port {port} on 127.0.0.1 is in use")


@pytest.mark.parametrize("port", ["0", "65536", "-1", "http", ""])
def test_a_port_that_is_no_port_is_one_line(capsys, port):
    code, _, err = run(capsys, "serve", "--port", port)
    assert code == 2 and err.count("\n") == 1
    assert "takes a port number from 1 to 65535" in err


def test_each_browser_session_gets_a_database_of_its_own_beside_the_learners(tmp_path):
    learners = tmp_path / "data" / "restutor.db"
    first, second = (serve_command.new_session_db(learners) for _ in range(2))
    assert first != second
    for session in (first, second):
        assert session.name == "restutor.db"
        assert session.parent.parent == tmp_path / "data" / "web-sessions"


def test_a_session_opens_the_tutor_on_a_new_database(monkeypatch, tmp_path):
    seen: list[list[str]] = []
    monkeypatch.setattr("tutor.cli.main", lambda argv: seen.append(argv) or 0)
    lessons = ["--lessons", str(tmp_path / "more")]
    assert serve_command.run_session([str(tmp_path / "restutor.db"), *lessons]) == 0
    [argv] = seen
    assert argv[0] == "--db" and argv[2:] == lessons
    assert Path(argv[1]).parent.parent == tmp_path / "web-sessions"


def test_lesson_folders_are_handed_on_as_absolute_paths(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["serve", "--lessons", "mine", "--lessons", "/x"])
    assert serve_command.lesson_options(args) == [
        "--lessons",
        str(tmp_path / "mine"),
        "--lessons",
        "/x",
    ]
    assert serve_command.lesson_options(build_parser().parse_args(["serve"])) == []


def test_shared_sessions_open_the_learners_own_database(tmp_path):
    db = tmp_path / "restutor.db"
    words = shlex.split(serve_command.app_command(db, [], shared=True))
    assert words == [sys.executable, "-m", "tutor", "--db", str(db)]
    apart = shlex.split(serve_command.app_command(db, ["--lessons", "/x y"], shared=False))
    assert apart[:2] == [sys.executable, "-c"] and apart[3:] == [str(db), "--lessons", "/x y"]


def test_the_tutor_takes_the_web_driver_for_a_terminal(monkeypatch):
    """Piped stdout refuses, unless textual-serve's driver is named (the app then runs)."""
    from tutor.ui import app as ui_app

    ran: list[bool] = []
    monkeypatch.setattr(ui_app.RestutorApp, "run", lambda self: ran.append(True))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    assert main([]) == 2 and ran == []
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.linux_driver:LinuxDriver")
    assert main([]) == 2 and ran == []
    monkeypatch.setenv("TEXTUAL_DRIVER", WEB_DRIVER)
    assert main([]) == 0 and ran == [True]


def test_web_driver_is_textuals():
    import importlib

    module, name = WEB_DRIVER.split(":")
    assert hasattr(importlib.import_module(module), name)


@needs_proc
def test_ctrl_c_stops_the_server_and_its_tutors(isolated_data):
    """A browser connection's tutor has painted the map; SIGINT ends the server with exit 0,
    the connection is closed, and nothing of the server's process group is left."""

    async def ctrl_c_while_connected(server: Served) -> int:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"{server.url}/ws?width=80&height=24") as browser:
                await until_the_map(browser)
                assert len(group_members(server.process.pid)) > 1  # the tutor's processes
                server.process.send_signal(signal.SIGINT)
                # Read on, as a browser does: the server's close is answered at once.
                assert (await asyncio.wait_for(browser.receive(), PATIENCE)).type in CLOSED
                return await asyncio.to_thread(server.process.wait, PATIENCE)

    with served() as server:
        assert asyncio.run(ctrl_c_while_connected(server)) == 0
        poll_until(lambda: not group_alive(server.process.pid), "the tutor processes to end")
        _, stderr = server.process.communicate()
        assert "Traceback" not in stderr
    [session] = (isolated_data / "web-sessions").glob("*/restutor.db")
    assert session.is_file()


async def until_the_map(browser: aiohttp.ClientWebSocketResponse) -> None:
    """Until the tutor behind ``browser`` has painted the map."""
    painted = b""
    while b"start here" not in painted:
        message = await asyncio.wait_for(browser.receive(), PATIENCE)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        painted += message.data


def test_a_shared_database_the_store_refuses_is_one_line_before_serving(capsys, tmp_path):
    theirs = tmp_path / "theirs.db"
    with sqlite3.connect(theirs) as connection:
        connection.execute("CREATE TABLE accounts (id INTEGER)")
    connection.close()
    with socket.create_server(("127.0.0.1", 0)) as taken:  # were it not refused: no server
        port = str(taken.getsockname()[1])
        code, out, err = run(capsys, "serve", "--shared", "--db", str(theirs), "--port", port)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "is not restutor's" in err


def test_shared_tabs_open_the_learners_own_database(isolated_data):
    async def two_tabs(url: str) -> None:
        async with aiohttp.ClientSession() as session:
            async with (
                session.ws_connect(f"{url}/ws") as one,
                session.ws_connect(f"{url}/ws") as two,
            ):
                await until_the_map(one)
                await until_the_map(two)

    with served("--shared") as server:
        asyncio.run(two_tabs(server.url))
    assert (isolated_data / "restutor.db").is_file()
    assert not (isolated_data / "web-sessions").exists()


CLOSED = {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED}


@pytest.mark.parametrize(
    ("host", "origin", "loopback_only", "foreign"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", True, False),
        ("localhost:8000", None, True, False),
        ("[::1]:8000", "http://[::1]:8000", True, False),
        ("127.0.0.1:8000", "http://evil.example", True, True),  # another site's page
        ("127.0.0.1:8000", "http://127.0.0.1:9000", True, True),  # another local server's
        ("evil.example:8000", "http://evil.example:8000", True, True),  # DNS rebinding
        ("10.0.0.5:8000", "http://10.0.0.5:8000", False, False),  # --public, a class
        ("10.0.0.5:8000", "http://evil.example", False, True),
    ],
)
def test_only_the_servers_own_page_may_drive_the_tutor(host, origin, loopback_only, foreign):
    assert serve_command.foreign_request(host, origin, loopback_only=loopback_only) is foreign


@given(st.text(min_size=1))
def test_any_host_is_served_only_on_loopback_or_refused_in_one_line(host):
    assume(not serve_command.is_loopback(host))
    with pytest.raises(UsageError) as refused:
        serve_command.check_host(host, public=False)
    assert "add --public" in str(refused.value)


def test_a_hostile_host_reaches_the_terminal_as_plain_text(capsys):
    code, _, err = run(capsys, "serve", "--host=\x1b]0;owned\x07evil")
    assert code == 2 and "\x1b" not in err and "\x07" not in err
    assert err.count("\n") == 1


def test_a_public_server_warns_and_its_page_connects_where_the_browser_came_from():
    with served("--host", "0.0.0.0", "--public") as server:
        asked = urllib.request.Request(server.url, headers={"Host": "tutor.example:4321"})
        with urllib.request.urlopen(asked, timeout=PATIENCE) as page:
            html = page.read().decode()
        assert 'data-session-websocket-url="ws://tutor.example:4321/ws"' in html
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=PATIENCE) == 0
        out, err = server.process.communicate()
    assert out.startswith(f"the tutor is at http://0.0.0.0:{server.port} (one database per")
    assert err.splitlines() == [
        "restutor: serving on 0.0.0.0: anyone on the network who can reach this machine "
        "can use the tutor"
    ]


@needs_proc
def test_a_page_from_another_site_cannot_open_a_tutor():
    async def handshake(url: str, headers: dict[str, str]) -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"{url}/ws", headers=headers):
                    return 101
            except aiohttp.WSServerHandshakeError as refused:
                return refused.status

    with served() as server:
        port = server.port
        evil_page = {"Origin": "http://evil.example"}
        rebound = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
        assert asyncio.run(handshake(server.url, evil_page)) == 403
        assert asyncio.run(handshake(server.url, rebound)) == 403
        assert group_members(server.process.pid) == [server.process.pid]  # no tutor started


def test_a_subprocess_transport_collected_after_the_loop_is_not_a_traceback():
    """Seen in CI: on ctrl+c a tutor's transport was collected after the loop closed, and
    asyncio printed "Event loop is closed" from its ``__del__``; only that is silenced."""
    import asyncio.base_subprocess
    from types import SimpleNamespace

    from tutor.cli.serve import _quiet_after_the_loop

    heard = []
    hook = _quiet_after_the_loop(heard.append)
    late = RuntimeError("Event loop is closed")
    transport_del = asyncio.base_subprocess.BaseSubprocessTransport.__del__
    hook(SimpleNamespace(exc_value=late, object=transport_del))
    assert heard == []
    others = [
        SimpleNamespace(exc_value=RuntimeError("something else"), object=transport_del),
        SimpleNamespace(exc_value=late, object=print),
        SimpleNamespace(exc_value=ValueError("Event loop is closed"), object=transport_del),
    ]
    for other in others:
        hook(other)
    assert heard == others
