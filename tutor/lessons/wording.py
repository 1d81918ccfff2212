"""How a written answer is read against a text item's rubric: its key ideas' keywords and its
misconceptions' patterns, all matched the same way.

Words are casefolded, with ``n't`` and ``cannot`` split off as ``not`` and superscripts read
as ordinary digits (``2ⁿ`` as ``2^n``). Two words are the same when their Snowball (English)
stems are equal, or when both have five letters or more and are one Damerau–Levenshtein edit
apart (a typo); a phrase matches consecutive words. A match with a negator among the few words
before it in the same clause ("does not vanish", "it is not that they are more expressive") is
negated — unless the phrase has a negator of its own ("not multiplied"), or the negator only
limits ("not only", "not just") — and a negated match counts for nothing: the key idea is not
found, the misconception does not flag. A clause ends at ``, ; : . ! ?`` or "but", so "not
vanishing gradients: the optimizer" leaves "optimizer" standing.

This sits with the lesson format (not the grader) because the lesson check holds every model
answer to its own rubric; ``tutor.practice.grading`` grades with the same reading.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import snowballstemmer
from rapidfuzz.distance import DamerauLevenshtein

if TYPE_CHECKING:
    from tutor.lessons.model import Misconception, TextItem

#: Words that negate a match standing within ``NEGATION_REACH`` words after them.
NEGATORS = frozenset(
    {"not", "no", "never", "nor", "neither", "without", "none", "nothing", "hardly"}
)
NEGATION_REACH = 5
#: "not only X" affirms X.
LIMITERS = frozenset({"only", "just", "merely", "simply", "solely"})
#: Words after which a negator before them no longer reaches.
CLAUSE_WORDS = frozenset({"but", "yet", "although", "though", "whereas", "instead"})
#: Words this long or longer may differ by one edit (a typo) and still match.
TYPO_LENGTH = 5
#: Longer "words" (a pasted blob) are their own stem: no English word is this long.
LONGEST_STEMMED = 64

_STEMMER = snowballstemmer.stemmer("english")
#: The stemmer keeps the word it works on in itself: lessons load in a worker while the
#: UI thread reads answers, and two threads at once raise IndexError inside it.
_STEMMER_LOCK = threading.Lock()
_CONTRACTED_NOT = re.compile(r"n['’]t\b")
_CANNOT = re.compile(r"\bcannot\b")
_WORD = re.compile(r"[a-z0-9α-ω]+")
#: A word, or a mark that ends a clause (a full stop, but not the point of ``0.9``).
_TOKEN = re.compile(r"[a-z0-9α-ω]+|[,;:!?]|\.(?!\d)")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ⁿⁱ⁻⁺", "0123456789ni-+")
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿⁱ⁻⁺]+")


def _folded(text: str) -> str:
    text = _SUPERSCRIPTS.sub(lambda run: "^" + run.group().translate(_SUPERSCRIPT), text)
    return _CANNOT.sub("can not", _CONTRACTED_NOT.sub(" not", text.casefold()))


def words(text: str) -> list[str]:
    """The words of ``text``, casefolded, with ``n't`` and ``cannot`` giving ``not``."""
    return _WORD.findall(_folded(text))


def _words_and_clauses(text: str) -> tuple[list[str], list[int]]:
    """The words of ``text`` and, for each, where its clause starts (an index into the words)."""
    found: list[str] = []
    clause_starts: list[int] = []
    start = 0
    for token in _TOKEN.findall(_folded(text)):
        if not _WORD.fullmatch(token):
            start = len(found)
            continue
        if token in CLAUSE_WORDS:
            start = len(found) + 1
        found.append(token)
        clause_starts.append(start)
    return found, clause_starts


def stem(word: str) -> str:
    """The Snowball English stem of one (casefolded) word."""
    if len(word) > LONGEST_STEMMED:
        return word
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


def typo_apart(word: str, other: str) -> bool:
    """Both words long enough to carry a typo, and at most one edit (a letter added, dropped,
    changed, or two neighbours swapped) apart."""
    return (
        len(word) >= TYPO_LENGTH
        and len(other) >= TYPO_LENGTH
        and abs(len(word) - len(other)) <= 1
        and DamerauLevenshtein.distance(word, other, score_cutoff=1) <= 1
    )


class Answer:
    """An answer read once, so that finding many phrases in it takes time linear in its
    length: each distinct word of the answer is stemmed once and compared (the costly part)
    once with each word of a phrase, and a phrase is tried only where its first word stands."""

    def __init__(self, text: str) -> None:
        self.words, self._clause_starts = _words_and_clauses(text)
        self.places: dict[str, list[int]] = {}
        for place, word in enumerate(self.words):
            self.places.setdefault(word, []).append(place)
        self._by_stem: dict[str, list[str]] = {}
        for word in self.places:
            self._by_stem.setdefault(stem(word), []).append(word)
        self._matches: dict[str, frozenset[str]] = {}

    def _matching(self, key_word: str) -> frozenset[str]:
        """The answer's distinct words that count as ``key_word``."""
        if key_word not in self._matches:
            same = set(self._by_stem.get(stem(key_word), ()))
            if len(key_word) >= TYPO_LENGTH:
                same.update(w for w in self.places if w not in same and typo_apart(w, key_word))
            self._matches[key_word] = frozenset(same)
        return self._matches[key_word]

    def _negated(self, start: int) -> bool:
        reach = max(self._clause_starts[start], start - NEGATION_REACH)
        before = self.words[reach:start]
        return any(
            word in NEGATORS and (place + 1 >= len(before) or before[place + 1] not in LIMITERS)
            for place, word in enumerate(before)
        )

    def finds(self, phrase: str) -> bool:
        """Whether ``phrase`` stands in the answer at least once, not negated."""
        key = words(phrase)
        if not key:
            return False
        heeds_negation = NEGATORS.isdisjoint(key)
        matching = [self._matching(word) for word in key]
        answer, last = self.words, len(self.words) - len(key)
        return any(
            start <= last
            and all(answer[start + k] in same for k, same in enumerate(matching[1:], 1))
            and not (heeds_negation and self._negated(start))
            for first in matching[0]
            for start in self.places[first]
        )


def finds(answer: str, phrase: str) -> bool:
    """Does ``answer`` contain ``phrase`` (a word or phrase), not negated?"""
    return Answer(answer).finds(phrase)


@dataclass(frozen=True)
class Reading:
    """What a written answer shows against a text item's rubric."""

    found: tuple[str, ...]  # the key ideas found
    missing: tuple[str, ...]  # the key ideas not found
    flagged: tuple[Misconception, ...]  # the misconceptions it voices

    @property
    def sound(self) -> bool:
        """Every key idea there and no misconception: what the grader calls correct."""
        return not self.missing and not self.flagged


def read_answer(item: TextItem, text: str) -> Reading:
    """Which of ``item``'s key ideas ``text`` finds, and which misconceptions it voices."""
    answer = Answer(text)
    found = tuple(k.idea for k in item.key_ideas if any(answer.finds(w) for w in k.keywords))
    missing = tuple(k.idea for k in item.key_ideas if k.idea not in found)
    flagged = tuple(m for m in item.misconceptions if any(answer.finds(p) for p in m.patterns))
    return Reading(found, missing, flagged)
