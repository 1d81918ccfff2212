"""Every displayed field of a lesson and a note, written by an attacker: escape sequences
and Rich markup reach neither the screen nor the command line as anything but text."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from textual import events
from textual.strip import Strip

from tests.pilot import press, wait_for
from tutor.cli import main
from tutor.lessons.index import read_index
from tutor.paths import builtin_lessons_dir
from tutor.store import Store
from tutor.text import visible
from tutor.ui.app import RestutorApp

#: Sets the window title, clears the screen, writes the clipboard (OSC 52), a C1 CSI,
#: a bidirectional override, and markup that would raise, vanish or restyle.
HOSTILE = " \x1b]0;pwned\x07\x1b[2J\x1b]52;c;cHduZWQ=\x07\x9b31m\u202e [/] [draft] [bold]B[/bold]"
#: What a terminal would act on: none of it may be on screen or in the output.
CONTROLS = {chr(c) for c in range(0x20) if chr(c) not in "\n\t"}
CONTROLS |= {chr(c) for c in range(0x7F, 0xA0)} | {"\u202e"}

#: Keys whose values are ids, references, enums, numbers as text or code for the
#: arithmetic checker: spoiling them would only make the lesson invalid.
STRUCTURAL = {
    "id", "ref", "kind", "difficulty", "experiment", "opens", "next", "compute", "measure",
    "params", "train", "sources", "prerequisites", "unlocks", "latex", "covered_in", "concepts",
    "activation", "norm", "section", "related",
}  # fmt: skip
SIZE = (120, 40)


def spoil(node: object, key: str | None = None) -> object:
    """Append the hostile text to every free-text string (inside a comment for code)."""
    if isinstance(node, dict):
        return {k: v if k in STRUCTURAL else spoil(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [spoil(v, key) for v in node]
    if isinstance(node, str):
        return f"{node}\n#{HOSTILE}\n" if key == "code" else node + HOSTILE
    return node


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    data = yaml.safe_load((builtin_lessons_dir() / "residual-connections.yaml").read_text())
    data = spoil(data)
    assert isinstance(data, dict)
    data["id"] = "hostile-lesson"
    # yaml writes the controls as double-quoted escapes ("\e]0;…"): the real attack
    (folder / "hostile.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return folder


def add_hostile_note(db: Path) -> None:
    store = Store(db)
    store.add_note(
        f"my note{HOSTILE}", "concept", "hostile-lesson", lesson_id="hostile-lesson",
        tags=("tag[/]", "\x1b[31mred"), next_action=f"read{HOSTILE}",
    )  # fmt: skip
    store.close()


def screen_text(app: RestutorApp) -> str:
    """Every character the screen would send, with no escape sequence of Textual's own."""
    update = app.screen._compositor.render_update(full=True)
    lines = [[line] if isinstance(line, Strip) else line for line in update.strips]  # Textual 6
    return "\n".join("".join(seg.text for strip in line for seg in strip) for line in lines)


class Watch:
    """Each screen checked as it is reached; what was shown literally is remembered."""

    def __init__(self, app: RestutorApp) -> None:
        self.app = app
        self.literal_markup = 0

    def check(self, where: str) -> None:
        assert self.app.crash_report is None, where
        text = screen_text(self.app)
        acted_on = sorted({f"U+{ord(c):04X}" for c in text if c in CONTROLS})
        assert not acted_on, f"{where}: {acted_on} reached the terminal"
        self.literal_markup += "[draft]" in text


async def test_no_screen_sends_a_lessons_or_a_notes_controls(hostile_dir, tmp_path):
    db = tmp_path / "db"
    add_hostile_note(db)
    app = RestutorApp(read_index([hostile_dir]), db)
    async with app.run_test(size=SIZE) as pilot:
        watch = Watch(app)
        await wait_for(pilot, lambda: app.screen.query("LessonMap"), "the map")
        watch.check("map")
        await press(pilot, "enter")
        await wait_for(pilot, lambda: getattr(app.screen, "drawn", None), "the lesson")
        seen = []
        for _ in range(12):  # more than the sections: the last one stays put
            seen.append(app.screen.section)
            watch.check(f"section {app.screen.section}")
            if app.screen.section == "glossary":
                terms = app.screen.query_one("GlossaryView OptionList")
                terms.focus()
                for _ in app.screen.lesson.terms:
                    await press(pilot, "down")
                    watch.check("a glossary term")
                app.screen.query_one("#outline").focus()
            await press(pilot, "right_square_bracket")
            await wait_for(pilot, lambda: app.screen.drawn == app.screen.section)
            if app.screen.section == seen[-1]:
                break
        sections = len(seen)
        assert sections >= 7
        items = app.screen.lesson.practice
        await press(pilot, "p")
        for _ in items:
            watch.check("a practice item")
            await press(pilot, "ctrl+n")
        if app.screen.focused is not None and app.screen.focused.id in (
            "answer",
            "answer-text",
            "code-editor",
        ):
            await press(pilot, "escape")  # out of the answer field or the code editor
        await press(pilot, "escape", "n")
        watch.check("the note editor")
        await press(pilot, "escape", "N")
        await wait_for(pilot, lambda: app.screen.query("#notes-list"), "the research room")
        watch.check("the research room")
        await press(pilot, "escape", "ctrl+p", *"open lesson")
        watch.check("the command palette")
        assert watch.literal_markup >= 10  # "[draft]" shown as written, not swallowed


def test_the_command_line_prints_lesson_and_note_text_as_text(hostile_dir, tmp_path, capsys):
    db = tmp_path / "db"
    add_hostile_note(db)
    hostile_name = hostile_dir / "bad\x1b]0;x\x07name.yaml"
    hostile_name.write_text(f"id: bad\nunknown{HOSTILE.strip()[:10]}: 1\n", "utf-8")
    common = ["--lessons", str(hostile_dir), "--db", str(db)]
    runs = [
        ["glossary"],
        ["glossary", visible(f"Residual connection{HOSTILE}")],  # the spoiled term
        ["notes", "list"],
        ["notes", "search", "note"],
        ["notes", "show", "1"],
        ["notes", "export", "--format", "md"],
        ["validate", str(hostile_dir)],
        ["glossary", f"no such{HOSTILE}"],
    ]
    for argv in runs:
        main([*common, *argv])
        out, err = capsys.readouterr()
        acted_on = {f"U+{ord(c):04X}" for c in out + err if c in CONTROLS}
        assert not acted_on, f"{argv}: {sorted(acted_on)}"
        if argv[0] != "validate":
            assert "[draft]" in out + err, argv


async def test_a_pasted_escape_sequence_arrives_visible(tmp_path):
    app = RestutorApp(read_index([builtin_lessons_dir()]), tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.query("LessonMap"), "the map")
        await press(pilot, "n")
        editor = app.screen.query_one("TextArea")
        app.post_message(events.Paste(f"pasted{HOSTILE}"))
        await wait_for(pilot, lambda: "pasted" in editor.text, "the paste")
        assert "␛]0;pwned␇" in editor.text and "\x1b" not in editor.text
        Watch(app).check("the note editor after a paste")
