"""The settings file: defaults, one-line refusals of anything else, edits that keep the rest."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import string
import tomllib
from pathlib import Path

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from textual.app import App
from textual.binding import Binding
from textual.keys import Keys, _character_to_key

import tutor.ui
from tutor import config, config_keys, paths
from tutor.config import BINDINGS, Config, ConfigError, load_config, set_value
from tutor.sim import SimParams
from tutor.text import visible

#: Hypothesis shares one tmp_path across examples: each writes the same file anew.
EACH_EXAMPLE = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def refusal(path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


def one_line(message: str) -> bool:
    return "\n" not in message and "\r" not in message and message == visible(message)


def test_the_path_is_the_environment_s_else_the_platform_s(tmp_path, monkeypatch):
    assert paths.config_path() == tmp_path / "config.toml"  # conftest's scratch path
    monkeypatch.delenv("RESTUTOR_CONFIG")
    assert paths.config_path().name == "config.toml"
    assert "restutor" in paths.config_path().parts


def test_no_file_is_the_defaults(tmp_path):
    loaded = load_config(tmp_path / "none.toml")
    assert loaded == Config()
    assert (loaded.theme, loaded.review.desired_retention, loaded.review.new_per_day) == (
        "textual-dark",
        0.9,
        20,
    )
    assert (loaded.review.reviews_per_day, loaded.lab.networks, loaded.lab.inputs) == (200, 4, 32)
    assert loaded.keymap == {}


def test_a_whole_file_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        'theme = "nord"\n[review]\ndesired_retention = 0.85\nnew_per_day = 5\n'
        '[lab]\nnetworks = 2\ninputs = 8\n[keymap]\n"lab.run" = "ctrl+r"\n'
    )
    loaded = load_config(path)
    assert loaded.theme == "nord"
    assert (loaded.review.desired_retention, loaded.review.new_per_day) == (0.85, 5)
    assert loaded.review.reviews_per_day == 200
    assert loaded.keymap == {"lab.run": "ctrl+r"}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("theme = [", "not valid TOML"),
        ('theme = "Neon Lights"', "theme must be a theme name such as textual-dark, nord"),
        ("theme = 3", "theme must be a theme name"),
        ("review = 3", "review must be a table of review.desired_retention"),
        ("[review]\nnew_per_day = true", "review.new_per_day must be a whole number from 0 to"),
        ("[review]\nnew_per_day = 1.5", "review.new_per_day must be a whole number"),
        ("[review]\ndesired_retention = 1.5", "must be a number from 0.7 to 0.99 (got 1.5)"),
        ("[review]\ndesired_retention = nan", "must be a number from 0.7 to 0.99 (got nan)"),
        ('[review]\ndesired_retention = "0.9"', "must be a number from 0.7 to 0.99"),
        ("[review]\nreviews_per_day = 10001", "a whole number from 0 to 10000"),
        ("[lab]\nnetworks = 0", "lab.networks must be a whole number from 1 to 10000"),
        ("[lab]\ninputs = 100001", "lab.inputs must be a whole number from 1 to 100000"),
        ("colour = 1", "unknown key 'colour'; known: "),
        ("[review]\nnew_per_dya = 1", "unknown key 'review.new_per_dya'; known: review.new_"),
        ('[keymap]\n"lab.rn" = "r"', "unknown binding id 'keymap.lab.rn'; known: keymap.lab.run"),
        ('[keymap]\n"lab.run" = "ctrl r"', "keymap.lab.run must be key names separated by"),
        ('[keymap]\n"lab.run" = 1', "keymap.lab.run must be key names separated by commas"),
        ("keymap = 1", 'keymap must be a table of binding ids and their keys, such as "lab.run"'),
        ('theme = "\\u001b[2J"', r"(got '\x1b[2J')"),
        ("a = " + "[" * 5000 + "]" * 5000, "not valid TOML"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_key_and_what_it_allows(tmp_path, text, says):
    path = tmp_path / "config.toml"
    path.write_text(text)
    message = refusal(path)
    assert says in message
    assert message.startswith(f"{path}: ")
    assert one_line(message)


def test_a_binary_or_huge_file_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00theme")
    assert "not a text file" in refusal(path)
    path.write_text("# " + "x" * config.MOST_BYTES)
    assert "larger than a config file can be" in refusal(path)
    path.unlink()
    path.mkdir()
    assert "cannot be read" in refusal(path)


def test_the_unknown_key_names_the_nearest_first(tmp_path):
    with pytest.raises(ConfigError) as caught:
        set_value("review.desired_retension", "0.8", tmp_path / "c.toml")
    assert str(caught.value).startswith(
        "unknown key 'review.desired_retension'; known: review.desired_retention, "
    )


_SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
)
_KEYS = st.sampled_from(["theme", "review", "lab", "keymap", "new_per_day", "networks"]) | st.text(
    min_size=1, max_size=12
)
_DOCUMENTS = st.recursive(
    st.dictionaries(_KEYS, _SCALARS, max_size=4),
    lambda inner: st.dictionaries(_KEYS, inner | _SCALARS, max_size=4),
    max_leaves=12,
)


@EACH_EXAMPLE
@given(document=_DOCUMENTS)
def test_any_toml_document_is_settings_or_one_line(tmp_path, document):
    path = tmp_path / "config.toml"
    path.write_text(tomlkit.dumps(document))
    try:
        loaded = load_config(path)
    except ConfigError as error:
        assert one_line(str(error))
    else:
        assert isinstance(loaded, Config)


@EACH_EXAMPLE
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_bytes_are_settings_or_one_line(tmp_path, data):
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    try:
        load_config(path)
    except ConfigError as error:
        assert one_line(str(error))


def test_set_keeps_the_learner_s_comments_and_other_keys(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# my settings\n[review]\nnew_per_day = 5  # five a day\n")
    set_value("theme", "nord", path)
    set_value("review.desired_retention", "0.8", path)
    changed = set_value("keymap.lesson.practice", "ctrl+o", path)
    text = path.read_text()
    assert "# my settings" in text and "new_per_day = 5  # five a day" in text
    assert changed == load_config(path)
    assert (changed.theme, changed.review.desired_retention, changed.review.new_per_day) == (
        "nord",
        0.8,
        5,
    )
    assert changed.keymap == {"lesson.practice": "ctrl+o"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no temporary left


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("theme", "-neon-", "theme must be a theme name such as textual-dark"),
        ("review.new_per_day", "lots", "review.new_per_day must be a whole number from 0 to 1000"),
        ("review.desired_retention", "1", "a number from 0.7 to 0.99 (got 1.0)"),
        ("lab.inputs", "0", "lab.inputs must be a whole number from 1 to 100000"),
        ("keymap.lab.walk", "w", "unknown binding id 'keymap.lab.walk'"),
        ("keymap.lab.run", "\x1b[2J", "keymap.lab.run must be key names separated by commas"),
        ("keymap.lesson.practice", "ctrl+p", "it is the command palette's"),
        ("review", "3", "unknown key 'review'"),
    ],
)
def test_a_bad_setting_changes_nothing(tmp_path, key, value, says):
    path = tmp_path / "config.toml"
    path.write_text("# mine\ntheme = 'dracula'\n")
    with pytest.raises(ConfigError) as caught:
        set_value(key, value, path)
    assert says in str(caught.value) and one_line(str(caught.value))
    assert path.read_text() == "# mine\ntheme = 'dracula'\n"


def test_set_never_overwrites_a_file_it_cannot_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("theme = [half written")
    with pytest.raises(ConfigError, match="not valid TOML"):
        set_value("theme", "nord", path)
    assert path.read_text() == "theme = [half written"


def test_set_writes_through_a_symlink_and_makes_the_folder(tmp_path):
    dotfiles = tmp_path / "dotfiles" / "restutor.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text("")
    link = tmp_path / "config.toml"
    link.symlink_to(dotfiles)
    set_value("theme", "nord", link)
    assert link.is_symlink() and tomllib.loads(dotfiles.read_text()) == {"theme": "nord"}
    fresh = tmp_path / "new" / "folder" / "config.toml"
    set_value("lab.networks", "2", fresh)
    assert load_config(fresh).lab.networks == 2


def test_a_file_that_cannot_be_written_is_one_line_and_left_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text("# mine\n")

    def read_only_folder(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(config.tempfile, "mkstemp", read_only_folder)
    with pytest.raises(ConfigError) as caught:
        set_value("theme", "nord", path)
    assert str(caught.value) == f"{path}: cannot be written (Permission denied)"
    assert path.read_text() == "# mine\n"
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot be read") as caught:
        set_value("theme", "nord", blocker / "config.toml")
    assert one_line(str(caught.value))


def test_settings_mark_the_defaults():
    rows = {s.key: s for s in config.settings(Config.model_validate({"theme": "nord"}))}
    assert rows["theme"] == ("theme", "nord", False)
    assert rows["review.new_per_day"] == ("review.new_per_day", 20, True)
    assert rows["keymap.lab.run"] == ("keymap.lab.run", "enter", True)
    assert len([k for k in rows if k.startswith("keymap.")]) == len(BINDINGS)


@pytest.mark.parametrize("networks, inputs", [(1, 1), (4, 32), (10_000, 100_000)])
def test_every_lab_ensemble_the_config_takes_is_a_simulator_s(networks, inputs):
    lab = Config.model_validate({"lab": {"networks": networks, "inputs": inputs}}).lab
    assert SimParams(networks=lab.networks, inputs=lab.inputs).samples == networks * inputs


def test_every_theme_the_app_has_can_be_remembered(tmp_path):
    themes = App().available_themes  # Textual 8 has 21 (rose-pine-moon, ansi-dark, …), 6.2 11
    assert len(themes) >= 11
    for theme in themes:
        assert set_value("theme", theme, tmp_path / "config.toml").theme == theme


@given(theme=st.text(max_size=50))
def test_a_theme_is_taken_exactly_when_it_is_a_theme_name(theme):
    well_formed = re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", theme) and len(theme) <= 40
    try:
        assert Config.model_validate({"theme": theme}).theme == theme and well_formed
    except ValidationError as error:
        assert not well_formed and error.errors()[0]["loc"] == ("theme",)


def _ui_bindings() -> dict[str, Binding]:
    """Every binding with an id in the UI's modules, by id."""
    found: dict[str, Binding] = {}
    for info in pkgutil.walk_packages(tutor.ui.__path__, prefix="tutor.ui."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module):
            for binding in getattr(value, "BINDINGS", None) or []:
                if isinstance(binding, Binding) and binding.id:
                    assert found.setdefault(binding.id, binding) == binding, binding.id
    return found


