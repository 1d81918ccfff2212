"""Grading the four item kinds, the rating mapping, and scheduling kept in the store."""

import math
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, Scheduler
from hypothesis import given
from hypothesis import strategies as st

from tests.lesson_factory import PRACTICE_FIELDS
from tutor.lessons.model import ChoiceItem, NumberItem, PredictSimItem, TextItem
from tutor.lessons.wording import finds
from tutor.practice.grading import (
    NotANumber,
    grade_choice,
    grade_number,
    grade_prediction,
    grade_text,
    parse_number,
)
from tutor.practice.schedule import Reviewer, rating_for
from tutor.store import Store

COMMON = {"id": "item", **PRACTICE_FIELDS}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.2", 0.2),
        ("1/5", 0.2),
        ("2e-1", 0.2),
        (" -3 ", -3.0),
        ("20%", 0.2),
        ("0,2", 0.2),
        ("1,000", 1000.0),
        ("−0.5", -0.5),
        (".5", 0.5),
        ("3.375", 3.375),
    ],
)
def test_numbers_are_read_in_the_forms_people_type(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.31e5", 131000.0),
        ("1.31E+05", 131000.0),
        ("1.31×10^5", 131000.0),
        ("1.31 x 10^5", 131000.0),
        ("1.31 X 10 ^ 5", 131000.0),
        ("1.31·10⁵", 131000.0),
        ("1.31*10**5", 131000.0),
        ("10^-3", 0.001),
        ("10⁻³", 0.001),
        ("−2.5 × 10⁻¹²", -2.5e-12),
        ("-10^3", -1000.0),
        ("5×10^2%", 5.0),
    ],
)
def test_scientific_notation_is_read_as_learners_type_it(text, value):
    assert parse_number(text) == pytest.approx(value)


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
TIMES_TEN_TO = [
    lambda m, e: f"{m}e{e}",
    lambda m, e: f"{m}E{e:+03d}",
    lambda m, e: f"{m}×10^{e}",
    lambda m, e: f"{m} x 10^{e}",
    lambda m, e: f"{m} * 10**{e}",
    lambda m, e: f"{m}·10{str(e).translate(SUPERSCRIPT)}",
]


@given(
    st.decimals(-999, 999, places=3, allow_nan=False, allow_infinity=False),
    st.integers(-300, 300),
    st.sampled_from(TIMES_TEN_TO),
)
def test_every_form_of_scientific_notation_gives_the_same_number(mantissa, exponent, form):
    assert parse_number(form(mantissa, exponent)) == float(f"{mantissa}e{exponent}")


@pytest.mark.parametrize("text", ["1e999", "10^400", "2×10⁹⁹⁹"])
def test_a_power_beyond_any_float_is_not_finite(text):
    with pytest.raises(NotANumber, match="not a finite number"):
        parse_number(text)


@pytest.mark.parametrize("text", ["", "abc", "1/0", "nan", "inf", "0.2.3", "1//5", "two"])
def test_what_is_not_a_number_says_so(text):
    with pytest.raises(NotANumber, match="not a"):
        parse_number(text)


def test_choice_grading():
    item = ChoiceItem(kind="choice", choices=["x", "0", "F(x)"], correct=0, **COMMON)
    assert grade_choice(item, 0).correct
    wrong = grade_choice(item, 2)
    assert not wrong.correct and "the answer is: x" in wrong.message
    with pytest.raises(ValueError, match="out of range"):
        grade_choice(item, 3)


@pytest.mark.parametrize(
    ("answer", "correct"),
    [("3.375", True), ("3.38", True), ("27/8", True), ("3.4", False), ("0.125", False)],
)
def test_number_grading_uses_the_tolerance(answer, correct):
    item = NumberItem(kind="number", value=3.375, tolerance=0.01, **COMMON)
    assert grade_number(item, answer).correct is correct


def test_a_wrong_number_says_how_far_it_is_and_what_counts():
    item = NumberItem(kind="number", value=131072, tolerance=50, **COMMON)
    grade = grade_number(item, "1.31e5")
    assert not grade.correct and grade.tolerance == 50
    assert grade.message == ("1.31e5 = 131000 is 72 away from 131072; answers within ±50 count")
    right = grade_number(item, "1.3107×10^5")
    assert right.correct and right.message == "right: within ±50 of 131072"


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(0, 1e3, allow_nan=False),
    st.floats(-2e6, 2e6, allow_nan=False),
)
def test_a_number_grade_states_its_tolerance(value, tolerance, said):
    item = NumberItem(kind="number", value=value, tolerance=tolerance, **COMMON)
    grade = grade_number(item, repr(said))
    assert grade.correct is (abs(said - value) <= tolerance)
    assert grade.tolerance == tolerance and f"±{tolerance:.10g}" in grade.message


