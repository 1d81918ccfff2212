"""The restutor app: the map, lessons and the lab on top of the pure core."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from tutor.lessons.index import LessonSummary
from tutor.text import visible
from tutor.ui.commands import ScreenCommands
from tutor.ui.messages import LabShown, OpenLesson
from tutor.ui.resume import KeepsThePlace
from tutor.ui.settings import KeepsTheSettings

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from tutor.lessons.model import Experiment, Lesson
    from tutor.lessons.trust import Origin
    from tutor.practice.review_plan import DailyLimits, ReviewRequest
    from tutor.practice.schedule import Reviewer
    from tutor.sim import LesionResult, SimParams, SimResult, TrainParams, TrainResult
    from tutor.store import Store


T = TypeVar("T")
F = TypeVar("F")


class RestutorApp(KeepsThePlace, KeepsTheSettings, App[None]):
    """Starts on the map (or straight in a lesson), the store open before its first frame;
    the full lessons load after it."""

    CSS_PATH = "app.tcss"
    TITLE = "restutor"
    SUB_TITLE = "residual connections, y = x + F(x)"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.theme"),
        Binding("n", "note", "Note", id="app.note"),
    ]

    def __init__(
        self,
        summaries: list[LessonSummary],
        db_path: Path,
        start_lesson: str | None = None,
        start_review: ReviewRequest | None = None,
        start_continue: bool = False,
    ) -> None:
        super().__init__()
        self.start_review = start_review
        #: Open where the learner left off once the store is open (``restutor continue``).
        self.start_continue = start_continue
        self.place = None
        self.summaries = summaries
        #: Full lessons (None: invalid) and where each was read from, loaded on demand.
        self._lessons: dict[str, tuple[Lesson | None, Origin]] = {}
        #: Lesson files whose code may run this session although the store is closed.
        self._trusted: set[Origin] = set()
        self.db_path = db_path
        self.start_lesson = start_lesson
        self.store: Store | None = None
        #: Where the report of a crash was written (None: no crash, or none could be kept).
        self.crash_report: Path | None = None
        #: The store failure last said, and on which screen (see ``safely``).
        self._failure_said: tuple[Screen[object], str] | None = None
        self.read_settings()

    def _handle_exception(self, error: Exception) -> None:
        """A bug reached the top: keep a report beside the learner's data, then let
        Textual close the app with return code 1. With a report kept, the traceback is
        not printed as well: the command line names the file in one line instead. Drafts
        need no rescue here, they are saved as they are typed."""
        from tutor import paths
        from tutor.crash import write_crash_report

        try:
            self.crash_report = write_crash_report(error, paths.crash_reports_dir(self.db_path))
        except OSError:
            self.crash_report = None
        super()._handle_exception(error)
        if self.crash_report is not None:
            self._exit_renderables.clear()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is plain text: its messages quote lesson ids, paths and errors,
        which may hold markup or control characters. (``markup`` is accepted because
        ``Widget.notify`` always passes it, and ignored.)"""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    async def on_event(self, event: events.Event) -> None:
        """A paste is the one way text with control characters gets typed in (a web page
        can put an escape sequence on the clipboard): the inputs echo it, so it arrives
        with them visible."""
        if isinstance(event, events.Paste):
            event.text = visible(event.text)
        await super().on_event(event)

    def on_mount(self) -> None:
        from tutor.ui.screens.map import MapScreen

        self.apply_settings()
        self._open_store()  # before the map mounts: its first frame has the stored figures
        self.push_screen(MapScreen())
        if self.start_lesson:
            self.open_lesson(self.start_lesson)
        elif self.start_continue:
            self.continue_place()
        if self.start_review:
            self.call_after_refresh(self.open_review, self.start_review)
        self.call_after_refresh(self._load_lessons)

    @work(thread=True, group="warm-lab", exit_on_error=False)
    def _warm_lab(self) -> None:
        """Ready the lab off the UI thread after the first paint, so it opens drawn."""
        from tutor.ui.screens.lab.warm import warm_lab

        warm_lab(self, self.config.lab)

    def _open_store(self) -> None:
        from tutor.store import Store, StoreError

        try:
            self.store = Store(self.db_path)
        except StoreError as error:
            self.notify(f"{error}; progress will not be saved", severity="warning", timeout=8)
            return
        for notice in self.safely(self.store.notices, fallback=[]):
            self.notify(notice, severity="warning", timeout=15)
        self.load_place()

    # -- lessons ------------------------------------------------------------------

    def summary(self, lesson_id: str) -> LessonSummary | None:
        return next((s for s in self.summaries if s.id == lesson_id), None)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The full lesson (parsed and validated on first use), or None if it is invalid."""
        loaded = self._loaded(lesson_id)
        return loaded[0] if loaded else None

    def origin(self, lesson_id: str) -> Origin | None:
        """The file the lesson was read from: whose code its exercises are."""
        loaded = self._loaded(lesson_id)
        return loaded[1] if loaded else None

    def _loaded(self, lesson_id: str) -> tuple[Lesson | None, Origin] | None:
        if lesson_id not in self._lessons:
            summary = self.summary(lesson_id)
            if summary is None:
                return None
            from tutor.lessons.loader import read_lesson

            file = read_lesson(summary.path)
            self._lessons[lesson_id] = (file.lesson, file.origin)  # one store: no torn read
        return self._lessons[lesson_id]

    # -- whose code runs --------------------------------------------------------------

    def trusts(self, origin: Origin) -> bool:
        """May code from this lesson file, as it is, run without asking?"""
        if origin.builtin or origin in self._trusted:
            return True
        if self.store is None:
            return False
        return self.safely(
            self.store.trusts_lesson, str(origin.path), origin.sha256, fallback=False
        )

    def trust(self, origin: Origin) -> None:
        """The learner said yes: remember it for this file as it is (for the session
        only, if the store cannot keep it)."""
        self._trusted.add(origin)
        if self.store:
            self.safely(self.store.trust_lesson, str(origin.path), origin.sha256)

    @work(thread=True, group="lessons", exit_on_error=False)
    def _load_lessons(self) -> None:
        """Parse and validate every lesson after the first paint, so opening one is instant;
        then ready the lab (one worker after the other: together they slowed the first
        screen's paint, a lesson's above all, by fighting it for the interpreter)."""
        for summary in self.summaries:
            self.lesson(summary.id)
        self.call_from_thread(self._warm_lab)

    # -- progress ---------------------------------------------------------------

    def seen_sections(self) -> dict[str, set[str]]:
        return self.safely(self.store.seen_sections, fallback={}) if self.store else {}

    def reviewer(self) -> Reviewer | None:
        """The scheduler over the store (None while the store is closed or failed)."""
        if self.store is None:
            return None
        from tutor.practice.schedule import Reviewer

        return Reviewer(self.store, desired_retention=self.desired_retention)

    def review_limits(self) -> DailyLimits:
        """How many new items and due reviews a day brings (``review.*`` in the settings)."""
        from tutor.practice.review_plan import DailyLimits

        review = self.config.review
        return DailyLimits(review.new_per_day, review.reviews_per_day)

    def due_counts(self) -> dict[str, int]:
        """Practice items due for review now, per lesson."""
        reviewer = self.reviewer()
        return self.safely(reviewer.due_counts, fallback={}) if reviewer else {}

    def open_practice(self, lesson: Lesson, item_id: str | None = None) -> None:
        """Practice on ``lesson``'s items, from ``item_id`` (else the first)."""
        from tutor.practice.session import Session
        from tutor.ui.screens.practice import PracticeScreen

        ids = [item.id for item in lesson.practice]
        session = Session(
            [(lesson.id, item) for item in lesson.practice],
            position=ids.index(item_id) if item_id in ids else 0,
        )
        self.push_screen(PracticeScreen(session, f"Practice · {lesson.title}"))

    def open_notes(self, lesson_id: str | None = None) -> None:
        from tutor.ui.screens.notes import NotesScreen

        self.push_screen(NotesScreen(lesson_id))

    def open_stats(self) -> None:
        from tutor.ui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def open_review(self, request: ReviewRequest | None = None) -> None:
        """The review asked for (by default: what is due, then new items, within the day's
        limits), once through, in the plan's order: the lessons it needs are parsed in a
        worker, then the plan is made and shown here."""
        from tutor.practice.review_plan import ReviewRequest

        self._load_for_review(request or ReviewRequest())

    @work(thread=True, group="review", exclusive=True, exit_on_error=False)
    def _load_for_review(self, request: ReviewRequest) -> None:
        for summary in self.summaries:
            self.lesson(summary.id)
        self.call_from_thread(self._show_review, request)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "review" and event.state == WorkerState.ERROR:
            self.notify(f"the review could not be prepared: {event.worker.error}", severity="error")

    def _show_review(self, request: ReviewRequest) -> None:
        from tutor.practice.review_plan import lesson_items, plan_review
        from tutor.practice.session import Session
        from tutor.ui.screens.practice import PracticeScreen

        lessons = {s.id: lesson for s in self.summaries if (lesson := self.lesson(s.id))}
        plan = (
            self.safely(
                plan_review,
                self.store,
                lesson_items(lessons.values()),
                self.review_limits(),
                request.mode,
                ahead_days=request.ahead_days,
            )
            if self.store
            else None
        )
        items = []
        for lesson_id, item_id in plan.items if plan else []:
            item = next(i for i in lessons[lesson_id].practice if i.id == item_id)
            items.append((lesson_id, item))
        session = Session(
            items,
            cycle=False,
            review=request,
            held_back=plan.held_back if plan else None,
            unbegun_new=plan.unbegun_new if plan else 0,
        )
        self.push_screen(PracticeScreen(session, request.title))

    def safely(
        self,
        call: Callable[..., T],
        *args: object,
        fallback: F = None,  # type: ignore[assignment]
        failed: str = "",
        **kwargs: object,
    ) -> T | F:
        """Run a store call (the store's, or the ``Reviewer``'s on it); if the database fails,
        say so and return ``fallback``. ``failed`` names what the learner asked for that did
        not happen ("note 3 was not deleted"), always said; a failure behind the scenes (a
        search, a draft saved at each key) is said once a screen until a call works again."""
        from tutor.store import StoreError

        try:
            result = call(*args, **kwargs)
        except StoreError as error:
            failure = (self.screen, str(error))
            if failed:
                self.notify(f"{failed}: {error}", severity="error", timeout=8)
            elif failure != self._failure_said:
                self.notify(str(error), severity="error", timeout=8)
            self._failure_said = failure
            return fallback
        self._failure_said = None
        return result

    def mark_seen(self, lesson_id: str, section: str) -> None:
        """Keep that the learner read ``section`` (not kept without a database)."""
        if self.store:
            self.safely(self.store.mark_seen, lesson_id, section)

    # -- navigation ---------------------------------------------------------------

    def open_map(self) -> None:
        from tutor.ui.screens.map import MapScreen

        above_map = next(
            (
                len(self.screen_stack) - 1 - i
                for i, s in enumerate(self.screen_stack)
                if isinstance(s, MapScreen)
            ),
            0,
        )
        for _ in range(above_map):
            self.pop_screen()

    def open_lesson(self, lesson_id: str, section: str | None = None) -> None:
        from tutor.ui.screens.lesson import LessonScreen

        lesson, origin = self._loaded(lesson_id) or (None, None)
        if lesson is None:
            self.notify(
                f"lesson '{lesson_id}' cannot be opened: run 'restutor validate' to see why",
                severity="error",
            )
            return
        assert origin is not None  # read together with the lesson
        self.push_screen(LessonScreen(lesson, origin, section))

    def open_lab(
        self,
        params: SimParams | TrainParams | None = None,
        title: str | None = None,
        experiment: Experiment = "signal",
        *,
        lesson: Lesson | None = None,
        measured: SimResult | LesionResult | TrainResult | None = None,
    ) -> None:
        """The lab on ``experiment``'s tab, in ``params`` (a network, or a training setup),
        opened from ``lesson`` (whose notes then include the lab's); ``measured``, the
        run, lesion or training just done for those params, is shown, not redone."""
        from tutor.sim import SimParams, TrainParams
        from tutor.ui.screens.lab import LabScreen

        train = params if isinstance(params, TrainParams) else None
        ensemble = self.config.lab  # the learner's default ensemble
        network = (
            params
            if isinstance(params, SimParams)
            else SimParams(networks=ensemble.networks, inputs=ensemble.inputs)
        )
        self.push_screen(
            LabScreen(network, title, experiment, train, lesson=lesson, measured=measured)
        )

    @on(OpenLesson)
    def _open_lesson_message(self, message: OpenLesson) -> None:
        self.open_lesson(message.lesson_id, message.section)

    @on(LabShown)
    def _lab_shown(self, message: LabShown) -> None:
        self.remember_lab(message.screen, message.experiment, message.params)

    # -- actions ------------------------------------------------------------------

    def action_help(self) -> None:
        from tutor.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_note(self) -> None:
        """Open the note editor anchored to what the current screen shows."""
        from tutor.ui.screens.note_editor import NoteEditor

        anchor_of = getattr(self.screen, "note_anchor", None)
        anchor = anchor_of() if anchor_of else None
        if anchor is None:
            self.notify("there is nothing here to anchor a note to")
            return
        self.push_screen(NoteEditor(anchor))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def on_unmount(self) -> None:
        from tutor.store import StoreError

        if self.store:
            with contextlib.suppress(StoreError):  # nothing is left to tell: the app is closing
                self.store.close()
