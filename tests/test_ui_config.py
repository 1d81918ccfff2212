"""The settings in the tutor: the theme remembered, keys remapped, the lab's ensemble, and a
damaged file said once and left alone."""

from __future__ import annotations

import os
import tomllib

from textual.command import CommandList, CommandPalette
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


def themes_listed(app: RestutorApp) -> list[str]:
    listed = app.screen.query_one(CommandList)
    return [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]


async def pick_in_the_theme_palette(pilot, app: RestutorApp, query: str, *moves: str) -> None:
    """Open the theme palette, type ``query``, walk the list (once it shows only the themes
    ``query`` names) with ``moves``, and pick."""
    app.search_themes()
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette open")
    await pilot.press(*query)
    await wait_for(
        pilot,
        lambda: themes_listed(app) and all(query in t for t in themes_listed(app)),
        "the themes named listed",
    )
    await press(pilot, *moves, "enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette shut")
    await app.workers.wait_for_complete()


async def test_any_theme_the_palette_offers_is_kept_for_the_next_start(tmp_path, monkeypatch):
    writes: list[str] = []
    real_set_value = config.set_value

    def counted(key: str, value: str, *rest):
        writes.append(value)
        return real_set_value(key, value, *rest)

    monkeypatch.setattr(config, "set_value", counted)  # the app imports it when it writes
    app = make_app(tmp_path / "db")
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await on_the_map(pilot, app)
        await pick_in_the_theme_palette(pilot, app, "solarized", "down", "up", "down")
        picked = app.theme
        assert picked.startswith("solarized") and picked != "textual-dark"
        await wait_for(pilot, lambda: saved_theme() == picked, "the pick written")
        assert writes == [picked]  # one write, of the pick: not one a highlight
        assert not [t for t in toasts(seen) if "theme" in t]
    again = make_app(tmp_path / "db")
    async with again.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, again)
        assert again.theme == picked


async def test_a_palette_left_with_escape_writes_nothing(tmp_path):
    paths.config_path().write_text('theme = "nord"\n')
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await on_the_map(pilot, app)
        app.search_themes()
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette open")
        await press(pilot, *"gruvbox", "down", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), "shut")
        await app.workers.wait_for_complete()
        assert app.theme == "nord"
    assert paths.config_path().read_text() == 'theme = "nord"\n'


async def test_a_theme_this_textual_lacks_is_one_toast_and_the_default(tmp_path):
    paths.config_path().write_text('theme = "a-theme-of-textual-nine"\n')
    app = make_app(tmp_path / "db")
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await on_the_map(pilot, app)
        assert app.theme == "textual-dark"
        assert toasts(seen) == [
            "there is no theme 'a-theme-of-textual-nine' in this Textual; using textual-dark"
        ]
        await press(pilot, "ctrl+t")
        await wait_for(pilot, lambda: saved_theme() == "textual-light", "the pick written")


async def test_a_fifo_as_the_settings_file_is_a_toast_not_a_hang(tmp_path):
    paths.config_path().unlink(missing_ok=True)
    os.mkfifo(paths.config_path())
    app = make_app(tmp_path / "db")
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await on_the_map(pilot, app)
        said = [t for t in toasts(seen) if "default settings" in t]
        assert len(said) == 1 and "not a regular file" in said[0]


async def test_a_binding_moved_onto_the_palette_s_key_is_refused_and_the_palette_stays(tmp_path):
    paths.config_path().write_text('[keymap]\n"map.stats" = "ctrl+p"\n')
    app = make_app(tmp_path / "db")
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await on_the_map(pilot, app)
        said = [t for t in toasts(seen) if "default settings" in t]
        assert len(said) == 1 and "keymap.map.stats cannot take ctrl+p" in said[0]
        await press(pilot, "S")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), "the stats open")


def test_without_a_settings_file_the_defaults_wait_until_asked_for(tmp_path):
    """No file: nothing is read or built at start (no pydantic before the map's first
    frame, which counts what is due with the default retention); the defaults come when
    first asked for."""
    assert not paths.config_path().exists()
    app = make_app(tmp_path / "db")
    assert app._config is None and app.desired_retention == 0.9
    assert app.config.review.desired_retention == 0.9 and app._config is not None
