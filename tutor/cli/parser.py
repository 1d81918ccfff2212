"""The argument parser every ``restutor`` command is built on.

Two things argparse does not do by itself: a usage error becomes one line naming the
problem (exit 2, never a usage dump), and a parser keeps the commands added to it by name,
so that nothing has to read argparse's private ``_actions`` to find them again.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

#: The exit code of every error the learner's input causes.
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the command line: reported as one line, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors, and a registry of the commands hung from it.

    A command takes the same parent parsers (the global options) as the parser it hangs
    from, so ``--db`` and ``--lessons`` work before and after any command.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The commands added with ``add_command``, by name, in the order of ``--help``.
        self.commands: dict[str, Parser] = {}
        self._shared_parents: list[argparse.ArgumentParser] = list(kwargs.get("parents", ()))
        self._command_adder: Any = None

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def start_commands(self, dest: str, metavar: str, *, required: bool = False) -> None:
        """Make this parser take a command word, stored in ``args.<dest>``."""
        self._command_adder = self.add_subparsers(
            dest=dest, metavar=metavar, parser_class=Parser, required=required
        )

    def add_command(self, name: str, **kwargs: Any) -> Parser:
        """Add the command ``name`` (after ``start_commands``) and return its parser."""
        if self._command_adder is None:
            raise RuntimeError(f"'{self.prog}' takes no commands: call start_commands first")
        command = self._command_adder.add_parser(name, parents=self._shared_parents, **kwargs)
        self.commands[name] = command
        return command

    def arguments(self) -> list[argparse.Action]:
        """The options and positionals of this parser itself (its commands' are theirs)."""
        return list(self._actions)


class _VersionAction(argparse.Action):
    """``--version``: the installed distribution's version, read only when asked for, so
    that starting up never pays for the metadata lookup."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("restutor")
        except PackageNotFoundError:
            raise UsageError("no version: restutor is not installed (pip install -e .)") from None
        print(f"restutor {number}")
        parser.exit()


def add_version_option(parser: Parser) -> None:
    """``-V``/``--version`` on ``parser``: prints ``restutor X.Y.Z``, exit 0."""
    parser.add_argument(
        "-V", "--version", action=_VersionAction, help="print restutor's version and exit"
    )


def no_terminal_message(parser: Parser) -> str:
    """What ``restutor`` says without a terminal: every command of ``parser``, none forgotten
    (each works without one; ``review`` with ``--due`` or ``--stats``)."""
    return f"the tutor needs a terminal; headless commands: {', '.join(parser.commands)}"
