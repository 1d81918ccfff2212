"""A corpus of hostile lesson files, generated into a folder (never hand-pasted).

Each kind is one function that writes its files into a folder and says, for each file,
what ``restutor validate`` makes of it: ``ERROR`` (one or more ``path:line: message``
lines, at least one an error) or ``OPENS`` (warnings at most: the map, the lesson and
practice must then open it). ``write_corpus`` writes every kind;
``tests/test_hostile_lessons.py`` holds restutor to both. ``BROKEN_CACHES`` holds the
lesson-index caches a damaged or hostile data folder might hold.

    python -m tests.hostile_lessons DIR     # write the corpus into DIR, to try it by hand
"""

from __future__ import annotations

import copy
import json
import os
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import yaml

from tests.lesson_factory import PRACTICE_FIELDS, lesson_dict, write_lesson, yaml_bomb

Verdict = Literal["error", "opens"]
ERROR: Verdict = "error"
OPENS: Verdict = "opens"
Written = dict[Path, Verdict]

#: Sequences a terminal acts on: set the window title, write the clipboard (OSC 52),
#: clear the screen, erase and hide a line, a C1 CSI, a right-to-left override.
ESCAPES = "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\x1b[2K\x1b[1G\x1b[8m\x9b31m\u202eevil"
#: Rich markup that must stay text: a stray close tag raises, a bracketed word vanishes.
MARKUP = "[/] [bold]loud[/bold] [draft] [link=https://example.com]x[/link] [/nonsense] \\[x]"
#: Keys whose strings are ids, choices from a fixed set, or arithmetic: changing them
#: would only make the lesson invalid, not hostile.
NOT_TEXT = {
    "id",
    "ref",
    "opens",
    "next",
    "kind",
    "difficulty",
    "experiment",
    "measure",
    "prerequisites",
    "unlocks",
    "covered_in",
    "concepts",
    "sources",
    "compute",
}

#: What a tag or a witness would create beside the corpus folder, if anything ran it.
MARKERS = ("pwned-by-a-tag", "pwned-by-a-witness")

KINDS: dict[str, Callable[[Path], Written]] = {}


def kind(write: Callable[[Path], Written]) -> Callable[[Path], Written]:
    KINDS[write.__name__] = write
    return write


def every_field_lesson(lesson_id: str = "every-field") -> dict:
    """A valid lesson that uses every optional part of the format, so that every text
    field a screen can show is there to be made hostile."""
    text_item = {
        "id": f"{lesson_id}-text",
        "kind": "text",
        # "x itself", the model answer whole: made hostile, it still finds its own key idea
        "key_ideas": [{"idea": "the identity", "keywords": ["identity", "x", "x itself"]}],
        "concepts": ["identity-path"],
        **PRACTICE_FIELDS,
    }
    sim_item = {
        "id": f"{lesson_id}-sim",
        "kind": "predict-sim",
        "lab": {"id": "tiny", "title": "Tiny", "params": {"depth": 4}, "notice": "Look."},
        "measure": "forward_growth",
        "concepts": ["identity-path"],
        "value": 1.0,
        "rel_tolerance": 0.5,
        **PRACTICE_FIELDS,
    }
    code_item = {
        "id": f"{lesson_id}-code",
        "concepts": ["identity-path"],
        "kind": "code",
        "starter": "def f(x):\n    raise NotImplementedError\n",
        "tests": "from solution import f\n\ndef test_f():\n    assert f(1) == 2, 'f(1) is 2'\n",
        "solution": "def f(x):\n    return 2 * x\n",
        "predict": {
            "prompt": "What is f(21)?",
            "measure": "f(21)",
            "value": 42.0,
            "rel_tolerance": 0.1,
            "reasoning": "Twice 21.",
        },
        **PRACTICE_FIELDS,
    }
    data = lesson_dict(
        id=lesson_id,
        aliases=["every part"],
        what_tutorials_skip=["The details."],
        common_mistakes=[{"mistake": "Forgetting x.", "fix": "Add it back."}],
        inventory=[
            {
                "id": "identity-path",
                "concept": "the identity path",
                "covered_in": ["intuition", "math"],
            }
        ],
        interview=[{"question": "Why?", "answer": "Because.", "avoid": "Guessing."}],
        apply_now="Write y = x + F(x) by hand.",
        bridge={"next": lesson_id, "why": "Read it again."},
    )
    data["sources"][0]["url"] = "https://example.com/paper"
    data["practice"] = [
        {**item, "id": f"{lesson_id}-{item['kind']}", "concepts": ["identity-path"]}
        for item in data["practice"]
    ] + [text_item, sim_item, code_item]
    return data


