"""Reading lesson files: every problem at its line, whatever the file holds."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lesson_factory import write_lesson, yaml_bomb
from tutor.lessons.loader import read_lesson


def problems(path):
    return [str(p) for p in read_lesson(path).problems]


def test_a_minimal_lesson_is_clean(tmp_path):
    file = read_lesson(write_lesson(tmp_path))
    assert file.problems == []
    assert file.lesson.id == "demo-lesson"


def test_a_wrong_type_is_reported_at_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        write_lesson(tmp_path).read_text().replace("phase: 1", "phase: first"), encoding="utf-8"
    )
    lines = path.read_text().splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if line.startswith("phase:"))
    [message] = problems(path)
    assert message.startswith(f"{path}:{expected}: phase:")
    assert "integer" in message


def test_nested_errors_point_at_the_nested_key(tmp_path):
    path = write_lesson(tmp_path)
    text = path.read_text().replace("tolerance: 0.01", "tolerance: -1")
    path.write_text(text)
    lines = text.splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if "tolerance: -1" in line)
    [message] = problems(path)
    assert message.startswith(f"{path}:{expected}: practice.1.number.tolerance:")


def test_unknown_and_missing_keys_are_named(tmp_path):
    data_path = write_lesson(tmp_path, colour="blue")
    text = data_path.read_text().replace("one_line: A lesson for tests.\n", "")
    data_path.write_text(text)
    messages = problems(data_path)
    assert any("unknown key 'colour'" in m for m in messages)
    assert any("'one_line' is required" in m for m in messages)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"id: [unclosed\n", "expected"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"id: caf\xe9\n", "not UTF-8"),
        (b"", "the file is empty"),
        (b"- a\n- b\n", "must be a mapping"),
        (b"id: !!python/object:os.system {}\n", "unsupported YAML tag"),
        (yaml_bomb(), "YAML bomb"),
        (b"a: &a [*a]\n", "nests too deeply"),
        (b"? [1, 2]\n: x\n", "a mapping key must be a plain value"),
        (b"a: !!set {x}\n", "unsupported YAML tag"),
        (b"a: 1\nb: 2\na: 3\n", "the key 'a' is given twice"),
        (
            b"a: &a " + b"x" * 90_000 + b"\nb: [" + b", ".join([b"*a"] * 30) + b"]\n",
            "more than 2,000,000 characters of text",
        ),
    ],
)
def test_hostile_files_give_one_clear_problem(tmp_path, content, words):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    messages = problems(path)
    assert len(messages) == 1 and words in messages[0]
    assert messages[0].startswith(f"{path}:")


def test_a_ten_megabyte_file_is_refused_without_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("id: " + "x" * 10_000_000)
    [message] = problems(path)
    assert "10.0 MB" in message and "the limit is 2 MB" in message


def test_a_long_string_is_reported_at_its_key(tmp_path):
    path = write_lesson(tmp_path, why_it_matters="y" * 150_000)
    [message] = problems(path)
    assert "why_it_matters: text is too long (150,000 characters" in message


def test_references_inside_a_lesson_are_checked(tmp_path):
    path = write_lesson(
        tmp_path,
        claims=[
            {
                "id": "c1",
                "statement": "s",
                "sources": ["nobody2020"],
                "witness": {"kind": "code", "ref": "missing-witness"},
            },
            {"id": "c2", "statement": "s"},
        ],
    )
    messages = problems(path)
    assert any("cites unknown source 'nobody2020'" in m for m in messages)
    assert any("no code witness with id 'missing-witness'" in m for m in messages)
    assert any("warning: claim 'c2' has no source" in m for m in messages)


def test_worked_example_numbers_are_recomputed(tmp_path):
    path = write_lesson(
        tmp_path,
        worked_examples=[
            {
                "id": "wrong",
                "title": "t",
                "given": "g",
                "answer": "a",
                "insight": "i",
                "steps": [
                    {"say": "add", "compute": "4 + 1", "result": 6},
                    {"say": "nope", "compute": "__import__('os')", "result": 1},
                ],
            }
        ],
    )
    messages = problems(path)
    assert any("wrong: 4 + 1 is 5, not 6" in m for m in messages)
    assert any("only numbers" in m for m in messages)


def test_lab_states_are_checked_against_the_simulator(tmp_path):
    path = write_lesson(tmp_path)
    path.write_text(path.read_text().replace("params: {}", "params: {depth: 0, colour: 1}"))
    messages = problems(path)
    assert any("unknown lab parameter(s): colour" in m for m in messages)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_the_loader_never_raises(tmp_path, content):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(content)
    file = read_lesson(path)
    assert file.lesson is None
    assert [p for p in file.problems if p.severity == "error"]


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(["id", "title", "phase", "sections", "practice", "x"]),
                children,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_any_yaml_structure_gives_problems_not_exceptions(tmp_path, data):
    import yaml

    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data))
    file = read_lesson(path)
    assert file.lesson is None and file.problems


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_damaged_valid_lesson_gives_problems_not_exceptions(tmp_path, data):
    good = write_lesson(tmp_path).read_bytes()
    start = data.draw(st.integers(0, len(good)))
    end = data.draw(st.integers(start, len(good)))
    patch = data.draw(st.text(max_size=12)).encode()
    path = tmp_path / "damaged.yaml"
    path.write_bytes(good[:start] + patch + good[end:])
    file = read_lesson(path)
    assert all(str(problem).startswith(f"{path}:") for problem in file.problems)
    if file.lesson is None:
        assert any(p.severity == "error" for p in file.problems)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda path: os.mkfifo(path), "not a regular file"),  # reading would block forever
        (lambda path: path.symlink_to("/dev/zero"), "not a regular file"),  # or never end
        (lambda path: path.symlink_to(path), "cannot read the file"),  # a link loop
        (lambda path: path.symlink_to(path.parent / "nowhere"), "cannot read the file"),
    ],
)
def test_what_is_not_a_regular_file_is_refused_without_reading(tmp_path, make, words):
    path = tmp_path / "lesson.yaml"
    make(path)
    [message] = problems(path)
    assert message.startswith(f"{path}:1: ") and words in message


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("phase: 1", "9" * 5000, "a number written with 5,000 characters"),  # int() would raise
        ("phase: 1", "0x" + "f" * 5000, "a number written with 5,002 characters"),
        ("phase: 1", "1" + "0" * 400 + ".5", "a number written with 403 characters"),
        ("phase: 1", "!!float nope", "'nope' is not a valid float"),
        ("phase: 1", "!!bool maybe", "'maybe' is not a valid bool"),
        ("phase: 1", "!!binary AAAA", "unsupported YAML tag"),
        ("phase: 1", ".inf", "phase: Input should be a valid integer"),
        ("  year: 2016", "'" + "9" * 5000 + "'", "exceeded maximum size"),  # a quoted number
    ],
)
def test_a_number_of_any_size_or_shape_is_a_problem_at_its_line(tmp_path, key, value, words):
    path = write_lesson(tmp_path)
    text = path.read_text()
    path.write_text(text.replace(key, f"{key.split(':')[0]}: {value}"))
    expected = next(i for i, line in enumerate(text.splitlines(), 1) if line.endswith(key))
    [message] = problems(path)
    assert message.startswith(f"{path}:{expected}: ") and words in message


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e999"])
def test_every_float_of_a_lesson_is_finite(tmp_path, value):
    path = write_lesson(tmp_path)
    text = path.read_text().replace("tolerance: 0.01", f"tolerance: {value}")
    path.write_text(text.replace("result: 5", f"result: {value}"))
    messages = problems(path)
    assert len(messages) == 2 and all("finite number" in m for m in messages)


def test_a_date_is_the_text_it_is_written_as(tmp_path):
    path = write_lesson(tmp_path)
    path.write_text(path.read_text().replace("title: Demo lesson", "title: 2020-02-30"))
    file = read_lesson(path)
    assert file.problems == [] and file.lesson.title == "2020-02-30"


def test_problem_lines_show_control_characters_from_keys_and_file_names(tmp_path):
    path = write_lesson(tmp_path, name="\x1b]0;pwned\x07.yaml", **{"colour\x1b[2J": 1})
    [message] = problems(path)
    assert "\x1b" not in message and "\x07" not in message
    assert "␛]0;pwned␇.yaml" in message and "unknown key 'colour␛[2J'" in message


@pytest.mark.parametrize(
    "text",
    [
        "id: " + "[" * 150 + "]" * 150,
        "id:\n" + "- " * 150 + "x\n",
        "a: " + "{b: " * 150 + "}" * 150,
    ],
)
def test_collections_nested_past_the_limit_are_refused_before_they_are_composed(tmp_path, text):
    """PyYAML 6.0.1's libyaml composes recursively in C: deep brackets crashed the process."""
    from tutor.lessons.yamlio import MAX_NESTING, parse_file

    path = tmp_path / "deep.yaml"
    path.write_text(text)
    [problem] = parse_file(path).problems
    message = f"collections nest more than {MAX_NESTING} deep"
    assert str(problem) in {f"{path}:1: {message}", f"{path}:2: {message}"}


