"""The review the learner steers, in the app: new items within the day's limit, "it was
easy", a cram that leaves the schedule alone, and review ahead once a review is over."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fsrs import Rating

from tests.pilot import press, wait_for
from tests.ui_app import SUMMARIES, make_app
from tutor.lessons.loader import read_lesson
from tutor.practice.review_plan import DailyLimits, ReviewRequest
from tutor.practice.schedule import Reviewer
from tutor.store import Store
from tutor.ui.screens.practice import PracticeScreen

SIZE = (110, 40)
MAIN = read_lesson(next(s.path for s in SUMMARIES if s.id == "residual-connections")).lesson
CHOICES = [item for item in MAIN.practice if item.kind == "choice"]


def _app_with_the_main_lesson_begun(tmp_path, new_per_day=20):
    """The main lesson begun, its first choice item answered wrong three days ago (so due
    now), and ``new_per_day`` new items a day."""
    db = tmp_path / "db"
    reviewer = Reviewer(Store(db))
    reviewer.record(CHOICES[0].id, MAIN.id, False, 0, now=datetime.now(UTC) - timedelta(days=3))
    reviewer.store.close()
    app = make_app(db)
    app.review_limits = lambda: DailyLimits(new_per_day=new_per_day)
    return app


def _show(choices, index: int) -> None:
    """Highlight the choice at ``index`` of the item, wherever today's order put it."""
    choices.highlighted = choices.get_option_index(str(index))


async def _open_review(app, pilot, request=None):
    await wait_for(pilot, lambda: app.store is not None, "the store")
    app.open_review(request)
    await wait_for(pilot, lambda: _review_shown(app), "the review")
    return app.screen


def _review_shown(app) -> bool:
    """A review screen on top, its first item (or its summary) on show."""
    screen = app.screen
    return (
        isinstance(screen, PracticeScreen)
        and bool(screen.query("#prompt"))
        and bool(screen.query_one("#prompt").source)
    )


async def _answer_choice_right(pilot, screen):
    item = screen.attempt.item
    assert item.kind == "choice"
    _show(screen.query_one("#choices"), item.correct)
    await press(pilot, "enter")
    screen.query_one("#practice-body").focus()
    await press(pilot, "a")
    return item


async def test_a_review_brings_new_items_of_a_begun_lesson_within_the_new_limit(tmp_path):
    app = _app_with_the_main_lesson_begun(tmp_path, new_per_day=3)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_review(app, pilot)
        queue = [item.id for _, item in screen.session.queue]
        assert queue[0] == CHOICES[0].id and len(queue) == 4  # the due one, then three new
        assert queue[1:] == [i.id for i in MAIN.practice if i.id != CHOICES[0].id][:3]
        assert screen.session.held_back.new == len(MAIN.practice) - 4


