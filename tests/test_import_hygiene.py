"""The boundary, proved the only way that proves a deferred import defers: each headless
module imported alone in a fresh interpreter loads nothing of the UI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import tutor

#: What a headless module must never load, even indirectly.
UI_PACKAGES = ("textual", "textual_plotext")
UI_MODULES = ("tutor.ui",)

#: The modules that may load the UI: the UI itself, and the command that starts it.
FRONT_ENDS = ("tutor.ui", "tutor.cli.tui", "tutor.__main__")


def _headless_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(tutor.__path__, prefix="tutor.")
        if not any(info.name == front or info.name.startswith(front + ".") for front in FRONT_ENDS)
    ]
    return sorted(names)


HEADLESS = _headless_modules()


def test_the_walk_finds_the_core():
    for name in ("tutor.sim.engine", "tutor.lessons.model", "tutor.store", "tutor.notes"):
        assert name in HEADLESS


@pytest.mark.parametrize("module", HEADLESS)
def test_a_headless_module_loads_no_ui(module):
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {UI_PACKAGES!r} "
        f"or m.startswith({UI_MODULES!r})); print(bad)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", f"{module} loads {proc.stdout.strip()}"
