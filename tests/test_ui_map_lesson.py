"""Pilot tests of the map and the lesson screen: every key in their footers."""

import pytest

from tests.pilot import press, wait_for
from tests.ui_app import make_app
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.map import MapScreen
from tutor.ui.widgets.lesson_map import LessonMap
from tutor.ui.widgets.witness_view import WitnessView
from tutor.ui.widgets.worked_example_view import WorkedExampleView

SIZE = (110, 36)


async def test_the_map_lists_every_lesson_and_moves_as_it_is_drawn(tmp_path):
    """Down goes to the card drawn below, inside a level as between levels: the lessons
    listed under The residual stream are reached with down, not only sideways."""
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, MapScreen)
        lesson_map = app.screen.query_one(LessonMap)
        rendered = str(lesson_map.render())
        for lesson in app.summaries:
            assert lesson.title in rendered
        drawn = [lesson.id for layer in lesson_map.grid for lesson in layer]
        assert drawn.index("residual-stream") + 1 == drawn.index("pre-norm-vs-post-norm")
        assert rendered.index("The residual stream") < rendered.index("Pre-norm vs post-norm")
        visited = [lesson_map.selected.id]
        for step in range(len(drawn)):  # one press past the last lesson
            await press(pilot, "down" if step % 2 else "j")
            visited.append(lesson_map.selected.id)
        assert visited[:-1] == drawn and visited[-1] == drawn[-1]  # the last one stays
        await press(pilot, "left", "h", "right", "l")
        assert lesson_map.selected.id == drawn[-1]  # one column: nothing moves sideways
        await press(pilot, "up", "k")
        assert lesson_map.selected.id == "pre-norm-vs-post-norm"
        await press(pilot, "up")
        assert lesson_map.selected.id == "residual-stream"
        await press(pilot, "up")
        assert lesson_map.selected.id == "residual-connections"


async def test_the_cursor_is_scrolled_into_view_on_a_short_terminal(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=(80, 24)) as pilot:
        lesson_map = app.screen.query_one(LessonMap)
        scroll = app.screen.query_one("#map-scroll")
        for _ in lesson_map.drawn:
            await press(pilot, "down")
            await wait_for(pilot, lambda: _cursor_card_shown(lesson_map, scroll), "card shown")
        assert scroll.scroll_y > 0  # the last lessons are below the fold at 80×24
        await press(pilot, *["up"] * len(lesson_map.drawn))
        await wait_for(pilot, lambda: scroll.scroll_y == 0, "the first level's heading shown")


def _cursor_card_shown(lesson_map, scroll) -> bool:
    """Whether both lines of the cursor's card are inside the scrolled window."""
    top = lesson_map.virtual_region.y + lesson_map._card_top(lesson_map.cursor)
    window = range(
        round(scroll.scroll_y), round(scroll.scroll_y) + scroll.scrollable_content_region.height
    )
    return top in window and top + 1 in window


async def test_start_here_marks_the_first_lesson_not_begun(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "the store open")
        lesson_map = app.screen.query_one(LessonMap)
        assert lesson_map.start_here.id == "chain-rule-jacobians"
        assert _start_line(lesson_map).startswith("★ start here · 0/6 read · beginner")
        app.mark_seen("chain-rule-jacobians", "intuition")
        app.mark_seen("vanishing-exploding-gradients", "math")
        app.mark_seen("residual-stream", "math")  # begun out of order: not the start
        app.screen.refresh_progress()
        assert lesson_map.start_here.id == "residual-connections"
        rendered = str(lesson_map.render())
        assert rendered.count("start here") == 1
        card = rendered[rendered.index("Residual connections ") :]
        assert card.splitlines()[1].strip().startswith("★ start here")


def _start_line(lesson_map: LessonMap) -> str:
    """The second line of the first card (the one under level 1's heading)."""
    return str(lesson_map.render()).splitlines()[2].strip()


