"""The settings in the tutor: the theme remembered, keys remapped, the lab's ensemble, and a
damaged file said once and left alone."""

from __future__ import annotations

import tomllib

from textual.notifications import Notify

from tests.pilot import press, wait_for
from tests.ui_app import make_app
from tutor import config, paths
from tutor.ui.app import RestutorApp
from tutor.ui.screens.lab import LabScreen
from tutor.ui.screens.map import MapScreen
from tutor.ui.screens.stats import StatsScreen

SIZE = (100, 30)


def toasts(seen: list[object]) -> list[str]:
    return [m.notification.message for m in seen if isinstance(m, Notify)]


def saved_theme() -> object:
    path = paths.config_path()
    return tomllib.loads(path.read_text()).get("theme") if path.exists() else None


async def on_the_map(pilot, app: RestutorApp) -> None:
    await wait_for(pilot, lambda: app.store is not None, "the store opened")
    await wait_for(pilot, lambda: isinstance(app.screen, MapScreen), "the map in front")


async def test_the_theme_picked_with_ctrl_t_is_kept_for_the_next_start(tmp_path):
    paths.config_path().write_text("# my settings\n")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, app)
        assert app.theme == "textual-dark"
        await press(pilot, "ctrl+t")
        assert app.theme == "textual-light"
        await wait_for(pilot, lambda: saved_theme() == "textual-light", "the theme written")
    assert paths.config_path().read_text().startswith("# my settings\n")
    again = make_app(tmp_path / "db")
    async with again.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, again)
        assert again.theme == "textual-light" and again.config.theme == "textual-light"
        await press(pilot, "ctrl+t", "ctrl+t", "ctrl+t")
        await again.workers.wait_for_complete()
        assert again.theme == "textual-dark" and saved_theme() == "textual-dark"


async def test_a_theme_that_cannot_be_written_is_a_toast_and_stays(tmp_path, monkeypatch):
    def read_only_folder(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(config.tempfile, "mkstemp", read_only_folder)
    app = make_app(tmp_path / "db")
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await on_the_map(pilot, app)
        await press(pilot, "ctrl+t")
        await wait_for(
            pilot,
            lambda: any(t.startswith("the theme is not remembered: ") for t in toasts(seen)),
            "the toast",
        )
        assert any("cannot be written (Permission denied)" in t for t in toasts(seen))
        assert app.theme == "textual-light" and app.is_running


async def test_a_remapped_key_does_what_its_binding_did(tmp_path):
    paths.config_path().write_text('[keymap]\n"map.stats" = "z"\n')
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, app)
        await press(pilot, "S")
        assert isinstance(app.screen, MapScreen)  # the old key is free
        await press(pilot, "z")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), "the stats open")


async def test_a_damaged_file_is_said_once_and_left_as_it_is(tmp_path):
    damaged = b'theme = "\x1b[2J\nreview = 3'
    paths.config_path().write_bytes(damaged)
    app = make_app(tmp_path / "db")
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await on_the_map(pilot, app)
        said = [t for t in toasts(seen) if "default settings" in t]
        assert len(said) == 1 and said[0].startswith(f"{paths.config_path()}: not valid TOML")
        assert "\x1b" not in said[0]
        assert app.config.theme == "textual-dark" and app.theme == "textual-dark"
        await press(pilot, "ctrl+t")  # a new theme is not written over the learner's file
        assert "the theme is for this session only: the settings file cannot be used" in (
            toasts(seen)
        )
        await press(pilot, "L")
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the lab open")
    assert paths.config_path().read_bytes() == damaged
    assert len([t for t in toasts(seen) if "default settings" in t]) == 1


async def test_the_lab_opens_on_the_configured_ensemble(tmp_path):
    paths.config_path().write_text("[lab]\nnetworks = 2\ninputs = 8\n")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, app)
        await press(pilot, "L")
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the lab open")
        params = app.screen.params
        assert (params.networks, params.inputs) == (2, 8)
        await press(pilot, "right", "0")  # reset goes back to the ensemble, not the defaults
        assert (app.screen.params.networks, app.screen.params.inputs) == (2, 8)