def tainted(data: object, with_text: str, key: str = "") -> object:
    """``data`` with ``with_text`` around every string a learner reads."""
    if isinstance(data, dict):
        return {k: tainted(v, with_text, k) for k, v in data.items()}
    if isinstance(data, list):
        return [tainted(item, with_text, key) for item in data]
    if isinstance(data, str) and key not in NOT_TEXT:
        return f"{with_text}{data}{with_text}"
    return data


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _lesson_text(**overrides: object) -> str:
    return yaml.safe_dump(lesson_dict(**overrides), sort_keys=False, allow_unicode=True)


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@kind
def yaml_bombs(folder: Path) -> Written:
    big = "x" * 90_000
    amplified = _lesson_text(id="amplified", why_it_matters=big, takeaways=["t"])
    amplified = _swap(amplified, "why_it_matters: " + big, "why_it_matters: &w " + big)
    amplified = _swap(amplified, "takeaways:\n- t", "takeaways: [" + ", ".join(["*w"] * 100) + "]")
    return {
        _write(folder, "bomb-laughs.yaml", yaml_bomb(9)): ERROR,
        _write(folder, "bomb-in-a-lesson.yaml", _lesson_text() + yaml_bomb(9).decode()): ERROR,
        _write(folder, "bomb-amplified-text.yaml", amplified): ERROR,
    }


@kind
def tags(folder: Path) -> Written:
    touch = f"!!python/object/apply:os.system ['touch {folder.parent / MARKERS[0]}']"
    return {
        _write(folder, "tag-os-system.yaml", f"id: {touch}\n"): ERROR,
        _write(folder, "tag-python-name.yaml", "title: !!python/name:os.system ''\n"): ERROR,
        _write(folder, "tag-in-a-lesson.yaml", _lesson_text() + f"apply_now: {touch}\n"): ERROR,
        _write(folder, "tag-binary.yaml", "title: !!binary aGVsbG8=\n"): ERROR,
        _write(folder, "tag-custom.yaml", "title: !lesson {x: 1}\n"): ERROR,
        _write(folder, "tag-set.yaml", "title: !!set {a, b}\n"): ERROR,
        _write(folder, "tag-omap.yaml", "title: !!omap [a: 1]\n"): ERROR,
    }


@kind
def binary(folder: Path) -> Written:
    noise = random.Random(13).randbytes(4096)
    return {
        _write(folder, "binary-noise.yaml", noise): ERROR,
        _write(folder, "binary-every-byte.yaml", bytes(range(256))): ERROR,
        _write(folder, "binary-latin-1.yaml", "title: café\n".encode("latin-1")): ERROR,
        _write(folder, "binary-utf-16.yaml", _lesson_text().encode("utf-16")): ERROR,
        _write(folder, "binary-raw-escape.yaml", b"title: \x1b]0;pwned\x07\n"): ERROR,
        _write(folder, "binary-empty.yaml", b""): ERROR,
        _write(folder, "binary-only-a-comment.yaml", b"# nothing here\n"): ERROR,
    }


@kind
def huge(folder: Path) -> Written:
    text = _lesson_text()
    return {
        _write(folder, "huge-file.yaml", text + "# " + "x" * 3_000_000 + "\n"): ERROR,
        _write(folder, "huge-string.yaml", _lesson_text(why_it_matters="y" * 150_000)): ERROR,
        _write(folder, "huge-integer.yaml", _swap(text, "phase: 1", "phase: " + "9" * 5000)): ERROR,
        _write(folder, "huge-hex.yaml", _swap(text, "order: 1", "order: 0x" + "f" * 5000)): ERROR,
        _write(
            folder, "huge-float.yaml", _swap(text, "result: 5", "result: 1" + "0" * 400 + ".5")
        ): ERROR,
        _write(
            folder, "huge-quoted-int.yaml", _swap(text, "year: 2016", f"year: '{'9' * 5000}'")
        ): ERROR,
        _write(folder, "huge-phase-inf.yaml", _swap(text, "phase: 1", "phase: .inf")): ERROR,
        _write(folder, "huge-result-nan.yaml", _swap(text, "result: 5", "result: .nan")): ERROR,
        _write(folder, "huge-value-inf.yaml", _swap(text, "value: 4", "value: -.inf")): ERROR,
        _write(folder, "huge-correct.yaml", _swap(text, "correct: 0", "correct: 1.0e+300")): ERROR,
    }


