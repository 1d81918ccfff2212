"""The learner's data in one SQLite file: the only package that speaks SQL.

WAL mode, foreign keys on, and a schema version in ``PRAGMA user_version`` with
migrations applied in order inside a transaction. Later features (notes,
drafts, review state) add migrations here; they never fork the file.

The private modules, each owning one part:

- ``_connection``: opening (whose file it is, WAL, busy wait, a damaged file moved
  aside), closing, and the guard that turns every failure of a public method into
  ``StoreError``;
- ``_failures``: ``StoreError`` and what each SQLite failure means to the learner;
- ``_damage``: damage found, marked, and the damaged file moved aside;
- ``_schema``: whose file it is, and what of restutor's schema it lacks;
- ``_migrations``: the schema versions and the backup before a migration;
- ``_progress`` (the sections seen, and the place to continue), ``_reviews``, ``_notes``,
  ``_drafts``, ``_trust``: one table (or two) each;
- ``_store``: ``Store``, all of the above on one object;
- ``_packages``: SQLite files that are not the learner's (an Anki collection), as bytes.
"""

from tutor.store._failures import StoreError
from tutor.store._migrations import MIGRATIONS
from tutor.store._notes import NOTE_COLUMNS, Note
from tutor.store._packages import sqlite_file
from tutor.store._progress import Place
from tutor.store._store import Store

__all__ = ["MIGRATIONS", "NOTE_COLUMNS", "Note", "Place", "Store", "StoreError", "sqlite_file"]
