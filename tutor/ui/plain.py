"""Text that came from a lesson file, a note or a process, ready for a widget: never read
as markup (a title holding ``[/]`` would raise, ``[draft]`` would vanish) and with its
control characters made visible (``tutor.text``)."""

from __future__ import annotations

from rich.text import Text
from textual.markup import escape

from tutor.text import visible


def plain(text: str, style: str = "") -> Text:
    """``text`` exactly as written, for any widget (a Rich ``Text`` also keeps a
    ``Select``'s type-to-search working, which skips other content)."""
    return Text(visible(text), style=style)


def as_markup(text: str) -> str:
    """``text`` for the few places that only take markup (a command's help line)."""
    return escape(visible(text))
