"""The practice items that need no restutor to check, as an Anki package (``.apkg``).

Choice, number and text items become one note each, in one deck per lesson under a
``restutor`` parent. Every id is derived from a fixed string, never drawn at random: a note's
GUID from its item id, the note type's and each deck's id from their names, so importing a
second export updates the cards the first one made (and keeps their review history) instead
of adding twins. Predictions and code exercises need restutor to run their experiment or
their tests: they are left out, and counted.

Lesson text is data: Markdown is rendered with raw HTML turned off (a ``<script>`` in a
lesson arrives as the words ``<script>``), plain text is escaped, and ``[`` is written as an
entity, so no ``[latex]`` or ``[sound:]`` tag from a lesson makes Anki run LaTeX or play a
file.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

import genanki
from markdown_it import MarkdownIt

from tutor.lessons.model import ChoiceItem, Lesson, NumberItem, PracticeItem, TextItem
from tutor.store import sqlite_file

#: The parent deck every lesson's deck hangs under (Anki's ``::`` makes a subdeck).
PARENT_DECK = "restutor"
#: The item kinds a card can hold: their answer is in the lesson file.
CARD_KINDS = ("choice", "number", "text")
#: The kinds left out, in the order the summary counts them.
LEFT_OUT_KINDS = ("predict-sim", "predict-train", "code")
#: An item whose id an earlier lesson on the path already uses (the first one wins, as in
#: ``restutor practice``): its GUID would be the other's.
SAME_ID = "same-id"

#: The note's fields, in order; the first is what Anki sorts and checks duplicates by.
FIELDS = ("Prompt", "Choices", "Answer", "Reasoning", "Wrong answer", "Rubric", "Item")

_FRONT = """<div class="restutor tex2jax_ignore">
<div class="prompt">{{Prompt}}</div>
{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}
<div class="item">{{Item}}</div>
</div>"""
_BACK = """{{FrontSide}}
<hr id="answer">
<div class="restutor tex2jax_ignore">
<h4>Answer</h4>{{Answer}}
<h4>Why</h4>{{Reasoning}}
<h4>The common wrong answer</h4>{{Wrong answer}}
<h4>Check yourself</h4>{{Rubric}}
</div>"""
_CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
.restutor h4 { margin: 1em 0 0.3em; }
.restutor .item { margin-top: 1em; font-size: 12px; opacity: 0.6; }
.restutor pre { white-space: pre-wrap; }"""

#: CommonMark with raw HTML off (markdown-it escapes it); images off, so a lesson cannot
#: make a card fetch a remote file. Links keep markdown-it's check (no ``javascript:``).
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).disable("image")


def stable_id(name: str) -> int:
    """An Anki id for ``name``: the same every time, in the range Anki's own ids use
    (``[2**30, 2**31)``, as genanki advises)."""
    digest = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big")
    return (1 << 30) | (digest & ((1 << 30) - 1))


def note_guid(item_id: str) -> str:
    """The GUID of the note for the practice item ``item_id``: Anki matches a re-import by it."""
    return str(genanki.guid_for(PARENT_DECK, item_id))


def deck_id(lesson_id: str) -> int:
    return stable_id(f"{PARENT_DECK} deck {lesson_id}")


#: The one note type every card uses; its id never changes, so its cards are updated.
MODEL = genanki.Model(
    stable_id("restutor practice item"),
    "restutor practice item",
    fields=[{"name": name} for name in FIELDS],
    templates=[{"name": "Practice", "qfmt": _FRONT, "afmt": _BACK}],
    css=_CSS,
)


def _inert(rendered: str) -> str:
    """HTML with every ``[`` as an entity: Anki reads ``[latex]``, ``[$]`` and ``[sound:…]``
    in a field's HTML, never in its text once entities are resolved."""
    return rendered.replace("[", "&#91;")


def markdown_html(markdown: str) -> str:
    """A lesson's Markdown as card HTML: rendered, and inert."""
    return _inert(_MARKDOWN.render(markdown.strip()))


def text_html(text: str) -> str:
    """A lesson's plain text as card HTML: escaped, and inert."""
    return _inert(html.escape(text))


