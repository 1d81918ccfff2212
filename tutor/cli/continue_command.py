"""``restutor continue``: the tutor opened where the learner left off, or (without a
terminal, or with ``--json``) one line saying where that is."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from tutor.cli.options import lesson_dirs, open_store
from tutor.cli.parser import Parser

if TYPE_CHECKING:
    from tutor.store import Place


def add_continue_command(parser: Parser) -> None:
    """Hang ``continue`` from ``parser``."""
    command = parser.add_command(
        "continue",
        help="open the tutor where you left off (without a terminal: say where that is)",
        description="Opens the tutor at the last place you worked: a lesson's section, a "
        "practice item, or the lab in its tab and state. Without a terminal (or with "
        "--json) it prints where that is instead.",
    )
    command.add_argument("--json", action="store_true", help="print the place as JSON")
    command.set_defaults(handler=run_continue)


def run_continue(args: argparse.Namespace) -> int:
    if not args.json and sys.stdout.isatty():
        from tutor.cli.tui import run_tui

        return run_tui(args, None, resume=True)
    store = open_store(args)
    place = store.place()
    store.close()
    if args.json:
        print(json.dumps(place.as_json() if place else None))
    elif place is None:
        print("nothing to continue yet")
    else:
        print(f"you left off in {_where(args, place)}, {_when(place.at)}")
    return 0


def _where(args: argparse.Namespace, place: Place) -> str:
    """The place in the learner's words: the lesson's title, then the section, item or lab."""
    from tutor.lessons.index import read_index
    from tutor.text import visible

    titles = {s.id: s.title for s in read_index(lesson_dirs(args))}
    lesson = titles.get(place.lesson_id, f"'{place.lesson_id}' (no longer on the lesson path)")
    if place.kind == "section":
        from tutor.lessons.markdown import SECTIONS

        inside = dict(SECTIONS).get(place.target, f"section '{place.target}'")
    elif place.kind == "practice":
        inside = f"practice item {place.target}"
    else:
        inside = _lab(place.target)
    return visible(f"{lesson} › {inside}")


def _lab(target: object) -> str:
    """The lab's tab, and the command that reruns its state (when it still reads back)."""
    from tutor.notes import lab_anchor_state, lab_command

    state = target if isinstance(target, dict) else {}
    tab = state.get("tab")
    try:
        experiment, params = lab_anchor_state({**state.get("params", {}), "experiment": tab})
    except (ValueError, TypeError, AttributeError):
        return f"the lab ({tab} tab)"
    return f"the lab, {experiment} tab ({lab_command(experiment, params)})"


def _when(at: str) -> str:
    try:
        return f"at {datetime.fromisoformat(at):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return f"at {at}"
