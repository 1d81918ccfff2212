"""The notes as an Obsidian vault: every link resolves, no name leaves the folder, and
writing into a folder never destroys a file that is not restutor's own."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.notes_cli import run
from tests.notes_strategies import TEXT, expected_metadata, tag_lists
from tutor.notes import RefusedWrite, vault_folder, vault_pages, write_vault
from tutor.store import Store

#: Names that must never become a path as they are.
HOSTILE_NAMES = [
    "../escape", "../../etc/passwd", "/etc/passwd", "a/b", "..", ".", "con", "NUL", "com1",
    "lpt9", "index", "Index", "a\x00b", "x" * 300, "résumé", "a b", "A", "a", ".hidden",
    "-x", "notes", "lessons", "a|b]]", "[[x]]", "#tag", "c:\\windows",
]  # fmt: skip
names = st.one_of(st.sampled_from(HOSTILE_NAMES), TEXT.filter(bool))
PAGE = re.compile(r"((notes|lessons)/)?[a-z0-9][a-z0-9_-]*\.md")
LINK = re.compile(r"\[\[([^\]|]*)(?:\|[^\]]*)?\]\]")


def front_matter(text: str) -> dict:
    match = re.match(r"\A---\n(.*?\n)---\n", text, re.DOTALL)
    assert match is not None, text[:200]
    return yaml.safe_load(match.group(1))


def links(page: str) -> set[str]:
    """The pages a page links to, in its text (a tag may be "[[x]]" in its front matter)."""
    return set(LINK.findall(page.split("\n---\n", 1)[1]))


def stored(uid: str, lesson: str | None, tags: list[str], number: int) -> dict:
    return {
        "uid": uid,
        "body": f"body {number}",
        "tags": tags,
        "anchor_kind": "claim",
        "anchor_id": f"claim-{number}",
        "lesson_id": lesson,
        "created_at": "2024-01-01T00:00:00+00:00",
        "updated_at": f"2024-01-01T00:00:{number:02d}+00:00",
    }


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(names, st.one_of(st.none(), names), tag_lists),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[0],
    )
)
def test_every_page_is_a_safe_name_inside_the_vault_and_every_link_resolves(
    tmp_path_factory, written
):
    """Uids and lesson ids as an older import left them in the database."""
    parent = tmp_path_factory.mktemp("vault")
    store = Store(parent / "odd.db")
    store.import_notes([stored(*row, number) for number, row in enumerate(written)])
    notes = store.notes()
    root = parent / "vault"
    write_vault(root, vault_pages(notes, lambda n: n.anchor_id, "2024-02-02"), store.path)
    store.close()
    others = [p.name for p in parent.iterdir() if p.name != "vault"]
    assert all(name.startswith("odd.db") for name in others)  # the database's own files
    pages = {
        str(path.relative_to(root)): path.read_text("utf-8")
        for path in root.rglob("*")
        if path.is_file() and path.name != vault_folder.MARKER
    }
    assert all(PAGE.fullmatch(name) for name in pages), sorted(pages)
    stems = [Path(name).stem for name in pages]
    assert len(stems) == len(set(stems))  # Obsidian finds a page by its name alone
    for text in pages.values():
        assert links(text) <= set(stems)
    notes_pages = {n: front_matter(t) for n, t in pages.items() if n.startswith("notes/")}
    stem_of = {meta["uid"]: Path(name).stem for name, meta in notes_pages.items()}
    assert sorted(stem_of) == sorted(note.uid for note in notes)
    lessons = {front_matter(t)["lesson"]: t for n, t in pages.items() if n.startswith("lessons/")}
    assert set(lessons) == {note.lesson_id for note in notes if note.lesson_id is not None}
    for note in notes:
        assert notes_pages[f"notes/{stem_of[note.uid]}.md"] == expected_metadata(note)
        home = lessons[note.lesson_id] if note.lesson_id is not None else pages["index.md"]
        assert stem_of[note.uid] in links(home)
    for lesson, text in lessons.items():
        assert links(text) == {stem_of[n.uid] for n in notes if n.lesson_id == lesson}


@pytest.fixture
def learner(tmp_path):
    """A database with two notes (one on a lesson), and the vault's folder (not made)."""
    db = tmp_path / "learner.db"
    store = Store(db)
    store.add_note(
        "on the identity", "claim", "c", lesson_id="residual-connections", tags=("#todo",)
    )
    store.add_note("flat at depth 60", "lab", "--depth=60", anchor_data={"depth": 60})
    store.close()
    return db, tmp_path / "vault"


def export_vault(db: Path, out: Path) -> tuple[int, str, str]:
    return run("--db", str(db), "notes", "export", "--format", "vault", "--out", str(out))


def test_a_vault_has_a_page_a_note_one_a_lesson_and_an_index(learner):
    db, vault = learner
    assert export_vault(db, vault)[:2] == (0, f"wrote 2 note(s) as a vault in {vault}\n")
    lesson = (vault / "lessons" / "residual-connections.md").read_text("utf-8")
    (page,) = [p for p in (vault / "notes").iterdir() if "on the identity" in p.read_text("utf-8")]
    assert f"[[{page.stem}|claim c]]" in lesson
    assert "Lesson: [[residual-connections]]" in page.read_text("utf-8")
    assert front_matter(page.read_text("utf-8"))["tags"] == ["#todo"]
    assert "[[residual-connections]]" in (vault / "index.md").read_text("utf-8")