TEXT_ITEM = TextItem(
    kind="text",
    key_ideas=[
        {"idea": "identity path", "keywords": ["identity", "skip path", "shortcut"]},
        {"idea": "gradient multiplies", "keywords": ["multiply", "product"]},
    ],
    **COMMON,
)


@pytest.mark.parametrize(
    ("answer", "covered"),
    [
        ("The IDENTITY term keeps a product of factors near one", 2),
        ("shortcuts carry the signal; the gradient is a product", 2),  # plural
        ("the identiy path survives; factors multiplie", 2),  # typos
        ("the skip path helps", 1),
        ("it just works", 0),
        ("", 0),
    ],
)
def test_text_grading_finds_key_ideas_despite_case_plurals_and_typos(answer, covered):
    grade = grade_text(TEXT_ITEM, answer)
    assert len(grade.covered) == covered
    assert grade.correct is (covered == 2)
    assert len(grade.covered) + len(grade.missing) == 2


def test_short_words_need_an_exact_match():
    assert not finds("the sum is zero", "sun")
    assert finds("a skip-path", "skip path")


PREDICT = {
    "kind": "predict-sim",
    "lab": {"id": "s", "title": "t", "params": {"residual": False}, "notice": "n"},
    "measure": "gradient_ratio",
}


def test_predict_sim_choices_are_graded_by_the_measured_bucket():
    item = PredictSimItem(
        choices=["shrinks", "grows"], bounds=[[0, 1], [1, 1e9]], correct=0, **PREDICT, **COMMON
    )
    assert grade_prediction(item, 0, 0.12).correct
    wrong = grade_prediction(item, 1, 0.12)
    assert not wrong.correct and "shrinks" in wrong.message and wrong.measured == 0.12


def test_predict_sim_numbers_are_graded_by_relative_tolerance():
    item = PredictSimItem(value=0.12, rel_tolerance=0.1, **PREDICT, **COMMON)
    assert grade_prediction(item, "0.125", 0.12).correct
    assert not grade_prediction(item, "0.2", 0.12).correct


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"measure": "lesion_residual_median"}, "read on the lesion tab"),
        ({"lab": {**PREDICT["lab"], "experiment": "lesion"}}, "read on the signal tab"),
        (
            {"lab": {**PREDICT["lab"], "experiment": "train"}},
            "leave 'params' empty",
        ),
    ],
)
def test_a_prediction_names_the_tab_its_measure_is_read_on(change, words):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=words):
        PredictSimItem(value=0.1, rel_tolerance=0.1, **{**PREDICT, **change}, **COMMON)


def test_a_training_prediction_validates_its_setup():
    from pydantic import ValidationError

    from tutor.lessons.model import PredictTrainItem

    base = {"kind": "predict-train", "measure": "worst_plain_depth", "value": 48.0}
    item = PredictTrainItem(rel_tolerance=0.01, **base, **COMMON)
    assert item.train == {}
    for train, words in (
        ({"depths": [4]}, "give two or more"),
        ({"depths": [3, 4]}, "must be even"),
        ({"momentum": 0.9}, "unknown training parameter"),
    ):
        with pytest.raises(ValidationError, match=words):
            PredictTrainItem(rel_tolerance=0.01, train=train, **base, **COMMON)


@pytest.mark.parametrize(
    ("correct", "nudges", "rating"),
    [
        (True, 0, Rating.Good),
        (True, 1, Rating.Hard),
        (True, 2, Rating.Hard),
        (True, 3, Rating.Again),
        (False, 0, Rating.Again),
        (False, 2, Rating.Again),
    ],
)
def test_grade_and_nudges_map_to_a_rating(correct, nudges, rating):
    assert rating_for(correct, nudges) == rating


NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _reviewer(path):
    return Reviewer(Store(path), Scheduler(enable_fuzzing=False))


def test_missed_items_come_back_sooner_and_survive_a_restart(tmp_path):
    db = tmp_path / "restutor.db"
    reviewer = _reviewer(db)
    right = reviewer.record("rc-easy", "residual-connections", correct=True, nudges_used=0, now=NOW)
    wrong = reviewer.record(
        "rc-hard", "residual-connections", correct=False, nudges_used=1, now=NOW
    )
    assert wrong.due < right.due
    reviewer.store.close()

    again = _reviewer(db)  # a new process, the next day
    tomorrow = NOW + timedelta(days=1)
    assert again.due(tomorrow)[0] == ("rc-hard", "residual-connections")
    assert again.due_counts(tomorrow) == {"residual-connections": len(again.due(tomorrow))}
    assert again.due(NOW - timedelta(days=1)) == []


def test_undo_takes_back_the_last_grade(tmp_path):
    reviewer = _reviewer(tmp_path / "restutor.db")
    first = reviewer.record("item", "lesson", correct=True, nudges_used=0, now=NOW)
    reviewer.record("item", "lesson", correct=False, nudges_used=0, now=first.due)
    assert reviewer.store.undo_last_review() == "item"
    assert reviewer.due(first.due) == [("item", "lesson")]
    assert reviewer.store.undo_last_review() == "item"
    assert reviewer.store.card("item") is None
    assert reviewer.store.undo_last_review() is None


