"""Every path restutor reads or writes, decided in one place.

Command-line options win over environment variables, which win over the
platform's defaults; nothing here touches the disk until asked to.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "restutor"
DB_ENV = "RESTUTOR_DB"
LESSONS_ENV = "RESTUTOR_LESSONS"
CACHE_ENV = "RESTUTOR_CACHE_DIR"
CONFIG_ENV = "RESTUTOR_CONFIG"


def data_dir() -> Path:
    """The platform's user data folder for restutor (not created here)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Where restutor keeps what it can always rebuild (``$RESTUTOR_CACHE_DIR`` overrides)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def config_path() -> Path:
    """The learner's settings: ``$RESTUTOR_CONFIG``, else ``config.toml`` in the platform's
    user config folder (not created here)."""
    chosen = os.environ.get(CONFIG_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def db_path(option: str | None = None) -> Path:
    """The SQLite file: ``--db``, else ``$RESTUTOR_DB``, else the data folder's ``restutor.db``.

    A value that is given but empty is passed on (as ``.``), not replaced by the default:
    the store refuses it, rather than write into a database the learner did not name.
    """
    chosen = option if option is not None else os.environ.get(DB_ENV)
    return data_dir() / "restutor.db" if chosen is None else Path(chosen).expanduser()


def crash_reports_dir(db: Path) -> Path:
    """Where a crash report goes: beside the learner's database, in the data folder."""
    return db.parent / "crash-reports"


def exercise_files_dir(db: Path) -> Path:
    """Where the learner's files for code exercises live (one per exercise), beside the
    database: they outlast quitting, like drafts, and an editor can open them."""
    return db.parent / "exercises"


def witness_edits_dir(db: Path) -> Path:
    """Where the learner's edited copies of code witnesses live, beside the database."""
    return db.parent / "witness-edits"


def web_sessions_dir(db: Path) -> Path:
    """Where ``restutor serve`` keeps one folder (a database and its files) per browser
    session, beside the learner's database: a class's tabs never mix with it or each other."""
    return db.parent / "web-sessions"


def builtin_lessons_dir() -> Path:
    """The lessons that ship with restutor (inside the package when installed from a wheel)."""
    packaged = Path(__file__).resolve().parent / "lessons_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "lessons"


def lesson_dirs(options: list[str] | None = None) -> list[Path]:
    """Lesson folders in search order: ``--lessons``, ``$RESTUTOR_LESSONS``, then the built-ins."""
    dirs = [Path(p).expanduser() for p in options or []]
    env = os.environ.get(LESSONS_ENV, "")
    dirs += [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    dirs.append(builtin_lessons_dir())
    return dirs
