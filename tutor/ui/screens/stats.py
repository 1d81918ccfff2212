"""`S` on the map: per lesson, the practice items seen, the retention shown in reviews, FSRS's
recall estimate now, and what comes due on each of the next days."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tutor.text import one_line
from tutor.ui.plain import plain
from tutor.ui.screens.base import TutorScreen

DAYS = 7

#: The box's share of the screen's width and its widest, as the CSS below sets them.
BOX_SHARE, BOX_MOST = 0.96, 110
#: The columns: the title, then "12/26", "50% of 8", "96%" and the next seven days.
COLUMNS = ("lesson", "seen", "retention", "recall", "due: today…+6d")
TITLE_LEAST = 14


class StatsScreen(TutorScreen, ModalScreen[None]):
    DEFAULT_CSS = """
    StatsScreen { align: center middle; }
    StatsScreen > Vertical {
        width: 96%;
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
                "[b]Practice statistics[/b]  seen: items reviewed of the lesson's; retention: "
                "the share of your reviews answered right; recall: FSRS's estimate that you "
                "would recall an item now; then what comes due on each of the next 7 days"
            )
            yield DataTable(id="stats", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        reviewer = self.tutor.reviewer()
        stats = self.tutor.safely(reviewer.stats, days=DAYS, fallback={}) if reviewer else {}
        rows = []
        for summary in self.tutor.summaries:
            lesson = self.tutor.lesson(summary.id)
            items = len(lesson.practice) if lesson else 0
            s = stats.get(summary.id)
            due = s.due_by_day if s else [0] * DAYS
            rows.append(
                (
                    summary.title,
                    f"{s.seen if s else 0}/{items}",
                    f"{s.retention:.0%} of {s.reviews}" if s and s.reviews else "—",
                    f"{s.recall_now:.0%}" if s and s.seen else "—",
                    " ".join(str(n) for n in due),
                )
            )
        table = self.query_one(DataTable)
        widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(1, 5)]
        title_width = self._title_width(sum(widths) + 2 * table.cell_padding * len(widths))
        table.add_column("lesson", width=title_width)
        for name, width in zip(COLUMNS[1:], widths, strict=True):
            table.add_column(name, width=width)
        for title, *numbers in rows:
            table.add_row(plain(one_line(title, title_width)), *numbers)

    def _title_width(self, numbers: int) -> int:
        """What is left for the lesson's title once the numbers have their ``numbers``
        columns, so that the day columns are in view on any terminal (80 columns too)."""
        box = min(BOX_MOST, int(self.app.size.width * BOX_SHARE)) - 4  # border and padding
        return max(TITLE_LEAST, box - numbers - 2 * self.query_one(DataTable).cell_padding)

    def action_dismiss(self) -> None:
        self.dismiss()
