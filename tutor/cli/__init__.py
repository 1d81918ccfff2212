"""The ``restutor`` command line: headless commands that never import the UI.

Every error a learner can cause ends as one line on stderr and exit code 2. One module per
command group: ``experiments`` (sim, lesion, train: one pipeline), ``lessons`` (validate,
glossary), ``review``, ``practice`` (grade), ``notes``, ``continue_command`` (continue),
``config_command`` (config), and ``tui`` (the only way into Textual); ``parser``, ``options``
and ``terminal`` are what they share. This face holds the entry point, the parser, and the
reading back of an experiment's command line (the lab copies them).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tutor.cli.completion import add_completion_command
from tutor.cli.config_command import add_config_command
from tutor.cli.continue_command import add_continue_command
from tutor.cli.experiments import add_experiment_commands, experiment_params
from tutor.cli.export import add_export_command
from tutor.cli.lessons import add_lesson_commands
from tutor.cli.notes import add_notes_command
from tutor.cli.options import GLOBAL_OPTIONS_WITH_VALUES, global_options
from tutor.cli.parser import EXIT_BAD_INPUT, Parser, UsageError, add_version_option
from tutor.cli.paths_command import add_paths_command
from tutor.cli.practice import add_practice_command
from tutor.cli.review import add_review_command
from tutor.cli.serve import add_serve_command
from tutor.text import visible

if TYPE_CHECKING:
    from tutor.sim import SimParams, TrainParams

__all__ = [
    "EXIT_BAD_INPUT",
    "Parser",
    "UsageError",
    "build_parser",
    "main",
    "params_from_command",
    "params_from_words",
]


def build_parser() -> Parser:
    """The whole command line; ``parser.commands`` (and theirs) name every command."""
    parser = Parser(
        prog="restutor",
        description="A terminal tutor for residual (skip) connections, y = x + F(x).",
        parents=[global_options()],
    )
    add_version_option(parser)
    parser.start_commands("command", "COMMAND")
    add_experiment_commands(parser)
    add_lesson_commands(parser)
    add_review_command(parser)
    add_practice_command(parser)
    add_notes_command(parser)
    add_continue_command(parser)
    add_config_command(parser)
    add_export_command(parser)
    add_completion_command(parser)
    add_paths_command(parser)
    add_serve_command(parser)
    return parser


def params_from_words(words: Sequence[str]) -> SimParams | TrainParams:
    """The parameters an experiment's words name: ``["sim", "--depth=60"]`` → ``SimParams``.

    Read by the real parser, so whatever ``restutor`` accepts reads back the same; raises
    ``UsageError`` (bad options, or not an experiment) and ``SimParamError`` (bad values).
    """
    return experiment_params(build_parser().parse_args(list(words)))


def params_from_command(command: str) -> SimParams | TrainParams:
    """A whole ``restutor sim|lesion|train …`` command line (as the lab copies it) read back."""
    words = shlex.split(command)
    if words[:1] != ["restutor"]:
        raise UsageError(f"not a restutor command: {command!r}")
    return params_from_words(words[1:])


def _split_lesson_id(parser: Parser, argv: list[str]) -> tuple[list[str], str | None]:
    """``restutor [global options] LESSON_ID``: take the lesson id out before argparse sees it."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in GLOBAL_OPTIONS_WITH_VALUES:
            index += 2
            continue
        if token.startswith("-"):
            index += 1
            continue
        if token in parser.commands:
            return argv, None
        return argv[:index] + argv[index + 1 :], token
    return argv, None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``restutor`` console script and ``python -m tutor``."""
    from tutor.cli.tui import run_tui
    from tutor.store import StoreError

    parser = build_parser()
    try:
        argv, lesson_id = _split_lesson_id(parser, list(sys.argv[1:] if argv is None else argv))
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
        if handler is None:
            return run_tui(args, lesson_id)
        if lesson_id is not None:
            raise UsageError(f"unexpected argument '{lesson_id}'")
        return handler(args)
    except (UsageError, StoreError) as error:
        print(visible(f"restutor: {error}"), file=sys.stderr)  # errors quote paths and input
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("restutor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `restutor sim | head`): nothing more to say.
        sys.stderr.close()
        return 0
