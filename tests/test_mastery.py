"""Mastery: a concept counts once the latest answer to one of its items was right."""

from datetime import UTC, datetime, timedelta

from fsrs import Scheduler

from tests.ui_app import SUMMARIES
from tutor.practice.mastery import ConceptMap, Mastery, lesson_mastery, mastery_by_lesson
from tutor.practice.schedule import NUDGES, Reviewer
from tutor.store import Store

LESSON = ConceptMap(
    "demo",
    ("identity", "branch", "shape"),
    {"q-identity": ["identity"], "q-both": ["identity", "branch"], "q-shape": ["shape"]},
)
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_nothing_answered_is_nothing_mastered():
    assert lesson_mastery(LESSON, {}) == Mastery((), 3, attempted=False)
    assert lesson_mastery(LESSON, {}).figure == "0/3"


def test_a_right_answer_masters_every_concept_its_item_names_in_inventory_order():
    mastery = lesson_mastery(LESSON, {"q-both": (True, 0), "q-shape": (False, 0)})
    assert mastery.mastered == ("identity", "branch")
    assert (mastery.figure, mastery.attempted) == ("2/3", True)
    assert mastery.fraction == 2 / 3


def test_a_right_answer_after_every_nudge_does_not_count_one_nudge_short_does():
    assert lesson_mastery(LESSON, {"q-shape": (True, NUDGES)}).mastered == ()
    assert lesson_mastery(LESSON, {"q-shape": (True, NUDGES - 1)}).mastered == ("shape",)


def test_one_right_item_is_enough_though_another_on_the_concept_was_failed():
    latest = {"q-identity": (False, 0), "q-both": (True, 1)}
    assert "identity" in lesson_mastery(LESSON, latest).mastered


def test_items_of_other_lessons_are_ignored():
    other = ConceptMap("other", ("x",), {"q-x": ["x"]})
    by_lesson = mastery_by_lesson([LESSON, other], {"q-x": (True, 0)})
    assert by_lesson["demo"] == Mastery((), 3, attempted=False)
    assert by_lesson["other"].figure == "1/1"


def test_the_latest_answer_decides_and_an_undo_restores_the_one_before(tmp_path):
    store = Store(tmp_path / "m.db")
    reviewer = Reviewer(store, Scheduler(enable_fuzzing=False))
    reviewer.record("q-shape", "demo", correct=True, nudges_used=0, now=NOW)
    assert lesson_mastery(LESSON, store.latest_answers()).mastered == ("shape",)
    reviewer.record("q-shape", "demo", correct=False, nudges_used=0, now=NOW + timedelta(days=1))
    assert store.latest_answers() == {"q-shape": (False, 0)}
    assert lesson_mastery(LESSON, store.latest_answers()).mastered == ()
    store.undo_last_review()
    assert lesson_mastery(LESSON, store.latest_answers()).mastered == ("shape",)


def test_the_builtin_lessons_count_from_the_index():
    """The map's figures come from the index: every built-in lesson has concepts, and one
    right answer masters what its item names."""
    main = next(s for s in SUMMARIES if s.id == "residual-connections")
    concepts = ConceptMap.of(main)
    assert len(concepts.concepts) >= 13
    assert lesson_mastery(concepts, {"rc-zero-branch": (True, 0)}).mastered == (
        "zero-residual-init",
    )
    assert all(ConceptMap.of(s).concepts for s in SUMMARIES)
