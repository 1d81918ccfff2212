"""Pilot tests of the small frictions of issue 16: each one fixed, each one driven here."""

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Markdown, OptionList

from tests.pilot import press, wait_for
from tests.ui_app import make_app
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.map import MapScreen
from tutor.ui.screens.notes import NotesScreen
from tutor.ui.screens.practice import PracticeScreen
from tutor.ui.screens.stats import StatsScreen
from tutor.ui.widgets.glossary_view import GlossaryView

SIZE = (110, 36)


async def _palette_hits(pilot, query: str) -> list[str]:
    """Open the command palette, type ``query`` and return the hits' names, best first."""
    await press(pilot, "ctrl+p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
    await pilot.press(*query)
    palette = pilot.app.screen
    hits = palette.query_one(CommandList)

    def found() -> bool:
        shown = palette.query_one("CommandInput").value == query
        return shown and not palette.workers and hits.option_count > 0

    await wait_for(pilot, found, f"the palette's hits for {query!r}")
    return [str(hits.get_option_at_index(i).hit.text) for i in range(hits.option_count)]


async def _run_top_hit(pilot) -> None:
    hits = pilot.app.screen.query_one(CommandList)
    if hits.highlighted is None:
        await pilot.press("down")
    assert hits.highlighted == 0
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, CommandPalette), "it ran")


@pytest.mark.parametrize(
    ("query", "top", "screen"),
    [
        ("review", "Review what is due", PracticeScreen),
        ("stats", "Open the stats", StatsScreen),
        ("notes", "Open the notes: the research room", NotesScreen),
        ("research room", "Open the notes: the research room", NotesScreen),
        # (Textual 6's own "Show keys and help panel" also answers a bare "help", and ranks first)
        ("help: keys", "Help: the keys of this screen", HelpScreen),
    ],
)
async def test_the_palette_finds_every_screen_the_help_lists(tmp_path, query, top, screen):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        map_screen = app.screen
        hits = await _palette_hits(pilot, query)
        assert hits[0] == top
        await _run_top_hit(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, screen), f"{top} opened")
        if screen is HelpScreen:  # the keys of the screen the palette was opened on
            assert app.screen.underneath is map_screen


async def test_the_palette_opens_the_lab_and_the_map_and_switches_the_theme(tmp_path):
    from tutor.ui.screens.lab import LabScreen

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        assert (await _palette_hits(pilot, "lab"))[0] == "Open the lab"
        await _run_top_hit(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the lab")
        lab = app.screen
        await wait_for(pilot, lambda: lab.run is not None, "the lab's first run")
        assert (await _palette_hits(pilot, "map"))[0] == "Open the map"
        await _run_top_hit(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MapScreen), "the map")
        assert "Theme: switch light/dark" in await _palette_hits(pilot, "theme")
        await pilot.press("escape")
        before = app.theme
        assert (await _palette_hits(pilot, "light"))[0] == "Theme: switch light/dark"
        await _run_top_hit(pilot)
        assert app.theme != before


@pytest.mark.parametrize(
    ("section", "focus"),
    [
        ("code", "WitnessView"),
        ("worked_examples", "WorkedExampleView"),
        ("glossary", "OptionList"),
        ("demo", "OptionList"),
    ],
)
async def test_enter_on_a_section_moves_focus_into_it_even_before_it_is_drawn(
    tmp_path, section, focus
):
    """A move through the outline and Enter at once (a quick typist, or keys queued on a
    busy machine): the section is not drawn yet when Enter arrives, and focus still lands
    in it, not in what was leaving."""
    from tutor.lessons.markdown import SECTIONS

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.drawn == "intuition", "the first section")
        outline = screen.query_one("#outline")
        outline.highlighted = [key for key, _ in SECTIONS].index(section)
        outline.action_select()  # in the same tick: before the section's drawing starts
        await wait_for(pilot, lambda: screen.drawn == section, "the section drawn")
        await wait_for(pilot, lambda: app.focused is not outline, "focus moved")
        assert app.focused in screen.query_one("#section").query(focus)
        assert app.focused.is_attached


