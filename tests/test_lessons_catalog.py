"""The lesson path, duplicate ids and the concept graph."""

from dataclasses import dataclass, replace

from tests.lesson_factory import write_lesson
from tutor.lessons.catalog import Catalog, graph_problems, load_catalog
from tutor.lessons.graph import find_cycle, layers


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


def _chain_catalog(tmp_path, length, closing=False):
    """A catalog of ``length`` lessons, each the next one's prerequisite (copies of one
    validated lesson: writing and parsing 1,200 files would cost seconds, not the point)."""
    write_lesson(tmp_path, id="l0")
    file = load_catalog([tmp_path]).by_id["l0"]
    catalog = Catalog()
    for index in range(length):
        before = [f"l{index - 1}"] if index else ([f"l{length - 1}"] if closing else [])
        lesson = file.lesson.model_copy(update={"id": f"l{index}", "prerequisites": before})
        catalog.by_id[lesson.id] = replace(file, lesson=lesson)
    return catalog


def test_a_long_prerequisite_chain_is_no_recursion_error(tmp_path):
    catalog = _chain_catalog(tmp_path, 5000)  # 1,200 raised RecursionError
    assert graph_problems(catalog) == []
    grid = layers(list(catalog.lessons))
    assert [[lesson.id for lesson in layer] for layer in grid] == [[f"l{i}"] for i in range(5000)]


def test_a_cycle_closing_a_long_chain_is_found(tmp_path):
    [problem] = graph_problems(_chain_catalog(tmp_path, 3000, closing=True))
    assert problem.message.startswith("prerequisite cycle: l0 → l1 → l2")
    assert problem.message.endswith("l2999 → l0")


def test_layers_put_what_a_cycle_blocks_in_one_last_layer():
    lessons = [
        Node("root", ()),
        Node("a", ("root", "c")),
        Node("b", ("a",)),
        Node("c", ("b",)),
        Node("below", ("c",)),
        Node("side", ("root",)),
    ]
    grid = [[lesson.id for lesson in layer] for layer in layers(lessons)]
    assert grid == [["root"], ["side"], ["a", "b", "below", "c"]]


def test_layers_place_each_lesson_below_its_deepest_prerequisite():
    lessons = [Node("a", ()), Node("b", ("a",)), Node("c", ("a", "b")), Node("d", ())]
    grid = [[lesson.id for lesson in layer] for layer in layers(lessons)]
    assert grid == [["a", "d"], ["b"], ["c"]]


def test_find_cycle_on_a_deep_graph_with_shared_descendants():
    graph = {f"n{i}": {f"n{i + 1}", "sink"} for i in range(4000)}
    graph["n4000"], graph["sink"] = set(), set()
    assert find_cycle(graph) is None
    graph["sink"] = {"n3990"}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == "n3990" and cycle[-1] == "sink"


@dataclass(frozen=True)
class Node:
    id: str
    prerequisites: tuple[str, ...]
    unlocks: tuple[str, ...] = ()
    order: int = 0

    @property
    def title(self) -> str:
        return self.id
