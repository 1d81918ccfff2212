"""The order a choice item's choices are shown in: shuffled, so their position cannot be
learned, yet stable for an item within a day, so a retry the same day is fair.

The permutation is seeded from the item's id and the learner's local date (a hash, not
Python's ``hash``, which changes between runs).
"""

from __future__ import annotations

import hashlib
import random
from datetime import date


def choice_order(item_id: str, count: int, day: date) -> list[int]:
    """The item's choice indices in the order they are shown on ``day``: position ``p``
    shows choice ``choice_order(...)[p]``."""
    seed = hashlib.sha256(f"{item_id}\n{day.isoformat()}".encode()).digest()
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return order
