"""The lesson path, duplicate ids and the concept graph."""

from tests.lesson_factory import write_lesson
from tutor.lessons.catalog import load_catalog
from tutor.lessons.graph import find_cycle


def _messages(catalog):
    return [str(p) for p in catalog.problems]


def test_the_first_folder_on_the_path_wins_and_says_so(tmp_path):
    first, second = tmp_path / "mine", tmp_path / "builtin"
    first.mkdir()
    second.mkdir()
    mine = write_lesson(first, title="My version")
    theirs = write_lesson(second)
    catalog = load_catalog([first, second])
    assert catalog.get("demo-lesson").title == "My version"
    [message] = _messages(catalog)
    assert message.startswith(f"{theirs}:")
    assert f"also defined in {mine}, which wins" in message and "warning:" in message


def test_unknown_ids_in_the_graph_are_errors_with_a_suggestion(tmp_path):
    write_lesson(tmp_path, id="basics")
    write_lesson(
        tmp_path,
        id="advanced",
        prerequisites=["basic"],
        unlocks=["nowhere"],
        bridge={"next": "basics", "why": "x"},
    )
    messages = _messages(load_catalog([tmp_path]))
    assert any(
        "prerequisites: unknown lesson id 'basic' (did you mean 'basics'?)" in m for m in messages
    )
    assert any("unlocks: unknown lesson id 'nowhere'" in m for m in messages)


def test_a_cycle_is_an_error(tmp_path):
    write_lesson(tmp_path, id="a", unlocks=["b"])
    write_lesson(tmp_path, id="b", unlocks=["c"])
    write_lesson(tmp_path, id="c", unlocks=["a"])
    messages = _messages(load_catalog([tmp_path]))
    assert any("prerequisite cycle: a → b → c → a" in m for m in messages)


def test_find_cycle_on_small_graphs():
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert find_cycle({"a": {"a"}}) == ["a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"b"}}) == ["b", "c"]


def test_missing_folders_are_skipped_and_lessons_are_ordered(tmp_path):
    write_lesson(tmp_path, id="later", phase=2)
    write_lesson(tmp_path, id="sooner", phase=1)
    catalog = load_catalog([tmp_path / "absent", tmp_path])
    assert [lesson.id for lesson in catalog.lessons] == ["sooner", "later"]