def test_a_reviewed_item_comes_due_again_after_its_interval(tmp_path):
    # History follows the stable id: nothing in the store depends on the item's wording,
    # and nothing is deleted when an id disappears from the lesson files.
    reviewer = _reviewer(tmp_path / "restutor.db")
    reviewer.record("rc-stable", "residual-connections", True, 0, now=NOW)
    assert reviewer.store.card("rc-stable") is not None
    later = NOW + timedelta(days=400)
    assert ("rc-stable", "residual-connections") in reviewer.due(later)


def test_stats_per_lesson(tmp_path):
    reviewer = _reviewer(tmp_path / "restutor.db")
    reviewer.record("a", "lesson-one", correct=True, nudges_used=0, now=NOW)
    reviewer.record("b", "lesson-one", correct=False, nudges_used=0, now=NOW)
    reviewer.record("c", "lesson-two", correct=True, nudges_used=0, now=NOW)
    stats = reviewer.stats(now=NOW + timedelta(hours=1), days=7)
    assert stats["lesson-one"].seen == 2 and stats["lesson-two"].seen == 1
    assert 0 < stats["lesson-one"].retention <= 1
    assert sum(stats["lesson-one"].due_by_day) == 2  # both come back within the week


#: What a learner may type or paste into a number item: digits in runs long enough to
#: overflow a float or Python's integer parsing, signs, slashes, commas, exponents, junk.
typed_numbers = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda digits, tail: digits + tail,
        st.integers(1, 6000).map(lambda n: "1" * n),
        st.sampled_from(["", "/1", "/0", "e999", "%", ",5", "/" + "7" * 500, ".5e-999"]),
    ),
)


@given(typed_numbers)
def test_any_typed_answer_is_a_finite_number_or_one_clear_refusal(text):
    try:
        value = parse_number(text)
    except NotANumber as refusal:
        assert len(str(refusal)) < 120  # a pasted page is not echoed back whole
    else:
        assert math.isfinite(value)


def test_a_fraction_beyond_any_float_is_refused_not_a_crash():
    with pytest.raises(NotANumber, match="not a finite number"):
        parse_number("1" * 400 + "/1")


@given(st.text(min_size=1, max_size=20), st.integers(1, 8), st.dates())
def test_the_shown_order_is_a_permutation_and_the_same_all_day(item_id, count, day):
    from tutor.practice.order import choice_order

    order = choice_order(item_id, count, day)
    assert sorted(order) == list(range(count))
    assert choice_order(item_id, count, day) == order  # a retry the same day: the same order


def test_over_many_days_every_choice_is_shown_first():
    from tutor.practice.order import choice_order

    start = datetime(2026, 1, 1).date()
    firsts = {choice_order("rc-zero-branch", 4, start + timedelta(days=n))[0] for n in range(60)}
    assert firsts == {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("later", "said"),
    [
        (timedelta(seconds=20), "again in 1 minute"),
        (timedelta(minutes=10), "again in 10 minutes"),
        (timedelta(hours=3), "again today at 15:00"),
        (timedelta(days=1), "again tomorrow at 12:00"),
        (timedelta(days=3), "again in 3 days (Fri 13 Mar)"),
    ],
)
def test_the_next_due_date_is_said_on_the_learners_clock(later, said):
    from tutor.practice.feedback import again_in

    now = datetime(2026, 3, 10, 12, tzinfo=UTC).astimezone()  # local noon-ish
    noon = now.replace(hour=12, minute=0)
    assert again_in(noon + later, noon) == said


def test_a_due_time_already_past_is_now():
    from tutor.practice.feedback import when_due

    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert when_due(now - timedelta(days=2), now) == "now" == when_due(now, now)


def test_a_nudge_comes_before_the_commit_and_a_take_back_returns_to_before_the_grade():
    from tutor.practice.grading import grade_text
    from tutor.practice.session import Attempt, NotYet

    item = TextItem.model_validate(
        {
            **COMMON,
            "kind": "text",
            "key_ideas": [{"idea": "identity", "keywords": ["identity"]}],
        }
    )
    attempt = Attempt(item, "lesson")
    assert attempt.next_nudge() == "Look at the plus sign."  # before any commit
    with pytest.raises(NotYet):
        attempt.reveal()
    attempt.commit("the identity", grade_text(item, "the identity"))
    attempt.reveal()
    attempt.check_self(True)
    assert attempt.finished
    attempt.take_back()  # a self-check taken back: graded, revealed, not yet checked
    assert attempt.needs_self_check and attempt.grade is not None and attempt.nudges_shown == 1
    attempt.take_back()  # then the commit
    assert attempt.committed is None and attempt.grade is None and not attempt.answer_shown
