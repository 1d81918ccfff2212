"""``tutor.notes.checks``: what each anchor kind's ids are, and what a doubtful anchor is
told (the nearest real ids, or the lesson found from a unique id)."""

from __future__ import annotations

import pytest

from tests.lesson_factory import write_lesson
from tutor.notes import ANCHOR_KINDS
from tutor.notes.checks import (
    IN_A_LESSON,
    AnchorCheck,
    LessonPath,
    check_anchor,
    nearest,
    object_ids,
)
from tutor.paths import builtin_lessons_dir


@pytest.fixture
def path(tmp_path):
    write_lesson(tmp_path, common_mistakes=[{"mistake": "F is the output.", "fix": "No."}])
    write_lesson(tmp_path, id="twin-lesson", practice=[])
    return LessonPath([tmp_path])


def test_each_kind_names_its_own_objects(path):
    lesson = path.lesson("demo-lesson")
    assert {kind: object_ids(lesson, kind) for kind in IN_A_LESSON} == {
        "equation": ["key", "jac"],
        "source": ["he2016deep"],
        "witness": ["hello"],
        "claim": ["jacobian"],
        "misconception": ["F is the output."],
        "practice": ["demo-choice", "demo-number"],
    }
    assert set(IN_A_LESSON) == set(ANCHOR_KINDS) - {"concept", "lab"}
    with pytest.raises(ValueError):
        object_ids(lesson, "lab")


@pytest.mark.parametrize(
    ("kind", "anchor_id", "lesson_id", "found"),
    [
        ("concept", "demo-lesson", None, "demo-lesson"),
        ("concept", "twin-lesson", "demo-lesson", "demo-lesson"),  # as given
        ("practice", "demo-number", None, "demo-lesson"),  # the one lesson that has it
        ("misconception", "F is the output.", None, "demo-lesson"),
        ("claim", "jacobian", "twin-lesson", "twin-lesson"),
        ("lab", "anything: the command line checks it", None, None),
        ("lab", "--depth 3", "twin-lesson", "twin-lesson"),
    ],
)
def test_a_real_object_checks_out(path, kind, anchor_id, lesson_id, found):
    assert check_anchor(kind, anchor_id, lesson_id, path) == AnchorCheck(found)


@pytest.mark.parametrize(
    ("kind", "anchor_id", "lesson_id", "problem"),
    [
        ("concept", "demo", None, "no lesson 'demo' on the lesson path (nearest: 'demo-lesson'"),
        ("claim", "jacobian", None, "'jacobian' is in 2 lessons ('demo-lesson', 'twin-lesson')"),
        ("claim", "jacobean", "demo-lesson", "has no claim 'jacobean' (nearest: 'jacobian')"),
        ("practice", "demo-number", "twin-lesson", "lesson 'twin-lesson' has no practice items"),
        ("source", "zzz", None, "no lesson has the source 'zzz' (sources: 'he2016deep')"),
        ("witness", "x", "nowhere", "no lesson 'nowhere' on the lesson path"),
        ("misconception", "F is output", None, "(nearest: 'F is the output.')"),
    ],
)
def test_a_doubtful_anchor_says_what_is_wrong(path, kind, anchor_id, lesson_id, problem):
    check = check_anchor(kind, anchor_id, lesson_id, path)
    assert check.problem is not None and problem in check.problem
    assert "\n" not in check.problem


def test_a_lesson_that_does_not_load_is_said_to_be_unchecked(tmp_path):
    write_lesson(tmp_path, takeaways=[])  # on the map, but not a valid lesson
    check = check_anchor("claim", "jacobian", "demo-lesson", LessonPath([tmp_path]))
    assert "does not load (see 'restutor validate'): its claims are unchecked" in check.problem


def test_an_empty_lesson_path_says_so(tmp_path):
    path = LessonPath([tmp_path])
    assert path.unknown_lesson("x") == "no lesson 'x': the lesson path holds no lessons"
    assert check_anchor("claim", "x", None, path).problem == (
        "no lesson on the lesson path has claims"
    )


def test_nothing_close_lists_the_first_few_and_how_many():
    assert nearest("zzz", [f"id-{i}" for i in range(8)], "claims") == (
        "claims: 'id-0', 'id-1', 'id-2', 'id-3', 'id-4', … (8 in all)"
    )
    long = "a mistake " * 30
    assert nearest(long[:-5], [long], "common mistakes").endswith("…'")  # kept to one line


def test_every_built_in_object_checks_out_in_its_lesson():
    path = LessonPath([builtin_lessons_dir()])
    for lesson_id in path.ids:
        lesson = path.lesson(lesson_id)
        for kind in IN_A_LESSON:
            for anchor_id in object_ids(lesson, kind):
                assert check_anchor(kind, anchor_id, lesson_id, path).problem is None
