"""``restutor continue`` without a terminal: one line (or JSON) saying where the learner was."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tutor.cli import main
from tutor.store import Store


def run(capsys, *words: str) -> tuple[int, str, str]:
    code = main(list(words))
    out, err = capsys.readouterr()
    return code, out, err


def test_with_no_place_yet_there_is_nothing_to_continue(capsys, tmp_path):
    db = str(tmp_path / "x.db")
    assert run(capsys, "--db", db, "continue") == (0, "nothing to continue yet\n", "")
    assert run(capsys, "--db", db, "continue", "--json") == (0, "null\n", "")


@pytest.mark.parametrize(
    "kind, target, words",
    [
        ("section", "math", "Residual connections › Math"),
        ("practice", "rc-edit", "Residual connections › practice item rc-edit"),
        (
            "lab",
            {"tab": "lesion", "params": {"depth": 30}},
            "Residual connections › the lab, lesion tab (restutor lesion --depth=30)",
        ),
    ],
)
def test_the_place_is_one_line_and_its_json(capsys, tmp_path, kind, target, words):
    db = tmp_path / "x.db"
    store = Store(db)
    place = store.set_place("residual-connections", kind, target)
    store.close()
    code, out, err = run(capsys, "--db", str(db), "continue")
    assert code == 0 and err == "" and out.count("\n") == 1
    assert out.startswith(f"you left off in {words}, at 20") and out.endswith(" UTC\n")
    code, out, err = run(capsys, "--db", str(db), "continue", "--json")
    assert code == 0 and json.loads(out) == {
        "lesson": "residual-connections",
        "kind": kind,
        "target": target,
        "at": place.at,
    }


def test_a_database_that_is_not_restutors_is_one_line_and_exit_2(capsys, tmp_path):
    db = tmp_path / "theirs.db"
    theirs = sqlite3.connect(db)
    theirs.execute("CREATE TABLE accounts (id INTEGER)")
    theirs.commit()
    theirs.close()
    for extra in ([], ["--json"]):
        code, out, err = run(capsys, "--db", str(db), "continue", *extra)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert err.startswith("restutor: ") and "is not restutor's" in err