def test_the_binding_ids_are_the_ui_s():
    ui = _ui_bindings()
    assert set(ui) == set(BINDINGS)
    for binding_id, binding in ui.items():
        assert binding.key == BINDINGS[binding_id].keys, binding_id


def keymap_refusal(keymap: dict[str, str]) -> str:
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"keymap": keymap})
    message = str(caught.value.errors()[0]["ctx"]["error"])
    assert one_line(message)
    return message


def test_the_key_names_are_textual_s():
    punctuation = {_character_to_key(mark) for mark in string.punctuation}
    assert punctuation <= config_keys.NAMED_KEYS
    assert config_keys.NAMED_KEYS - punctuation <= {key.value for key in Keys}
    assert {"question_mark", "left_square_bracket", "full_stop", "comma", "slash"} <= punctuation


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ("ctrl+shift+zz,banana", "(got 'ctrl+shift+zz,banana': 'zz' is not a key name)"),
        ("a+b+c+d,zzzz", "(got 'a+b+c+d,zzzz': 'a' is not a modifier)"),
        ("ctrl+t,ctrl+t", "(got 'ctrl+t,ctrl+t': 'ctrl+t' is given twice)"),
        ("ctrl+shift+x,shift+ctrl+x", "'ctrl+shift+x' is given twice"),
        ("ctrl+ctrl+a", "'ctrl' is given twice"),
        ("ctrl+", "no key after the modifiers"),
        ("", "no key after the modifiers"),
        ("f25", "'f25' is not a key name"),
        ("é", "'é' is not a key name"),
        ("question mark", "'question mark' is not a key name"),
    ],
)
def test_a_key_that_is_not_one_is_refused_naming_it(keys, says):
    message = keymap_refusal({"lab.run": keys})
    assert message.startswith("keymap.lab.run must be key names separated by commas, each a")
    assert says in message