@kind
def deep_nesting(folder: Path) -> Written:
    block = "- " * 3000 + "x\n"  # three thousand block sequences, one inside the next
    deep_params = "{a: " * 2000 + "1" + "}" * 2000
    text = _lesson_text()
    return {
        _write(folder, "deep-flow.yaml", "id: " + "[" * 50_000 + "]" * 50_000 + "\n"): ERROR,
        _write(folder, "deep-block.yaml", "title:\n  " + block): ERROR,
        _write(folder, "deep-self-alias.yaml", "id: &a [*a]\n"): ERROR,
        _write(
            folder, "deep-lab-params.yaml", _swap(text, "params: {}", f"params: {deep_params}")
        ): ERROR,
    }


@kind
def markup(folder: Path) -> Written:
    lesson = tainted(every_field_lesson("markup-everywhere"), MARKUP)
    return {_write(folder, "markup-everywhere.yaml", yaml.safe_dump(lesson)): OPENS}


@kind
def escapes(folder: Path) -> Written:
    """Escape sequences in every text field (PyYAML writes them as ``"\\e…"`` escapes), in
    every spelling YAML has for ESC, in a key and in a file name."""
    lesson = tainted(every_field_lesson("escapes-everywhere"), ESCAPES)
    spellings = _lesson_text(id="escapes-spelled")
    spellings = _swap(
        spellings,
        "title: Demo lesson",
        r'title: "\e]0;a\a \x1b]0;b\x07 \u001b[2J \U0000001b[8m \x9b31m \N \_"',
    )
    named = folder / "escape-\x1b]0;named\x07.yaml"
    named.write_text(_lesson_text(id="escape-named", difficulty="\x1b[2J"), encoding="utf-8")
    return {
        _write(folder, "escapes-everywhere.yaml", yaml.safe_dump(lesson)): OPENS,
        _write(folder, "escapes-spelled.yaml", spellings): OPENS,
        _write(folder, "escapes-in-a-key.yaml", _lesson_text(**{"\x1b]0;key\x07": 1})): ERROR,
        named: ERROR,
    }


@kind
def arithmetic(folder: Path) -> Written:
    expressions = [
        "((9**999)**999)**999",
        "(-8)**0.5",
        "1+" * 999 + "1",
        "-" * 1999 + "1",
        "(" * 5000 + "1" + ")" * 5000,
        "1/0",
        "exp(1000)",
        "__import__('os').system('true')",
        "[x for x in ()]",
        "9" * 400,
    ]
    written = {}
    for index, expression in enumerate(expressions):
        steps = [{"say": "Compute.", "compute": expression, "result": 1}]
        examples = [{**lesson_dict()["worked_examples"][0], "steps": steps}]
        text = _lesson_text(id=f"arithmetic-{index}", worked_examples=examples)
        written[_write(folder, f"arithmetic-{index}.yaml", text)] = ERROR
    return written


@kind
def witnesses(folder: Path) -> Written:
    """Code that would act on the machine if anything ran it before the learner says so;
    and a comment whose escapes would hide a line of it from the code pane."""
    target = folder.parent / MARKERS[1]
    programs = {
        "open": f"open({str(target)!r}, 'w').write('x')\nprint(2)",
        "system": f"import os\nos.system('touch {target}')\nprint(2)",
        "subprocess": f"import subprocess\nsubprocess.run(['touch', {str(target)!r}])\nprint(2)",
        "hidden": f"print(2)  # \x1b[2K\x1b[1G\x1b[8m\nopen({str(target)!r}, 'w')",
        "forever": "while True:\n    pass",
    }
    written = {}
    for name, code in programs.items():
        data = lesson_dict(id=f"witness-{name}", title="Harmless hello")
        data["sections"]["code"]["witnesses"][0]["code"] = code
        written[_write(folder, f"witness-{name}.yaml", yaml.safe_dump(data))] = OPENS
    return written


