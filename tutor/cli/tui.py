"""Opening the Textual app: the map, a lesson, or the review screen.

The only module of the CLI that imports Textual, and only inside ``run_tui``, after the
lesson id is checked and a terminal is found: a headless command never loads the UI.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from tutor import paths
from tutor.cli import build_parser
from tutor.cli.options import lesson_dirs
from tutor.cli.parser import UsageError, no_terminal_message
from tutor.cli.terminal import follow_no_color

if TYPE_CHECKING:
    from tutor.practice.review_plan import ReviewRequest

#: The driver textual-serve names in ``TEXTUAL_DRIVER``: the screen is a browser's, the
#: stdout a pipe to it.
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


def run_tui(
    args: argparse.Namespace,
    lesson_id: str | None,
    review: ReviewRequest | None = None,
    resume: bool = False,
) -> int:
    """Open the tutor on the map, on ``lesson_id``, (``review``) on the review screen, or
    (``resume``) where the learner left off."""
    from tutor.lessons.index import read_index

    summaries = read_index(lesson_dirs(args), cache=paths.cache_dir() / "lesson-index.json")
    ids = sorted(s.id for s in summaries)
    if not summaries:
        raise UsageError("no lessons found on the lesson path (see 'restutor validate')")
    if lesson_id is not None and lesson_id not in ids:
        import difflib

        close = difflib.get_close_matches(lesson_id, ids, n=3, cutoff=0.4)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        known = "" if close else f"; lessons: {', '.join(ids)}"
        raise UsageError(f"no lesson '{lesson_id}'{hint}{known}")
    if not (sys.stdout.isatty() or os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER):
        raise UsageError(no_terminal_message(build_parser()))
    follow_no_color(os.environ)
    from tutor.ui.app import RestutorApp

    db = paths.db_path(getattr(args, "db", None))
    app = RestutorApp(summaries, db, lesson_id, start_review=review, start_continue=resume)
    app.run()
    if app.crash_report is not None:
        print(
            f"restutor: the tutor stopped on a bug; your notes and drafts are kept, and the "
            f"report is in {app.crash_report}",
            file=sys.stderr,
        )
    return app.return_code or 0