async def test_enter_opens_the_lesson_and_escape_returns(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "j", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson open")
        assert app.screen.lesson.id == "residual-connections"
        assert "y = x + F(x)" in str(app.screen.query_one("#key-equation").render())
        await pilot.press("escape")
        assert isinstance(app.screen, MapScreen)


async def test_sections_read_are_saved_and_shown_on_the_map(tmp_path):
    """Paged past, a section is not read; entered (the Demo fits on screen), it is, and
    the map says so after a restart too."""
    app = make_app(tmp_path / "db", start_lesson="chain-rule-jacobians")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press(pilot, "down", "down", "right_square_bracket")
        assert app.screen.section == "demo"
        await press(pilot, "enter")
        await wait_for(pilot, lambda: app.seen_sections(), "the demo read")
        await press(pilot, "escape")
        await pilot.pause()
        assert "1/6 read" in str(app.screen.query_one(LessonMap).render())
    reopened = make_app(tmp_path / "db")
    async with reopened.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reopened.seen_sections() == {"chain-rule-jacobians": {"demo"}}
        assert "1/6 read" in str(reopened.screen.query_one(LessonMap).render())


async def test_a_worked_example_steps_one_at_a_time(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_section("worked_examples")
        await wait_for(pilot, lambda: app.screen.drawn == "worked_examples", "the section drawn")
        view = app.screen.query(WorkedExampleView).first()
        view.focus()
        assert view.shown == 0
        await pilot.press("space")
        assert view.shown == 1
        await pilot.press("space", "space", "space", "space", "space", "space")
        assert view.shown == view.total
        await pilot.press("b")
        assert view.shown == view.total - 1


async def test_a_code_witness_runs_and_is_compared(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_section("code")
        await wait_for(pilot, lambda: app.screen.drawn == "code", "the section drawn")
        view = app.screen.query(WitnessView).first()
        view.focus()
        await press(pilot, "r")
        await wait_for(pilot, lambda: view.outcome is not None, "the witness has run")
        assert view.outcome.returncode == 0
        assert "matches the expected output" in str(view.query_one("#actual").render())


async def test_the_glossary_explains_the_focused_term(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_section("glossary")
        await wait_for(pilot, lambda: app.screen.drawn == "glossary", "the section drawn")
        glossary = app.screen.query_one("#glossary")
        options = glossary.query_one("OptionList")
        options.focus()
        await pilot.press("down")
        await pilot.pause()
        shown = glossary.query_one("Markdown").source
        assert glossary.terms[1].term in shown


@pytest.mark.parametrize("section", ["intuition", "math", "practice", "claims", "demo"])
async def test_every_text_section_renders(tmp_path, section):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_section(section)
        await wait_for(pilot, lambda: app.screen.drawn == section, "the section drawn")
        assert app.screen.query("#section > *")


async def test_help_lists_the_keys_of_the_screen_underneath(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("Markdown").source
        assert "Open lesson" in text and "Quit" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MapScreen)


async def test_theme_toggles(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before


async def test_a_tiny_terminal_shows_how_big_it_must_be(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("too-small")
        assert app.screen.query_one("#too-small").display
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.screen.has_class("too-small")


async def test_an_unwritable_database_is_a_warning_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = make_app(blocker / "restutor.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.store is None


async def test_the_command_palette_lists_every_screen(tmp_path):
    from tutor.ui.commands import ScreenCommands
    from tutor.ui.screens.lab import LabScreen

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        entries = {name: open_it for name, open_it, _ in ScreenCommands(app.screen)._entries()}
        entries["Open the lab: lesion"]()
        assert isinstance(app.screen, LabScreen) and app.screen.experiment == "lesion"
        lab = app.screen
        await wait_for(pilot, lambda: lab.lesion.result is not None, "the lab's lesion")
    assert "Open the map" in entries and "Open the lab" in entries
    assert "Open the lab: train" in entries
    assert sum(name.startswith("Open lesson: ") for name in entries) == len(app.summaries)


async def test_map_keys_open_the_lab_and_quit(tmp_path):
    from tutor.ui.screens.lab import LabScreen

    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        map_screen = app.screen
        assert isinstance(map_screen, MapScreen)
        await press(pilot, "L")
        assert isinstance(app.screen, LabScreen)
        lab = app.screen
        await wait_for(pilot, lambda: lab.run is not None, "the lab's first run")
        await press(pilot, "escape")
        assert app.screen is map_screen and not lab.is_attached
        assert app.return_code is None  # still running: only q quits
        await press(pilot, "q")
        assert app.return_code == 0  # q asked the app to exit, and cleanly


async def test_l_in_a_lesson_opens_the_lab_in_the_demo_state(tmp_path):
    from tutor.sim import SimParams
    from tutor.ui.screens.lab import LabScreen

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lesson = app.screen.lesson
        await press(pilot, "l")
        assert isinstance(app.screen, LabScreen)
        state = lesson.lab_state(lesson.sections.demo.opens)
        assert app.screen.params == SimParams(**state.params)


async def test_enter_on_a_demo_state_opens_the_lab_in_that_state(tmp_path):
    from tutor.sim import SimParams
    from tutor.ui.screens.lab import LabScreen

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_section("demo")
        await wait_for(pilot, lambda: app.screen.drawn == "demo", "the section drawn")
        states = app.screen.query_one("#lab-states")
        states.focus()
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, LabScreen)
        lesson = app.lesson("residual-connections")
        chosen = lesson.sections.demo.lab_states[1]
        assert app.screen.params == SimParams(**chosen.params)


async def test_no_color_is_respected(tmp_path):
    app = make_app(tmp_path / "db")  # the test fixtures set NO_COLOR
    async with app.run_test(size=SIZE):
        assert app.no_color


async def test_the_map_shows_reviews_due(tmp_path):
    from datetime import UTC, datetime, timedelta

    from tutor.practice.schedule import Reviewer
    from tutor.store import Store

    db = tmp_path / "db"
    reviewer = Reviewer(Store(db))
    reviewer.record(
        "rc-x",
        "residual-connections",
        correct=False,
        nudges_used=0,
        now=datetime.now(UTC) - timedelta(days=2),
    )
    reviewer.store.close()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.due_counts() == {"residual-connections": 1}
        assert "1 due" in str(app.screen.query_one(LessonMap).render())


async def test_quick_moves_through_the_sections_never_mount_a_section_twice(tmp_path):
    """Code, away and back before the first drawing is done (a jump back from a note on a
    witness did this): the witnesses' ids were mounted while their twins were leaving."""
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.drawn is not None, "the first section")
        screen = app.screen
        for key in ("code", "intuition", "code", "math", "code"):
            screen.show_section(key)
        await wait_for(pilot, lambda: screen.drawn == "code", "the last section asked for")
        witnesses = [w.witness.id for w in screen.query(WitnessView)]
        assert witnesses == [w.id for w in screen.lesson.sections.code.witnesses]
