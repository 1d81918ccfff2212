"""The light lesson index behind the map, and its cache."""

import json
import os

import pytest

from tests.lesson_factory import write_lesson
from tutor.lessons.index import read_index


def test_the_index_has_the_map_fields_in_map_order(tmp_path):
    write_lesson(tmp_path, id="later", phase=2, prerequisites=["sooner"])
    write_lesson(tmp_path, id="sooner", phase=1, unlocks=["later"])
    (tmp_path / "broken.yaml").write_text("id: [unclosed")
    summaries = read_index([tmp_path])
    assert [s.id for s in summaries] == ["sooner", "later"]
    assert summaries[1].prerequisites == ("sooner",)
    assert summaries[0].equation == "y = x + F(x)"


def test_the_cache_is_used_and_follows_changes(tmp_path, monkeypatch):
    folder, cache = tmp_path / "lessons", tmp_path / "cache" / "index.json"
    folder.mkdir()
    path = write_lesson(folder, title="First title")
    assert read_index([folder], cache)[0].title == "First title"
    assert cache.exists()

    import tutor.lessons.index as index

    monkeypatch.setattr(index, "_summary", lambda path: (_ for _ in ()).throw(AssertionError))
    assert read_index([folder], cache)[0].title == "First title"  # no parse: a cache hit
    monkeypatch.undo()

    path.write_text(path.read_text().replace("First title", "Second title"))
    os.utime(path, ns=(1, 1))
    assert read_index([folder], cache)[0].title == "Second title"


def test_a_broken_or_unwritable_cache_only_costs_time(tmp_path):
    write_lesson(tmp_path)
    cache = tmp_path / "cache.json"
    cache.write_text("{not json")
    assert [s.id for s in read_index([tmp_path], cache)] == ["demo-lesson"]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert [s.id for s in read_index([tmp_path], blocker / "cache.json")] == ["demo-lesson"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"prerequisites": [["x"]]},  # a list where an id goes: the map crashed on it
        {"unlocks": "not-a-list"},
        {"phase": float("inf")},  # int(inf) raised OverflowError at startup
        {"phase": True},
        {"order": 5000},
        {"title": ["a", "list"]},
        {"key_equation": "no text"},
    ],
)
def test_a_lesson_without_sane_map_fields_is_left_off_the_map(tmp_path, overrides):
    write_lesson(tmp_path, id="good")
    write_lesson(tmp_path, id="bad", **overrides)
    assert [s.id for s in read_index([tmp_path])] == ["good"]


def test_map_fields_show_control_characters(tmp_path):
    write_lesson(tmp_path, title="\x1b]0;pwned\x07Title", one_line="\x1b[2J")
    [summary] = read_index([tmp_path])
    assert (summary.title, summary.one_line) == ("␛]0;pwned␇Title", "␛[2J")


def _valid_cache(tmp_path):
    folder, cache = tmp_path / "lessons", tmp_path / "index.json"
    folder.mkdir()
    path = write_lesson(folder)
    read_index([folder], cache)
    return folder, cache, path, json.loads(cache.read_text())


def test_a_cache_that_is_not_a_file_is_never_read(tmp_path):
    write_lesson(tmp_path)
    cache = tmp_path / "cache.json"
    os.mkfifo(cache)  # reading it would wait for a writer forever
    assert [s.id for s in read_index([tmp_path], cache)] == ["demo-lesson"]


def test_an_unchanged_lesson_path_leaves_the_cache_alone(tmp_path, monkeypatch):
    folder, cache, _, _ = _valid_cache(tmp_path)
    import tutor.lessons.index as index

    monkeypatch.setattr(index, "_write_cache", lambda *a: (_ for _ in ()).throw(AssertionError))
    assert [s.id for s in read_index([folder], cache)] == ["demo-lesson"]


def test_the_index_carries_concepts_for_the_map_and_the_cache_keeps_them(tmp_path):
    """The map counts mastery before any full lesson loads: the ids come with the index,
    and junk in them (left for ``validate`` to report) keeps the lesson on the map."""
    from tests.lesson_factory import lesson_dict

    folder, cache = tmp_path / "lessons", tmp_path / "index.json"
    folder.mkdir()
    data = lesson_dict(
        inventory=[
            {"id": "identity", "concept": "The identity", "covered_in": ["math"]},
            {"concept": "no id yet", "covered_in": ["math"]},
        ]
    )
    data["practice"][0]["concepts"] = ["identity"]
    data["practice"][1]["concepts"] = 5
    write_lesson(folder, **data)
    for _ in range(2):  # parsed, then from the cache
        [summary] = read_index([folder], cache)
        assert summary.concepts == (("identity", "The identity"),)
        assert summary.item_concepts == (("demo-choice", ("identity",)), ("demo-number", ()))
