"""``restutor serve``: the whole tutor in a browser, through textual-serve (``restutor[web]``).

textual-serve runs one process per browser connection: the command it is given, with stdout
piped and ``TEXTUAL_DRIVER`` naming Textual's web driver (``tutor.cli.tui`` accepts that as a
screen). Each connection gets a database of its own in a new folder beside the learner's
(``paths.web_sessions_dir``): ``run_session`` picks that folder and opens the tutor on it.
With ``--shared`` every tab opens the learner's own database (the store is safe for several
processes).

The server is loopback-only unless ``--public`` says otherwise, in so many words.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import shlex
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tutor import paths
from tutor.cli.options import open_store
from tutor.cli.parser import Parser, UsageError
from tutor.text import visible

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual_serve.server import Server

#: What each browser connection runs without --shared (``-c``, not ``-m``: the CLI has
#: imported this module already, and ``-m`` would run a second copy of it).
SESSION_LAUNCHER = (
    "import sys; from tutor.cli.serve import run_session; sys.exit(run_session(sys.argv[1:]))"
)
WEB_EXTRA_HINT = "serving in a browser needs the web extra: pip install 'restutor[web]'"


def add_serve_command(parser: Parser) -> None:
    """Hang ``serve`` from ``parser``."""
    command = parser.add_command(
        "serve",
        help="the tutor in a browser, one database per browser session (needs restutor[web])",
        description="Serves the whole tutor over HTTP with textual-serve: every browser tab "
        "that opens the URL gets its own tutor and its own database (kept in web-sessions/ "
        "beside the usual one), or with --shared the learner's usual database. Bound to "
        "this machine only unless --public. Ctrl+C stops it.",
    )
    command.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default %(default)s)"
    )
    command.add_argument(
        "--port", type=port_number, default=8000, help="the TCP port (default %(default)s)"
    )
    command.add_argument(
        "--public",
        action="store_true",
        help="allow a --host that others on the network can reach",
    )
    command.add_argument(
        "--shared",
        action="store_true",
        help="every tab uses the learner's usual database instead of one of its own",
    )
    command.set_defaults(handler=run_serve)


def port_number(text: str) -> int:
    """A TCP port, 1–65535."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"takes a port number from 1 to 65535 (got '{text}')")
    return port


def run_serve(args: argparse.Namespace) -> int:
    """Serve until ctrl+c; refusals (host, port, missing extra) are one line, exit 2."""
    public_notice = check_host(args.host, args.public)
    server_class = _server_class()
    db = paths.db_path(getattr(args, "db", None)).absolute()
    if args.shared:  # a database the store refuses is said here, not in every tab
        open_store(args).close()
    check_port_free(args.host, args.port)
    if public_notice:
        print(visible(f"restutor: {public_notice}"), file=sys.stderr)
    server = server_class(
        app_command(db, lesson_options(args), shared=args.shared),
        host=args.host,
        port=args.port,
        title="restutor",
    )
    where = f"every tab shares {db}" if args.shared else "one database per browser tab"
    print(visible(f"the tutor is at {url(args.host, args.port)} ({where}; ctrl+c stops)"))
    sys.stdout.flush()
    sys.unraisablehook = _quiet_after_the_loop(sys.unraisablehook)
    try:
        server.serve()
    except OSError as error:  # the port taken between the check and the bind
        reason = error.strerror or str(error)
        raise UsageError(f"cannot serve on {args.host} port {args.port}: {reason}") from None
    return 0


def _quiet_after_the_loop(hook: Callable[[Any], object]) -> Callable[[Any], object]:
    """``hook``, but silent for a tutor's subprocess transport collected after the server's
    event loop closed (asyncio then reports "Event loop is closed" from its ``__del__``:
    the process is already gone, so ctrl+c would print a traceback for nothing)."""

    def hook_but_that(unraisable: Any) -> object:
        late = isinstance(unraisable.exc_value, RuntimeError) and (
            "Event loop is closed" in str(unraisable.exc_value)
        )
        owner = getattr(unraisable.object, "__qualname__", "")
        if late and owner.startswith("BaseSubprocessTransport."):
            return None
        return hook(unraisable)

    return hook_but_that


