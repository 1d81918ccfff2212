"""A lesson: the outline on the left, the section on the right, the key equation always in view."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Collapsible, Markdown, OptionList
from textual.widgets.option_list import Option

from tutor.lessons import markdown as md
from tutor.lessons.model import Lesson
from tutor.lessons.trust import Origin
from tutor.practice.mastery import COUNTED_SECTIONS
from tutor.ui.screens.base import BaseScreen
from tutor.ui.widgets.glossary_view import GlossaryView
from tutor.ui.widgets.key_equation import KeyEquation
from tutor.ui.widgets.markdown_line import markdown_line
from tutor.ui.widgets.math_step_view import MathStepView
from tutor.ui.widgets.witness_view import WitnessView
from tutor.ui.widgets.worked_example_view import WorkedExampleView

SECTION_KEYS = [key for key, _ in md.SECTIONS]

if TYPE_CHECKING:
    from tutor.notes import Anchor


def _with_rules_between(options: list[Option]) -> list[Option | None]:
    """``options`` with a rule between each two (``None`` is an option list's separator)."""
    return [item for option in options for item in (None, option)][1:]


class LessonScreen(BaseScreen):
    """A section counts as read once its end was on screen after the learner turned to it:
    scrolled its pane (to the end), or moved focus into it (Enter, Tab, a click) and its
    end was in view then or when they next left it. Highlighting an outline row or paging
    with `[`/`]` shows a section without reading it; no timer decides."""

    CSS_PATH = "lesson.tcss"
    BINDINGS = [
        Binding("escape", "back", "Map", id="lesson.back"),
        Binding("l", "open_lab", "Lab", id="lesson.lab"),
        Binding("p", "practice", "Practice", id="lesson.practice"),
        Binding("N", "notes", "Its notes", id="lesson.notes"),
        Binding(
            "left_square_bracket",
            "step_section(-1)",
            "Prev section",
            key_display="[",
            id="lesson.previous_section",
        ),
        Binding(
            "right_square_bracket",
            "step_section(1)",
            "Next section",
            key_display="]",
            id="lesson.next_section",
        ),
    ]

    def __init__(self, lesson: Lesson, origin: Origin, section: str | None = None) -> None:
        super().__init__()
        self.lesson = lesson
        #: The file the lesson was read from: whether its code may run without asking.
        self.origin = origin
        self.section = section if section in SECTION_KEYS else SECTION_KEYS[0]
        #: The section whose widgets are on screen (None until the first is drawn).
        self.drawn: str | None = None
        #: Whether the learner turned to the drawn section (scrolled it or focused into it).
        self._engaged = False
        self._drawing = asyncio.Lock()
        self.LOCATION = f"{lesson.title}"

    def compose_content(self) -> ComposeResult:
        yield KeyEquation(self.lesson)
        with Horizontal():
            yield OptionList(*(Option(label, id=key) for key, label in md.SECTIONS), id="outline")
            yield VerticalScroll(id="section")

    def on_mount(self) -> None:
        super().on_mount()
        outline = self.query_one("#outline", OptionList)
        outline.highlighted = SECTION_KEYS.index(self.section)
        outline.focus()
        self.show_section(self.section)
        self.watch(self.query_one("#section"), "scroll_y", self._section_scrolled, init=False)

    @on(OptionList.OptionHighlighted, "#outline")
    def _outline_moved(self, event: OptionList.OptionHighlighted) -> None:
        """Show the row highlighted now; a highlight already moved past (the outline's
        first row, from its mount, under a lesson opened at another section) is stale."""
        if event.option_index != event.option_list.highlighted:
            return
        if event.option.id and event.option.id != self.section:
            self.show_section(event.option.id)

    @on(OptionList.OptionSelected, "#outline")
    def _outline_chosen(self, event: OptionList.OptionSelected) -> None:
        self.run_worker(self._enter_section(), group="section")

    async def _enter_section(self) -> None:
        """Enter moves focus into the section, once it is drawn: an Enter right behind a
        move through the outline came before the drawing, and focused what was leaving."""
        async with self._drawing:
            await self._draw_asked()
            section = self.query_one("#section")
            focusable = section.query("WitnessView, WorkedExampleView, OptionList")
            (focusable.first() if focusable else section).focus()

    def show_section(self, key: str) -> None:
        self._check_read()  # leaving the section drawn: its last chance to count
        self.section = key
        self.sub_title = f"{self.lesson.title} › {dict(md.SECTIONS)[key]}"
        self.tutor.remember_place(self, self.lesson.id, "section", key)
        self.run_worker(self._draw_section(), group="section")

    async def _draw_section(self) -> None:
        """Draw the section last asked for, one drawing at a time: the old section's
        widgets are gone before the new ones mount (two quick moves through the outline,
        or a jump back from a note, mounted a witness while its twin was still leaving)."""
        async with self._drawing:
            await self._draw_asked()

    async def _draw_asked(self) -> None:
        """Draw the section last asked for unless it is on screen (holding the lock)."""
        key = self.section
        if key == self.drawn:
            return
        container = self.query_one("#section", VerticalScroll)
        await container.remove_children()
        await container.mount_all(self._section_widgets(key))
        container.scroll_home(animate=False)
        self.drawn, self._engaged = key, False

    def _section_scrolled(self, scroll_y: float) -> None:
        """Scrolling the section's pane is turning to it; at its end, it is read."""
        if scroll_y > 0:  # the drawing only ever scrolls home
            self._engaged = True
        self._check_read()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Focus moved into the section (or within it): the learner turned to it; whether
        its end is in view is judged once the move is drawn."""
        if self.drawn is not None and self.query_one("#section") in (
            event.widget,
            *event.widget.ancestors,
        ):
            self._engaged = True
            self.call_after_refresh(self._check_read)

    def _check_read(self) -> None:
        """Mark the drawn section read if the learner turned to it and its end is in view."""
        key = self.drawn
        if key not in COUNTED_SECTIONS or not self._engaged or key != self.section:
            return
        pane = self.query_one("#section", VerticalScroll)
        if pane.scroll_y >= pane.max_scroll_y:
            self.tutor.mark_seen(self.lesson.id, key)

    def on_screen_suspend(self) -> None:
        """Practice, the lab or a note opened above: the next explicit action."""
        self._check_read()

    def action_back(self) -> None:
        self._check_read()
        self.app.pop_screen()

    def _section_widgets(self, key: str) -> list[Widget]:
        lesson = self.lesson
        if key == "code":
            return [
                Markdown(md.code_intro(lesson)),
                *(WitnessView(w, self.origin, lesson.id) for w in lesson.sections.code.witnesses),
            ]
        if key == "demo":
            lab_states = [
                Option(markdown_line(md.lab_state_line(s)), id=s.id)
                for s in lesson.sections.demo.lab_states
            ]
            return [
                Markdown(md.demo_intro(lesson)),
                OptionList(*_with_rules_between(lab_states), id="lab-states"),
            ]
        if key == "math":
            return self._math_widgets()
        if key == "worked_examples":
            if not lesson.worked_examples:
                return [Markdown("This lesson has no worked examples.")]
            return [WorkedExampleView(e) for e in lesson.worked_examples]
        if key == "glossary":
            return [GlossaryView(list(lesson.terms))]
        text = {
            "intuition": md.intuition,
            "practice": md.practice,
            "claims": md.claims,
        }[key](lesson)
        return [Markdown(text)]

    def _math_widgets(self) -> list[Widget]:
        """The core steps, then the deep dive folded under its heading."""
        math = self.lesson.sections.math
        widgets: list[Widget] = [
            Markdown(md.math_intro(self.lesson)),
            *(MathStepView(number, step) for number, step in enumerate(math.steps, 1)),
        ]
        if math.deep_dive:
            first = len(math.steps) + 1
            steps = (MathStepView(n, step) for n, step in enumerate(math.deep_dive, first))
            title = md.deep_dive_title(self.lesson)
            widgets.append(Collapsible(*steps, title=title, collapsed=True, id="deep-dive"))
        return widgets

    @on(WitnessView.RunRequested)
    def _run_witness(self, event: WitnessView.RunRequested) -> None:
        """Built-in code runs; code from any other file runs after the learner's yes,
        asked once per file and again whenever the file changes (their edited copy of
        the witness too: the question shows the code that would run)."""
        view = event.view
        if self.tutor.trusts(view.origin):
            view.start()
            return

        from tutor.ui.screens.run_consent import RunConsent

        def answered(run: bool | None) -> None:
            if run and view.is_mounted:
                self.tutor.trust(view.origin)
                view.start()

        self.app.push_screen(RunConsent(view.origin, view.code), answered)

    @on(OptionList.OptionSelected, "#lab-states")
    def _open_state(self, event: OptionList.OptionSelected) -> None:
        state = self.lesson.lab_state(event.option.id or "")
        if state:
            self._open_lab_state(state.id)

    def _open_lab_state(self, state_id: str | None) -> None:
        from tutor.practice.measures import sim_params

        state = self.lesson.lab_state(state_id) if state_id else None
        params = sim_params(state.params if state else {})
        self.tutor.open_lab(
            params,
            state.title if state else None,
            state.experiment if state else "signal",
            lesson=self.lesson,
        )

    def action_open_lab(self) -> None:
        self._open_lab_state(self.lesson.sections.demo.opens)

    @property
    def lesson_in_view(self) -> str | None:
        return self.lesson.id

    def note_anchor(self) -> Anchor:
        """The focused code witness, the key equation on the Math section, else the concept."""
        from tutor.notes import Anchor

        lesson = self.lesson
        focused = self.focused
        if isinstance(focused, WitnessView):
            return Anchor("witness", focused.witness.id, focused.witness.title, lesson.id)
        if self.section == "math":
            return Anchor("equation", "key", lesson.key_equation.text, lesson.id)
        return Anchor("concept", lesson.id, lesson.title, lesson.id)

    def action_notes(self) -> None:
        """The research room, showing this lesson's notes."""
        self.tutor.open_notes(self.lesson.id)

    def action_practice(self) -> None:
        if not self.lesson.practice:
            self.notify("this lesson has no practice items")
            return
        self.tutor.open_practice(self.lesson)

    def action_step_section(self, step: int) -> None:
        index = (SECTION_KEYS.index(self.section) + step) % len(SECTION_KEYS)
        self.query_one("#outline", OptionList).highlighted = index
