"""Snapshots of the map and a lesson (the lab's is in test_ui_lab.py), grouped by screen."""

from tests.pilot import press, wait_for
from tests.ui_app import make_app

SIZE = (100, 30)


def test_the_map(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path / "db"), terminal_size=SIZE)


def test_a_lesson_on_its_math(snap_compare, tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")

    async def math_drawn(pilot):
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "drawn", None), "a section")
        await press(pilot, "down")
        await wait_for(pilot, lambda: pilot.app.screen.drawn == "math", "the math drawn")

    assert snap_compare(app, terminal_size=SIZE, run_before=math_drawn)


def test_a_revealed_practice_item(snap_compare, tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")

    async def commit_and_reveal(pilot):
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        screen = pilot.app.screen
        queue = screen.session.queue
        screen.session.position = next(
            i for i, (_, item) in enumerate(queue) if item.kind == "choice"
        )
        screen.show_item()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen.query_one("#practice-body").focus()
        await pilot.press("g", "a")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 40), run_before=commit_and_reveal)