def check_host(host: str, public: bool) -> str | None:
    """Refuse a host others can reach unless ``public``; then return the warning to print."""
    if is_loopback(host):
        return None
    if not public:
        raise UsageError(
            f"--host {host} is not this machine only: anyone on the network could reach the "
            "tutor; add --public to serve it anyway"
        )
    return f"serving on {host}: anyone on the network who can reach this machine can use the tutor"


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.x.x.x`` or ``::1``: reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port_free(host: str, port: int) -> None:
    """One line, not a traceback, when the port is taken or the host is not this machine's."""
    try:
        socket.create_server((host, port)).close()
    except OSError as error:
        if error.errno in IN_USE:
            raise UsageError(
                f"port {port} on {host} is in use (another server?); choose one with --port"
            ) from None
        reason = error.strerror or str(error)
        raise UsageError(f"cannot serve on {host} port {port}: {reason}") from None


#: The errno of a taken port (Linux and macOS, and Windows' WSAEADDRINUSE).
IN_USE = {98, 48, 10048}


def foreign_request(host: str, origin: str | None, *, loopback_only: bool) -> bool:
    """Whether a request comes from a page of another site (its ``Origin`` is not this server)
    or, to a loopback server, names a host that is not this machine (a DNS rebinding). Any
    page a learner visits may open a websocket to localhost; the tutor runs code, so only
    its own page may drive it. (A client that sends no ``Origin`` is no browser's page.)"""
    if loopback_only and not is_loopback(urlsplit(f"//{host}").hostname or ""):
        return True
    return origin is not None and urlsplit(origin).netloc.lower() != host.lower()


def url(host: str, port: int) -> str:
    """The address to open: an IPv6 host in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def lesson_options(args: argparse.Namespace) -> list[str]:
    """The ``--lessons`` options to hand on, as absolute paths (``$RESTUTOR_LESSONS`` and the
    built-ins reach the tutor processes by themselves)."""
    given = [Path(folder).expanduser().absolute() for folder in getattr(args, "lessons", [])]
    return [word for folder in given for word in ("--lessons", str(folder))]


def app_command(db: Path, lessons: list[str], *, shared: bool) -> str:
    """The shell command textual-serve runs for each browser connection."""
    if shared:
        words = [sys.executable, "-m", "tutor", "--db", str(db), *lessons]
    else:
        words = [sys.executable, "-c", SESSION_LAUNCHER, str(db), *lessons]
    return subprocess.list2cmdline(words) if os.name == "nt" else shlex.join(words)


def new_session_db(db: Path) -> Path:
    """A database in a folder of its own under ``web-sessions`` beside ``db``, named by when it
    began (a teacher can find a session) and a random tail (two at once never meet)."""
    name = f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    return paths.web_sessions_dir(db) / name / "restutor.db"


def run_session(argv: list[str]) -> int:
    """One browser connection's tutor: ``DB [--lessons DIR…]`` → the map on a new database."""
    from tutor.cli import main

    return main(["--db", str(new_session_db(Path(argv[0]))), *argv[1:]])


def _server_class() -> type[Server]:
    """textual-serve's server, quiet but for errors, and closing its tabs on ctrl+c."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UsageError(WEB_EXTRA_HINT) from None
    import asyncio
    import logging

    from aiohttp import web

    class TutorServer(Server):
        """Server, with four changes: errors only in the log; a request from another site's
        page is refused (``foreign_request``); the page's websocket address is the one the
        browser used (``0.0.0.0`` is no address to connect to); and ctrl+c ends every
        connection, so that each tutor process is told to quit and is gone."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.connections: set[asyncio.Task[Any]] = set()

        def initialize_logging(self) -> None:
            logging.basicConfig(level=logging.WARNING, format="restutor: %(message)s")

        async def on_startup(self, app: web.Application) -> None:
            """run_serve has said where it serves: no banner."""

        def refuse_foreign(self, request: web.Request) -> None:
            origin = request.headers.get("Origin")
            if foreign_request(request.host, origin, loopback_only=is_loopback(self.host)):
                raise web.HTTPForbidden(text="restutor: only this server's own page opens it")

        async def handle_index(self, request: web.Request) -> Any:
            self.refuse_foreign(request)
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            self.refuse_foreign(request)
            connection = asyncio.current_task()
            assert connection is not None
            self.connections.add(connection)
            try:
                return await super().handle_websocket(request)
            finally:
                self.connections.discard(connection)

        async def on_shutdown(self, app: web.Application) -> None:
            for connection in self.connections:
                connection.cancel()
            await asyncio.gather(*self.connections, return_exceptions=True)

    return TutorServer
