"""The practice loop: commit before reveal, nudges, answer, self-check, review recorded."""

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from tests.pilot import press, wait_for
from tests.ui_app import make_app
from tutor.practice.review_plan import DailyLimits
from tutor.ui.screens.practice import PracticeScreen

SIZE = (110, 36)


async def open_practice(app, pilot, lesson_id="residual-connections"):
    await pilot.pause()
    app.open_lesson(lesson_id)
    await pilot.pause()
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, PracticeScreen)
    return app.screen


def measured(screen) -> bool:
    """Whether the attempt's prediction has been graded on what the experiment measured."""
    grade = screen.attempt.grade
    return grade is not None and grade.measured is not None


def go_to(screen, wanted):
    """Move the session to the first item of kind ``wanted`` (or that ``wanted(item)`` takes)."""
    takes = wanted if callable(wanted) else lambda item: item.kind == wanted
    queue = screen.session.queue
    screen.session.position = next(i for i, (_, item) in enumerate(queue) if takes(item))
    screen.show_item()
    return screen.attempt.item


def is_lesion_item(item) -> bool:
    from tutor.practice.measures import LESION_VARIANTS

    return getattr(item, "measure", "") in LESION_VARIANTS


async def choose(pilot, screen, index):
    """Highlight the item's choice ``index`` wherever today's order shows it, and commit it."""
    choices = screen.query_one("#choices")
    for _ in range(choices.get_option_index(str(index)) - choices.highlighted):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def test_nudges_come_before_the_commit_the_answer_after(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "choice")
        await pilot.pause()
        notes = []
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        await pilot.press("g", "a", "l")
        assert screen.attempt.nudges_shown == 1 and not screen.attempt.answer_shown
        assert notes == ["commit a prediction first: the answer comes after you commit"]
        feedback = screen.query_one("#feedback").source
        assert item.nudges[0].strip()[:30] in feedback and item.answer.strip() not in feedback
        await choose(pilot, screen, item.correct)
        await pilot.press("a")
        await pilot.pause()
        assert screen.recorded and app.store.card(item.id) is not None
        assert stored_ratings(tmp_path / "db") == [int(Rating.Hard)]  # one nudge used: Hard


def stored_ratings(db):
    with closing(sqlite3.connect(db)) as connection:
        return [rating for (rating,) in connection.execute("SELECT rating FROM reviews")]


async def test_a_choice_item_from_commit_to_recorded_review(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "choice")
        await pilot.pause()
        assert "y" not in screen.active_bindings and "l" not in screen.active_bindings
        await pilot.press("ctrl+n")  # skips from the choices, as from an answer field
        assert screen.attempt.item.id != item.id
        item = go_to(screen, "choice")
        await pilot.pause()
        await choose(pilot, screen, item.correct)
        assert screen.attempt.grade.correct
        await pilot.press("g")
        assert screen.attempt.nudges_shown == 1
        feedback = screen.query_one("#feedback").source
        assert item.nudges[0].strip()[:30] in feedback
        await pilot.press("a")
        await pilot.pause()
        assert screen.attempt.answer_shown and screen.recorded
        assert screen.session.done == 1 and screen.session.right == 1
        assert app.store.card(item.id) is not None
        await pilot.press("u")
        assert app.store.card(item.id) is None and screen.session.done == 0


async def test_a_number_item_takes_fractions_and_refuses_words(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "number")
        await pilot.pause()
        await pilot.press(*"abc", "enter")
        assert screen.attempt.committed is None  # not a number: nothing committed
        screen.query_one("#answer").value = f"{item.value}"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.attempt.grade.correct


async def test_a_text_item_needs_the_learners_self_check(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "text")
        await pilot.pause()
        screen.query_one("#answer-text").value = " ".join(k.keywords[0] for k in item.key_ideas)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.attempt.grade.correct and not screen.attempt.grade.missing
        await pilot.press("a")
        await pilot.pause()
        assert screen.attempt.needs_self_check and not screen.recorded
        await pilot.press("right_square_bracket")  # cannot move on before checking yourself
        assert screen.attempt.item.id == item.id
        await pilot.press("x")
        await pilot.pause()
        assert screen.recorded and screen.session.right == 0


