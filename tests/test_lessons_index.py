"""The light lesson index behind the map, and its cache."""

import os

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