def test_a_vault_needs_a_folder(learner):
    db, vault = learner
    code, _, err = run("--db", str(db), "notes", "export", "--format", "vault")
    assert code == 2 and "--out DIR" in err
    vault.write_text("mine", encoding="utf-8")
    code, _, err = export_vault(db, vault)
    assert code == 2 and "is not a folder" in err and vault.read_text("utf-8") == "mine"


def test_a_folder_holding_someone_elses_files_is_left_alone(learner):
    db, vault = learner
    vault.mkdir()
    (vault / "index.md").write_text("my own index", encoding="utf-8")
    code, _, err = export_vault(db, vault)
    assert code == 2 and "did not write" in err and err.count("\n") == 1
    assert [p.name for p in vault.iterdir()] == ["index.md"]
    assert (vault / "index.md").read_text("utf-8") == "my own index"


def test_a_vault_is_rewritten_but_the_learners_own_files_in_it_stay(learner):
    db, vault = learner
    assert export_vault(db, vault)[0] == 0
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    (vault / "notes" / "my-own.md").write_text("mine", encoding="utf-8")
    store = Store(db)
    deleted = store.notes(anchor_kind="lab")[0]
    store.delete_note(deleted.id)
    store.add_note("a third", "claim", "d")
    store.close()
    assert export_vault(db, vault)[0] == 0
    texts = [p.read_text("utf-8") for p in (vault / "notes").iterdir()]
    assert sorted(t.split("\n")[-2] for t in texts if t != "mine") == ["a third", "on the identity"]
    assert (vault / "notes" / "my-own.md").read_text("utf-8") == "mine"
    assert (vault / ".obsidian" / "app.json").read_text("utf-8") == "{}"


def test_a_page_the_learner_edited_stops_the_export_before_anything_is_written(learner):
    db, vault = learner
    assert export_vault(db, vault)[0] == 0
    page = vault / "lessons" / "residual-connections.md"
    page.write_text("my edit", encoding="utf-8")
    marker = (vault / vault_folder.MARKER).read_bytes()
    Store(db).add_note("new", "claim", "e", lesson_id="residual-connections")
    code, _, err = export_vault(db, vault)
    assert code == 2 and "was changed after restutor wrote it" in err
    assert (
        page.read_text("utf-8") == "my edit"
        and (vault / vault_folder.MARKER).read_bytes() == marker
    )
    assert len(list((vault / "notes").iterdir())) == 2


@pytest.mark.parametrize(
    "damage",
    ["not json", "names a file outside", "another version", "a folder link"],
)
def test_a_vault_restutor_cannot_vouch_for_is_refused(learner, damage):
    db, vault = learner
    assert export_vault(db, vault)[0] == 0
    outside = vault.parent / "outside.md"
    outside.write_text("keep me", encoding="utf-8")
    marker = vault / vault_folder.MARKER
    data = json.loads(marker.read_text("utf-8"))
    if damage == "not json":
        marker.write_text("{", encoding="utf-8")
    elif damage == "names a file outside":
        digest = vault_folder._digest(outside.read_bytes())
        data["files"]["../outside.md"] = [digest]
        marker.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "another version":
        marker.write_text(json.dumps({**data, "restutor_vault": 2}), encoding="utf-8")
    else:
        (vault / "lessons").rename(vault / "moved")
        (vault / "lessons").symlink_to(vault.parent)
    code, _, err = export_vault(db, vault)
    assert code == 2 and err.count("\n") == 1
    assert outside.read_text("utf-8") == "keep me"


def test_no_page_is_written_over_the_database(learner):
    db, vault = learner
    assert export_vault(db, vault)[0] == 0
    (vault / "index.md").unlink()
    os.link(db, vault / "index.md")  # the same file under a page's name
    code, _, err = export_vault(db, vault)
    assert code == 2 and "refusing to write" in err
    assert [n.body for n in Store(db).notes()] == ["flat at depth 60", "on the identity"]


def test_an_export_cut_short_leaves_a_vault_the_next_export_recognises(learner, monkeypatch):
    db, vault = learner
    assert export_vault(db, vault)[0] == 0
    Store(db).add_note("later", "claim", "f", lesson_id="residual-connections")
    written = []
    real_write = vault_folder.write_atomically

    def crash_after_two(target, text):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(target)
        real_write(target, text)

    monkeypatch.setattr(vault_folder, "write_atomically", crash_after_two)
    code, _, err = export_vault(db, vault)
    assert code == 2 and "No space left on device" in err
    monkeypatch.undo()
    assert export_vault(db, vault)[0] == 0
    assert len(list((vault / "notes").iterdir())) == 3


def test_the_core_refuses_as_the_command_line_does(learner):
    db, vault = learner
    vault.mkdir()
    (vault / "x").write_text("x", encoding="utf-8")
    with pytest.raises(RefusedWrite):
        write_vault(vault, {"index.md": "i"}, db)
