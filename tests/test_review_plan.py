"""A review the learner steers: daily limits, new items of begun lessons, review ahead,
cram, the easy override, desired retention, and the stats' day columns and retention."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.practice.review_plan import (
    DailyLimits,
    LessonQueue,
    ReviewRequest,
    lesson_queues,
    local_days,
    plan_review,
    start_of_day,
)
from tutor.practice.schedule import Reviewer
from tutor.store import Store

#: Noon, local time, on a day far from any clock change.
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)

LESSONS = {"one": ["a1", "a2", "a3", "a4"], "two": ["b1", "b2", "b3"]}


@pytest.fixture
def local_zone(monkeypatch):
    """Run in a named time zone (restored afterwards), for the calendar-day rules."""

    def use(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def reviewer(tmp_path):
    reviewer = Reviewer(Store(tmp_path / "restutor.db"), Scheduler(enable_fuzzing=False))
    yield reviewer
    reviewer.store.close()


def test_a_fresh_learner_has_new_items_in_every_lesson_and_none_due(reviewer):
    queues = lesson_queues(reviewer.store, LESSONS, NOW)
    assert queues == {"one": LessonQueue(due=0, new=4), "two": LessonQueue(due=0, new=3)}
    plan = plan_review(reviewer.store, LESSONS, now=NOW)
    assert plan.items == [] and plan.unbegun_new == 7  # no lesson begun: said, not taken


def test_new_items_come_from_begun_lessons_after_the_due_ones(reviewer):
    reviewer.record("a1", "one", correct=False, nudges_used=0, now=NOW - timedelta(days=3))
    plan = plan_review(reviewer.store, LESSONS, now=NOW)
    assert plan.items == [("one", "a1"), ("one", "a2"), ("one", "a3"), ("one", "a4")]
    reviewer.store.mark_seen("two", "intuition")  # reading a section begins a lesson too
    plan = plan_review(reviewer.store, LESSONS, now=NOW)
    assert [item for _, item in plan.items] == ["a1", "a2", "a3", "a4", "b1", "b2", "b3"]


def test_the_daily_limits_count_what_was_done_today(reviewer):
    yesterday = NOW - timedelta(days=2)
    for item in ("a1", "a2", "a3"):
        reviewer.record(item, "one", correct=False, nudges_used=0, now=yesterday)
    reviewer.store.mark_seen("two", "intuition")
    limits = DailyLimits(new_per_day=2, reviews_per_day=2)
    plan = plan_review(reviewer.store, LESSONS, limits, now=NOW)
    assert [item for _, item in plan.items] == ["a1", "a2", "a4", "b1"]
    assert plan.held_back == LessonQueue(due=1, new=2)
    # One review and one new item done this morning use up half of each allowance.
    reviewer.record("a1", "one", correct=True, nudges_used=0, now=NOW - timedelta(hours=1))
    reviewer.record("a4", "one", correct=True, nudges_used=0, now=NOW - timedelta(hours=1))
    plan = plan_review(reviewer.store, LESSONS, limits, now=NOW)
    assert [item for _, item in plan.items] == ["a2", "b1"]
    nothing = plan_review(reviewer.store, LESSONS, DailyLimits(0, 0), now=NOW)
    # This morning's two come back within minutes (FSRS's learning steps): four are due.
    assert nothing.items == [] and nothing.held_back == LessonQueue(due=4, new=3)


def test_the_allowance_starts_again_at_local_midnight(reviewer, local_zone):
    local_zone("Asia/Tokyo")  # UTC+9: 12:00 UTC is 21:00 there
    yesterday_late = NOW - timedelta(hours=22)  # 23:00 the day before, there
    reviewer.record("a1", "one", correct=True, nudges_used=0, now=yesterday_late)
    reviewer.record("a2", "one", correct=True, nudges_used=0, now=NOW - timedelta(hours=2))
    assert start_of_day(NOW).hour == 0 and start_of_day(NOW).utcoffset() == timedelta(hours=9)
    assert reviewer.store.reviews_since(start_of_day(NOW).isoformat()) == (1, 0)
    plan = plan_review(reviewer.store, LESSONS, DailyLimits(new_per_day=2), now=NOW)
    assert plan.items[-1] == ("one", "a3") and plan.held_back.new == 1  # one new left today


def test_an_item_removed_from_its_lesson_is_neither_due_nor_counted(reviewer):
    reviewer.record("gone", "one", correct=False, nudges_used=0, now=NOW - timedelta(days=3))
    assert lesson_queues(reviewer.store, LESSONS, NOW)["one"] == LessonQueue(due=0, new=4)
    assert ("one", "gone") not in plan_review(reviewer.store, LESSONS, now=NOW).items


def test_review_ahead_takes_what_comes_due_soonest_within_the_days(reviewer):
    for item in ("a1", "a2", "b1"):  # past the learning steps: due in days
        lesson = "one" if item[0] == "a" else "two"
        card = reviewer.record(item, lesson, True, 0, now=NOW - timedelta(hours=1))
        card = reviewer.record(item, lesson, True, 0, now=card.due)
        assert local_days(NOW, card.due) > 1
    ahead = plan_review(reviewer.store, LESSONS, mode="ahead", now=NOW, ahead_days=30)
    assert sorted(item for _, item in ahead.items) == ["a1", "a2", "b1"]
    assert plan_review(reviewer.store, LESSONS, mode="ahead", now=NOW, ahead_days=1).items == []
    reviewer.record("a3", "one", False, 0, now=NOW - timedelta(days=2))  # overdue: comes first
    ahead = plan_review(reviewer.store, LESSONS, mode="ahead", now=NOW, ahead_days=1)
    assert ahead.items == [("one", "a3")]
    assert plan_review(reviewer.store, LESSONS, now=NOW).items[:2] == [("one", "a3"), ("one", "a4")]


def test_a_cram_takes_every_reviewed_item_of_begun_lessons_and_schedules_nothing(reviewer):
    reviewer.record("a1", "one", True, 0, now=NOW)
    reviewer.record("a2", "one", False, 0, now=NOW)
    plan = plan_review(reviewer.store, LESSONS, mode="cram", now=NOW)
    assert plan.items == [("one", "a2"), ("one", "a1")]  # soonest due first
    assert not ReviewRequest("cram").scheduled and ReviewRequest("ahead").scheduled


def test_easy_sends_a_right_answer_further_and_only_a_right_one(reviewer):
    good = reviewer.record("a1", "one", correct=True, nudges_used=0, now=NOW)
    easy = reviewer.mark_easy("a1")
    assert easy is not None and easy.due > good.due
    assert (easy.card_id, easy.last_review) == (good.card_id, good.last_review)  # rerated
    assert reviewer.store.last_review()[:2] == ("a1", int(Rating.Easy))
    assert reviewer.mark_easy("a1") is None  # once
    reviewer.record("a2", "one", correct=False, nudges_used=0, now=NOW)
    assert reviewer.mark_easy("a2") is None  # a wrong answer is never easy
    reviewer.record("a3", "one", correct=True, nudges_used=1, now=NOW)
    assert reviewer.mark_easy("a3") is None  # nor one that needed a nudge
    assert reviewer.mark_easy("a1") is None  # nor any but the last review
    assert reviewer.store.undo_last_review() == "a3"
    assert reviewer.store.undo_last_review() == "a2"
    assert reviewer.store.undo_last_review() == "a1"  # the easy review, taken back whole
    assert reviewer.store.card("a1") is None


def test_a_higher_desired_retention_brings_items_back_sooner(tmp_path):
    intervals = {}
    for retention in (0.8, 0.9, 0.97):
        store = Store(tmp_path / f"{retention}.db")
        reviewer = Reviewer(store, desired_retention=retention)
        reviewer.scheduler.enable_fuzzing = False
        card = reviewer.record("a1", "one", True, 0, now=NOW)
        card = reviewer.record("a1", "one", True, 0, now=card.due)
        intervals[retention] = card.due - NOW
        store.close()
    assert intervals[0.8] > intervals[0.9] > intervals[0.97]


def test_retention_counts_failures_and_recall_now_is_the_scheduler_estimate(reviewer):
    for item, right in (("a1", True), ("a2", False), ("a3", True), ("a4", False)):
        reviewer.record(item, "one", correct=right, nudges_used=0, now=NOW)
    stats = reviewer.stats(now=NOW)["one"]
    assert (stats.seen, stats.reviews, stats.right) == (4, 4, 2)
    assert stats.retention == 0.5  # right after half were failed: not 100%
    assert 0.9 < stats.recall_now <= 1  # all were just seen


@settings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(["UTC", "America/Phoenix", "Asia/Kolkata", "Pacific/Kiritimati"]),
    now=st.datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1)),
    later=st.timedeltas(timedelta(0), timedelta(days=8)),
)
def test_days_until_due_are_calendar_days_at_every_hour(zone, now, later):
    """Later today is day 0 whatever the hour, any time tomorrow day 1: whole days since
    the learner's midnight (zones without clock changes, so every day has 24 hours)."""
    import os

    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        start = now.replace(tzinfo=UTC)
        due = start + later
        assert local_days(start, due) == (due - start_of_day(start)) // timedelta(days=1)
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_the_stats_day_columns_put_later_today_in_today(reviewer, local_zone):
    local_zone("America/Los_Angeles")  # 12:00 UTC is 05:00 there
    reviewer.record("a1", "one", correct=False, nudges_used=0, now=NOW)
    reviewer.record("a2", "one", correct=True, nudges_used=0, now=NOW)
    # Both come back within minutes (FSRS's learning steps): today, not "+1 d".
    assert reviewer.stats(now=NOW, days=7)["one"].due_by_day == [2, 0, 0, 0, 0, 0, 0]
    tomorrow = NOW + timedelta(hours=20)  # 01:00 the next day there
    reviewer.record("a3", "one", correct=True, nudges_used=0, now=NOW)
    assert local_days(NOW, tomorrow) == 1
