"""``restutor review``: the review screen, or (``--due``, ``--stats``) what is due, headless."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from tutor.cli.options import lesson_dirs, open_store
from tutor.cli.parser import Parser, UsageError
from tutor.cli.terminal import stdout_console
from tutor.practice.review_plan import AHEAD_DAYS, MAX_AHEAD_DAYS, ReviewRequest, lesson_items
from tutor.text import visible

if TYPE_CHECKING:
    from tutor.config import ReviewConfig


def add_review_command(parser: Parser) -> None:
    """Hang ``review`` from ``parser``."""
    review = parser.add_command(
        "review",
        help="review the practice items that are due (or --due: how many, per lesson)",
        description="Practice items come back on a spaced-review schedule (FSRS). "
        "Without options, opens the review screen: the items due now, within the day's "
        "review limit, then new items of the lessons you have begun, within the day's new "
        "limit. --due prints how many are due and how many are new in each lesson.",
    )
    review.add_argument("--due", action="store_true", help="print due and new counts per lesson")
    review.add_argument(
        "--stats",
        action="store_true",
        help="per lesson: items seen, reviews, retention, recall now, and what comes due "
        "on each of the next 7 days",
    )
    review.add_argument("--json", action="store_true", help="print them as one JSON object")
    modes = review.add_mutually_exclusive_group()
    modes.add_argument(
        "--ahead",
        type=_days,
        nargs="?",
        const=AHEAD_DAYS,
        metavar="DAYS",
        help=f"review ahead: the items coming due within DAYS days (default {AHEAD_DAYS})",
    )
    modes.add_argument(
        "--cram",
        action="store_true",
        help="drill every item you have reviewed, in the lessons begun; the answers leave "
        "the schedule as it was",
    )
    review.set_defaults(handler=run_review)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if not 1 <= days <= MAX_AHEAD_DAYS:
        raise argparse.ArgumentTypeError(f"days must be from 1 to {MAX_AHEAD_DAYS} (got {days})")
    return days


def run_review(args: argparse.Namespace) -> int:
    """The review screen without options; with them, the counts or the stats as text or JSON."""
    if not (args.due or args.json or args.stats):
        from tutor.cli.tui import run_tui

        mode = "cram" if args.cram else "ahead" if args.ahead else "due"
        return run_tui(args, None, review=ReviewRequest(mode, args.ahead or AHEAD_DAYS))
    from tutor.lessons.catalog import load_catalog
    from tutor.practice.review_plan import DailyLimits, lesson_queues, plan_review
    from tutor.practice.schedule import Reviewer

    lessons = load_catalog(lesson_dirs(args)).lessons
    items = lesson_items(lessons)
    settings = review_settings()
    store = open_store(args)
    queues = lesson_queues(store, items)
    plan = plan_review(store, items, DailyLimits(settings.new_per_day, settings.reviews_per_day))
    next_due = store.next_due()
    reviewer = Reviewer(store, desired_retention=settings.desired_retention)
    stats = reviewer.stats() if args.stats else {}
    store.close()
    titles = {lesson.id: lesson.title for lesson in lessons}
    if args.stats:
        return _print_stats(stats, titles, args.json)
    waiting = {lesson_id: q for lesson_id, q in queues.items() if q.due or q.new}
    if args.json:
        print(
            json.dumps(
                {
                    "due": {lesson_id: asdict(q) for lesson_id, q in waiting.items()},
                    "total": sum(q.due for q in queues.values()),
                    "new": sum(q.new for q in queues.values()),
                    "today": len(plan.items),
                    "next_due": next_due,
                }
            )
        )
        return 0
    if not waiting:
        later = f"; the next is due {_on_the_clock(next_due)}" if next_due else ""
        print(f"nothing is due for review and no new items wait{later}")
        return 0
    for lesson_id, q in waiting.items():
        print(f"{q.due:4d} due {q.new:4d} new  {visible(titles.get(lesson_id, lesson_id))}")
    due, new = sum(q.due for q in waiting.values()), sum(q.new for q in waiting.values())
    print(f"{due:4d} due {new:4d} new  in all; a review now takes {len(plan.items)}")
    held = plan.held_back
    if held.due or held.new:
        print(f"      (the daily limits leave {held.due} due and {held.new} new for later)")
    if new and not plan.items:
        print("      (new items come into review from the lessons you have begun)")
    if next_due and not due:
        print(f"      (the next review is due {_on_the_clock(next_due)})")
    return 0


def _on_the_clock(due: str) -> str:
    from datetime import UTC, datetime

    from tutor.practice.feedback import when_due

    return when_due(datetime.fromisoformat(due), datetime.now(UTC))


def review_settings() -> ReviewConfig:
    """The review settings of ``config.toml``; a file that cannot be used is one line."""
    from tutor.config import ConfigError, load_config

    try:
        return load_config().review
    except ConfigError as error:
        hint = "" if "restutor config show" in str(error) else " (see 'restutor config show')"
        raise UsageError(f"{error}{hint}") from None


def _print_stats(stats: dict, titles: dict[str, str], as_json: bool) -> int:
    if as_json:
        print(
            json.dumps(
                {
                    lesson_id: {
                        "seen": s.seen,
                        "reviews": s.reviews,
                        "right": s.right,
                        "retention": round(s.retention, 4),
                        "recall_now": round(s.recall_now, 4),
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
    for column in ("lesson", "seen", "reviews", "retention", "recall now", "due: today … +6 days"):
        table.add_column(column, justify="left" if column == "lesson" else "right")
    for lesson_id, s in sorted(stats.items()):
        table.add_row(
            titles.get(lesson_id, lesson_id),
            str(s.seen),
            str(s.reviews),
            f"{s.retention:.0%}" if s.reviews else "—",
            f"{s.recall_now:.0%}",
            " ".join(f"{n:2d}" for n in s.due_by_day),
        )
    console, _ = stdout_console(soft_wrap=False)
    console.print(table)
    return 0
