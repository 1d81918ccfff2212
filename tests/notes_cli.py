"""Driving ``restutor notes`` in-process for tests: piped standard input, a terminal, a
script that plays the learner's editor, and the file an error line says the text is in."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path
from unittest import mock

from tutor.cli import main

#: The editor: rewrites the file it is given as ``$EDIT_MODE`` says, and copies what it
#: was given to ``$EDIT_SEEN`` (if set) first.
EDITOR_SCRIPT = r"""
import os, pathlib, signal, sys
path = pathlib.Path(sys.argv[-1])
if os.environ.get("EDIT_SEEN"):
    pathlib.Path(os.environ["EDIT_SEEN"]).write_bytes(path.read_bytes())
mode = os.environ["EDIT_MODE"]
if mode == "append":
    path.write_bytes(path.read_bytes() + " and a second thought".encode())
elif mode == "replace":
    path.write_bytes(os.environ["EDIT_TEXT"].encode())
elif mode == "newline":
    path.write_bytes(path.read_bytes() + b"\n")
elif mode == "bad":
    path.write_bytes(b"caf\xe9 au lait")
elif mode == "fail-written":
    path.write_bytes(b"half a thought")
    sys.exit(3)
elif mode == "fail":
    sys.exit(1)
elif mode == "killed-written":
    path.write_bytes(b"lost to a signal?")
    os.kill(os.getpid(), signal.SIGKILL)
elif mode == "ctrl-c":  # as the terminal sends it to the foreground group
    os.kill(os.getppid(), signal.SIGINT)
    path.write_bytes(b"typed after ctrl-c")
elif mode == "remove":
    path.unlink()
elif mode == "delete-note":
    from tutor.store import Store
    Store(pathlib.Path(os.environ["RESTUTOR_DB"])).delete_note(int(os.environ["EDIT_NOTE"]))
    path.write_bytes(b"written while it was deleted")
"""


class Piped(io.TextIOWrapper):
    """Standard input fed by a pipe: these bytes, then the end."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")


class Terminal(io.StringIO):
    """Standard input that is a terminal (nothing piped)."""

    def isatty(self) -> bool:
        return True


def run(*argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """``restutor *argv`` with ``stdin`` piped in (a terminal if None): exit code, stdout,
    stderr. Any exception other than SystemExit escapes, so a traceback fails the test."""
    with mock.patch.object(sys, "stdin", Terminal() if stdin is None else Piped(stdin)):
        return run_with_stdin_as_is(*argv)


def run_with_stdin_as_is(*argv: str) -> tuple[int, str, str]:
    """``restutor *argv`` with whatever ``sys.stdin`` is: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def editor(folder: Path, monkeypatch, mode: str, **env: str) -> None:
    """Make ``$EDITOR`` the script editor (in a folder whose name has a space, so the
    command must be split like a shell would), doing ``mode``."""
    home = folder / "my editor"
    home.mkdir(exist_ok=True)
    script = home / "edit.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", shlex.join([sys.executable, str(script)]))
    monkeypatch.setenv("EDIT_MODE", mode)
    for name, value in env.items():
        monkeypatch.setenv(f"EDIT_{name.upper()}", value)


def kept_file(err: str) -> Path:
    """The file an error line says the learner's text is kept in."""
    found = re.search(r"your text is kept in (\S+)$", err.strip())
    assert found, f"no kept file named in {err!r}"
    return Path(found.group(1))