async def test_a_predict_sim_item_runs_the_engine_after_the_commit(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "predict-sim")
        await pilot.pause()
        await pilot.press("l")  # the lab would give the answer away before a commit
        assert isinstance(app.screen, PracticeScreen)
        if item.choices:
            await pilot.press("enter")
        else:
            screen.query_one("#answer").value = "1"
            await pilot.press("enter")
        await wait_for(pilot, lambda: measured(screen), "the engine's measurement")
        from tutor.ui.widgets.prediction_plot import PredictionPlot

        [plot] = screen.query(PredictionPlot)  # the prediction, marked on the lab's curve
        assert plot.measure == item.measure and plot.result.params.to_dict()["depth"] > 0
        await press(pilot, "l")
        from tutor.sim import SimParams
        from tutor.ui.screens.lab import LabScreen

        assert isinstance(app.screen, LabScreen)
        assert app.screen.params == SimParams(**item.lab.params)


async def test_a_failed_experiment_says_so_in_place_and_lets_the_learner_move_on(
    tmp_path, monkeypatch
):
    from tutor.practice import measures
    from tutor.ui.widgets.prediction_evidence import PredictionEvidence

    def broken(params, measure_name, progress=None):
        raise MemoryError("needs [bold]more[/bold] memory")

    monkeypatch.setattr(measures, "run_lab_state", broken)
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "predict-sim")
        await pilot.pause()
        if item.choices:
            await pilot.press("enter")
        else:
            screen.query_one("#answer").value = "1"
            await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        evidence = screen.query_one(PredictionEvidence)
        assert "Running" not in evidence.status  # never left at "Running…"
        assert "MemoryError: needs [bold]more[/bold] memory" in evidence.status  # not markup
        assert "[bold]more" in evidence.query_one("#evidence-status").content.plain
        assert evidence.has_class("-failed") and screen.attempt.grade is None
        # Usable again: the inputs are back, holding the prediction as it was made.
        assert not screen.query_one("#choices").disabled
        assert not screen.query_one("#answer").disabled
        if not item.choices:
            assert screen.query_one("#answer").value == "1"
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.attempt.item.id != item.id and not screen.query(PredictionEvidence)


async def commit_a_prediction(pilot, screen, item):
    if item.choices:
        await pilot.press("enter")
    else:
        screen.query_one("#answer").value = "1"
        await pilot.press("enter")


async def predict_on_the_first_sim_item(app, pilot):
    screen = await open_practice(app, pilot)
    item = go_to(screen, "predict-sim")
    await pilot.pause()
    await commit_a_prediction(pilot, screen, item)
    return screen


