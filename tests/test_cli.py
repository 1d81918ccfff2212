"""The headless command line: output, bad input, and no UI import."""

import json
import subprocess
import sys

import pytest

from tutor.cli import main
from tutor.sim import SimParams, simulate


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sim_json_is_the_engine_result(capsys):
    code, out, err = run(
        capsys,
        "sim",
        "--json",
        "--depth",
        "7",
        "--width",
        "24",
        "--plain",
        "--activation",
        "relu",
        "--norm",
        "pre",
        "--sigma-w",
        "1.4",
        "--alpha",
        "0.3",
        "--inputs",
        "5",
        "--networks",
        "2",
        "--seed",
        "4",
    )
    assert code == 0 and err == ""
    expected = SimParams(
        depth=7,
        width=24,
        alpha=0.3,
        activation="relu",
        sigma_w=1.4,
        norm="pre",
        residual=False,
        inputs=5,
        networks=2,
        seed=4,
    )
    assert json.loads(out) == json.loads(json.dumps(simulate(expected).to_dict()))


def test_sim_json_defaults_are_the_lab_defaults(capsys):
    code, out, _ = run(capsys, "sim", "--json")
    assert code == 0
    assert json.loads(out)["params"] == SimParams().to_dict()


def test_sim_plot_shows_both_panels_theory_and_a_summary(capsys):
    code, out, _ = run(capsys, "sim", "--depth", "20")
    assert code == 0
    assert "forward ‖h_l‖ across depth" in out and "gradient ‖∂ℒ/∂h_l‖ across depth" in out
    assert "mean-field theory" in out and "residual rms" in out
    assert "layer 20" in out
    assert "\x1b[" not in out  # NO_COLOR is set by the fixtures: plain text


