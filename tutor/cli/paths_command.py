"""``restutor paths [--json]``: where restutor keeps everything, as the app itself finds it.

Every path comes from ``tutor.paths``, the functions the tutor and the other commands call,
with the same ``--db`` and ``--lessons`` and the environment variables they read, so what
this prints is where the data is, not where it would be by default. Nothing is created.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tutor import paths
from tutor.cli.options import lesson_dirs
from tutor.cli.parser import Parser
from tutor.text import visible


def add_paths_command(parser: Parser) -> None:
    """Hang ``paths`` from ``parser``."""
    command = parser.add_command(
        "paths",
        help="where the database, lessons, settings, cache and crash reports are",
        description="Print every path restutor reads or writes, honouring --db, --lessons "
        f"and ${paths.DB_ENV}, ${paths.LESSONS_ENV}, ${paths.CONFIG_ENV}, ${paths.CACHE_ENV}.",
    )
    command.add_argument("--json", action="store_true", help="print them as one JSON object")
    command.set_defaults(handler=run_paths)


def where_things_are(args: argparse.Namespace) -> dict[str, str | list[str]]:
    """The paths by name; ``lessons`` is the lesson path, each folder in search order."""
    db = paths.db_path(getattr(args, "db", None))
    return {
        "database": str(db.absolute()),
        "lessons": [str(folder.absolute()) for folder in lesson_dirs(args)],
        "config": str(paths.config_path()),
        "cache": str(paths.cache_dir()),
        "crash_reports": str(paths.crash_reports_dir(db)),
    }


def run_paths(args: argparse.Namespace) -> int:
    """One line a path (the lesson path one line a folder), or one flat JSON object."""
    found = where_things_are(args)
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    width = max(map(len, found)) + 2
    for name, value in found.items():
        label = name.replace("_", " ")
        for line in [value] if isinstance(value, str) else value:
            missing = name == "lessons" and not Path(line).is_dir()
            said = f"{label:<{width}}{line}" + ("  (no such folder)" if missing else "")
            print(visible(said))  # a path may hold any character
            label = ""
    return 0
