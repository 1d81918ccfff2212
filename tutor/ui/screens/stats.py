"""`S` on the map: per lesson, the practice items seen, the retention shown in reviews, FSRS's
recall estimate now, and what comes due on each of the next days."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tutor.ui.plain import plain
from tutor.ui.screens.base import TutorScreen

DAYS = 7


class StatsScreen(TutorScreen, ModalScreen[None]):
    DEFAULT_CSS = """
    StatsScreen { align: center middle; }
    StatsScreen > Vertical {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    StatsScreen DataTable { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape,q,S", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "[b]Practice statistics[/b]  (retention: the share of your reviews answered "
                "right; recall now: FSRS's estimate that you would recall an item now)"
            )
            yield DataTable(id="stats", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "lesson",
            "items",
            "seen",
            "reviews",
            "retention",
            "recall now",
            *(["today"] + [f"+{d}d" for d in range(1, DAYS)]),
        )
        reviewer = self.tutor.reviewer()
        stats = self.tutor.safely(reviewer.stats, days=DAYS, fallback={}) if reviewer else {}
        for summary in self.tutor.summaries:
            lesson = self.tutor.lesson(summary.id)
            items = len(lesson.practice) if lesson else 0
            s = stats.get(summary.id)
            due = s.due_by_day if s else [0] * DAYS
            table.add_row(
                plain(summary.title),
                str(items),
                str(s.seen if s else 0),
                str(s.reviews if s else 0),
                f"{s.retention:.0%}" if s and s.reviews else "—",
                f"{s.recall_now:.0%}" if s and s.seen else "—",
                *(str(n) for n in due),
            )

    def action_dismiss(self) -> None:
        self.dismiss()
