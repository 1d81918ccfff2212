"""Where the learner left off, opened again: ``c`` on the map and ``restutor continue``.

The lesson, practice and lab screens tell the app where the learner is (``remember_place``);
this module opens such a place: the lesson at its section, practice at its item (above the
lesson), or the lab in its state and tab (above the lesson, so ``escape`` leads back into it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

    from tutor.lessons.model import Lesson
    from tutor.sim import SimParams, TrainParams
    from tutor.store import Place
    from tutor.ui.app import RestutorApp


def lab_target(experiment: str, params: SimParams | TrainParams) -> dict[str, Any]:
    """A lab state as a place keeps it: the tab and its parameters."""
    return {"tab": experiment, "params": params.to_dict()}


def lesson_below(screens: list[Screen[Any]]) -> str | None:
    """The lesson the lab was opened from: the nearest lesson or practice item under it."""
    from tutor.ui.screens.lesson import LessonScreen
    from tutor.ui.screens.practice import PracticeScreen

    for screen in reversed(screens):
        if isinstance(screen, LessonScreen):
            return screen.lesson.id
        if isinstance(screen, PracticeScreen) and screen.attempt is not None:
            return screen.attempt.lesson_id
    return None


def continue_at(app: RestutorApp, place: Place) -> None:
    """Open ``place``; a place that no longer exists opens its lesson's start and says so
    (once: the start is then the place), a lesson that is gone is forgotten."""
    lesson = app.lesson(place.lesson_id)
    if lesson is None:
        app.notify(
            f"the lesson you left off in ('{place.lesson_id}') can no longer be opened;"
            " there is nothing to continue",
            severity="warning",
        )
        app.forget_place()
        return
    gone = _open_place(app, lesson, place)
    if gone:
        app.notify(f"{gone} is no longer in '{lesson.title}': opened at its start")
        app.open_lesson(lesson.id)


def _open_place(app: RestutorApp, lesson: Lesson, place: Place) -> str:
    """Open ``place`` in ``lesson``; what of it no longer exists ('' if it opened)."""
    from tutor.ui.screens.lesson import SECTION_KEYS

    if place.kind == "section":
        if place.target not in SECTION_KEYS:
            return f"the section '{place.target}'"
        app.open_lesson(lesson.id, place.target)
    elif place.kind == "practice":
        if not any(item.id == place.target for item in lesson.practice):
            return f"the practice item '{place.target}'"
        app.open_lesson(lesson.id, "practice")
        app.open_practice(lesson, place.target)
    else:
        from tutor.notes import lab_anchor_state

        target = place.target if isinstance(place.target, dict) else {}
        try:
            experiment, params = lab_anchor_state(
                {**target.get("params", {}), "experiment": target.get("tab")}
            )
        except (ValueError, TypeError, AttributeError):
            return "the lab state you left"
        app.open_lesson(lesson.id, "demo")
        app.open_lab(params, lesson.title, experiment)  # type: ignore[arg-type]
    return ""
