"""``restutor config path|show|set``: the learner's settings file, from a shell.

A file that cannot be used, an unknown key or a bad value is one line and exit 2 (a
``UsageError``); whatever the file holds is printed through ``visible``. ``tutor.config``
(pydantic models) is imported by the commands themselves: every other command starts
without paying for it.
"""

from __future__ import annotations

import argparse
import json

from tutor import paths
from tutor.cli.parser import Parser, UsageError
from tutor.text import visible


def add_config_command(parser: Parser) -> None:
    """Hang ``config`` and its three commands from ``parser``."""
    command = parser.add_command(
        "config",
        help="the settings file: where it is, what it says, and changing one setting",
        description="Settings live in config.toml ($RESTUTOR_CONFIG overrides where): the "
        "theme, review limits and desired retention, the lab's ensemble, and key bindings.",
    )
    command.start_commands("config_command", "CONFIG_COMMAND", required=True)
    where = command.add_command("path", help="print where the settings file is")
    where.set_defaults(handler=run_path)
    show = command.add_command(
        "show", help="every setting and binding id with its value, marking the defaults"
    )
    show.add_argument("--json", action="store_true", help="print them as one JSON object")
    show.set_defaults(handler=run_show)
    change = command.add_command(
        "set",
        help="set one setting (KEY as 'restutor config show' names it), keeping the rest",
    )
    change.add_argument("key", metavar="KEY", help="e.g. theme, review.new_per_day, keymap.lab.run")
    change.add_argument("value", metavar="VALUE", help="e.g. nord, 10, ctrl+r")
    change.set_defaults(handler=run_set)


def run_path(args: argparse.Namespace) -> int:
    print(visible(str(paths.config_path())))
    return 0


def run_show(args: argparse.Namespace) -> int:
    from tutor import config

    path = paths.config_path()
    try:
        settings = config.settings(config.load_config(path))
    except config.ConfigError as error:
        raise UsageError(str(error)) from None
    values = [s for s in settings if not s.key.startswith("keymap.")]
    keys = [s for s in settings if s.key.startswith("keymap.")]
    if args.json:
        print(
            json.dumps(
                {
                    "path": str(path),
                    "settings": {s.key: {"value": s.value, "default": s.default} for s in values},
                    "bindings": {
                        s.key.removeprefix("keymap."): {
                            "keys": s.value,
                            "default": s.default,
                            "does": config.BINDINGS[s.key.removeprefix("keymap.")].does,
                        }
                        for s in keys
                    },
                }
            )
        )
        return 0
    missing = "" if path.exists() else " (no file yet: every value is the default)"
    print(visible(f"settings in {path}{missing}"))
    _table([(s.key, str(s.value), _mark(s.default)) for s in values])
    print("\nbindings (remap one with: restutor config set keymap.ID KEYS)")
    _table(
        [
            (s.key.removeprefix("keymap."), str(s.value), _mark(s.default))
            + (config.BINDINGS[s.key.removeprefix("keymap.")].does,)
            for s in keys
        ]
    )
    return 0


def run_set(args: argparse.Namespace) -> int:
    from tutor import config

    try:
        config.set_value(args.key, args.value)
    except config.ConfigError as error:
        raise UsageError(str(error)) from None
    print(visible(f"{args.key} = {args.value} (in {paths.config_path()})"))
    return 0


def _mark(default: bool) -> str:
    return "(default)" if default else "(set)"


def _table(rows: list[tuple[str, ...]]) -> None:
    """Print ``rows`` in columns as wide as their widest cell."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print(visible("  ".join([*cells, row[-1]]).rstrip()))
