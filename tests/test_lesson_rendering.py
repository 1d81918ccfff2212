"""Lesson Markdown drawn as Markdown wherever it is shown: a lab state or a choice in an
option list is styled and reflowed, never shown with its ``**`` or read as markup; a math
step's equation breaks at operators to the width it has, again on resize; the deep dive
follows the core steps, folded."""

from __future__ import annotations

import pytest
from textual.widgets import Collapsible, OptionList

from tests.lesson_factory import MINIMAL, write_lesson
from tests.pilot import resize, wait_for
from tutor.lessons.index import read_index
from tutor.text import break_equation
from tutor.ui.app import RestutorApp
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.practice import PracticeScreen
from tutor.ui.widgets.equation_view import EquationView
from tutor.ui.widgets.markdown_line import markdown_line
from tutor.ui.widgets.math_step_view import MathStepView

LONG = (
    "‖h_l‖² = ‖h_{l−1}‖² + 2α⟨h_{l−1}, F_l⟩ + α²‖F_l‖²   ⇒   "
    "E‖h_l‖² = E‖h_{l−1}‖² + α² E‖F_l‖²,   E⟨h_{l−1}, F_l⟩ = 0"
)
NOTICE = "The stream *grows*\nfrom 11.37 to 14.76:\n`[bold red]` stays [bold red]text[/]."
CHOICE = "**Only** `W_O` changes, to *576 × 576*"


def _step(number: int, equation: str = LONG) -> dict:
    return {"id": f"step-{number}", "equation": equation, "why": f"Reason {number}."}


def _lesson(tmp_path, **sections):
    demo = {
        "body": "Try it.",
        "lab_states": [
            {"id": "defaults", "title": "**Bold** state", "params": {}, "notice": NOTICE}
        ],
        "opens": "defaults",
    }
    math = {"body": "Steps.", "steps": [_step(1), _step(2, "y = x + F(x)")]} | sections
    data = {**MINIMAL["sections"], "demo": demo, "math": math}
    practice = [{**MINIMAL["practice"][0], "choices": [CHOICE, "`d_model` must *grow*"]}]
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    write_lesson(folder, sections=data, practice=practice)
    return RestutorApp(read_index([folder]), tmp_path / "db", "demo-lesson")


def _spans(content, style):
    return [content.plain[span.start : span.end] for span in content.spans if span.style == style]


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("**Bold** state", "Bold state"),
        (NOTICE, "The stream grows from 11.37 to 14.76: [bold red] stays [bold red]text[/]."),
        (CHOICE, "Only W_O changes, to 576 × 576"),
        ("a [source](https://example.org) b", "a source b"),
        ("line one  \nline two", "line one\nline two"),
        ("x_1 + y_2 = 2 * 3 * 4", "x_1 + y_2 = 2 * 3 * 4"),  # as the Markdown widget reads it
        ("␛]0;pwned␇ \x1b[2J", "␛]0;pwned␇ ␛[2J"),
    ],
)
def test_a_line_of_markdown_keeps_its_text_and_loses_its_syntax(markdown, plain):
    assert markdown_line(markdown).plain == plain


def test_a_line_of_markdown_is_styled_as_the_markdown_widget_styles_it():
    content = markdown_line(NOTICE)
    assert _spans(content, "italic") == ["grows"]
    assert _spans(content, "$text-warning on $warning 10%") == ["[bold red]"]
    assert _spans(markdown_line(CHOICE), "bold") == ["Only"]


