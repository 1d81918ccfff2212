"""Big text: selecting a 10 MB note in the research room, and grading a 60,000-word answer.

    python benchmarks/big_text.py

Research room (in-process, ``App.run_test``, 110×36): the time from opening the room to
the selected note's preview on screen, and the longest the event loop went without a
turn meanwhile (the UI's worst freeze, read by a task that wakes every 2 ms), for a
10 MB note against a one-line note. Grading: ``grade_text`` on the built-in text item
with the most keywords, for answers of 30,000 and 60,000 words, each both as prose-like
(6,000 distinct words) and as the worst case (every word distinct, no keyword present).
The ratios are what to read: 10 MB vs one line, 60,000 vs 30,000 words. Nothing here is
asserted by the test suite.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tutor.lessons.catalog import load_catalog
from tutor.lessons.index import read_index
from tutor.paths import builtin_lessons_dir
from tutor.practice.grading import grade_text
from tutor.store import Store
from tutor.ui.app import RestutorApp
from tutor.ui.screens.notes import NotesScreen

LONG_NOTE = "".join(f"line {i:07d} of a very long note\n" for i in range(330_000))
SIZE = (110, 36)


async def _room(body: str) -> tuple[float, float]:
    """Seconds to the note's preview on screen, and the longest event-loop stall."""
    db = Path(tempfile.mkdtemp()) / "bench.db"
    store = Store(db)
    store.add_note(body, "concept", "residual-connections", lesson_id="residual-connections")
    store.close()
    app = RestutorApp(read_index([builtin_lessons_dir()]), db)
    worst, running = 0.0, True

    async def watch() -> None:
        nonlocal worst
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            worst, last = max(worst, now - last), now

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        watcher = asyncio.create_task(watch())
        start = time.perf_counter()
        app.open_notes()
        while not (isinstance(app.screen, NotesScreen) and app.screen.shown):
            await pilot.pause()
        detail = app.screen.query_one("#note-detail")
        while not detail.query("MarkdownBlock") or detail.lock.is_locked:
            await asyncio.sleep(0.001)
        await pilot.pause()
        took = time.perf_counter() - start
        running = False
        await watcher
    return took, worst


def _answer(words: int, distinct: int, seed: int = 0) -> str:
    pick = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = [
        "".join(pick.choice(letters) for _ in range(pick.randint(2, 10))) for _ in range(distinct)
    ]
    if distinct >= words:
        return " ".join(vocabulary[:words])
    return " ".join(pick.choice(vocabulary) for _ in range(words))


def _grading(words: int, distinct: int) -> float:
    catalog = load_catalog([builtin_lessons_dir()])
    items = [i for lesson in catalog.lessons for i in lesson.practice if i.kind == "text"]
    item = max(items, key=lambda i: sum(len(k.keywords) for k in i.key_ideas))
    answer = _answer(words, distinct)
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        grade_text(item, answer)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    console = Console()
    short, long = asyncio.run(_room("a one-line note")), asyncio.run(_room(LONG_NOTE))
    room = Table(title="Research room: open and show the selected note")
    for column in ("note", "to the preview", "worst UI stall"):
        room.add_column(column)
    for name, (took, stall) in (("one line", short), ("10 MB", long)):
        room.add_row(name, f"{took * 1000:.0f} ms", f"{stall * 1000:.0f} ms")
    room.add_row("ratio", f"{long[0] / short[0]:.2f}×", f"{long[1] / short[1]:.2f}×")
    console.print(room)

    grading = Table(title="Grading a written answer (the text item with the most keywords)")
    for column in ("answer", "30,000 words", "60,000 words", "ratio"):
        grading.add_column(column)
    for name, distinct in (("prose-like, 6,000 distinct", 6_000), ("every word distinct", 0)):
        half = _grading(30_000, distinct or 30_000)
        whole = _grading(60_000, distinct or 60_000)
        grading.add_row(
            name, f"{half * 1000:.0f} ms", f"{whole * 1000:.0f} ms", f"{whole / half:.2f}×"
        )
    console.print(grading)


if __name__ == "__main__":
    main()
