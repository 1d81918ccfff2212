"""The hostile-lessons corpus (tests/hostile_lessons.py) against validate, the index and
the TUI: every file is answered with ``path:line: message`` lines and never a traceback;
every file that validates opens on the map, as a lesson and in practice."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import hostile_lessons as corpus_kinds
from tests.lesson_factory import write_lesson
from tests.pilot import settle, wait_for
from tutor.cli import main
from tutor.lessons.index import CACHE_VERSION, read_index
from tutor.lessons.loader import read_lesson
from tutor.lessons.markdown import SECTIONS
from tutor.paths import builtin_lessons_dir
from tutor.text import visible

SIZE = (110, 36)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "lessons"
    return folder, corpus_kinds.write_corpus(folder)


@pytest.fixture(scope="module")
def validated(corpus, tmp_path_factory):
    """``restutor validate`` over the whole corpus, once, as a learner would run it."""
    folder, _ = corpus
    scratch = tmp_path_factory.mktemp("validate")
    env = {k: v for k, v in os.environ.items() if k != "RESTUTOR_LESSONS"}
    env |= {"RESTUTOR_DB": str(scratch / "db"), "RESTUTOR_CACHE_DIR": str(scratch / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "tutor", "validate", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=300,  # a hang is a failure, not a stuck CI job
    )
    lines: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        lines.setdefault(line.split(":", 1)[0], []).append(line)
    return proc, lines


def test_validate_ends_without_a_traceback_and_prints_only_visible_lines(validated, corpus):
    proc, lines = validated
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert visible(proc.stdout) == proc.stdout
    known = {visible(str(path)) for written in corpus[1].values() for path in written}
    assert set(lines) <= known


@pytest.mark.parametrize("kind", corpus_kinds.KINDS)
def test_validate_answers_each_hostile_file_with_path_line_message(kind, corpus, validated):
    _, lines = validated
    for path, verdict in corpus[1][kind].items():
        shown = visible(str(path))
        found = lines.get(shown, [])
        pattern = re.compile(rf"{re.escape(shown)}:[1-9][0-9]*: \S")
        assert all(pattern.match(line) for line in found), found
        errors = [line for line in found if ": warning: " not in line]
        assert bool(errors) == (verdict == corpus_kinds.ERROR), (path.name, found)


def test_nothing_in_the_corpus_ran(corpus, validated):
    folder, _ = corpus
    assert not any(marker.exists() for marker in corpus_kinds.markers(folder))


def test_escapes_in_every_field_load_with_none_left(tmp_path):
    data = corpus_kinds.tainted(corpus_kinds.every_field_lesson(), corpus_kinds.ESCAPES)
    path = tmp_path / "escapes.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML: \u001b escapes, as a tool would write
    file = read_lesson(path)
    assert file.problems == []
    strings = list(_strings(file.lesson.model_dump()))
    tainted = [s for s in strings if "␛]0;pwned␇" in s]
    assert all(visible(s) == s for s in strings)
    assert len(tainted) == len(list(_strings(data, only_tainted=True))) > 60
    witness = file.lesson.sections.code.witnesses[0]
    assert witness.code.startswith("␛]0;pwned␇␛]52;c;") and "<U+009B>31m<U+202E>" in witness.code


def _strings(data, only_tainted=False):
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value, only_tainted)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _strings(value, only_tainted)
    elif isinstance(data, str) and (not only_tainted or corpus_kinds.ESCAPES in data):
        yield data


@pytest.mark.parametrize("name", corpus_kinds.BROKEN_CACHES)
def test_a_broken_cache_is_rebuilt_at_startup(tmp_path, name, capsys):
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_lesson(folder)
    cache = tmp_path / "cache" / "lesson-index.json"
    read_index([folder], cache)
    cache.write_bytes(corpus_kinds.BROKEN_CACHES[name](json.loads(cache.read_text())))
    # startup reads the index, then stops short of the UI: stdout is no terminal here
    assert main(["--lessons", str(folder)]) == 2
    assert "needs a terminal" in capsys.readouterr().err
    assert [s.id for s in read_index([folder], cache)] == ["demo-lesson"]
    assert json.loads(cache.read_text())["version"] == CACHE_VERSION


def _lessons_that_validate(written, kinds):
    return sorted(
        {
            read_lesson(path).lesson.id
            for kind in kinds
            for path, verdict in written[kind].items()
            if verdict == corpus_kinds.OPENS
        }
    )


#: The kinds whose hostility is in the text itself: every section and every practice item
#: of theirs is drawn. The others' is in the code section, the map or the lesson path.
IN_THE_TEXT = ("escapes", "markup")


async def _open_every_part(folder, lesson_ids, db, everything):
    """One app over the corpus and the built-ins: each lesson opened from the map, its
    code section drawn and practice opened, then back to the map; a lesson in
    ``everything`` has each of its sections drawn and each practice item shown."""
    from tutor.ui.app import RestutorApp
    from tutor.ui.screens.lesson import LessonScreen
    from tutor.ui.screens.map import MapScreen
    from tutor.ui.screens.practice import PracticeScreen
    from tutor.ui.widgets.lesson_map import LessonMap

    summaries = read_index([folder, builtin_lessons_dir()])
    assert set(lesson_ids) <= {s.id for s in summaries}
    app = RestutorApp(summaries, db)
    async with app.run_test(size=SIZE) as pilot:

        async def until(condition, what):
            """Wait for ``condition``, but stop at a crash (``run_test`` then raises it)."""
            await wait_for(pilot, lambda: app.return_code is not None or condition(), what)
            assert app.return_code is None, f"the app stopped while waiting for {what}"

        await until(lambda: isinstance(app.screen, MapScreen), "the map")
        for lesson_id in lesson_ids:
            app.screen.query_one(LessonMap).select(lesson_id)
            app.open_lesson(lesson_id)
            await until(
                lambda: isinstance(app.screen, LessonScreen) and app.screen.drawn is not None,
                f"{lesson_id}: the lesson drawn",
            )
            screen = app.screen
            assert screen.lesson.id == lesson_id
            for key in [k for k, _ in SECTIONS] if lesson_id in everything else ["code"]:
                screen.show_section(key)
                await until(lambda s=screen, k=key: s.drawn == k, f"{lesson_id}: {key}")
            app.open_practice(screen.lesson)
            await until(
                lambda: isinstance(app.screen, PracticeScreen) and app.screen.is_mounted,
                f"{lesson_id}: practice",
            )
            practice = app.screen
            for position in range(len(practice.session.queue) if lesson_id in everything else 0):
                practice.session.position = position
                practice.show_item()
                await settle(pilot)
            app.open_map()
            await until(lambda: isinstance(app.screen, MapScreen), "back on the map")
        for summary in summaries:  # on the map, but not a lesson: a notice, no screen
            if summary.path.parent == folder and app.lesson(summary.id) is None:
                app.open_lesson(summary.id)
                await settle(pilot)
                assert isinstance(app.screen, MapScreen), summary.id
    assert app.return_code in (None, 0) and app.crash_report is None
    assert not any(marker.exists() for marker in corpus_kinds.markers(folder))


async def test_every_lesson_that_validates_opens_on_the_map_as_a_lesson_and_in_practice(
    corpus, tmp_path
):
    folder, written = corpus
    kinds = [kind for kind in written if kind != "markup"]
    everything = _lessons_that_validate(written, IN_THE_TEXT)
    await _open_every_part(
        folder, _lessons_that_validate(written, kinds), tmp_path / "db", everything
    )


async def test_a_lesson_full_of_markup_opens_everywhere(corpus, tmp_path):
    folder, written = corpus
    lesson_ids = _lessons_that_validate(written, ["markup"])
    await _open_every_part(folder, lesson_ids, tmp_path / "db", lesson_ids)
