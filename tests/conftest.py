"""Shared fixtures: no test ever touches a developer's own data."""

import os

import pytest
from hypothesis import settings

# No test may depend on how fast the machine is: Hypothesis's per-example deadline (200 ms
# by default) is a wall-clock timer, so it is off everywhere, not only where a test says so.
settings.register_profile("local", deadline=None)
# CI runs the same examples every time, so a red run always reproduces.
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "local")


@pytest.fixture(autouse=True)
def isolated_data(tmp_path, monkeypatch):
    """Point restutor's database, lesson path and settings at a scratch folder."""
    monkeypatch.setenv("RESTUTOR_DB", str(tmp_path / "restutor.db"))
    monkeypatch.delenv("RESTUTOR_LESSONS", raising=False)
    monkeypatch.setenv("RESTUTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("RESTUTOR_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


@pytest.fixture(autouse=True)
def hand_driven_clocks(monkeypatch):
    """No lab or exercise-watch timer runs on the wall clock in a test: each lab pane and
    each code exercise gets a ``ManualClock`` (``.clock``), whose timers fire only when
    the test ticks them."""
    from tests.pilot import ManualClock
    from tutor.ui.screens.lab import LabPane
    from tutor.ui.widgets.code_exercise import CodeExercise

    monkeypatch.setattr(LabPane, "CLOCK", ManualClock)
    monkeypatch.setattr(CodeExercise, "CLOCK", ManualClock)


@pytest.fixture(autouse=True)
def one_day_for_shuffled_choices(monkeypatch):
    """Choices are shown in an order of the day; every test sees the same day's order, so
    a snapshot or a test that picks by position holds on any date."""
    import datetime

    from tutor.ui.widgets import choice_list

    class Day(datetime.date):
        @classmethod
        def today(cls) -> datetime.date:
            return cls(2026, 12, 1)

    monkeypatch.setattr(choice_list, "date", Day)


def pytest_collection_modifyitems(items):
    """A snapshot test is marked ``snapshot``: its SVG baseline is drawn by the newest
    Textual, so the dependency-floor run (``.ci/run``) leaves it out."""
    for item in items:
        if "snap_compare" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.snapshot)