def _with_concepts(tmp_path, choice_concepts, number_concepts="identity", inventory=None):
    """A minimal lesson whose inventory and items' ``concepts`` are as given."""
    from tests.lesson_factory import lesson_dict

    data = lesson_dict(
        inventory=inventory
        or [
            {"id": "identity", "concept": "The identity path", "covered_in": ["math"]},
            {"id": "branch", "concept": "The branch's edit", "covered_in": ["intuition"]},
        ]
    )
    data["practice"][0]["concepts"] = list(choice_concepts)
    data["practice"][1]["concepts"] = [number_concepts] if number_concepts else []
    return write_lesson(tmp_path, **data)


def test_items_naming_every_concept_are_clean(tmp_path):
    assert problems(_with_concepts(tmp_path, ["branch"])) == []


def test_an_item_naming_an_unknown_concept_is_one_line_at_its_line(tmp_path):
    path = _with_concepts(tmp_path, ["branch", "brnach"])
    lines = path.read_text().splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if "- brnach" in line)
    assert problems(path) == [
        f"{path}:{expected}: demo-choice: tests unknown concept 'brnach' "
        "(not in this lesson's inventory)"
    ]


def test_a_concept_no_item_tests_is_an_error_at_the_concept(tmp_path):
    path = _with_concepts(tmp_path, ["identity"])
    lines = path.read_text().splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if "id: branch" in line)
    [message] = problems(path)
    assert message == (
        f"{path}:{expected}: concept 'branch' is tested by no practice item "
        "(name it in an item's 'concepts')"
    )
    assert read_lesson(path).problems[0].severity == "error"


def test_an_item_naming_no_concept_is_a_warning(tmp_path):
    path = _with_concepts(tmp_path, ["branch", "identity"], number_concepts=None)
    [problem] = read_lesson(path).problems
    assert problem.severity == "warning"
    assert "demo-number: names no concept it tests" in str(problem)


def test_a_duplicate_concept_id_is_reported(tmp_path):
    twice = [
        {"id": "identity", "concept": "The identity path", "covered_in": ["math"]},
        {"id": "identity", "concept": "The same id again", "covered_in": ["math"]},
    ]
    path = _with_concepts(tmp_path, ["identity"], inventory=twice)
    assert any("duplicate concept id 'identity'" in line for line in problems(path))


def test_every_builtin_concept_is_tested_and_every_item_names_one():
    from tutor.lessons.catalog import load_catalog
    from tutor.paths import builtin_lessons_dir

    catalog = load_catalog([builtin_lessons_dir()])
    assert catalog.problems == []
    for lesson in catalog.lessons:
        known = {concept.id for concept in lesson.inventory}
        assert known, lesson.id
        assert all(item.concepts and set(item.concepts) <= known for item in lesson.practice)
        assert known == {c for item in lesson.practice for c in item.concepts}
