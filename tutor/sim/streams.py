"""Random streams: one independent stream per piece of a run, derived from its seed.

Each piece (a layer's weights, the inputs, a network's initialization, the batch order)
is named by a key, so the same seed always gives it the same numbers, whichever other
pieces were drawn, in whatever order or thread: a deeper run extends a shallower one,
and a lesion or a training run never depends on what ran before it.
"""

from __future__ import annotations

import numpy as np


def stream(seed: int, *key: int) -> np.random.Generator:
    """The stream of the piece ``key`` names (SFC64: NumPy's fastest generator)."""
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed, spawn_key=key)))
