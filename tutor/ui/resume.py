"""Where the learner left off, opened again: ``c`` on the map and ``restutor continue``.

The lesson, practice and lab screens tell the app where the learner is (``remember_place``);
this module opens such a place: the lesson at its section, practice at its item (above the
lesson), or the lab in its state and tab (above the lesson, so ``escape`` leads back into it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from textual.screen import Screen

    from tutor.lessons.model import Lesson
    from tutor.sim import SimParams, TrainParams
    from tutor.store import Place, Store
    from tutor.store._progress import PlaceKind
    from tutor.ui.app import RestutorApp


class KeepsThePlace:
    """``RestutorApp``'s part (its store, screens, ``safely`` and ``notify``): the place
    kept as the screens report it, written to the store (or held until it opens), and
    opened again."""

    store: Store | None
    #: Where the learner left off (None: nowhere yet, or the store is closed).
    place: Place | None

    @property
    def _app(self) -> RestutorApp:
        return cast("RestutorApp", self)

    def load_place(self) -> None:
        """The store just opened (before any screen mounts): read the place."""
        assert self.store is not None
        self.place = self._app.safely(self.store.place)

    def remember_place(
        self, screen: Screen[object], lesson_id: str, kind: PlaceKind, target: object
    ) -> None:
        """``screen`` shows this place now: keep it, unless another screen is above
        (a lesson mounting under the practice that ``continue`` opens above it)."""
        if screen is not self._app.screen or self.store is None:
            return  # (a store that did not open keeps nothing, and has said so)
        place = self.place
        if place and (place.lesson_id, place.kind, place.target) == (lesson_id, kind, target):
            return  # nothing moved: no write
        self._write_place(lesson_id, kind, target)

    def remember_lab(
        self, screen: Screen[object], experiment: str, params: SimParams | TrainParams
    ) -> None:
        """The lab shows this tab and state: the place, in the lesson it was opened from
        (a lab opened from the map belongs to no lesson and is not kept)."""
        lesson_id = lesson_below(self._app.screen_stack[:-1])
        if lesson_id is not None:
            self.remember_place(screen, lesson_id, "lab", lab_target(experiment, params))

    def _write_place(self, lesson_id: str, kind: PlaceKind, target: object) -> None:
        assert self.store is not None
        self.place = self._app.safely(self.store.set_place, lesson_id, kind, target) or self.place

    def continue_place(self) -> None:
        """Open exactly where the learner left off (``c`` on the map)."""
        if self.place is None:
            self._app.notify("nothing to continue yet")
            return
        continue_at(self._app, self.place)

    def forget_place(self) -> None:
        """Nothing to continue any more (its lesson is gone): the map's `c` goes too."""
        self.place = None
        if self.store:
            self._app.safely(self.store.forget_place)
        self._app.screen.refresh_bindings()


def lab_target(experiment: str, params: SimParams | TrainParams) -> dict[str, Any]:
    """A lab state as a place keeps it: the tab and its parameters."""
    return {"tab": experiment, "params": params.to_dict()}


def lesson_below(screens: list[Screen[Any]]) -> str | None:
    """The lesson the lab was opened from: the nearest lesson or practice item under it
    (asked of each screen, so that no screen module is imported to answer)."""
    for screen in reversed(screens):
        lesson_id = getattr(screen, "lesson_in_view", None)
        if lesson_id is not None:
            return lesson_id
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