_MODIFIERS = st.lists(st.sampled_from(["ctrl", "shift", "alt", "meta", "super"]), unique=True)
_KEY_NAMES = st.sampled_from(
    [*string.ascii_letters, *string.digits, "f1", "f24", *sorted(config_keys.NAMED_KEYS)]
)
_A_KEY = st.builds(lambda mods, name: "+".join([*mods, name]), _MODIFIERS, _KEY_NAMES)


@given(keys=st.lists(_A_KEY, min_size=1, max_size=3, unique_by=config_keys.canonical))
def test_every_well_formed_key_is_taken_unless_it_is_taken_already(keys):
    try:
        loaded = Config.model_validate({"keymap": {"lab.run": ",".join(keys)}})
    except ValidationError as error:
        assert "keymap.lab.run cannot take " in str(error)
    else:
        assert loaded.keymap == {"lab.run": ",".join(keys)}


@given(keys=st.text(alphabet="abcfz12+,_ ", max_size=20))
def test_any_keys_text_is_taken_or_refused_in_one_line(keys):
    try:
        Config.model_validate({"keymap": {"lab.run": keys}})
    except ValidationError as error:
        assert one_line(str(error.errors()[0]["ctx"]["error"]))


@pytest.mark.parametrize(
    ("keymap", "says"),
    [
        ({"lesson.practice": "ctrl+p"}, "keymap.lesson.practice cannot take ctrl+p: it is the co"),
        ({"lab.run": "ctrl+q"}, "keymap.lab.run cannot take ctrl+q: it is quitting's"),
        ({"map.quit": "ctrl+c"}, "keymap.map.quit cannot take ctrl+c: it is quitting's"),
        ({"practice.rate_easy": "g"}, "keymap.practice.rate_easy cannot take g: keymap.practic"),
        ({"lab.copy": "question_mark"}, "keymap.lab.copy cannot take question_mark: keymap.app.h"),
        ({"map.stats": "n"}, "keymap.map.stats cannot take n: keymap.app.note has it"),
        ({"lab.run": "f5", "lab.reset": "f5"}, "keymap.lab.run cannot take f5: keymap.lab.reset"),
        ({"app.note": "p"}, "keymap.app.note cannot take p: keymap.lesson.practice has it"),
        ({"notes.edit": "f2,shift+ctrl+r"}, "cannot take ctrl+shift+r"),
    ],
)
def test_a_key_another_binding_of_the_screen_has_is_refused_naming_both(keymap, says):
    if "ctrl+shift+r" in says:
        keymap = {**keymap, "notes.prompt": "ctrl+shift+r"}
    assert says in keymap_refusal(keymap)


