"""``restutor config path|show|set``: what the file says, one line and exit 2 for anything wrong."""

from __future__ import annotations

import json
import os

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.cli import main
from tutor.config import BINDINGS, load_config


def run(capsys, *words: str) -> tuple[int, str, str]:
    code = main(list(words))
    out, err = capsys.readouterr()
    return code, out, err


def test_path_prints_where_the_file_is(capsys, tmp_path):
    assert run(capsys, "config", "path") == (0, f"{tmp_path / 'config.toml'}\n", "")


def test_show_lists_every_setting_and_binding_marking_the_defaults(capsys, tmp_path):
    (tmp_path / "config.toml").write_text('theme = "nord"\n[keymap]\n"lab.run" = "ctrl+r"\n')
    code, out, err = run(capsys, "config", "show")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"settings in {tmp_path / 'config.toml'}"
    assert lines[1].split() == ["theme", "nord", "(set)"]
    assert lines[2].split() == ["review.desired_retention", "0.9", "(default)"]
    assert any(line.split()[:3] == ["lab.run", "ctrl+r", "(set)"] for line in lines)
    assert any(line.split()[:3] == ["app.theme", "ctrl+t", "(default)"] for line in lines)
    assert all(any(line.startswith(f"{b} ") for line in lines) for b in BINDINGS)


def test_show_json(capsys, tmp_path):
    (tmp_path / "config.toml").write_text("[review]\nnew_per_day = 5\n")
    code, out, _ = run(capsys, "config", "show", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["path"] == str(tmp_path / "config.toml")
    assert shown["settings"]["review.new_per_day"] == {"value": 5, "default": False}
    assert shown["settings"]["theme"] == {"value": "textual-dark", "default": True}
    assert shown["bindings"]["lesson.practice"] == {
        "keys": "p",
        "default": True,
        "does": "lesson: practice",
    }
    assert set(shown["bindings"]) == set(BINDINGS)


def test_set_changes_one_setting(capsys, tmp_path):
    code, out, err = run(capsys, "config", "set", "review.new_per_day", "7")
    assert (code, err) == (0, "")
    assert out == f"review.new_per_day = 7 (in {tmp_path / 'config.toml'})\n"
    assert load_config().review.new_per_day == 7
    assert run(capsys, "config", "set", "keymap.lab.run", "ctrl+r")[0] == 0
    assert load_config().keymap == {"lab.run": "ctrl+r"}


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (["them", "nord"], "restutor: unknown key 'them'; known: theme, "),
        (["theme", "Neon!"], "restutor: theme must be a theme name such as textual-dark, "),
        (["keymap.lab.run", "ctrl+q"], "restutor: keymap.lab.run cannot take ctrl+q: it is qu"),
        (["keymap.lab.run", "banana"], "restutor: keymap.lab.run must be key names separated"),
        (["review.new_per_day", "-1"], "restutor: review.new_per_day must be a whole number"),
        (
            ["keymap.lab.rn", "r"],
            "restutor: unknown binding id 'keymap.lab.rn'; known: keymap.lab.run,",
        ),
    ],
)
def test_set_refuses_in_one_line(capsys, tmp_path, words, says):
    code, out, err = run(capsys, "config", "set", *words)
    assert (code, out) == (2, "")
    assert err.startswith(says) and err.count("\n") == 1
    assert not (tmp_path / "config.toml").exists()


def test_config_without_a_command_is_a_usage_line(capsys):
    code, _, err = run(capsys, "config")
    assert code == 2 and err.count("\n") == 1 and "CONFIG_COMMAND" in err


@pytest.mark.parametrize(
    "content",
    [
        b"theme = [",
        b"\x00\x01\x02\xff binary",
        b'theme = "\\u001b]52;c;aGk=\\u0007\\u001b[2J"',
        b'["\\u001b[31mred"]\nx = 1',
        b"# " + b"x" * 100_000,
    ],
)
def test_a_damaged_file_is_one_line_and_left_as_it_is(capsys, tmp_path, content):
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    for words in (["config", "show"], ["config", "set", "theme", "nord"]):
        code, out, err = run(capsys, *words)
        assert (code, out) == (2, "")
        assert err.startswith(f"restutor: {path}: ") and err.count("\n") == 1
        assert "\x1b" not in err and "\x07" not in err
    assert path.read_bytes() == content
    assert run(capsys, "config", "path")[0] == 0  # needs no file


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(value=st.text(max_size=40))
def test_no_setting_reaches_the_terminal_unescaped(capsys, tmp_path, value):
    path = tmp_path / "config.toml"
    path.write_text(tomlkit.dumps({"theme": value, "lab": {"networks": value}}))
    for words in (["config", "show"], ["config", "set", "keymap.lab.run", value]):
        _, out, err = run(capsys, *words)
        for text in (out, err):
            assert not any(c in text for c in "\x1b\x07\x9b\r")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"keymap = 1", "keymap must be a table of binding ids and their keys"),
        (b'[keymap]\n"lesson.practice" = "ctrl+p"', "keymap.lesson.practice cannot take ctrl+p"),
        (b'\xef\xbb\xbf[review]\nnew_per_day = "5"', "review.new_per_day must be a whole"),
        (b'[keymap]\n"lesson.practise" = "x"', "keymap.lesson.practise"),
    ],
)
def test_review_due_says_a_bad_file_in_one_line_naming_show_once(capsys, tmp_path, content, says):
    (tmp_path / "config.toml").write_bytes(content)
    code, out, err = run(capsys, "review", "--due")
    assert (code, out) == (2, "")
    assert says in err and err.count("\n") == 1
    assert err.count("restutor config show") == 1


def test_review_due_refuses_a_fifo_rather_than_wait_on_it(capsys, tmp_path):
    os.mkfifo(tmp_path / "config.toml")
    code, _, err = run(capsys, "review", "--due")
    assert code == 2 and "config.toml: not a regular file" in err and err.count("\n") == 1


def test_a_theme_picked_in_notepad_is_read(capsys, tmp_path):
    (tmp_path / "config.toml").write_bytes(b'\xef\xbb\xbftheme = "rose-pine-moon"\r\n')
    code, out, _ = run(capsys, "config", "show")
    assert code == 0 and out.splitlines()[1].split() == ["theme", "rose-pine-moon", "(set)"]
