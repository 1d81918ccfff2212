"""A choice item's choices, shown in the order of the day (``tutor.practice.order``) so their
position cannot be learned; each option's id is its choice's index, so a commit reads the
choice chosen, never the position it was shown at."""

from __future__ import annotations

from datetime import date

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tutor.practice.order import choice_order
from tutor.ui.widgets.markdown_line import markdown_line


class ChoiceList(OptionList):
    def offer(self, item_id: str, choices: list[str]) -> None:
        """Show ``choices`` in today's order for the item."""
        self.clear_options()
        self.add_options(
            [
                Option(markdown_line(choices[i]), id=str(i))
                for i in choice_order(item_id, len(choices), date.today())
            ]
        )
