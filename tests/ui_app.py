"""Build the app for UI tests from the built-in lessons and a scratch database."""

from __future__ import annotations

from pathlib import Path

from tutor.lessons.index import read_index
from tutor.paths import builtin_lessons_dir
from tutor.ui.app import RestutorApp

SUMMARIES = read_index([builtin_lessons_dir()])


def make_app(db_path: Path, start_lesson: str | None = None) -> RestutorApp:
    return RestutorApp(SUMMARIES, db_path, start_lesson)