async def _glossary(pilot, lesson_id: str):
    """The glossary of ``lesson_id``, drawn, with focus in its list of terms."""
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.drawn is not None, "the lesson")
    app.screen.show_section("glossary")
    await wait_for(pilot, lambda: app.screen.drawn == "glossary", "the glossary drawn")
    glossary = app.screen.query_one(GlossaryView)
    glossary.query_one(OptionList).focus()
    return glossary


def _explained(glossary: GlossaryView) -> str:
    return glossary.query_one(Markdown).source.splitlines()[0].removeprefix("### ")


async def test_a_related_term_is_followed_by_its_number_and_backspace_comes_back(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        glossary = await _glossary(pilot, "residual-connections")

        async def shows(key: str, name: str) -> None:
            await press(pilot, key)
            await wait_for(
                pilot, lambda: _explained(glossary).casefold() == name.casefold(), f"{name}"
            )
            assert glossary.terms[glossary.shown].term.casefold() == name.casefold()  # the list

        start = glossary.terms[glossary.shown]
        assert _explained(glossary) == start.term and len(start.related) >= 2
        second = start.related[1]
        await shows("2", second)
        third = glossary.terms[glossary.shown].related[0]
        await shows("1", third)
        await shows("backspace", second)
        await shows("backspace", start.term)
        assert not glossary.history
        await press(pilot, "9")  # no ninth related term: nothing moves
        assert glossary.terms[glossary.shown] is start and not glossary.history


async def test_a_related_term_is_followed_by_a_click(tmp_path):
    from textual.widgets._markdown import MarkdownParagraph

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        glossary = await _glossary(pilot, "residual-connections")
        start = glossary.terms[glossary.shown]
        name = start.related[0]
        await wait_for(
            pilot,
            lambda: any(str(p._content) == name for p in glossary.query(MarkdownParagraph)),
            "the related terms drawn",
        )
        [link] = [p for p in glossary.query(MarkdownParagraph) if str(p._content) == name]
        await pilot.click(link, offset=(2, 0))
        await wait_for(pilot, lambda: _explained(glossary).casefold() == name.casefold(), "it")
        assert glossary.history == [glossary.terms.index(start)]


async def test_a_related_term_from_another_lesson_says_where_to_look(tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-stream")
    async with app.run_test(size=SIZE) as pilot:
        glossary = await _glossary(pilot, "residual-stream")
        options = glossary.query_one(OptionList)
        place, number = next(
            (i, n)
            for i, term in enumerate(glossary.terms)
            for n, name in enumerate(term.related, 1)
            if name == "pre-norm"
        )
        options.highlighted = place
        term = glossary.terms[place].term
        await wait_for(pilot, lambda: _explained(glossary) == term, "the term explained")
        assert f"{number}. pre-norm (not in this lesson)" in glossary.query_one(Markdown).source
        await press(pilot, str(number))
        assert glossary.shown == place and not glossary.history
        said = [n.message for n in app._notifications]
        assert any('restutor glossary "pre-norm"' in message for message in said)


async def test_the_note_editors_footer_shows_its_own_keys(tmp_path):
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from tutor.ui.screens.note_editor import NoteEditor

    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.drawn is not None, "the lesson")
        await press(pilot, "n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor")
        footer = app.screen.query_one(Footer)

        def keys() -> dict[str, str]:
            return {k.key: k.description for k in footer.query(FooterKey)}

        await wait_for(pilot, lambda: "ctrl+s" in keys(), "the editor's keys in its footer")
        assert keys()["ctrl+s"] == "Save note" and keys()["escape"].startswith("Close")
        assert "Practice" not in keys().values() and "Lab" not in keys().values()
        assert footer.region.bottom == app.screen.region.bottom  # over the lesson's footer
