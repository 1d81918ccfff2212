"""The built-in lessons teach only what is true: every number and output is checked here."""

from collections import Counter

import pytest

from tutor.lessons.arithmetic import evaluate
from tutor.lessons.catalog import load_catalog
from tutor.lessons.graph import edges
from tutor.lessons.witness_run import Limits, run_code
from tutor.paths import builtin_lessons_dir
from tutor.practice.measures import (
    LESION_VARIANTS,
    measure,
    run_lab_state,
    run_training,
    train_measure,
    train_params,
)

CATALOG = load_catalog([builtin_lessons_dir()])
LESSONS = CATALOG.lessons
MAIN = CATALOG.get("residual-connections")
WITNESSES = [(lesson.id, w) for lesson in LESSONS for w in lesson.sections.code.witnesses]
#: The witnesses that are Monte Carlo sweeps of a second or more of CPU each (trials over
#: σ_w, depths or norm placements): the long statistical sweeps CI still runs.
SWEEP_WITNESSES = {"crj-product-gain", "pn-grad-depth", "rs-norm-growth", "veg-relu-chi"}
PREDICTIONS = [
    (lesson.id, item)
    for lesson in LESSONS
    for item in lesson.practice
    if item.kind in ("predict-sim", "predict-train")
]
CANONICAL = {
    "Deep Residual Learning for Image Recognition",
    "Identity Mappings in Deep Residual Networks",
    "Residual Networks Behave Like Ensembles of Relatively Shallow Networks",
}


def test_the_built_in_lessons_are_clean():
    assert [str(p) for p in CATALOG.problems] == []
    assert len(CATALOG.files) == len(LESSONS) >= 7


def witness_param(lesson_id, witness):
    marks = pytest.mark.slow if witness.id in SWEEP_WITNESSES else ()
    return pytest.param(lesson_id, witness, id=f"{lesson_id}:{witness.id}", marks=marks)


@pytest.mark.parametrize(("lesson_id", "witness"), [witness_param(*pair) for pair in WITNESSES])
def test_every_code_witness_prints_its_expected_output(lesson_id, witness):
    """In the runner the learner's `r` uses, with its CPU, memory and output limits (so
    they are known to fit every built-in witness); only the wall clock is stretched, as
    the test machine may be busy."""
    outcome = run_code(witness.code, Limits(seconds=600))
    assert outcome.succeeded, outcome.failure() + "\n" + outcome.stderr
    assert outcome.stdout == witness.expected_output


def test_the_slow_witnesses_are_witnesses():
    assert SWEEP_WITNESSES <= {witness.id for _, witness in WITNESSES}


def test_every_worked_example_step_recomputes():
    checked = 0
    for lesson in LESSONS:
        for example in lesson.worked_examples:
            for step in example.steps:
                if step.compute is not None:
                    assert evaluate(step.compute) == pytest.approx(step.result, rel=1e-6), (
                        lesson.id,
                        example.id,
                        step.compute,
                    )
                    checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    ("lesson_id", "item"), PREDICTIONS, ids=[f"{lid}:{item.id}" for lid, item in PREDICTIONS]
)
def test_every_prediction_answer_is_what_the_experiment_shows(lesson_id, item):
    if item.kind == "predict-train":
        value = train_measure(run_training(train_params(item.train)), item.measure)
    else:
        value = measure(run_lab_state(item.lab.params, item.measure), item.measure)
    if item.choices:
        low, high = item.bounds[item.correct]
        assert value is not None and low <= value < high, (value, item.bounds)
    else:
        assert value == pytest.approx(item.value, rel=item.rel_tolerance)


def test_the_graph_is_connected_and_leads_through_the_main_lesson():
    ids = {lesson.id for lesson in LESSONS}
    links = edges(LESSONS)
    neighbours = {i: set() for i in ids}
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    seen, todo = set(), ["residual-connections"]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(neighbours[node])
    assert seen == ids
    roots = {lesson.id for lesson in LESSONS if not lesson.prerequisites}
    forward = {a: {b for x, b in links if x == a} for a in ids}
    reach, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        if node not in reach:
            reach.add(node)
            todo.extend(forward[node])
    assert reach == ids and "transformers" in ids


def test_prerequisites_and_unlocks_agree():
    for lesson in LESSONS:
        for other in lesson.unlocks:
            assert lesson.id in CATALOG.get(other).prerequisites, (lesson.id, other)
        for other in lesson.prerequisites:
            assert lesson.id in CATALOG.get(other).unlocks, (other, lesson.id)


def test_practice_ids_are_unique_across_lessons():
    counts = Counter(item.id for lesson in LESSONS for item in lesson.practice)
    assert [i for i, n in counts.items() if n > 1] == []


def test_the_main_lesson_is_complete():
    assert MAIN is not None
    kinds = Counter(item.kind for item in MAIN.practice)
    levels = Counter(item.difficulty for item in MAIN.practice)
    assert len(MAIN.practice) >= 15
    assert (
        set(kinds) == {"choice", "number", "text", "predict-sim", "predict-train", "code"}
        and kinds["predict-sim"] >= 3
        and kinds["predict-train"] >= 2
        and any(
            item.kind == "predict-sim" and item.measure in LESION_VARIANTS for item in MAIN.practice
        )
    )
    assert set(levels) == {"easy", "medium", "hard"}
    assert len(MAIN.worked_examples) >= 4
    assert len(MAIN.interview) >= 6
    assert len(MAIN.inventory) >= 13
    assert len(MAIN.sections.code.witnesses) >= 3
    assert len(MAIN.sections.demo.lab_states) >= 4 and MAIN.sections.demo.opens
    assert MAIN.takeaways and MAIN.common_mistakes and MAIN.what_tutorials_skip
    assert CANONICAL <= {source.title for source in MAIN.sources}
    assert all(claim.sources and claim.witness for claim in MAIN.claims)
    assert "```" in MAIN.sections.intuition.body  # ASCII pictures in fenced blocks
    math = " ".join(step.equation for step in MAIN.sections.math.steps)
    assert "I + " in math and "∏" in math


@pytest.mark.parametrize(
    "lesson",
    [lesson for lesson in LESSONS if lesson.id != "residual-connections"],
    ids=lambda lesson: lesson.id,
)
def test_every_other_lesson_is_short_but_real(lesson):
    assert len(lesson.practice) >= 4
    assert len({item.kind for item in lesson.practice}) >= 2
    assert lesson.sections.math.steps and lesson.worked_examples and lesson.terms
    assert lesson.sources and lesson.claims and lesson.interview


def test_related_glossary_terms_exist_somewhere():
    names = {
        name.casefold()
        for lesson in LESSONS
        for term in lesson.terms
        for name in (term.term, *term.aliases)
    }
    missing = {
        (lesson.id, term.term, related)
        for lesson in LESSONS
        for term in lesson.terms
        for related in term.related
        if related.casefold() not in names
    }
    assert missing == set()
