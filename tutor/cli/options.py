"""The options more than one command takes, and what they name.

The global ``--db`` and ``--lessons`` (the database and the lesson path every command may
read), and the two option sets of the experiments: the network of ``sim`` and ``lesion``,
the training setup of ``train``. The defaults are the core's own (``SimParams()``,
``TrainParams()``), so the CLI, the lab and the lessons cannot disagree on them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor import paths
from tutor.cli.parser import Parser, UsageError
from tutor.text import visible

if TYPE_CHECKING:
    from tutor.sim import SimParams, TrainParams
    from tutor.store import Store

#: The global options that take a value (the word after them is no command or lesson id).
GLOBAL_OPTIONS_WITH_VALUES = ("--db", "--lessons")


def global_options() -> Parser:
    """The parent parser of ``--db`` and ``--lessons``, accepted before and after a command."""
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"the SQLite file for notes and progress (env {paths.DB_ENV})",
    )
    common.add_argument(
        "--lessons",
        metavar="DIR",
        action="append",
        default=argparse.SUPPRESS,
        help=f"a lesson folder searched before the built-ins; repeatable (env {paths.LESSONS_ENV})",
    )
    return common


def lesson_dirs(args: argparse.Namespace) -> list[Path]:
    """The lesson path: ``--lessons`` folders, then ``RESTUTOR_LESSONS``, then the built-ins."""
    return paths.lesson_dirs(getattr(args, "lessons", None))


def open_store(args: argparse.Namespace) -> Store:
    """The database ``--db`` names; what the store had to repair is told on stderr."""
    from tutor.store import Store, StoreError

    try:
        store = Store(paths.db_path(getattr(args, "db", None)))
    except StoreError as error:
        raise UsageError(str(error)) from None
    for notice in store.notices():
        print(visible(f"restutor: {notice}"), file=sys.stderr)
    return store


def _number(
    parser: argparse.ArgumentParser,
    flag: str,
    kind: type,
    default: Any,
    metavar: str | None,
    what: str,
) -> None:
    """A numeric option whose help ends with its default, like every one of the experiments'."""
    parser.add_argument(
        flag, type=kind, default=default, metavar=metavar, help=f"{what} (default %(default)s)"
    )


def add_network_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``sim`` and ``lesion``: one network family and its ensemble."""
    from tutor.sim import ACTIVATIONS, NORMS, SimParams

    defaults = SimParams()
    _number(parser, "--depth", int, defaults.depth, "N", "layers L")
    _number(parser, "--width", int, defaults.width, "D", "units per layer d")
    _number(parser, "--alpha", float, defaults.alpha, "A", "residual branch scale α")
    parser.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default=defaults.activation,
        help="the branch nonlinearity φ (default %(default)s)",
    )
    _number(
        parser, "--sigma-w", float, defaults.sigma_w, "S", "weight scale: W entries ~ N(0, S²/d)"
    )
    parser.add_argument(
        "--norm",
        choices=NORMS,
        default=defaults.norm,
        help="RMS normalization: none, pre (on the branch input) or post (after the sum)",
    )
    parser.add_argument(
        "--plain", action="store_true", help="no skip connection: h_l = F_l(h_{l-1})"
    )
    _number(parser, "--inputs", int, defaults.inputs, "K", "input vectors per network")
    _number(
        parser, "--networks", int, defaults.networks, "M", "independent networks in the ensemble"
    )
    _number(parser, "--seed", int, defaults.seed, "S", "random seed")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")


def network_params(args: argparse.Namespace) -> SimParams:
    """The simulator parameters the network options name (raises SimParamError)."""
    from tutor.sim import SimParams

    return _params_from(SimParams, args, residual=not args.plain)


def depth_list(text: str) -> list[int]:
    """``4,16,48`` → ``[4, 16, 48]``; the limits are TrainParams' to check."""
    try:
        return [int(word) for word in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"takes integers separated by commas, like 4,16,48 (got '{text}')"
        ) from None


def add_training_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``train``: the depths, the networks' width and the optimizer's run."""
    from tutor.sim import TrainParams

    defaults = TrainParams()
    parser.add_argument(
        "--depths",
        type=depth_list,
        default=list(defaults.depths),
        metavar="L,L,…",
        help="even numbers of weight layers, one plain and one residual network each "
        f"(default {','.join(map(str, defaults.depths))})",
    )
    _number(parser, "--width", int, defaults.width, "D", "units per layer")
    _number(parser, "--steps", int, defaults.steps, "S", "Adam steps per network")
    _number(
        parser,
        "--seed",
        int,
        defaults.seed,
        "S",
        "random seed: the task, the initializations and the batches",
    )
    _number(parser, "--lr", float, defaults.lr, None, "Adam's learning rate")
    _number(parser, "--batch", int, defaults.batch, "B", "examples per step, of the 512")
    parser.add_argument("--json", action="store_true", help="print the curves as one JSON object")


def training_params(args: argparse.Namespace) -> TrainParams:
    """The training setup the training options name (raises SimParamError)."""
    from tutor.sim import TrainParams

    return _params_from(TrainParams, args)


def _params_from(kind: type, args: argparse.Namespace, **given: Any) -> Any:
    """``kind`` built from the options named as its fields are, except those ``given``."""
    named = {f.name: getattr(args, f.name) for f in fields(kind) if f.name not in given}
    return kind(**named, **given)


@dataclass(frozen=True, slots=True)
class OptionSet:
    """Options and the parameters they build, kept together since the two must agree."""

    add: Callable[[argparse.ArgumentParser], None]
    params: Callable[[argparse.Namespace], Any]


NETWORK_OPTIONS = OptionSet(add_network_options, network_params)
TRAINING_OPTIONS = OptionSet(add_training_options, training_params)
