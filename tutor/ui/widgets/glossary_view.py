"""The lesson's glossary: move through the terms, and the focused one is explained; its
related terms are followed with their number (or a click) and `backspace` comes back."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

from tutor.lessons.glossary import name_key
from tutor.lessons.model import Term
from tutor.ui.plain import plain

#: Related terms past this many are listed but have no key of their own (none has more).
NUMBERED = 9
LINK = "related:"


def _link_label(name: str) -> str:
    """``name`` as a Markdown link's label: brackets would end the label early."""
    return name.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def term_markdown(term: Term, found: list[bool]) -> str:
    """The term's entry, its related terms numbered: a link each that ``found`` says is in
    this glossary, the others named only."""
    parts = [f"### {term.term}"]
    if term.aliases:
        parts.append(f"*also called:* {', '.join(term.aliases)}")
    parts.append(term.definition.strip())
    if term.related:
        lines = []
        for number, (name, here) in enumerate(zip(term.related, found, strict=True), 1):
            label = (
                f"[{_link_label(name)}]({LINK}{number})" if here else f"{name} (not in this lesson)"
            )
            lines.append(f"{number}. {label}")
        parts.append("*related* (press its number, or click it):\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


class GlossaryView(Horizontal):
    DEFAULT_CSS = """
    GlossaryView { height: auto; min-height: 12; }
    GlossaryView OptionList { width: 32; height: auto; max-height: 24; }
    GlossaryView Markdown { width: 1fr; padding: 0 1; }
    """

    BINDINGS = [
        *(
            Binding(str(n), f"follow({n})", "Related term", key_display="1-9", show=n == 1)
            for n in range(1, NUMBERED + 1)
        ),
        Binding("backspace", "back_term", "Back a term", id="glossary.back"),
    ]

    def __init__(self, terms: list[Term]) -> None:
        super().__init__(id="glossary")
        self.terms = sorted(terms, key=lambda t: t.term.casefold())
        #: Each name a term is known by (its own and its aliases), to its place in the list.
        self._place = {
            name_key(name): i for i, t in enumerate(self.terms) for name in (t.term, *t.aliases)
        }
        #: The terms left by following a related one, the latest last: what `backspace` undoes.
        self.history: list[int] = []

    def compose(self) -> ComposeResult:
        yield OptionList(*(Option(plain(t.term), id=str(i)) for i, t in enumerate(self.terms)))
        first = self._markdown(self.terms[0]) if self.terms else "No terms."
        yield Markdown(first, open_links=False)

    @property
    def shown(self) -> int:
        """The place of the term explained now."""
        return self.query_one(OptionList).highlighted or 0

    def _related_places(self, term: Term) -> list[int | None]:
        return [self._place.get(name_key(name)) for name in term.related]

    def _markdown(self, term: Term) -> str:
        return term_markdown(term, [p is not None for p in self._related_places(term)])

    @on(OptionList.OptionHighlighted)
    def _explain(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        term = self.terms[int(event.option.id or 0)]
        self.query_one(Markdown).update(self._markdown(term))
        self.refresh_bindings()

    def action_follow(self, number: int) -> None:
        """Open the ``number``-th related term's entry, remembering this one for `backspace`."""
        if not self.terms:
            return
        term = self.terms[self.shown]
        places = self._related_places(term)
        if not 1 <= number <= len(places):
            return
        place = places[number - 1]
        if place is None:
            name = term.related[number - 1]
            self.notify(
                f"'{name}' is not in this lesson's glossary: "
                f'restutor glossary "{name}" looks in every lesson'
            )
            return
        self.history.append(self.shown)
        self.query_one(OptionList).highlighted = place

    def action_back_term(self) -> None:
        if self.history:
            self.query_one(OptionList).highlighted = self.history.pop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys are in the footer only when they do something here."""
        if action == "back_term":
            return bool(self.history)
        if action == "follow":
            return bool(self.terms and self.terms[self.shown].related)
        return True

    @on(Markdown.LinkClicked)
    def _clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        if event.href.startswith(LINK) and event.href[len(LINK) :].isdigit():
            self.action_follow(int(event.href[len(LINK) :]))
