"""A code exercise that asks a prediction asks it first: the tests do not run before a
number is locked in ("before you run it, what will the gradient ratio be?"); the number
is kept across a quit until the item is committed, and once the file passes (or the
learner gives up) it is set beside the number the reference computes, with why."""

import pytest

from tests.pilot import ManualClock, press, wait_for
from tests.test_ui_practice import go_to, open_practice
from tests.test_ui_practice_code import exercise, ratings, results, run_tests, write_in_editor
from tests.ui_app import make_app
from tutor.ui.screens.confirm import Confirm
from tutor.ui.widgets.code_exercise import CodeExercise

SIZE = (110, 40)
ITEM, LESSON = "veg-code-gradient-product", "vanishing-exploding-gradients"


@pytest.fixture(autouse=True)
def hand_driven_watch(monkeypatch):
    monkeypatch.setattr(CodeExercise, "CLOCK", ManualClock)


async def predicting(app, pilot):
    """The practice screen on the exercise, its prediction field focused."""
    screen = await open_practice(app, pilot, LESSON)
    await wait_for(pilot, lambda: app.store is not None, "the store open")
    item = go_to(screen, lambda item: item.id == ITEM)
    assert item.predict is not None
    field = screen.query_one("#code-guess")
    await wait_for(pilot, lambda: screen.focused is field, "the prediction field focused")
    return screen, item, field


def footer_label(screen, key):
    return next(b.binding.description for k, b in screen.active_bindings.items() if k == key)


async def type_keys(pilot, text):
    await press(pilot, *[{".": "full_stop"}.get(c, c) for c in text])


async def predict_then_pass(pilot, screen, item, guess):
    """Lock ``guess`` in, write the reference and run it: the item passes and is recorded."""
    await type_keys(pilot, guess)
    await press(pilot, "enter")
    write_in_editor(screen, item.solution)
    await run_tests(pilot, screen)
    await wait_for(pilot, lambda: screen.recorded, "the review recorded")