async def test_it_was_easy_sends_a_right_answer_further(tmp_path):
    app = _app_with_the_main_lesson_begun(tmp_path, new_per_day=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_review(app, pilot)
        item = await _answer_choice_right(pilot, screen)
        good_due = json.loads(app.store.card(item.id))["due"]
        feedback = screen.query_one("#feedback").source
        assert "Was it easy? `4` brings it back later." in feedback and screen.check_action(
            "rate_easy", ()
        )
        await press(pilot, "4")
        assert app.store.last_review()[:2] == (item.id, int(Rating.Easy))
        assert json.loads(app.store.card(item.id))["due"] > good_due
        assert "(rated easy)" in screen.query_one("#feedback").source
        assert not screen.check_action("rate_easy", ())  # once
        await press(pilot, "u")  # the easy review is taken back whole
        assert app.store.card(item.id) is not None and app.store.last_review()[1] == 1


async def test_a_wrong_answer_offers_no_easy(tmp_path):
    app = _app_with_the_main_lesson_begun(tmp_path, new_per_day=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_review(app, pilot)
        item = screen.attempt.item
        wrong = next(i for i in range(len(item.choices)) if i != item.correct)
        _show(screen.query_one("#choices"), wrong)
        await press(pilot, "enter")
        screen.query_one("#practice-body").focus()
        await press(pilot, "a", "4")
        assert "Was it easy" not in screen.query_one("#feedback").source
        assert app.store.last_review()[1] == int(Rating.Again)


async def test_a_cram_records_nothing_and_says_so(tmp_path):
    app = _app_with_the_main_lesson_begun(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_review(app, pilot, ReviewRequest("cram"))
        before = app.store.card(CHOICES[0].id)
        assert "Cram" in screen.LOCATION
        assert [item.id for _, item in screen.session.queue] == [CHOICES[0].id]
        await _answer_choice_right(pilot, screen)
        assert app.store.card(CHOICES[0].id) == before
        feedback = screen.query_one("#feedback").source
        assert "**Not scheduled:** a cram leaves the schedule as it was." in feedback
        assert "Was it easy" not in feedback and not screen.check_action("rate_easy", ())
        await press(pilot, "4")  # nothing: a cram moves no schedule
        assert app.store.card(CHOICES[0].id) == before and screen.session.done == 1


async def test_a_review_over_offers_review_ahead_and_cram(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_review(app, pilot)
        assert screen.session.over
        text = screen.query_one("#prompt").source
        assert "Nothing to review" in text and "`v` reviews ahead" in text
        total = sum(len(app.lesson(s.id).practice) for s in app.summaries)
        assert f"{total} new items wait in lessons you have not begun" in text
        for action in ("nudge", "reveal", "next_item", "rate_easy"):  # no item to act on
            assert not screen.check_action(action, ())
        assert screen.check_action("review_ahead", ()) and screen.check_action("cram", ())
        await press(pilot, "v")
        await wait_for(pilot, lambda: _review_shown(app) and app.screen is not screen, "ahead")
        assert app.screen.LOCATION.startswith("Review ahead")
        assert "No item is due now or in the next 7 days" in app.screen.query_one("#prompt").source
        await press(pilot, "c")
        await wait_for(pilot, lambda: _review_shown(app) and "Cram" in app.screen.LOCATION, "cram")


async def test_a_review_that_cannot_be_prepared_says_so_and_the_app_stays_up(tmp_path, monkeypatch):
    app = make_app(tmp_path / "db")
    said = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store")
        monkeypatch.setattr(app, "notify", lambda message, **_: said.append(message))

        def broken(lesson_id):
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(app, "lesson", broken)
        app.open_review()
        await wait_for(pilot, lambda: said, "the failure said")
        assert said[0].startswith("the review could not be prepared: ")
        assert not isinstance(app.screen, PracticeScreen) and app.is_running


async def test_the_review_settings_reach_the_scheduler_and_the_limits(tmp_path):
    from tutor.config import set_value

    set_value("review.desired_retention", "0.8")
    set_value("review.new_per_day", "1")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store")
        assert app.reviewer().scheduler.desired_retention == 0.8
        assert app.review_limits() == DailyLimits(new_per_day=1, reviews_per_day=200)


async def test_restutor_review_ahead_starts_on_review_ahead(tmp_path):
    from tests.ui_app import SUMMARIES
    from tutor.ui.app import RestutorApp

    app = RestutorApp(SUMMARIES, tmp_path / "db", start_review=ReviewRequest("ahead", 3))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _review_shown(app), "the review")
        assert app.screen.LOCATION == "Review ahead · the next 3 days"


async def test_undo_never_reaches_a_review_of_an_earlier_session(tmp_path):
    app = _app_with_the_main_lesson_begun(tmp_path, new_per_day=0)
    async with app.run_test(size=SIZE) as pilot:
        said = []
        screen = await _open_review(app, pilot)
        app.notify = lambda message, **_: said.append(message)
        await press(pilot, "u")  # the earlier wrong answer stays
        assert said == ["nothing to undo in this session"]
        assert app.store.last_review()[0] == CHOICES[0].id
        item = await _answer_choice_right(pilot, screen)
        await press(pilot, "right_square_bracket")
        assert screen.session.over
        await press(pilot, "u")  # this session's grade, of an item left behind
        assert said[-1].startswith("took back the grade of “")
        assert app.store.last_review()[1] == int(Rating.Again)  # the earlier one, kept
        await press(pilot, "u")
        assert said[-1] == "nothing to undo in this session"
        assert app.store.card(item.id) is not None


async def test_the_limits_reached_are_said_as_such_with_how_to_change_them(tmp_path):
    app = _app_with_the_main_lesson_begun(tmp_path, new_per_day=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_review(app, pilot)
        await _answer_choice_right(pilot, screen)
        await press(pilot, "right_square_bracket")
        app.pop_screen()
        screen = await _open_review(app, pilot)
        text = screen.query_one("#prompt").source
        assert text.startswith("## Today's limits are reached")
        assert f"keep 0 due and {len(MAIN.practice) - 1} new items for later days" in text
        assert "review.new_per_day" in text
        assert "The next item is due in " in text and "+00:00" not in text


async def test_hints_name_the_keys_the_learner_remapped(tmp_path):
    from tutor.config import set_value

    set_value("keymap.practice.rate_easy", "5")
    set_value("keymap.practice.review_ahead", "w")
    app = _app_with_the_main_lesson_begun(tmp_path, new_per_day=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_review(app, pilot)
        await _answer_choice_right(pilot, screen)
        assert "Was it easy? `5` brings it back later." in screen.query_one("#feedback").source
        await press(pilot, "5")
        assert app.store.last_review()[1] == int(Rating.Easy)
        await press(pilot, "right_square_bracket")
        assert "`w` reviews ahead" in screen.query_one("#prompt").source
