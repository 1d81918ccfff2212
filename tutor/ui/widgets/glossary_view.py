"""The lesson's glossary: move through the terms, and the focused one is explained."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

from tutor.lessons.model import Term
from tutor.ui.plain import plain


def term_markdown(term: Term) -> str:
    parts = [f"### {term.term}"]
    if term.aliases:
        parts.append(f"*also called:* {', '.join(term.aliases)}")
    parts.append(term.definition.strip())
    if term.related:
        parts.append(f"*related:* {', '.join(term.related)}")
    return "\n\n".join(parts)


class GlossaryView(Horizontal):
    DEFAULT_CSS = """
    GlossaryView { height: auto; min-height: 12; }
    GlossaryView OptionList { width: 32; height: auto; max-height: 24; }
    GlossaryView Markdown { width: 1fr; padding: 0 1; }
    """

    def __init__(self, terms: list[Term]) -> None:
        super().__init__(id="glossary")
        self.terms = sorted(terms, key=lambda t: t.term.casefold())

    def compose(self) -> ComposeResult:
        yield OptionList(*(Option(plain(t.term), id=str(i)) for i, t in enumerate(self.terms)))
        yield Markdown(term_markdown(self.terms[0]) if self.terms else "No terms.")

    @on(OptionList.OptionHighlighted)
    def _explain(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        term = self.terms[int(event.option.id or 0)]
        self.query_one(Markdown).update(term_markdown(term))
