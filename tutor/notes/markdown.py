"""Markdown and YAML that other tools read back as restutor wrote them.

A note's tags, anchor id and body are the learner's (or an older import's) text: a tag
``#todo`` or ``key: value`` is YAML syntax, and a body that opens a code fence, an HTML
comment or an Obsidian ``%%`` comment and never closes it would swallow everything after
it in the file. So YAML is written by PyYAML, every string it cannot write as a plain
one-line scalar double-quoted, and text that could swallow what follows is shown
literally, in a fence longer than any it holds.
"""

from __future__ import annotations

import re

import yaml

from tutor.text import one_line


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with every string it cannot write as a plain one-liner
    double-quoted (escaped): a single-quoted string spans lines, and a NEL (U+0085) in it
    reads back as a space."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    plain = text.isprintable() and text == text.strip()
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=None if plain else '"')


_Dumper.add_representer(str, _represent_str)


def yaml_text(data: dict) -> str:
    """``data`` as YAML that ``yaml.safe_load`` reads back equal, one line a string."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=2**30)


def front_matter_block(data: dict) -> str:
    """``data`` as the front matter Obsidian and static-site tools read at a file's top."""
    return f"---\n{yaml_text(data)}---\n"


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(run) for run in runs), default=0)


def fenced(text: str, info: str = "") -> str:
    """``text`` in a code fence that nothing inside it can close."""
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{fence}{info}\n{text}\n{fence}"


#: The starts of what runs on until something closes it: a code fence (at most three
#: spaces in), an HTML comment, a raw HTML block (CommonMark's type 1), Obsidian's comment.
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_RAW_HTML = re.compile(r"<!--|<(pre|script|style|textarea)[\s>]", re.IGNORECASE)


def _html_left_open(text: str) -> bool:
    """Whether an HTML comment or raw block opens after the last of its closers."""
    lowered = text.lower()
    last_opened: dict[str, int] = {}
    for start in _RAW_HTML.finditer(lowered):
        closer = "-->" if start.group(1) is None else f"</{start.group(1)}>"
        last_opened[closer] = start.end()
    return any(lowered.rfind(closer) < at for closer, at in last_opened.items())


def _could_swallow(text: str) -> bool:
    """Whether ``text`` may leave a block open that would take in what follows it.

    Errs on the safe side: a fence that is closed inside a list item counts as open.
    """
    if text.count("%%") % 2 or _html_left_open(text):
        return True
    opened: str | None = None
    for line in text.split("\n"):
        match = _FENCE_LINE.match(line)
        if match is None:
            continue
        run, rest = match.groups()
        if opened is None:
            opened = None if run[0] == "`" and "`" in rest else run  # not a fence: `` ```a` ``
        elif run[0] == opened[0] and len(run) >= len(opened) and not rest.strip():
            opened = None
    return opened is not None


def contained(text: str) -> str:
    """``text`` as Markdown when it closes what it opens, else literally (fenced), so the
    next note's heading and metadata stay outside it."""
    return fenced(text, "text") if _could_swallow(text) else text


def code_span(text: str, most: int = 200) -> str:
    """``text`` on one line as inline code, however many backticks it holds."""
    line = one_line(text, most)
    ticks = "`" * (_longest_run(line, "`") + 1)
    padded = not line.strip("` ") or line[0] in "` " or line[-1] in "` "
    return f"{ticks} {line} {ticks}" if padded else f"{ticks}{line}{ticks}"


#: What a one-line text must not hold to stay plain text in a heading or a link's shown
#: text: Obsidian's link, tag, block and comment syntax, inline code and HTML.
_LINE_SYNTAX = re.compile(r"[\[\]|#^%`<>]")


def plain_line(text: str, most: int = 100) -> str:
    """``text`` on one line, without the characters that would make it a link, a tag, a
    comment or markup (a heading, a link's shown text)."""
    return " ".join(_LINE_SYNTAX.sub(" ", one_line(text, most)).split())