def test_keys_that_no_other_binding_of_the_screen_has_are_taken():
    swapped = {"practice.nudge": "a", "practice.answer": "g"}  # a swap, whole after the keymap
    assert Config.model_validate({"keymap": swapped}).keymap == swapped
    other_screens = {"lab.copy": "p", "map.stats": "ctrl+n", "app.note": "ctrl+o"}
    assert Config.model_validate({"keymap": other_screens}).keymap == other_screens
    every_default = {binding_id: binding.keys for binding_id, binding in BINDINGS.items()}
    assert Config.model_validate({"keymap": every_default}).keymap == every_default


def test_a_fifo_or_a_device_is_refused_without_waiting_on_it(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)  # nobody writes to it: reading it blindly would wait for ever
    assert refusal(fifo) == f"{fifo}: not a regular file (a config file is a small TOML text file)"
    with pytest.raises(ConfigError, match="not a regular file"):
        set_value("theme", "nord", fifo)
    assert "not a regular file" in refusal(Path("/dev/zero"))


def test_a_byte_order_mark_is_read_past_and_not_written_back(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbf# from Notepad\r\ntheme = "nord"\r\n')
    assert load_config(path).theme == "nord"
    set_value("lab.networks", "2", path)
    assert load_config(path) == Config.model_validate({"theme": "nord", "lab": {"networks": 2}})
    assert path.read_bytes().startswith(b"# from Notepad")
