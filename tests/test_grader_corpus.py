"""The grader, tested as a grader: for every text item of every lesson on the lesson path, a
corpus of answers in ``tests/grader_corpus/<lesson-id>.yaml`` that it must judge as a teacher
would. The model answer finds every key idea and flags nothing; each right answer (other words,
same ideas) is correct with no flag; each wrong answer (the common wrong answer and its near
misses) is flagged or misses a key idea."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from tutor.lessons.catalog import load_catalog
from tutor.lessons.model import TextItem
from tutor.paths import lesson_dirs
from tutor.practice.grading import grade_text

CORPUS_DIR = Path(__file__).parent / "grader_corpus"


class CorpusEntry(BaseModel):
    """One text item's answers: at least three right and three wrong."""

    model_config = ConfigDict(extra="forbid", strict=True)

    right: list[str] = Field(min_length=3)
    wrong: list[str] = Field(min_length=3)


CORPUS_FILE = TypeAdapter(dict[str, CorpusEntry])


def read_corpus(lesson_id: str) -> tuple[dict[str, CorpusEntry], str | None]:
    """A lesson's corpus entries by item id, and what is wrong with its file (None if nothing);
    an unreadable file gives no entries, so each of its items fails as having none."""
    path = CORPUS_DIR / f"{lesson_id}.yaml"
    if not path.exists():
        return {}, None
    try:
        return CORPUS_FILE.validate_python(yaml.safe_load(path.read_text("utf-8")) or {}), None
    except (yaml.YAMLError, ValidationError) as error:
        return {}, f"{path.name}: {error}"


CATALOG = load_catalog(lesson_dirs())
TEXT_ITEMS = {
    lesson.id: [item for item in lesson.practice if isinstance(item, TextItem)]
    for lesson in CATALOG.lessons
}
CORPUS = {lesson_id: read_corpus(lesson_id) for lesson_id in TEXT_ITEMS}
ITEMS = [(lesson_id, item) for lesson_id, items in TEXT_ITEMS.items() for item in items]


def answers(side: str) -> list[object]:
    """One test per answer of the corpus, named by item, side and place."""
    return [
        pytest.param(item, text, id=f"{item.id}:{side}-{index}")
        for lesson_id, item in ITEMS
        if (entry := CORPUS[lesson_id][0].get(item.id)) is not None
        for index, text in enumerate(getattr(entry, side))
    ]


def test_the_lessons_have_text_items():
    assert len(ITEMS) >= 7


@pytest.mark.parametrize("lesson_id", sorted(TEXT_ITEMS))
def test_a_corpus_file_is_well_formed_and_names_only_the_lessons_items(lesson_id):
    entries, problem = CORPUS[lesson_id]
    assert problem is None, problem
    known = {item.id for item in TEXT_ITEMS[lesson_id]}
    assert sorted(set(entries) - known) == [], f"entries for no text item of {lesson_id}"


def test_every_corpus_file_is_for_a_lesson():
    assert sorted(p.stem for p in CORPUS_DIR.glob("*.yaml") if p.stem not in TEXT_ITEMS) == []


@pytest.mark.parametrize(("lesson_id", "item"), [pytest.param(*p, id=p[1].id) for p in ITEMS])
def test_every_text_item_has_a_corpus_entry(lesson_id, item):
    assert item.id in CORPUS[lesson_id][0], f"add {item.id} to grader_corpus/{lesson_id}.yaml"


@pytest.mark.parametrize("item", [pytest.param(item, id=item.id) for _, item in ITEMS])
def test_the_model_answer_finds_every_idea_and_flags_nothing(item):
    grade = grade_text(item, item.answer)
    assert (grade.missing, grade.flags) == ((), ())
    assert grade.correct


@pytest.mark.parametrize(("item", "answer"), answers("right"))
def test_a_right_answer_is_correct_with_no_flag(item, answer):
    grade = grade_text(item, answer)
    assert (grade.missing, grade.flags) == ((), ())
    assert grade.correct


@pytest.mark.parametrize(("item", "answer"), answers("wrong"))
def test_a_wrong_answer_is_flagged_or_misses_an_idea(item, answer):
    grade = grade_text(item, answer)
    assert grade.flags or grade.missing, f"judged right: found {grade.covered}"
    assert not grade.correct