async def test_a_lab_state_too_big_for_the_lab_is_refused_on_the_item_before_any_draw(
    tmp_path, monkeypatch
):
    """Issue 13: `{depth: 10000}` with the lesion measure ran for hours at 5 GB."""
    from tutor.practice import measures
    from tutor.sim import SimParams, engine
    from tutor.ui.screens.lab import warm as lab_warm
    from tutor.ui.widgets.prediction_evidence import PredictionEvidence

    drawn = []
    monkeypatch.setattr(engine, "stream", lambda *key: drawn.append(key))
    # Not the lab's warm-up, which draws the default network's weights on the map.
    monkeypatch.setattr(lab_warm, "warm_lab", lambda app, ensemble: None)
    monkeypatch.setattr(measures, "sim_params", lambda fields: SimParams(depth=10_000))
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await predict_on_the_first_sim_item(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        evidence = screen.query_one(PredictionEvidence)
        assert evidence.has_class("-failed") and screen.attempt.grade is None
        assert "This experiment is not run here" in evidence.status
        assert "would take about" in evidence.status and "runs it outside" in evidence.status
        assert "--depth=10000" in evidence.status
        assert not screen.query_one("#answer").disabled  # the item is usable again
    assert drawn == []  # refused before a single weight was drawn


async def test_quitting_during_a_measurement_does_not_wait_for_it(tmp_path, monkeypatch):
    """The measurement hears the worker's cancellation between layers and stops there."""
    import threading

    from tutor.practice import measures

    ended = threading.Event()
    how = []

    def endless(params, measure_name, progress=None):
        try:
            for layer in range(10**9):  # would run for many minutes if never stopped
                progress(layer, 10**9)
            how.append("ran to the end")
        except BaseException as stop:
            how.append(type(stop).__name__)
            raise
        finally:
            ended.set()

    monkeypatch.setattr(measures, "run_lab_state", endless)
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await predict_on_the_first_sim_item(app, pilot)
        await wait_for(pilot, lambda: bool(app.workers), "the measurement running")
        app.exit()
    assert ended.wait(timeout=60)  # a guard only: it ends at the next layer
    assert how == ["_Cancelled"]


async def test_difficulty_filters_and_drafts(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "number")
        await pilot.pause()
        await pilot.press(*"0.12")
        assert app.store.draft(f"practice:{item.id}") == "0.12"
        for key in "em":  # a new item takes the focus: filter from the item's body
            screen.query_one("#practice-body").focus()
            await pilot.press(key)
        assert screen.session.difficulties == {"hard"}
        assert all(i.difficulty == "hard" for _, i in screen.session.queue)
    again = make_app(tmp_path / "db")
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_practice(again, pilot)
        screen.session.position = next(
            i for i, (_, it) in enumerate(screen.session.queue) if it.id == item.id
        )
        screen.show_item()
        assert screen.query_one("#answer").value == "0.12"


async def test_review_goes_through_the_due_items_once_then_sums_up(tmp_path):
    from datetime import UTC, datetime, timedelta

    from tests.ui_app import SUMMARIES
    from tutor.lessons.loader import read_lesson
    from tutor.practice.schedule import Reviewer
    from tutor.store import Store

    lesson = read_lesson(next(s.path for s in SUMMARIES if s.id == "residual-connections")).lesson
    choice = next(i for i in lesson.practice if i.kind == "choice")
    number = next(i for i in lesson.practice if i.kind == "number")
    db = tmp_path / "db"
    reviewer = Reviewer(Store(db))
    past = datetime.now(UTC) - timedelta(days=3)
    reviewer.record(choice.id, lesson.id, correct=False, nudges_used=0, now=past)
    reviewer.record(number.id, lesson.id, correct=False, nudges_used=0, now=past)
    reviewer.record("a-removed-item", lesson.id, correct=False, nudges_used=0, now=past)
    reviewer.store.close()

    app = make_app(db)
    app.review_limits = lambda: DailyLimits(new_per_day=0)  # the due items only
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), "the review")
        await pilot.pause()
        screen = app.screen
        assert {item.id for _, item in screen.session.queue} == {choice.id, number.id}
        for _ in range(2):
            attempt = screen.attempt
            if attempt.item.kind == "choice":
                await pilot.press("enter")
            else:
                screen.query_one("#answer").value = str(attempt.item.value)
                await pilot.press("enter")
            await pilot.pause()
            screen.query_one("#practice-body").focus()
            await pilot.press("a", "right_square_bracket")
            await pilot.pause()
        assert screen.session.over and screen.session.done == 2
        assert "Review done" in screen.query_one("#prompt").source
        assert app.store.card("a-removed-item") is not None  # its history is kept


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_the_stats_view_from_the_map(tmp_path, size):
    from tutor.practice.schedule import Reviewer
    from tutor.store import Store
    from tutor.ui.screens.stats import StatsScreen

    db = tmp_path / "db"
    reviewer = Reviewer(Store(db))
    # A day ago: its next review (minutes later) is overdue now, so it counts as due today
    # at any hour (answered now, it would come due tomorrow when run just before midnight).
    yesterday = datetime.now(UTC) - timedelta(days=1)
    reviewer.record("rc-any", "residual-connections", correct=True, nudges_used=0, now=yesterday)
    reviewer.store.close()
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        table = app.screen.query_one("DataTable")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        main = next(r for r in rows if str(r[0]).startswith("Residual connections"))
        items = len(app.lesson("residual-connections").practice)
        assert tuple(main[1:3]) == (f"1/{items}", "100% of 1")  # seen, retention
        assert main[3].endswith("%") and main[4].split()[0] == "1"  # recall now; due today
        # Every column, the seven days too, in view without scrolling sideways.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_a_predict_train_item_trains_after_the_commit_and_opens_the_train_tab(
    tmp_path, monkeypatch
):
    import threading

    from tests.training_cache import cached_training
    from tutor.practice.measures import train_params
    from tutor.sim import your_run
    from tutor.ui.screens.lab import LabScreen
    from tutor.ui.widgets.prediction_evidence import PredictionEvidence
    from tutor.ui.widgets.prediction_plot import PredictionPlot

    # The screen's worker trains the item's own setup through `tutor.sim.training`; here the
    # snapshots come from the session's cached run of that setup (the one the lesson test
    # grades), replayed exactly (test_train checks the replay), once the test has looked at
    # the screen mid-training: no race with a clock. The lab's train tab, opened at the
    # end, shows that very run instead of training again.
    release = threading.Event()

    def training_when_released(params):
        release.wait()
        yield from cached_training(params)

    def trained_again(params):
        raise AssertionError("the lab trained the item's networks again")

    monkeypatch.setattr("tutor.sim.training", training_when_released)
    monkeypatch.setattr("tutor.ui.screens.lab.train.training", trained_again)
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "predict-train")
        await pilot.pause()
        await press(pilot, "enter")  # commit the first choice
        try:
            assert "Training the networks" in screen.query_one(PredictionEvidence).status
            assert screen.attempt.grade is None  # nothing graded before the networks trained
        finally:
            release.set()
        await wait_for(pilot, lambda: measured(screen), "the trained networks' measurement")
        grade = screen.attempt.grade
        assert grade is not None and grade.measured is not None
        assert grade.correct == (screen.attempt.committed == item.choices[item.correct])
        [plot] = screen.query(PredictionPlot)  # the curves the answer came from
        assert plot.result.complete and plot.result.params == train_params(item.train)
        run = str(screen.query_one("#evidence-run").render())  # this run's finals, not the lesson's
        assert run == your_run(plot.result) and run.startswith("Your run (seed 0): plain 4 layers")
        await press(pilot, "l")
        lab = app.screen
        assert isinstance(lab, LabScreen) and lab.experiment == "train"
        assert lab.train_params == train_params(item.train)
        await wait_for(pilot, lambda: lab.train.result is not None, "the train tab's curves")
        assert lab.train.result is plot.result and not lab.train.is_training()  # not redone
        assert str(lab.query_one("#train-run").render()) == run


