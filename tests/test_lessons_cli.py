"""`restutor validate` and `restutor glossary` (Markdown drawn on a terminal, plain through
a pipe), the schema file and the wheel's lessons."""

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.lesson_factory import write_lesson, yaml_bomb
from tutor.cli import main
from tutor.lessons.schema import SCHEMA_COMMENT, schema_text

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_a_clean_file_exits_0(capsys, tmp_path):
    path = write_lesson(tmp_path)
    code, out, err = run(capsys, "validate", path)
    assert code == 0 and out == ""
    assert "1 lesson file(s) checked: 0 error(s), 0 warning(s)" in err


def test_validate_prints_path_line_message_and_exits_1(capsys, tmp_path):
    path = write_lesson(tmp_path, difficulty="impossible")
    code, out, _ = run(capsys, "validate", path)
    assert code == 1
    [line] = out.splitlines()
    assert line.startswith(f"{path}:") and ": difficulty: " in line
    assert int(line.split(":")[1]) > 1


def test_validate_warnings_do_not_fail(capsys, tmp_path):
    path = write_lesson(tmp_path, claims=[{"id": "c", "statement": "s"}])
    code, out, _ = run(capsys, "validate", path)
    assert code == 0 and "warning: claim 'c' has no source" in out


def test_validate_a_folder_and_graph_references_against_the_lesson_path(capsys, tmp_path):
    library, drafts = tmp_path / "library", tmp_path / "drafts"
    library.mkdir()
    drafts.mkdir()
    write_lesson(library, id="basics")
    write_lesson(drafts, id="draft", prerequisites=["basics"])
    # the draft's prerequisite lives on the lesson path, not in the folder being checked
    code, out, _ = run(capsys, "--lessons", library, "validate", drafts)
    assert (code, out) == (0, "")
    code, out, _ = run(capsys, "validate", drafts)
    assert code == 1 and "unknown lesson id 'basics'" in out


def test_validate_a_missing_path_is_a_usage_error(capsys, tmp_path):
    code, out, err = run(capsys, "validate", tmp_path / "nope.yaml")
    assert code == 2 and "no such file or folder" in err and "Traceback" not in err


def test_validate_hostile_files_never_traceback(tmp_path):
    (tmp_path / "bomb.yaml").write_bytes(yaml_bomb())
    (tmp_path / "junk.yaml").write_bytes(bytes(range(256)))
    (tmp_path / "tag.yaml").write_text("!!python/object/apply:os.system ['true']\n")
    proc = subprocess.run(
        [sys.executable, "-m", "tutor", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stdout.splitlines()) == 3


def test_validate_refuses_what_is_not_a_regular_file_without_reading_it(capsys, tmp_path):
    os.mkfifo(tmp_path / "fifo.yaml")  # reading it would wait for a writer forever
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")  # reading it would never end
    code, out, _ = run(capsys, "validate", tmp_path)
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path / name}:1: not a regular file (a lesson is a YAML text file)"
        for name in ("fifo.yaml", "zero.yaml")
    ]
    code, out, _ = run(capsys, "validate", "/dev/zero")
    assert (code, out) == (1, "/dev/zero:1: not a regular file (a lesson is a YAML text file)\n")


def test_glossary_lists_and_looks_up_terms(capsys, tmp_path):
    write_lesson(tmp_path)
    code, out, _ = run(capsys, "--lessons", tmp_path, "glossary")
    assert code == 0 and "skip connection" in out
    code, out, _ = run(capsys, "--lessons", tmp_path, "glossary", "Residual-Connection")
    assert code == 0 and "Adds a block's input to its output." in out
    code, _, err = run(capsys, "--lessons", tmp_path, "glossary", "skip conection")
    assert code == 1 and "did you mean: skip connection" in err


#: A definition using every inline element Markdown has, and Rich markup that must stay text.
MARKDOWN_TERM = {
    "term": "formatted term",
    "definition": "A **bold** claim with *emphasis*, `y = x + F(x)`, a\n"
    "[source](https://example.org/paper) and [bold red]no markup[/]. A second sentence.",
}


def test_a_piped_glossary_is_plain_text(capsys, tmp_path):
    write_lesson(tmp_path, terms=[MARKDOWN_TERM])
    listing = run(capsys, "--lessons", tmp_path, "glossary")[1]
    entry = run(capsys, "--lessons", tmp_path, "glossary", "formatted term")[1]
    for out in listing, entry:
        assert "**" not in out and "`" not in out and "*emphasis*" not in out
        assert "\x1b" not in out and all(line == line.rstrip() for line in out.splitlines())
        assert "A bold claim with emphasis, y = x + F(x)" in " ".join(out.split())
    assert "source (https://example.org/paper) and [bold red]no markup[/]." in " ".join(
        entry.split()
    )
    assert "A second sentence" in entry and "A second sentence" not in listing


def test_a_glossary_on_a_terminal_is_drawn_by_rich(capsys, tmp_path, monkeypatch):
    from rich.console import Console

    def terminal(soft_wrap):
        console = Console(force_terminal=True, color_system="standard", width=80)
        return console, True

    monkeypatch.setattr("tutor.cli.lessons.stdout_console", terminal)
    write_lesson(tmp_path, terms=[MARKDOWN_TERM])
    out = run(capsys, "--lessons", tmp_path, "glossary", "formatted term")[1]
    assert "\x1b[1mbold\x1b[0m" in out and "**" not in out and "`" not in out
    assert "\x1b]8;" in out and "https://example.org/paper" in out  # a link to click
    assert "[bold red]no markup[/]" in out


@pytest.mark.parametrize(
    ("definition", "sentence"),
    [
        ("One. Two.", "One."),
        ("Uses `a. b` inside. Then more.", "Uses `a. b` inside."),
        ("No full stop", "No full stop"),
        ("Wrapped\nover. Lines.", "Wrapped over."),
    ],
)
def test_the_listing_shows_a_definitions_first_sentence(definition, sentence):
    from tutor.cli.lessons import first_sentence

    assert first_sentence(definition) == sentence


def test_the_environment_variable_extends_the_lesson_path(capsys, tmp_path, monkeypatch):
    write_lesson(
        tmp_path,
        id="from-env",
        terms=[{"term": "envterm", "definition": "Found through RESTUTOR_LESSONS."}],
    )
    monkeypatch.setenv("RESTUTOR_LESSONS", str(tmp_path))
    code, out, _ = run(capsys, "glossary", "envterm")
    assert code == 0 and "Found through RESTUTOR_LESSONS." in out


def test_schema_json_is_current():
    committed = (ROOT / "lessons" / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: python -m tutor.lessons.schema"
    assert json.loads(committed)["title"] == "restutor lesson"


def test_every_built_in_lesson_names_the_schema_on_its_first_line():
    for path in sorted((ROOT / "lessons").glob("*.yaml")):
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_COMMENT, path


def test_every_package_is_listed_for_the_wheel():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "tutor").rglob("__init__.py")
    }
    assert found <= listed


@pytest.mark.slow
def test_the_wheel_ships_the_lessons_and_styles(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tutor/lessons_data/schema.json" in names
    for path in (ROOT / "lessons").glob("*.yaml"):
        assert f"tutor/lessons_data/{path.name}" in names
    for path in (ROOT / "tutor").rglob("*.tcss"):
        assert path.relative_to(ROOT).as_posix() in names
