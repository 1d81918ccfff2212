"""The lab made ready while the learner is on the map, and what every lab of an app shares.

Opening the lab cold costs a few hundred milliseconds before its plots paint: importing
NumPy, plotext, the engine and the lab's modules, then drawing the default network's
weights and running both variants. The app asks `warm_lab` to do all of it in a thread
worker once the map has painted, so that the lab opens on the default network with
its plots drawn from `LabCache` in its first frame.

The cache is the app's (one a running app, created on first use, under a lock since the
warm-up thread and the UI thread may both ask), and so is its one simulator: every lab
the app opens runs on it, behind its lock, so a lab opened later reuses the weights the
warm-up (or an earlier lab) drew. A run is a function of its parameters, so what the
cache hands out are the very floats a fresh run would give.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual import log

from tutor.sim import SimParams

if TYPE_CHECKING:
    from textual.app import App

    from tutor.config import LabConfig
    from tutor.sim import LabRun, Simulator


class LabCache:
    """An app's simulator (with the lock that keeps one run on it at a time) and the
    run of the lab's default network, once the warm-up has made it."""

    def __init__(self) -> None:
        from tutor.sim import Simulator

        self.simulator: Simulator = Simulator()
        self.lock = threading.Lock()
        self._ready: LabRun | None = None

    def ready_run(self, params: SimParams) -> LabRun | None:
        """Both variants of ``params``, if the warm-up ran them (never blocks)."""
        ready = self._ready
        return ready if ready is not None and ready.params == params else None

    def warm(self, params: SimParams) -> None:
        """Run both variants of ``params`` on the app's simulator and keep them (in a
        thread: it waits for the simulator's lock)."""
        from tutor.sim import run_both

        with self.lock:
            if self.ready_run(params) is None:
                self._ready = run_both(self.simulator, params)


_CACHES: WeakKeyDictionary[App[Any], LabCache] = WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def lab_cache(app: App[Any]) -> LabCache:
    """``app``'s lab cache, made on first use."""
    with _CACHES_LOCK:
        cache = _CACHES.get(app)
        if cache is None:
            cache = _CACHES[app] = LabCache()
        return cache


def default_network(ensemble: LabConfig) -> SimParams:
    """The network the lab opens on when nothing names one: the defaults, with the
    learner's ensemble."""
    return SimParams(networks=ensemble.networks, inputs=ensemble.inputs)


def warm_lab(app: App[Any], ensemble: LabConfig) -> None:
    """Import what the lab draws with and run its default network (call it in a thread
    worker, after the first paint). A failure only costs the speed-up: it is logged and
    the lab computes its plots on opening, as without the warm-up."""
    try:
        import textual_plotext  # noqa: F401 (plotext, loaded on first use otherwise)

        import tutor.plot  # noqa: F401
        import tutor.ui.screens.lab.screen  # noqa: F401

        lab_cache(app).warm(default_network(ensemble))
    except Exception as error:  # noqa: BLE001 (the warm-up is an optimization, never an error)
        log.warning(f"the lab could not be readied: {error!r}")
