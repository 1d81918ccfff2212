"""Snapshots of the map and a lesson (the lab's is in test_ui_lab.py), grouped by screen."""

from tests.ui_app import make_app

SIZE = (100, 30)


def test_the_map(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path / "db"), terminal_size=SIZE)


def test_a_lesson_on_its_math(snap_compare, tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    assert snap_compare(app, terminal_size=SIZE, press=["down"])


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
