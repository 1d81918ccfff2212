"""`?`: the keys that work on the screen underneath, and how restutor is laid out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

GUIDE = """\
**restutor** teaches one idea, `y = x + F(x)`, the way good concept pages do:
picture, math, code, a lab you steer, practice, notes.

- The **map** shows the lessons, prerequisites above what they unlock.
- A **lesson** keeps its key equation in view; the outline on the left picks a section.
- The **lab** runs the simulator live: forward and gradient norms across depth.
- `ctrl+p` opens the command palette (every screen is there), `ctrl+t` switches
  light/dark, `ctrl+q` quits from anywhere.
"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 80%;
        max-width: 90;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, underneath: Screen) -> None:
        super().__init__()
        self.underneath = underneath

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self._text())

    def _text(self) -> str:
        rows = []
        for active in self.underneath.active_bindings.values():
            binding = active.binding
            if binding.description:
                shown = binding.key_display or self.app.get_key_display(binding)
                rows.append(f"| `{shown}` | {binding.description} |")
        where = getattr(self.underneath, "LOCATION", "") or "this screen"
        table = "| key | does |\n|---|---|\n" + "\n".join(dict.fromkeys(rows))
        return f"## Keys on {where}\n\n{table}\n\n## How restutor works\n\n{GUIDE}"

    def action_dismiss(self) -> None:
        self.dismiss()
