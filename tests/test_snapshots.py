"""Snapshots of the map and a lesson (the lab's is in test_ui_lab.py), grouped by screen."""

from tests.ui_app import make_app

SIZE = (100, 30)


def test_the_map(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path / "db"), terminal_size=SIZE)


def test_a_lesson_on_its_math(snap_compare, tmp_path):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    assert snap_compare(app, terminal_size=SIZE, press=["down"])
