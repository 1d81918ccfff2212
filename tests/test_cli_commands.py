"""Every command the parser builds: its help works, a bad option is one line and exit 2.

The commands are read from the parser itself (``Parser.commands``), so a command added
later is checked without touching this file.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tutor.cli import UsageError, build_parser, main, params_from_command
from tutor.cli.parser import Parser
from tutor.sim import SimParamError, SimParams, TrainParams


def command_paths(parser: Parser, above: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """``()``, then every command's words: ``("sim",)``, ``("notes", "list")``, …"""
    yield above
    for name, command in parser.commands.items():
        yield from command_paths(command, (*above, name))


COMMANDS = list(command_paths(build_parser()))


def test_the_parser_names_every_command():
    commands = [words[0] for words in COMMANDS if len(words) == 1]  # in the order of --help
    assert commands == [
        "sim",
        "lesion",
        "train",
        "validate",
        "glossary",
        "review",
        "practice",
        "notes",
        "continue",
        "config",
        "export",
        "completion",
        "paths",
        "serve",
    ]
    assert ("notes", "import") in COMMANDS
    assert ("config", "set") in COMMANDS


@pytest.mark.parametrize("words", COMMANDS, ids=lambda words: " ".join(words) or "restutor")
def test_every_help_works(capsys, words):
    with pytest.raises(SystemExit) as exit:
        main([*words, "--help"])
    out, err = capsys.readouterr()
    assert exit.value.code == 0 and err == ""
    assert out.startswith(f"usage: {' '.join(('restutor', *words))}")


@pytest.mark.parametrize("words", COMMANDS, ids=lambda words: " ".join(words) or "restutor")
def test_a_bad_option_is_one_line_and_exit_2(capsys, words):
    code = main([*words, "--no-such-option"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("restutor: ") and err.count("\n") == 1


def test_an_experiment_command_reads_back_into_its_parameters():
    assert params_from_command("restutor sim --depth=60 --plain") == SimParams(
        depth=60, residual=False
    )
    assert params_from_command("restutor lesion --alpha=-1e-05") == SimParams(alpha=-1e-05)
    assert params_from_command("restutor train --depths 4,8 --lr=0.003") == TrainParams(
        depths=(4, 8), lr=0.003
    )


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("restutor validate", UsageError),
        ("python sim", UsageError),
        ("restutor sim --bogus", UsageError),
        ("restutor sim --depth=0", SimParamError),
    ],
)
def test_what_is_no_experiment_command_is_refused(command, error):
    with pytest.raises(error):
        params_from_command(command)