@kind
def colliding_ids(folder: Path) -> Written:
    def duplicated(key: str) -> dict:
        data = lesson_dict(id=f"duplicate-{key.replace('_', '-')}")
        section = data["sections"]["code"] if key == "witnesses" else data
        section[key] = section[key] + [copy.deepcopy(section[key][0])]
        return data

    return {
        write_lesson(folder, "twin-1.yaml", id="twin", title="First twin"): OPENS,
        write_lesson(folder, "twin-2.yaml", id="twin", title="Second twin"): OPENS,  # a warning
        write_lesson(folder, "builtin-twin.yaml", id="residual-connections"): OPENS,
        _write(folder, "duplicate-items.yaml", yaml.safe_dump(duplicated("practice"))): ERROR,
        _write(folder, "duplicate-witness.yaml", yaml.safe_dump(duplicated("witnesses"))): ERROR,
        _write(folder, "duplicate-claims.yaml", yaml.safe_dump(duplicated("claims"))): ERROR,
        _write(folder, "duplicate-keys.yaml", _lesson_text() + "title: Again\n"): ERROR,
    }


@kind
def graph(folder: Path) -> Written:
    return {
        write_lesson(folder, "graph-list-id.yaml", id="list-id", prerequisites=[["x"]]): ERROR,
        write_lesson(folder, "graph-unknown.yaml", id="lonely", prerequisites=["nobody"]): ERROR,
        write_lesson(folder, "graph-self.yaml", id="selfish", unlocks=["selfish"]): ERROR,
        # the cycle is reported once, on the first of its lessons
        write_lesson(folder, "graph-cycle-a.yaml", id="cycle-a", unlocks=["cycle-b"]): ERROR,
        write_lesson(folder, "graph-cycle-b.yaml", id="cycle-b", unlocks=["cycle-a"]): OPENS,
    }


@kind
def not_files(folder: Path) -> Written:
    """Names that promise a lesson and hold something reading would never finish."""
    fifo, zero, loop = folder / "fifo.yaml", folder / "dev-zero.yaml", folder / "loop.yaml"
    os.mkfifo(fifo)  # a read waits for a writer forever
    zero.symlink_to("/dev/zero")  # a read never ends
    loop.symlink_to(loop.name)
    return {fifo: ERROR, zero: ERROR, loop: ERROR}


def write_corpus(folder: Path) -> dict[str, Written]:
    """Every kind's files in ``folder``, by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: write(folder) for name, write in KINDS.items()}


def markers(folder: Path) -> list[Path]:
    """The files a hostile lesson in ``folder`` would create if anything ran it."""
    return [folder.parent / name for name in MARKERS]


def _damaged(change: Callable[[dict, str], object]) -> Callable[[dict], bytes]:
    def damage(good: dict) -> bytes:
        data = copy.deepcopy(good)
        [key] = data["entries"]
        return json.dumps(change(data, key) or data).encode()

    return damage


def _junk(content: bytes) -> Callable[[dict], bytes]:
    return lambda good: content


#: Lesson-index caches that ``read_index`` must rebuild, each made from a good one (of one
#: lesson): damaged in one place, or junk.
BROKEN_CACHES: dict[str, Callable[[dict], bytes]] = {
    "entries-as-a-list": _damaged(lambda d, k: {**d, "entries": list(d["entries"].values())}),
    "summary-without-id": _damaged(lambda d, k: d["entries"][k]["summary"].pop("id")),
    "summary-with-a-path": _damaged(lambda d, k: d["entries"][k]["summary"].update(path=1)),
    "prerequisites-nested": _damaged(
        lambda d, k: d["entries"][k]["summary"].update(prerequisites=[["x"]])
    ),
    "phase-infinite": _damaged(lambda d, k: d["entries"][k]["summary"].update(phase=1e999)),
    "title-null": _damaged(lambda d, k: d["entries"][k]["summary"].update(title=None)),
    "mtime-as-text": _damaged(lambda d, k: d["entries"][k].update(mtime_ns="soon")),
    "entry-without-size": _damaged(lambda d, k: d["entries"][k].pop("size")),
    "entry-as-a-number": _damaged(lambda d, k: d["entries"].update({k: 7})),
    "a-list": _damaged(lambda d, k: [d]),
    "old-version": _damaged(lambda d, k: {**d, "version": 1}),
    "not-json": _junk(b"{not json"),
    "deep-json": _junk(b"[" * 100_000),
    "huge-int-json": _junk(b'{"version": ' + b"9" * 5000 + b"}"),
    "not-utf-8": _junk(b"\xff\xfe\x00"),
    "null": _junk(b"null"),
}


if __name__ == "__main__":
    for name, written in write_corpus(Path(sys.argv[1])).items():
        print(f"{name}: {len(written)} file(s)")