async def test_no_run_before_a_prediction_then_it_is_set_beside_the_number(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item, field = await predicting(app, pilot)
        assert footer_label(screen, "ctrl+s") == "Lock in"  # what ctrl+s does in this field
        question = screen.query_one("#code-predict").source
        assert "Before you run it:" in question and "50" in question
        assert f"{item.predict.value:.3g}" not in question  # the number is not said yet
        write_in_editor(screen, item.solution)
        screen.query_one("#code-editor").focus()
        await press(pilot, "ctrl+r")  # before predicting: nothing runs
        assert not exercise(screen).running and exercise(screen).last_check is None
        assert screen.focused is field  # sent to the question
        await press(pilot, "enter")  # an empty prediction is refused
        assert exercise(screen).guess is None
        await type_keys(pilot, "abc")
        await press(pilot, "enter")  # so is one that is not a number
        assert exercise(screen).guess is None and field.display
        field.value = ""
        await type_keys(pilot, "2.5")
        await press(pilot, "enter")
        assert exercise(screen).guess == "2.5"
        assert not field.display and "**Your prediction:** ` 2.5 `" in (
            screen.query_one("#code-predict").source
        )
        assert screen.focused is screen.query_one("#code-editor")
        await run_tests(pilot, screen)
        await wait_for(pilot, lambda: screen.recorded, "the review recorded")
        feedback = screen.query_one("#feedback").source
        assert "✗ **Your prediction,** 2.5, is off by 4.59× (too small)" in feedback
        assert f"it is {item.predict.value:.4g}" in feedback
        assert "**Why it is" in feedback and "1.05" in feedback
        assert screen.attempt.correct is True  # the code passed: the prediction is told
        assert "once your file passes" not in screen.query_one("#code-predict").source
    assert ratings(db) == [(ITEM, 1, 0)]


async def test_a_close_prediction_is_called_close(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen, item, _ = await predicting(app, pilot)
        await predict_then_pass(pilot, screen, item, "12")
        assert "✓ **Your prediction,** 12, is close" in screen.query_one("#feedback").source


async def test_a_failing_run_shows_the_learners_own_number_not_the_answer(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen, item, _ = await predicting(app, pilot)
        await type_keys(pilot, "3")
        await press(pilot, "enter")
        # the plain product, whatever the stack: a mistake the tests catch
        wrong = item.solution.replace("g + alpha * through_layer if residual else ", "")
        assert wrong != item.solution
        write_in_editor(screen, wrong)
        await run_tests(pilot, screen)
        assert screen.attempt.committed is None
        shown = results(screen)
        assert "your code computes 8.88178e-16" in shown  # 0.5⁵⁰: the learner's own number
        assert f"{item.predict.value:.6g}" not in shown and "Why it is" not in shown


async def test_the_prediction_and_a_half_typed_one_survive_a_quit(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, _, field = await predicting(app, pilot)
        await type_keys(pilot, "1.")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, _, field = await predicting(app, pilot)
        assert field.value == "1."  # a draft, as a half-typed answer is
        await press(pilot, "end")
        await type_keys(pilot, "5")
        await press(pilot, "enter")
        assert exercise(screen).guess == "1.5"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot, LESSON)
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        go_to(screen, lambda item: item.id == ITEM)
        await wait_for(pilot, lambda: exercise(screen).guess == "1.5", "the prediction kept")
        assert not screen.query_one("#code-guess").display
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#code-editor"), "")


async def test_giving_up_tells_the_prediction_and_the_key_says_give_up(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item, _ = await predicting(app, pilot)
        await type_keys(pilot, "11")
        await press(pilot, "enter", "escape")  # out of the editor: the letters act
        assert footer_label(screen, "a") == "Give up"
        await press(pilot, "a")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "asked first")
        await press(pilot, "y")
        await wait_for(pilot, lambda: screen.recorded, "the miss recorded")
        feedback = screen.query_one("#feedback").source
        assert "✓ **Your prediction,** 11, is close" in feedback and "**Why it is" in feedback
        assert footer_label(screen, "a") == "Answer"  # committed: the key is the answer's
        # committed, the prediction is no longer kept: the next review asks again
        assert app.store.draft(f"prediction:{ITEM}") == ""
    assert ratings(db) == [(ITEM, 0, 0)]


async def test_undo_keeps_the_prediction(tmp_path):
    db = tmp_path / "db"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen, item, _ = await predicting(app, pilot)
        await predict_then_pass(pilot, screen, item, "7")
        await press(pilot, "u")
        assert screen.attempt.committed is None and exercise(screen).guess == "7"
        await wait_for(pilot, lambda: app.store.draft(f"prediction:{ITEM}") == "7", "kept again")


async def test_an_exercise_without_a_prediction_asks_none(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot, "residual-connections")
        go_to(screen, lambda item: item.id == "rc-code-block-forward")
        await wait_for(pilot, lambda: screen.focused is exercise(screen).editor, "the editor")
        assert not screen.query_one("#code-prediction").display
        await run_tests(pilot, screen)
        assert exercise(screen).last_check is not None  # ran at once
        assert "prediction" not in results(screen)


async def test_giving_up_before_predicting_still_says_why_the_number_is_what_it_is(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen, item, field = await predicting(app, pilot)
        await type_keys(pilot, "7")  # half typed, never locked in
        await press(pilot, "escape", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "asked first")
        await press(pilot, "y")
        await wait_for(pilot, lambda: screen.recorded, "the miss recorded")
        assert app.store.draft(f"practice:{ITEM}") == ""  # not back at the next review
        feedback = screen.query_one("#feedback").source
        assert "Your prediction" not in feedback
        assert "takes the grade back" not in feedback  # the reference is seen: it stays
        assert f"**Why it is {item.predict.value:.4g}:**" in feedback
        assert not field.display  # committed: nothing left to lock in


async def test_a_strangers_prediction_is_shown_in_the_consent_as_code_that_runs(tmp_path):
    from tests.lesson_factory import write_lesson
    from tutor.lessons.index import read_index
    from tutor.paths import builtin_lessons_dir
    from tutor.ui.app import RestutorApp
    from tutor.ui.screens.run_consent import RunConsent

    builtin = RestutorApp(read_index([builtin_lessons_dir()]), tmp_path / "x.db")
    item = next(i for i in builtin.lesson(LESSON).practice if i.id == ITEM)
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_lesson(folder, practice=[item.model_dump(mode="json", exclude_none=True)])
    app = RestutorApp(read_index([folder, builtin_lessons_dir()]), tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot, "demo-lesson")
        go_to(screen, lambda i: i.id == ITEM)
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#code-guess"), "")
        await type_keys(pilot, "12")
        await press(pilot, "enter", "ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RunConsent), "the question")
        assert item.predict.measure in app.screen.code and item.tests in app.screen.code