def _answer(item: ChoiceItem | NumberItem | TextItem) -> str:
    said = markdown_html(item.answer)
    if isinstance(item, ChoiceItem):
        return f"<p><b>{text_html(item.choices[item.correct])}</b></p>\n{said}"
    if isinstance(item, NumberItem):
        return f"<p><b>{item.value:g}</b> (± {item.tolerance:g})</p>\n{said}"
    return said


def item_fields(item: ChoiceItem | NumberItem | TextItem) -> list[str]:
    """The note's fields (``FIELDS``) for ``item``, each HTML."""
    choices = ""
    if isinstance(item, ChoiceItem):
        listed = "".join(f"<li>{text_html(choice)}</li>" for choice in item.choices)
        choices = f'<ol start="0">{listed}</ol>'  # numbered as restutor numbers them
    wrong = item.wrong_answer
    return [
        markdown_html(item.prompt),
        choices,
        _answer(item),
        markdown_html(item.reasoning),
        f"<p><b>{text_html(wrong.answer)}</b></p>\n{markdown_html(wrong.why)}",
        "<ul>" + "".join(f"<li>{text_html(line)}</li>" for line in item.rubric) + "</ul>",
        text_html(item.id),
    ]


def _tag(*words: str) -> str:
    """An Anki tag (``restutor::lesson::…``): no spaces, since a space separates tags."""
    return "::".join((PARENT_DECK, *words)).replace(" ", "_")


def item_tags(lesson: Lesson, item: PracticeItem) -> list[str]:
    return [
        _tag("lesson", lesson.id),
        _tag("difficulty", item.difficulty),
        *(_tag("concept", concept) for concept in item.concepts),
    ]


def deck_name(lesson: Lesson) -> str:
    """``restutor::Title``; a ``::`` in the title would open a subdeck, so it is cut to ``:``."""
    title = " ".join(lesson.title.replace("::", ":").split())
    return f"{PARENT_DECK}::{title}"


@dataclass
class AnkiExport:
    """The package to write, and what went into it and what did not."""

    package: genanki.Package
    notes: int
    decks: int
    #: How many items were left out: by kind (``LEFT_OUT_KINDS``), then ``SAME_ID``.
    left_out: dict[str, int] = field(default_factory=dict)

    def apkg(self, timestamp: float | None = None) -> bytes:
        """The ``.apkg`` file: a zip holding the collection (SQLite) and an empty media list.

        ``timestamp`` stamps the notes as modified; it defaults to now, since Anki updates a
        note it already has only from a newer one. The collection is built in memory:
        genanki's own ``write_to_file`` leaves its temporary database behind.
        """
        stamp = time.time() if timestamp is None else timestamp
        ids = itertools.count(int(stamp * 1000))
        collection = sqlite_file(lambda cursor: self.package.write_to_db(cursor, stamp, ids))
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("collection.anki2", collection)
            archive.writestr("media", "{}")
        return out.getvalue()


def build_export(lessons: Sequence[Lesson]) -> AnkiExport:
    """Every choice, number and text item of ``lessons`` as a note, one deck per lesson that
    has any (lessons in the given order; the first to use an item id keeps it)."""
    decks: list[genanki.Deck] = []
    left_out: Counter[str] = Counter()
    seen: set[str] = set()
    names: set[str] = set()
    for lesson in lessons:
        name = deck_name(lesson)
        if name in names:  # two lessons of one title: Anki would merge their decks
            name = f"{name} ({lesson.id})"
        deck = genanki.Deck(deck_id(lesson.id), name)
        for item in lesson.practice:
            if item.id in seen:
                left_out[SAME_ID] += 1
            elif isinstance(item, ChoiceItem | NumberItem | TextItem):
                deck.add_note(
                    genanki.Note(
                        model=MODEL,
                        fields=item_fields(item),
                        tags=item_tags(lesson, item),
                        guid=note_guid(item.id),
                    )
                )
            else:
                left_out[item.kind] += 1
            seen.add(item.id)
        if deck.notes:
            names.add(name)
            decks.append(deck)
    order = [*LEFT_OUT_KINDS, SAME_ID]
    return AnkiExport(
        package=genanki.Package(decks),
        notes=sum(len(deck.notes) for deck in decks),
        decks=len(decks),
        left_out={kind: left_out[kind] for kind in order},
    )