def test_sim_plot_says_where_theory_is_not_offered_and_where_it_diverged(capsys):
    code, out, _ = run(
        capsys,
        "sim",
        "--plain",
        "--activation",
        "linear",
        "--sigma-w",
        "30",
        "--depth",
        "60",
        "--width",
        "16",
    )
    assert code == 0
    assert "not offered here" in out
    assert "diverged" in out and "overflowed at layer" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["sim", "--depth", "0"], "depth must be from 1"),
        (["sim", "--depth", "-5"], "depth must be from 1"),
        (["sim", "--depth", "1000000"], "depth must be from 1 to 10,000"),
        (["sim", "--width", "0"], "width must be from 1"),
        (["sim", "--alpha", "nan"], "alpha must be a finite number"),
        (["sim", "--activation", "gelu"], "invalid choice: 'gelu'"),
        (["sim", "--depth", "ten"], "invalid int value: 'ten'"),
        (["sim", "--width", "4096", "--depth", "10000", "--networks", "100"], "of memory"),
        (["sim", "--bogus"], "unrecognized arguments: --bogus"),
        (["nonsense-command"], "no lesson 'nonsense-command'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert words in err
    assert err.count("\n") == 1 and err.startswith("restutor: ")


def test_python_m_tutor_is_the_same_command_and_never_tracebacks():
    ok = subprocess.run(
        [sys.executable, "-m", "tutor", "sim", "--json", "--depth", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0
    assert len(json.loads(ok.stdout)["forward"]["mean"]) == 4
    bad = subprocess.run(
        [sys.executable, "-m", "tutor", "sim", "--depth", "-5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == "restutor: depth must be from 1 to 10,000 (got -5)"


def test_global_options_are_accepted_before_and_after_the_command(capsys, tmp_path):
    db = str(tmp_path / "x.db")
    assert run(capsys, "--db", db, "sim", "--json", "--depth", "2")[0] == 0
    after = ["sim", "--db", db, "--lessons", str(tmp_path), "--json", "--depth", "2"]
    assert run(capsys, *after)[0] == 0


def test_headless_commands_never_import_textual():
    code = (
        "import sys; from tutor.cli import main; "
        "main(['sim', '--json', '--depth', '2']); main(['sim', '--depth', '2']); "
        "main(['validate']); main(['glossary']); main(['glossary', 'skip connection']); "
        "main(['review', '--due']); main(['notes', 'list']); main(['notes', 'search', 'x']); "
        "main(['train', '--depths', '2', '--steps', '2']); "
        "import tutor.sim, tutor.plot, tutor.paths, tutor.store, tutor.lessons.catalog; "
        "import tutor.lessons.markdown, tutor.practice.measures; "
        "ui = ('textual', 'textual_plotext'); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ui); "
        "print('UI-IMPORTS', bad, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "UI-IMPORTS []" in proc.stderr


def test_the_progress_bar_never_writes_to_stdout(capsys):
    # stdout may be a pipe carrying --json while stderr is the terminal.
    from tutor.cli.terminal import progress_bar

    with progress_bar(True) as progress:
        progress(3, 10)
        progress(10, 10)
    assert capsys.readouterr().out == ""
    with progress_bar(False) as progress:
        assert progress is None


def test_an_unknown_lesson_id_names_the_nearest_before_any_screen(capsys):
    code, out, err = run(capsys, "residual-conections")
    assert code == 2 and out == ""
    assert "no lesson 'residual-conections'; did you mean: residual-connections" in err


def test_an_unknown_lesson_id_far_from_any_lists_them_all(capsys):
    code, _, err = run(capsys, "zzzz")
    assert code == 2 and "lessons: chain-rule-jacobians" in err


def test_the_tutor_without_a_terminal_says_what_works_headless(capsys):
    code, _, err = run(capsys)  # pytest's stdout is not a terminal
    assert code == 2 and "needs a terminal" in err
    code, _, err = run(capsys, "--db", "x.db", "residual-connections")
    assert code == 2 and "needs a terminal" in err


def test_a_lesson_id_cannot_come_with_a_command(capsys):
    code, _, err = run(capsys, "residual-connections", "sim")
    assert code == 2 and "unexpected argument 'residual-connections'" in err


def test_review_due_counts_per_lesson(capsys, tmp_path):
    """Due and new items per lesson; a fresh database has only new ones, in every lesson."""
    from datetime import UTC, datetime, timedelta

    from tutor.lessons.catalog import load_catalog
    from tutor.paths import lesson_dirs
    from tutor.practice.schedule import Reviewer
    from tutor.store import Store

    lessons = {lesson.id: lesson for lesson in load_catalog(lesson_dirs()).lessons}
    main = [item.id for item in lessons["residual-connections"].practice]
    db = tmp_path / "review.db"
    code, out, _ = run(capsys, "--db", str(db), "review", "--due", "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] == 0 and data["today"] == 0  # no lesson begun
    assert data["due"] == {
        lesson_id: {"due": 0, "new": len(lesson.practice)} for lesson_id, lesson in lessons.items()
    }
    assert data["new"] == sum(len(lesson.practice) for lesson in lessons.values())
    reviewer = Reviewer(Store(db))
    earlier = datetime.now(UTC) - timedelta(days=30)
    for item in main[:2]:
        reviewer.record(item, "residual-connections", correct=False, nudges_used=0, now=earlier)
    reviewer.record("an-item-removed", "residual-connections", False, 0, now=earlier)
    reviewer.store.close()
    code, out, _ = run(capsys, "--db", str(db), "review", "--due", "--json")
    data = json.loads(out)
    assert data["due"]["residual-connections"] == {"due": 2, "new": len(main) - 2}
    assert data["total"] == 2 and data["today"] == 2 + min(20, len(main) - 2)
    code, out, _ = run(capsys, "--db", str(db), "review", "--due")
    assert f"   2 due {len(main) - 2:4d} new  Residual connections" in out
    assert "in all; a review now takes" in out


def test_review_stats(capsys, tmp_path):
    from tutor.practice.schedule import Reviewer
    from tutor.store import Store

    db = str(tmp_path / "stats.db")
    code, out, _ = run(capsys, "--db", db, "review", "--stats")
    assert code == 0 and "no practice items reviewed yet" in out
    reviewer = Reviewer(Store(tmp_path / "stats.db"))
    reviewer.record("rc-a", "residual-connections", correct=True, nudges_used=0)
    reviewer.store.close()
    code, out, _ = run(capsys, "--db", db, "review", "--stats")
    assert code == 0 and "Residual connections" in out and "100%" in out
    code, out, _ = run(capsys, "--db", db, "review", "--stats", "--json")
    assert json.loads(out)["residual-connections"]["seen"] == 1


def test_the_review_screen_needs_a_terminal(capsys):
    code, _, err = run(capsys, "review")
    assert code == 2 and "needs a terminal" in err


def test_a_corrupt_database_is_reported_with_where_it_went(capsys, tmp_path):
    db = tmp_path / "restutor.db"
    db.write_bytes(b"garbage" * 1000)
    code, out, err = run(capsys, "--db", str(db), "notes", "list")
    assert code == 0 and out.strip() == "no notes"
    assert "was damaged; it was moved to" in err and ".corrupt-" in err
    assert list(tmp_path.glob("restutor.db.corrupt-*"))


def test_train_json_is_the_trainer_result(capsys):
    from tutor.sim import TrainParams, train

    argv = ["train", "--json", "--depths", "2,4", "--width", "8", "--steps", "6", "--seed", "3"]
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    data = json.loads(out)
    params = TrainParams(depths=(2, 4), width=8, steps=6, seed=3)
    assert data == json.loads(json.dumps(train(params).to_dict()))
    assert set(data) == {"params", "runs"}
    assert data["params"]["depths"] == [2, 4] and data["params"]["steps"] == 6
    assert [(r["depth"], r["residual"]) for r in data["runs"]] == [
        (2, False),
        (2, True),
        (4, False),
        (4, True),
    ]
    for r in data["runs"]:
        assert set(r) == {"depth", "residual", "step", "loss"}
        assert r["step"] == list(range(7)) and len(r["loss"]) == 7


def test_train_options_default_to_the_experiments_defaults():
    from tutor.cli import build_parser
    from tutor.sim import TrainParams

    args = build_parser().parse_args(["train"])
    defaults = TrainParams()
    assert (args.depths, args.width, args.steps, args.seed) == (
        list(defaults.depths),
        defaults.width,
        defaults.steps,
        defaults.seed,
    )


def test_train_shows_the_curves_a_table_of_final_losses_and_what_they_mean(capsys):
    code, out, err = run(capsys, "train", "--depths", "2,6", "--width", "8", "--steps", "10")
    assert code == 0 and err == ""  # stderr is no terminal here: no progress bar
    assert "training loss (MSE; predicting the mean scores 1)" in out
    assert "plain: final loss" in out and "residual: final loss" in out
    assert "Going from 2 to 6 layers, the plain network ends" in out
    assert "\x1b[" not in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["train", "--depths", "4,x"], "--depths: takes integers separated by commas"),
        (["train", "--depths", "-3"], "each depth must be from 2 to 200 (got -3)"),
        (["train", "--depths", ""], "--depths: takes integers separated by commas"),
        (["train", "--depths", "4,15"], "each depth must be even"),
        (["train", "--depths", "4,4"], "depths must not repeat"),
        (["train", "--width", "0"], "width must be from 4 to 256"),
        (["train", "--steps", "100000"], "steps must be from 1 to 20,000"),
        (["train", "--seed", "-1"], "seed must be from 0"),
        (["train", "--steps", "many"], "invalid int value: 'many'"),
    ],
)
def test_train_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert words in err
    assert err.count("\n") == 1 and err.startswith("restutor: ")


@pytest.mark.parametrize(("command", "subject"), [("sim", "this run"), ("lesion", "this lesion")])
def test_a_long_run_is_announced_once_with_its_estimate_and_how_to_stop_it(
    capsys, monkeypatch, command, subject
):
    from tutor.cli import experiments

    monkeypatch.setattr(experiments, "ANNOUNCE_AFTER_SECONDS", 0.0)  # as if this were long
    code, out, err = run(capsys, command, "--depth", "6", "--width", "8", "--json")
    assert code == 0 and json.loads(out)["params"]["depth"] == 6  # stdout stays pure JSON
    assert err == f"restutor: {subject} will take about under a second here; ctrl+c stops it\n"


def test_a_quick_run_is_not_announced(capsys):
    code, _, err = run(capsys, "sim", "--depth", "6", "--width", "8", "--json")
    assert code == 0 and err == ""


@pytest.mark.parametrize("days", ["0", "-3", "x", "366", "1e3"])
def test_review_ahead_days_out_of_range_are_one_line(capsys, tmp_path, days):
    code, _, err = run(capsys, "--db", str(tmp_path / "db"), "review", "--ahead", days)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_review_ahead_and_cram_open_the_tutor_only_in_a_terminal(capsys, tmp_path):
    for mode in (["--ahead", "3"], ["--cram"]):
        code, _, err = run(capsys, "--db", str(tmp_path / "db"), "review", *mode)
        assert code == 2 and "needs a terminal" in err
    code, _, err = run(capsys, "review", "--ahead", "--cram")
    assert code == 2 and "not allowed with" in err


def test_review_due_follows_the_daily_limits_of_the_config(capsys, tmp_path):
    import os
    from datetime import UTC, datetime, timedelta

    from tutor.practice.schedule import Reviewer
    from tutor.store import Store

    db = tmp_path / "limits.db"
    reviewer = Reviewer(Store(db))
    earlier = datetime.now(UTC) - timedelta(days=30)
    reviewer.record("rc-any", "residual-connections", False, 0, now=earlier)  # begun
    reviewer.store.close()
    config = os.environ["RESTUTOR_CONFIG"]
    assert run(capsys, "config", "set", "review.new_per_day", "2")[0] == 0
    code, out, _ = run(capsys, "--db", str(db), "review", "--due", "--json")
    assert code == 0 and json.loads(out)["today"] == 2
    with open(config, "a", encoding="utf-8") as file:
        file.write("\n[review\n")  # no longer TOML
    code, out, err = run(capsys, "--db", str(db), "review", "--due")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "config" in err and "Traceback" not in err


def test_review_due_says_when_the_next_item_is_due_on_the_clock(capsys, tmp_path):
    from datetime import UTC, datetime, timedelta

    from tutor.store import Store

    db = tmp_path / "clock.db"
    store = Store(db)
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat(timespec="seconds")
    store.record_review(
        item_id="gone", lesson_id="gone-lesson", card="{}", due=later, rating=3,
        correct=True, nudges=0, reviewed_at=datetime.now(UTC).isoformat(), log="{}",
    )  # fmt: skip
    store.close()
    code, out, _ = run(capsys, "--db", str(db), "--lessons", str(tmp_path), "review", "--due")
    assert code == 0 and "the next review is due in 3 days (" in out and "+00:00" not in out