async def test_the_demo_lists_each_lab_state_styled_and_reflowed(tmp_path):
    app = _lesson(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        app.screen.show_section("demo")
        await wait_for(pilot, lambda: app.screen.drawn == "demo", "the demo section")
        prompt = app.screen.query_one("#lab-states", OptionList).get_option("defaults").prompt
        assert "**" not in prompt.plain and "\n" not in prompt.plain
        assert prompt.plain.startswith("Bold state (the lab defaults) — The stream grows from")
        assert "Bold state" in _spans(prompt, "bold")  # the title, **Bold** in it too


async def test_a_choice_is_shown_styled(tmp_path):
    app = _lesson(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        app.open_practice(app.screen.lesson)
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, PracticeScreen) and app.screen.is_mounted,
            "practice",
        )
        choices = app.screen.query_one("#choices", OptionList)
        await wait_for(pilot, lambda: choices.option_count == 2, "the choices")
        shown = [choices.get_option_at_index(i).prompt for i in range(2)]
        prompts = sorted(shown, key=lambda prompt: prompt.plain)  # shown shuffled by the day
        assert [p.plain for p in prompts] == ["Only W_O changes, to 576 × 576", "d_model must grow"]
        assert _spans(prompts[0], "italic") == ["576 × 576"]


def _drawn_lines(view: EquationView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


async def test_a_long_equation_breaks_at_operators_and_again_on_resize(tmp_path):
    app = _lesson(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        app.screen.show_section("math")
        await wait_for(pilot, lambda: app.screen.drawn == "math", "the math section")
        for width in (120, 80, 60):
            await resize(pilot, width, 40)
            view = app.screen.query(MathStepView).first().query_one(EquationView)
            await wait_for(
                pilot, lambda v=view: v.size.height == len(v.lines(v.content_size.width))
            )
            room = view.content_size.width - len("1.  ")
            expected = break_equation(LONG, room)
            drawn = [line.strip() for line in _drawn_lines(view)]
            assert drawn[0] == f"1.  {expected[0]}".strip()
            assert drawn[1:] == [line.strip() for line in expected[1:]]
            assert all(len(line) <= view.content_size.width for line in _drawn_lines(view))
            assert len(drawn) > 1 and all(line.split()[0] not in "⟩)" for line in drawn[1:])
            key = app.screen.query_one("#key-equation", EquationView)
            assert "y = x + F(x)" in key.render().plain


async def test_the_deep_dive_follows_the_core_steps_folded(tmp_path):
    app = _lesson(tmp_path, deep_dive=[_step(3, "a = b"), _step(4, "c = d")])
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        app.screen.show_section("math")
        await wait_for(pilot, lambda: app.screen.drawn == "math", "the math section")
        section = app.screen.query_one("#section")
        core = [w for w in section.children if isinstance(w, MathStepView)]
        dive = section.query_one("#deep-dive", Collapsible)
        assert [v.number for v in core] == [1, 2]
        assert section.children.index(dive) > section.children.index(core[-1])
        assert dive.collapsed and "Deep dive: 2 more steps" in str(dive.title)
        assert [v.number for v in dive.query(MathStepView)] == [3, 4]
        assert all(v.size.height == 0 for v in dive.query(MathStepView))  # folded
        dive.collapsed = False
        await wait_for(pilot, lambda: all(v.size.height for v in dive.query(MathStepView)))
        assert "3.  a = b" in "\n".join(_drawn_lines(dive.query(EquationView).first()))


async def test_a_lesson_without_a_deep_dive_shows_no_heading(tmp_path):
    app = _lesson(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        app.screen.show_section("math")
        await wait_for(pilot, lambda: app.screen.drawn == "math", "the math section")
        assert not app.screen.query(Collapsible)


def test_a_claim_shows_the_deep_dive_step_it_cites():
    from tests.lesson_factory import lesson_dict
    from tutor.lessons import markdown as md
    from tutor.lessons.model import Lesson

    math = {**MINIMAL["sections"]["math"], "deep_dive": [_step(9, "a = b")]}
    claim = {**MINIMAL["claims"][0], "witness": {"kind": "equation", "ref": "step-9"}}
    data = lesson_dict(sections={**MINIMAL["sections"], "math": math}, claims=[claim])
    assert "*Witness:* equation `a = b`" in md.claims(Lesson.model_validate(data))
