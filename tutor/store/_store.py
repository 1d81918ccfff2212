"""``Store``: the connection and every table's methods, on one object."""

from __future__ import annotations

from tutor.store._connection import Connection
from tutor.store._drafts import Drafts
from tutor.store._notes import Notes
from tutor.store._progress import Progress
from tutor.store._reviews import Reviews
from tutor.store._trust import Trust


class Store(Connection, Progress, Reviews, Notes, Drafts, Trust):
    """A connection to the learner's database, safe to share between threads (one lock)."""
