"""Hypothesis strategies for notes: valid export records, odd stored rows, hostile text."""

from __future__ import annotations

from datetime import UTC

from hypothesis import strategies as st

from tests.strategies import small_params
from tutor.notes import ANCHOR_KINDS, lab_anchor_data
from tutor.text import visible

#: Any text SQLite can store (no lone surrogates), control characters included.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)

#: Words that mean something to YAML, Markdown or Obsidian.
SYNTAX_WORDS = [
    "#todo", "a,b", "key:value", "a: b", "x #y", "---", "...", "- x", "[a]", "{b}", "*c",
    "&d", "!e", "|", ">", "'", '"', "%%", "@x", "`x`", " lead", "trail ", "null", "true",
    "1.5", "2024-01-01", "~", "?", "\u2028", "\x85", "\ufeff", "[[link]]", "<!--", "\t",
    "a\n   ```\nb", "\n  lead", "two\n\nparas", "\u2028 x",
]  # fmt: skip
hostile_text = st.one_of(
    st.sampled_from(SYNTAX_WORDS),
    TEXT,
    st.lists(st.sampled_from(SYNTAX_WORDS), min_size=1, max_size=4).map(" ".join),
)
#: Lines a body may hold that open, close or fake a block (``## `` with a YAML fence
#: after it would fake a note's metadata, so no line starts ``## ``).
BODY_LINES = [
    "---", "```", "```python", "~~~", "````", "<!--", "-->", "%%", "<pre>", "</pre>",
    "# h", "key: value", "- item", "- ```", "> quote", "...", "uid: fake", "", "    code",
    "<div>", "* * *", "===", "   ```", "[[x]]",
]  # fmt: skip
bodies = st.lists(st.one_of(st.sampled_from(BODY_LINES), TEXT), max_size=8).map("\n".join)
tag_lists = st.lists(hostile_text.filter(bool), max_size=5)
anchor_ids = st.one_of(hostile_text, st.sampled_from(["a: b", "x #y", "k: v #c"])).filter(bool)

iso_times = st.datetimes(timezones=st.sampled_from([None, UTC])).map(lambda t: t.isoformat())
json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)


def json_values(depth: int) -> st.SearchStrategy:
    """JSON values nested at most ``depth`` levels."""
    if depth == 0:
        return json_leaves
    inner = json_values(depth - 1)
    return st.one_of(
        json_leaves, st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)
    )


lab_states = st.one_of(
    st.none(),
    st.builds(lab_anchor_data, st.sampled_from(["signal", "lesion"]), small_params),
)
other_kinds = st.sampled_from([kind for kind in ANCHOR_KINDS if kind != "lab"])


@st.composite
def export_records(draw: st.DrawFn) -> dict:
    """One note as a valid JSON export holds it."""
    lab = draw(st.booleans())
    return {
        "uid": draw(st.one_of(st.uuids().map(str), hostile_text.filter(bool))),
        "body": draw(bodies),
        "tags": draw(tag_lists),
        "next_action": draw(st.one_of(st.just(""), hostile_text)),
        "anchor_kind": "lab" if lab else draw(other_kinds),
        "anchor_id": draw(anchor_ids),
        "lesson_id": draw(st.one_of(st.none(), hostile_text.filter(bool))),
        "anchor_data": draw(
            lab_states if lab else st.one_of(st.none(), st.dictionaries(TEXT, json_values(3)))
        ),
        "created_at": draw(iso_times),
        "updated_at": draw(iso_times),
    }


#: Several notes with distinct uids (as the terminal shows them).
record_lists = st.lists(export_records(), max_size=6, unique_by=lambda r: visible(r["uid"]))

#: Lab states the lab cannot run, as an older import let them in.
odd_lab_states = st.fixed_dictionaries(
    {},
    optional={
        "experiment": st.one_of(st.sampled_from(["train", "signal", "lesion", "x"]), json_leaves),
        "depth": json_values(1),
        "depths": json_values(2),
        "alpha": json_values(1),
        "lr": json_leaves,
        "norm": json_leaves,
        "self": json_leaves,
    },
)


@st.composite
def odd_notes(draw: st.DrawFn) -> dict:
    """The arguments of ``Store.add_note`` for a note no import would let in now."""
    return {
        "body": draw(bodies),
        "anchor_kind": draw(st.one_of(st.sampled_from(ANCHOR_KINDS), TEXT)),
        "anchor_id": draw(TEXT),
        "lesson_id": draw(st.one_of(st.none(), TEXT, st.just("residual-connections"))),
        "tags": draw(st.lists(TEXT, max_size=3)),
        "next_action": draw(TEXT),
        "anchor_data": draw(
            st.one_of(st.none(), odd_lab_states, st.dictionaries(TEXT, json_values(3)))
        ),
    }


def expected_metadata(note) -> dict:
    """What an export must say of ``note`` besides its text, written out here rather than
    taken from the code under test."""
    return {
        "uid": note.uid,
        "anchor": f"{note.anchor_kind}:{note.anchor_id}",
        "lesson": note.lesson_id,
        "tags": list(note.tags),
        "created": note.created_at,
        "updated": note.updated_at,
    }