async def test_moving_on_while_the_networks_train_cancels_the_training(tmp_path):
    from textual.worker import WorkerState

    from tutor.ui.widgets.prediction_evidence import PredictionEvidence

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "predict-train")
        await pilot.pause()
        await pilot.press("enter")
        [worker] = [w for w in app.workers if w.group == "evidence"]
        await pilot.press("right_square_bracket")  # nothing committed yet: free to move on
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert worker.state is WorkerState.CANCELLED
        assert screen.attempt.item.id != item.id and not screen.query(PredictionEvidence)


async def test_a_lesion_prediction_is_graded_on_the_lesion_and_opens_the_lesion_tab(tmp_path):
    from tutor.ui.screens.lab import LabScreen
    from tutor.ui.widgets.prediction_plot import PredictionPlot

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot, "unraveled-view")
        go_to(screen, is_lesion_item)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: measured(screen), "the lesion's measurement")
        [plot] = screen.query(PredictionPlot)
        assert len(plot.result.residual) == plot.result.params.depth
        await press(pilot, "l")
        assert isinstance(app.screen, LabScreen) and app.screen.experiment == "lesion"
        lab = app.screen
        await wait_for(pilot, lambda: lab.lesion.result is not None, "the lab's lesion")


async def test_a_flagged_written_answer_shows_the_misconception_and_its_correction(tmp_path):
    from tutor.lessons.model import Misconception

    misconception = Misconception(
        name="The gradient is pinned at exactly 1",
        patterns=["always exactly preserved"],
        correction="Opposing branches shrink it: **0.9⁵⁰ ≈ 0.005**.",
    )
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "text").model_copy(update={"misconceptions": [misconception]})
        screen.attempt.item = item
        await pilot.pause()
        ideas = " ".join(k.keywords[0] for k in item.key_ideas)
        screen.query_one("#answer-text").value = f"{ideas}; it is always exactly preserved"
        await pilot.press("ctrl+s")
        await pilot.pause()
        grade = screen.attempt.grade
        assert grade.flags == (misconception.name,) and not grade.correct
        feedback = screen.query_one("#feedback").source
        assert f"**Misconception: {misconception.name}.**" in feedback
        assert misconception.correction in feedback and "Not right as it stands" in feedback


