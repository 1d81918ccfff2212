"""The habits a command-line user brings: ``--version``, ``paths``, ``NO_COLOR`` and
``FORCE_COLOR``, ``--json`` on ``validate`` and ``glossary``, a refusal without a terminal
that names every command, and shell completion."""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor import paths
from tutor.cli import build_parser, main
from tutor.cli.parser import no_terminal_message
from tutor.cli.terminal import color_wanted


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_installed_version(capsys, flag):
    with pytest.raises(SystemExit) as exit:
        main([flag])
    out, err = capsys.readouterr()
    assert exit.value.code == 0 and err == ""
    assert out == f"restutor {version('restutor')}\n"


def test_paths_are_the_ones_the_app_uses(capsys, tmp_path, monkeypatch):
    extra = tmp_path / "env-lessons"
    monkeypatch.setenv(paths.LESSONS_ENV, str(extra))
    db = tmp_path / "elsewhere" / "mine.db"
    code, out, err = run(capsys, "--db", str(db), "--lessons", "mine", "paths", "--json")
    assert code == 0 and err == ""
    assert json.loads(out) == {
        "database": str(db),
        "lessons": ["mine", str(extra), str(paths.builtin_lessons_dir())],
        "config": str(paths.config_path()),
        "cache": str(paths.cache_dir()),
        "crash_reports": str(paths.crash_reports_dir(db)),
    }
    assert not db.parent.exists()  # printing where things are creates nothing


def test_paths_without_options_follow_the_environment(capsys, isolated_data):
    code, out, _ = run(capsys, "paths")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == f"database       {isolated_data / 'restutor.db'}"
    assert lines[1] == f"lessons        {paths.builtin_lessons_dir()}"
    assert f"config         {isolated_data / 'config.toml'}" in lines
    assert f"cache          {isolated_data / 'cache'}" in lines
    assert f"crash reports  {isolated_data / 'crash-reports'}" in lines


@given(name=st.text(min_size=1, max_size=20).filter(lambda s: "\x00" not in s))
def test_a_hostile_path_reaches_the_terminal_as_text(name):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", f"/tmp/{name}/x.db", "paths"]) == 0
    assert "\x1b" not in out.getvalue() and "\x9b" not in out.getvalue()


class Pipe:
    def isatty(self) -> bool:
        return False


class Terminal:
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("no_color", "force_color", "stream", "wanted"),
    [
        (None, None, Terminal(), True),
        (None, None, Pipe(), False),
        ("", None, Terminal(), True),  # only a non-empty NO_COLOR turns colour off
        ("1", None, Terminal(), False),
        (None, "1", Pipe(), True),  # a non-empty FORCE_COLOR colours even a pipe
        (None, "", Pipe(), False),
        ("", "1", Pipe(), True),
        ("1", "1", Pipe(), False),  # both: NO_COLOR wins
        ("1", "1", Terminal(), False),
    ],
)
def test_colour_follows_no_color_and_force_color(
    monkeypatch, no_color, force_color, stream, wanted
):
    for name, value in (("NO_COLOR", no_color), ("FORCE_COLOR", force_color)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert color_wanted(stream) is wanted


@pytest.mark.parametrize(
    ("no_color", "force_color", "colored"),
    [("", "1", True), ("1", "1", False), ("", "", False)],
)
def test_piped_output_is_coloured_only_when_forced(
    capsys, monkeypatch, no_color, force_color, colored
):
    monkeypatch.setenv("NO_COLOR", no_color)
    monkeypatch.setenv("FORCE_COLOR", force_color)
    for words in (["sim", "--depth", "3", "--networks", "1", "--inputs", "2"], ["glossary"]):
        code, out, _ = run(capsys, *words)  # captured: stdout is a pipe, not a terminal
        assert code == 0 and ("\x1b[" in out) is colored, words


def test_validate_json_lists_each_problem(capsys, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: 3\n")
    code, out, err = run(capsys, "validate", "--json", str(broken))
    plain_code, plain_out, _ = run(capsys, "validate", str(broken))
    problems = json.loads(out)
    assert code == plain_code == 1 and "error(s)" in err
    assert problems and all(set(p) == {"path", "line", "severity", "message"} for p in problems)
    assert {p["path"] for p in problems} == {str(broken)}
    assert all(isinstance(p["line"], int) and p["severity"] == "error" for p in problems)
    assert len(problems) == len(plain_out.splitlines())
    assert [f"{p['path']}:{p['line']}: {p['message']}" for p in problems] == (
        plain_out.splitlines()
    )


def test_validate_json_of_clean_lessons_is_an_empty_list(capsys):
    code, out, _ = run(capsys, "validate", "--json", str(paths.builtin_lessons_dir()))
    assert code == 0 and json.loads(out) == []


def test_glossary_json_holds_every_entry(capsys):
    code, out, _ = run(capsys, "glossary", "--json")
    entries = json.loads(out)
    assert code == 0 and entries
    keys = {"term", "aliases", "lesson", "lesson_title", "definition", "related"}
    assert all(set(entry) == keys for entry in entries)
    residual = next(e for e in entries if e["term"] == "Residual connection")
    assert residual["lesson"] == "residual-connections" and residual["definition"]
    assert "skip connection" in residual["aliases"]


def test_glossary_json_of_one_term_and_of_an_unknown_one(capsys):
    code, out, _ = run(capsys, "glossary", "--json", "skip connection")
    assert code == 0 and {e["term"] for e in json.loads(out)} == {"Residual connection"}
    code, out, err = run(capsys, "glossary", "--json", "skip conection")
    assert code == 1 and out == "" and err.startswith("restutor: no glossary term")


def test_the_refusal_without_a_terminal_names_every_command(capsys):
    code, _, err = run(capsys)  # pytest's stdout is not a terminal
    listed = err.strip().split("headless commands: ")[1].split(", ")
    assert code == 2 and listed == list(build_parser().commands)
    assert {"sim", "lesion", "train", "review", "notes", "paths"} <= set(listed)


def test_a_command_added_later_is_named_in_the_refusal():
    parser = build_parser()
    parser.add_command("brand-new", help="a command that did not exist")
    listed = no_terminal_message(parser).split("headless commands: ")[1].split(", ")
    assert listed[-1] == "brand-new" and listed == list(parser.commands)
