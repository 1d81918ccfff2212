"""What the map counts: concepts mastered (from answers) and sections read (not paged)."""

from tests.pilot import press, wait_for
from tests.ui_app import make_app
from tutor.practice.schedule import Reviewer
from tutor.store import Store
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.map import MapScreen
from tutor.ui.widgets.lesson_map import LessonMap

SIZE = (110, 36)
MAIN = "residual-connections"


def _seed(db) -> None:
    """Two right answers (three concepts), a wrong one, and four section rows of which
    two count (the Glossary and Claims do not)."""
    store = Store(db)
    reviewer = Reviewer(store)
    reviewer.record("rc-zero-branch", MAIN, correct=True, nudges_used=0)
    reviewer.record("rc-jacobian-form", MAIN, correct=True, nudges_used=1)
    reviewer.record("rc-projection-params", MAIN, correct=False, nudges_used=0)
    reviewer.record("rc-which-prenorm", MAIN, correct=True, nudges_used=3)  # every nudge
    for section in ("math", "code", "glossary", "claims"):
        store.mark_seen(MAIN, section)
    store.set_place(MAIN, "section", "math")
    store.close()


def _card(lesson_map: LessonMap, title: str) -> list[str]:
    rendered = str(lesson_map.render())
    return rendered[rendered.index(title) :].splitlines()[:2]


async def test_the_first_frame_has_the_stored_figures(tmp_path, monkeypatch):
    """The very first render of the map already shows them (no zeros, then a change),
    and the detail pane beside it too."""
    _seed(tmp_path / "db")
    frames: list[tuple[str, str]] = []
    render = LessonMap.render

    def recorded(lesson_map: LessonMap):
        text = render(lesson_map)
        detail = lesson_map.screen.query_one("#map-detail").content
        frames.append((str(text), str(detail)))
        return text

    monkeypatch.setattr(LessonMap, "render", recorded)
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: frames, "the map drawn")
        first, detail = frames[0]
        card = first[first.index("▶ Residual connections") :].splitlines()
        assert "██░░░░░░░░ 3/14 concepts" in card[0]  # 3 of 14 is 21%: two cells of ten
        assert card[1].strip().startswith("2/6 read")
        assert "concepts mastered 3/14 · sections read 2/6" in detail
        assert "next to show: Skip (residual) connection" in detail  # the first not mastered
        assert "0/7 concepts" in first  # the other lessons: counted, nothing yet
        assert app.screen.query_one(LessonMap).selected.id == MAIN


async def test_mastery_counts_only_right_answers_with_a_nudge_to_spare(tmp_path):
    _seed(tmp_path / "db")
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        progress = app.screen.query_one(LessonMap).progress[MAIN]
        assert progress.mastery.mastered == (
            "identity-shortcut",
            "zero-residual-init",
            "gradient-bypass",
        )
        assert progress.read == 2


async def test_paging_and_highlighting_read_nothing(tmp_path):
    """`]` through every section and the outline moved row by row: shown, not read."""
    app = make_app(tmp_path / "db", start_lesson="chain-rule-jacobians")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.drawn is not None, "the first section")
        await press(pilot, *["right_square_bracket"] * 8, "down", "down", "up")
        await wait_for(pilot, lambda: app.screen.drawn == app.screen.section, "drawn")
        await press(pilot, "escape")
        assert isinstance(app.screen, MapScreen)
        assert app.seen_sections() == {}
        card = _card(app.screen.query_one(LessonMap), "The chain rule")
        assert "░░░░░░░░░░ 0/7 concepts" in card[0]
        assert "0/6 read" in card[1]


async def test_a_section_that_fits_is_read_once_focus_moves_into_it(tmp_path):
    """The Demo of the chain-rule lesson fits at this size: Enter into it reads it."""
    app = make_app(tmp_path / "db", start_lesson="chain-rule-jacobians")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await press(pilot, *["right_square_bracket"] * 3)
        await wait_for(pilot, lambda: screen.drawn == "demo", "the demo drawn")
        assert app.seen_sections() == {}
        await press(pilot, "enter")
        await wait_for(pilot, lambda: app.seen_sections(), "the demo read")
        assert app.seen_sections() == {"chain-rule-jacobians": {"demo"}}


async def test_a_long_section_is_read_at_its_end_not_on_entering_it(tmp_path):
    app = make_app(tmp_path / "db", start_lesson=MAIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await press(pilot, "right_square_bracket")
        await wait_for(pilot, lambda: screen.drawn == "math", "the math drawn")
        await press(pilot, "enter")
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#section"), "in")
        await pilot.pause()
        assert app.seen_sections() == {}  # its start is on screen, not its end
        screen.query_one("#outline").focus()
        await press(pilot, "right_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: screen.drawn == "math", "the math again")
        assert app.seen_sections() == {}  # nor does leaving and coming back read it
        await press(pilot, "enter", "end")
        await wait_for(pilot, lambda: app.seen_sections(), "the math read")
        assert app.seen_sections() == {MAIN: {"math"}}


async def test_the_glossary_and_claims_are_never_counted(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="chain-rule-jacobians")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for key in ("glossary", "claims"):
            screen.show_section(key)
            await wait_for(pilot, lambda key=key: screen.drawn == key, key)
            screen.query_one("#section").focus()
            await press(pilot, "end")
        await press(pilot, "escape")
        assert app.seen_sections() == {}


async def test_opening_a_lesson_at_a_section_never_passes_through_intuition(tmp_path, monkeypatch):
    """Resume opens the section itself: no place, drawing or mark for Intuition first."""
    drawn: list[str] = []
    places: list[object] = []
    widgets = LessonScreen._section_widgets
    monkeypatch.setattr(
        LessonScreen, "_section_widgets", lambda s, key: drawn.append(key) or widgets(s, key)
    )
    app = make_app(tmp_path / "db")
    remember = app.remember_place
    monkeypatch.setattr(app, "remember_place", lambda *a: places.append(a[-1]) or remember(*a))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_lesson(MAIN, "code")
        await wait_for(pilot, lambda: drawn, "a section drawn")
        await pilot.pause()
        assert drawn == ["code"]
        assert places == ["code"]
        assert app.place.target == "code"
        assert app.seen_sections() == {}
