"""Lesson Markdown for the places that hold one styled line, not a document: an option of
a list (a choice, a lab state). Parsed as Markdown's inline part, the way the ``Markdown``
widget parses a paragraph, so ``**bold**``, ``*italic*``, ``code`` and links look as they
do in the sections, and the line breaks of a YAML block reflow as a paragraph's do.

The result is Textual ``Content``, built from the parsed text and never read as markup:
``[bold red]`` in a lesson stays those ten characters."""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from textual.content import Content, Span

from tutor.text import visible

#: How each inline element looks; code as the ``Markdown`` widget draws it.
STYLES = {
    "strong": "bold",
    "em": "italic",
    "s": "strike",
    "link": "underline",
    "code_inline": "$text-warning on $warning 10%",
}


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("strikethrough")


def markdown_line(markdown: str) -> Content:
    """``markdown``'s text with its inline styles: white space reflowed, a hard break
    (two spaces or a backslash at a line's end) kept, anything else as written."""
    text: list[str] = []
    spans: list[Span] = []
    opened: list[tuple[str, int]] = []
    length = 0

    def add(piece: str) -> None:
        nonlocal length
        text.append(piece)
        length += len(piece)

    for token in _parser().parseInline(visible(markdown.strip())):
        for child in token.children or []:
            kind = child.type
            if kind in ("text", "html_inline"):
                add(re.sub(r"\s+", " ", child.content))
            elif kind == "softbreak":
                add(" ")
            elif kind == "hardbreak":
                add("\n")
            elif kind == "code_inline":
                spans.append(Span(length, length + len(child.content), STYLES[kind]))
                add(child.content)
            elif kind.endswith("_open"):
                opened.append((kind.removesuffix("_open"), length))
            elif kind.endswith("_close") and opened:
                name, start = opened.pop()
                if name in STYLES:
                    spans.append(Span(start, length, STYLES[name]))
            elif kind == "image":
                add(child.content or str(child.attrs.get("alt") or ""))
    return Content("".join(text), spans=spans)