async def test_a_number_item_states_its_tolerance_after_the_commit(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "number")
        await pilot.pause()
        off = item.value + 10 * item.tolerance + 1
        screen.query_one("#answer").value = f"{off!r}"
        await pilot.press("enter")
        await pilot.pause()
        feedback = screen.query_one("#feedback").source
        assert not screen.attempt.grade.correct
        assert f"answers within ±{item.tolerance:.10g} count" in feedback


def notes_of(app):
    said = []
    app.notify = lambda message, **kw: said.append(message)  # type: ignore[method-assign]
    return said


async def test_undo_after_a_self_check_lets_the_learner_check_again(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "text")
        await pilot.pause()
        screen.query_one("#answer-text").value = "an answer"
        await pilot.press("ctrl+s")
        await pilot.press("a", "y")
        await pilot.pause()
        assert screen.recorded and screen.session.right == 1
        said = notes_of(app)
        await pilot.press("u")
        assert app.store.card(item.id) is None and screen.session.done == 0
        assert screen.attempt.needs_self_check and not screen.recorded
        assert said == [f"took back the grade of “{screen.session.prompt_of(item.id)}”"]
        assert item.id not in said[0] and item.prompt.split()[0] in said[0]
        await pilot.press("x")  # the self-check works again, and is recorded
        await pilot.pause()
        assert screen.recorded and screen.session.done == 1 and screen.session.right == 0
        assert app.store.card(item.id) is not None


async def test_undo_after_a_choice_grade_returns_to_before_the_commit(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "choice")
        await pilot.pause()
        await choose(pilot, screen, item.correct)
        await pilot.press("a")
        await pilot.pause()
        assert screen.recorded
        await pilot.press("u")
        await pilot.pause()
        attempt = screen.attempt
        assert attempt.committed is None and not attempt.answer_shown and not screen.recorded
        choices = screen.query_one("#choices")
        assert not choices.disabled and app.focused is choices
        await choose(pilot, screen, (item.correct + 1) % len(item.choices))  # commit again
        assert not screen.attempt.grade.correct


async def test_letters_type_into_the_answer_and_modifier_keys_act_while_typing(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "number")
        await pilot.pause()
        answer = screen.query_one("#answer")
        assert app.focused is answer
        keys = screen.active_bindings
        assert "g" not in keys and "e" not in keys and "ctrl+g" in keys and "ctrl+s" in keys
        status = screen.query_one("#practice-status")
        assert "(e/m/d)" not in str(status.render())  # the header offers only what works
        await pilot.press(*"gamed")
        assert answer.value == "gamed" and screen.attempt.nudges_shown == 0
        assert screen.session.difficulties == {"easy", "medium", "hard"}
        await pilot.press("ctrl+g")
        assert screen.attempt.nudges_shown == 1
        await pilot.press("escape")  # leaves the field, not the screen
        assert app.screen is screen and app.focused is not answer
        assert "g" in screen.active_bindings
        await wait_for(pilot, lambda: "(e/m/d)" in str(status.render()), "the filter keys")
        await pilot.press("g")
        assert screen.attempt.nudges_shown == 2 and answer.value == "gamed"
        answer.value = f"{item.value}"
        answer.focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.attempt.grade.correct


async def test_a_written_answer_takes_several_lines_and_an_empty_commit_says_why(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "text")
        await pilot.pause()
        said = notes_of(app)
        await pilot.press("ctrl+s")
        assert said == ["type an answer first"] and screen.attempt.committed is None
        await pilot.press(*"one", "enter", *"two")  # Enter is a new line
        answer = screen.query_one("#answer-text")
        assert answer.value == "one\ntwo" and screen.attempt.committed is None
        assert app.store.draft(f"practice:{item.id}") == "one\ntwo"  # the draft is kept
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.attempt.committed == "one\ntwo"


async def test_an_empty_number_says_why_and_a_grade_says_when_the_item_comes_back(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(app, pilot)
        item = go_to(screen, "number")
        await pilot.pause()
        said = notes_of(app)
        await pilot.press("enter")
        assert said == ["type an answer first"]
        screen.query_one("#answer").value = f"{item.value * 1000 + 1}"  # wrong: back in a minute
        await pilot.press("enter", "a")
        await pilot.pause()
        assert screen.attempt.again == "again in 1 minute"  # FSRS's first learning step
        assert f"**Scheduled:** {screen.attempt.again}" in screen.query_one("#feedback").source
