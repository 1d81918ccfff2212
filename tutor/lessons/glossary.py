"""The glossary: every lesson's terms, found by name or alias."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from tutor.lessons.model import Lesson, Term


@dataclass(frozen=True)
class Entry:
    term: Term
    lesson: Lesson


def entries(lessons: Iterable[Lesson]) -> list[Entry]:
    """All terms, alphabetically; a term defined in several lessons appears once per lesson."""
    found = [Entry(term, lesson) for lesson in lessons for term in lesson.terms]
    return sorted(found, key=lambda e: (e.term.term.casefold(), e.lesson.id))


def name_key(name: str) -> str:
    """A term's name as names compare: case, dashes and spacing ignored."""
    return " ".join(name.casefold().replace("-", " ").split())


def lookup(all_entries: list[Entry], name: str) -> list[Entry]:
    """Entries whose term or an alias matches ``name`` (case, dashes and spacing ignored)."""
    wanted = name_key(name)
    return [
        e for e in all_entries if wanted in {name_key(n) for n in (e.term.term, *e.term.aliases)}
    ]


def suggestions(all_entries: list[Entry], name: str, limit: int = 3) -> list[str]:
    """The closest term names to a misspelling."""
    names = {name_key(n): n for e in all_entries for n in (e.term.term, *e.term.aliases)}
    close = difflib.get_close_matches(name_key(name), list(names), n=limit, cutoff=0.6)
    return [names[c] for c in close]
