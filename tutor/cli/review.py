"""``restutor review``: the review screen, or (``--due``, ``--stats``) what is due, headless."""

from __future__ import annotations

import argparse
import json

from tutor.cli.options import lesson_dirs, open_store
from tutor.cli.parser import Parser
from tutor.cli.terminal import stdout_console


def add_review_command(parser: Parser) -> None:
    """Hang ``review`` from ``parser``."""
    review = parser.add_command(
        "review",
        help="review the practice items that are due (or --due: how many, per lesson)",
        description="Practice items come back on a spaced-review schedule (FSRS). "
        "Without options, opens the review screen; --due prints how many are due now in "
        "each lesson.",
    )
    review.add_argument("--due", action="store_true", help="print due counts per lesson")
    review.add_argument(
        "--stats",
        action="store_true",
        help="per lesson: items seen, retention now, and what comes due in the next 7 days",
    )
    review.add_argument("--json", action="store_true", help="print them as one JSON object")
    review.set_defaults(handler=run_review)


def run_review(args: argparse.Namespace) -> int:
    """The review screen without options; with them, the counts or the stats as text or JSON."""
    if not (args.due or args.json or args.stats):
        from tutor.cli.tui import run_tui

        return run_tui(args, None, review=True)
    from tutor.lessons.index import read_index
    from tutor.practice.schedule import Reviewer

    store = open_store(args)
    reviewer = Reviewer(store)
    counts = reviewer.due_counts()
    next_due = store.next_due()
    stats = reviewer.stats() if args.stats else {}
    store.close()
    titles = {s.id: s.title for s in read_index(lesson_dirs(args))}
    if args.stats:
        return _print_stats(stats, titles, args.json)
    if args.json:
        print(json.dumps({"due": counts, "total": sum(counts.values()), "next_due": next_due}))
        return 0
    if not counts:
        later = f"; the next is due {next_due}" if next_due else ""
        print(f"nothing is due for review{later}")
        return 0
    for lesson_id, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{count:4d}  {titles.get(lesson_id, lesson_id)}")
    print(f"{sum(counts.values()):4d}  due in all")
    return 0


def _print_stats(stats: dict, titles: dict[str, str], as_json: bool) -> int:
    if as_json:
        print(
            json.dumps(
                {
                    lesson_id: {
                        "seen": s.seen,
                        "retention": round(s.retention, 4),
                        "due_by_day": s.due_by_day,
                    }
                    for lesson_id, s in stats.items()
                }
            )
        )
        return 0
    if not stats:
        print("no practice items reviewed yet: press p in a lesson to start")
        return 0
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("lesson", "seen", "retention", "due: today … +6 days"):
        table.add_column(column, justify="left" if column == "lesson" else "right")
    for lesson_id, s in sorted(stats.items()):
        table.add_row(
            titles.get(lesson_id, lesson_id),
            str(s.seen),
            f"{s.retention:.0%}",
            " ".join(f"{n:2d}" for n in s.due_by_day),
        )
    console, _ = stdout_console(soft_wrap=False)
    console.print(table)
    return 0
