"""The habits a command-line user brings: ``--version``, ``paths``, ``NO_COLOR`` and
``FORCE_COLOR``, ``--json`` on ``validate`` and ``glossary``, a refusal without a terminal
that names every command, and shell completion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

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
        "lessons": [str(Path("mine").absolute()), str(extra), str(paths.builtin_lessons_dir())],
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


# --- shell completion ---------------------------------------------------------------------


def needs_shell(name: str) -> str:
    """The shell's path; skipped where it is not installed, except in CI (which installs it)."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed: .ci/run installs it")
        pytest.skip(f"{name} is not installed (apt-get install {name})")
    return found


@pytest.fixture
def shell_env(tmp_path, isolated_data):
    """An environment whose ``restutor`` on PATH is this checkout (the scripts call it
    for the lesson ids, item ids and terms), run from a folder of its own."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "restutor"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -P -m tutor "$@"\n')
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def script_file(capsys, tmp_path, shell: str) -> Path:
    code, out, err = run(capsys, "completion", shell)
    assert code == 0 and err == ""
    path = tmp_path / f"restutor.{shell}"
    path.write_text(out)
    return path


def lesson_ids() -> list[str]:
    from tutor.lessons.index import read_index

    return sorted(summary.id for summary in read_index(paths.lesson_dirs()))


def bash_candidates(script: Path, env: dict, cwd: Path, *words: str) -> list[str]:
    """What bash offers for ``restutor WORDS…`` (the last word being completed)."""
    driver = (
        f"source {script}\n"
        'COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n'
        'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}\n'
        '_shtab_restutor\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(
        [needs_shell("bash"), "-c", driver, "bash", "restutor", *words],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=True,
    )
    return [line for line in proc.stdout.splitlines() if line]


@pytest.mark.parametrize(("shell", "check"), [("bash", "-n"), ("zsh", "-n"), ("fish", "-n")])
def test_each_script_is_valid_in_its_shell(capsys, tmp_path, shell, check):
    script = script_file(capsys, tmp_path, shell)
    proc = subprocess.run([needs_shell(shell), check, str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_bash_completes_commands_lesson_ids_item_ids_and_terms(capsys, tmp_path, shell_env):
    script = script_file(capsys, tmp_path, "bash")

    def offered(*words: str) -> list[str]:
        return bash_candidates(script, shell_env, tmp_path, *words)

    assert "practice" in offered("pr")
    assert "sim" not in offered("pr")
    assert sorted(offered("")) == sorted([*build_parser().commands, *lesson_ids()])
    assert offered("resid") == [i for i in lesson_ids() if i.startswith("resid")]
    assert offered("--db", "x.db", "resid") == offered("resid")
    assert "rc-why-identity-term" in offered("practice", "show", "rc-")
    assert all(word.startswith("rc-") for word in offered("practice", "grade", "rc-"))
    assert "skip\\ connection" in offered("glossary", "skip")  # quoted for the shell
    assert offered("notes", "list", "--lesson", "trans") == ["transformers"]
    assert offered("sim", "--activation", "") == ["tanh", "relu", "linear"]
    assert offered("completion", "") == ["bash", "zsh", "fish"]


def test_fish_completes_commands_lesson_ids_item_ids_and_terms(capsys, tmp_path, shell_env):
    script = script_file(capsys, tmp_path, "fish")

    def offered(line: str) -> list[str]:
        proc = subprocess.run(
            [needs_shell("fish"), "--no-config", "-c", f"source {script}; complete -C {line!r}"],
            capture_output=True,
            text=True,
            env=shell_env,
            cwd=tmp_path,
            check=True,
        )
        return [row.split("\t")[0] for row in proc.stdout.splitlines()]

    assert "practice" in offered("restutor pr")
    assert offered("restutor resid") == [i for i in lesson_ids() if i.startswith("resid")]
    assert "rc-why-identity-term" in offered("restutor practice show rc-w")
    assert "skip connection" in offered("restutor glossary skip")
    assert "--json" in offered("restutor glossary --")


def test_zsh_registers_its_completion_with_the_lesson_ids(capsys, tmp_path, shell_env):
    script = script_file(capsys, tmp_path, "zsh")
    check = (
        f'autoload -U compinit; compinit -u -D; eval "$(<{script})"; '
        "print -r -- $_comps[restutor]; whence -w _restutor_lessons _restutor_terms; "
        "whence -f _shtab_restutor_commands"
    )
    proc = subprocess.run(
        [needs_shell("zsh"), "-f", "-c", check],
        capture_output=True,
        text=True,
        env=shell_env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "_shtab_restutor"
    assert "_restutor_lessons: function" in lines and "_restutor_terms: function" in lines
    assert "_restutor_lessons" in proc.stdout.split("_shtab_restutor_commands () {")[1]


def test_the_lists_are_the_lesson_path(capsys, tmp_path):
    from tests.lesson_factory import write_lesson

    mine = tmp_path / "mine"
    mine.mkdir()
    write_lesson(
        mine,
        id="my-lesson",
        terms=[{"term": "evil\x1b]0;owned\x07 term", "definition": "A hostile name."}],
    )
    code, out, _ = run(capsys, "--lessons", str(mine), "completion", "--list", "lessons")
    assert code == 0 and out.splitlines() == sorted([*lesson_ids(), "my-lesson"])
    code, out, _ = run(capsys, "--lessons", str(mine), "completion", "--list", "terms")
    assert code == 0 and "skip connection" in out.splitlines()
    assert "\x1b" not in out and "\x07" not in out and "evil" in out
    code, out, _ = run(capsys, "completion", "--list", "items")
    assert "rc-why-identity-term" in out.splitlines()


def test_completion_without_a_shell_is_one_line(capsys):
    code, out, err = run(capsys, "completion")
    assert code == 2 and out == ""
    assert err == "restutor: completion needs a shell: bash, zsh, fish\n"
    code, _, err = run(capsys, "completion", "tcsh")
    assert code == 2 and err.startswith("restutor: argument SHELL: invalid choice")


def test_starting_up_does_not_load_shtab():
    code = (
        "import sys; from tutor.cli import build_parser; build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'shtab'))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_a_hostile_term_completes_as_text_in_bash(capsys, tmp_path, shell_env):
    from tests.lesson_factory import write_lesson

    mine = tmp_path / "mine"
    mine.mkdir()
    hostile = ["$(touch pwned)", "it's `touch pwned2`", "a;b"]
    write_lesson(
        mine, id="hostile", terms=[{"term": t, "definition": "A hostile name."} for t in hostile]
    )
    env = {**shell_env, paths.LESSONS_ENV: str(mine)}
    script = script_file(capsys, tmp_path, "bash")
    offered = bash_candidates(script, env, tmp_path, "glossary", "")
    assert {"\\$\\(touch\\ pwned\\)", "it\\'s\\ \\`touch\\ pwned2\\`", "a\\;b"} <= set(offered)
    assert not list(tmp_path.glob("pwned*"))  # offered, never run


def test_the_new_commands_never_import_textual():
    code = (
        "import sys; from tutor.cli import main; "
        "main(['paths', '--json']); main(['completion', 'bash']); main(['completion', 'fish']); "
        "main(['completion', '--list', 'terms']); main(['completion', '--list', 'items']); "
        "main(['validate', '--json']); main(['glossary', '--json']); "
        "bad = sorted(m for m in sys.modules "
        "if m.split('.')[0] == 'textual' or m.startswith('tutor.ui')); "
        "print('UI-IMPORTS', bad, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "UI-IMPORTS []" in proc.stderr


def test_paths_says_a_lesson_folder_is_missing(capsys, tmp_path):
    code, out, _ = run(capsys, "--lessons", str(tmp_path / "gone"), "paths")
    assert code == 0
    assert f"{tmp_path / 'gone'}  (no such folder)" in out
    assert out.count("(no such folder)") == 1  # the built-ins are there


@pytest.mark.parametrize(("value", "kept"), [("", False), ("1", True), ("0", True)])
def test_the_tui_takes_only_a_non_empty_no_color_as_no_colour(value, kept):
    from textual.app import App

    from tutor.cli.terminal import follow_no_color

    environ = {"NO_COLOR": value, "TERM": "xterm"}
    follow_no_color(environ)
    assert ("NO_COLOR" in environ) == kept and environ["TERM"] == "xterm"
    with pytest.MonkeyPatch.context() as patch:  # what Textual then makes of it
        patch.delenv("NO_COLOR", raising=False)
        if kept:
            patch.setenv("NO_COLOR", value)
        assert App().no_color == kept
