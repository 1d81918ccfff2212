"""The lab screen: every footer key, the worker's results, the copied command, a snapshot.

Nothing here waits on the wall clock: each test waits for the state it is about
(``wait_for``), and the layer cursor's player runs on a hand-driven clock (the
``hand_driven_clocks`` fixture in ``conftest``), ticked by the test.
"""

from __future__ import annotations

import dataclasses
import io
import shlex
from pathlib import Path

import pytest
from hypothesis import given
from rich.console import Console
from textual.app import App
from textual.notifications import Notify
from textual.widget import Widget

import tutor.sim.params as sim_params
from tests.pilot import ManualClock, press, wait_for
from tests.strategies import small_params
from tests.ui_app import make_app
from tutor.cli import params_from_command
from tutor.plot import canvas_rows, draw_lesion, draw_norm_panel, draw_paths
from tutor.sim import SimParams, Simulator, lesion_blocks, run_both, simulate, skip_toggled
from tutor.sim.params import sim_command
from tutor.ui.screens.lab import LAYERS_PER_SECOND, LabScreen, SignalPane
from tutor.ui.screens.lab.signal import REVEAL_PENDING_AFTER_SECONDS
from tutor.ui.widgets.lab_controls import DEPTHS, KNOBS, LabControls, along, cycle
from tutor.ui.widgets.lab_readout import LabReadout
from tutor.ui.widgets.norm_plot import NormPlot

APP_CSS = Path(__file__).parents[1] / "tutor" / "ui" / "app.tcss"
SIZE = (120, 40)
KNOB_ROWS = {knob.field: row for row, knob in enumerate(KNOBS)}


class LabApp(App[None]):
    """The smallest app that shows the lab, with the real app's styles."""

    CSS_PATH = APP_CSS

    def __init__(self, params: SimParams | None = None, title: str | None = None) -> None:
        super().__init__()
        self.lab = LabScreen(params or SimParams(), title)

    def on_mount(self) -> None:
        self.push_screen(self.lab)


def drawn(lab: LabScreen) -> bool:
    """Whether the plots show a run of the parameters in the panel."""
    return lab.run is not None and lab.run.params == lab.params


async def run_drawn(pilot, lab: LabScreen | None = None) -> None:
    """Wait until the lab's plots show its current parameters."""
    lab = lab or pilot.app.lab
    await wait_for(pilot, lambda: drawn(lab), "the plots show the current parameters")


def clock(lab: LabScreen) -> ManualClock:
    """The Signal tab's hand-driven clock (its player is ``clock(lab).interval``)."""
    assert isinstance(lab.signal.clock, ManualClock)
    return lab.signal.clock


def text_of(widget: Widget) -> str:
    """What a widget shows, as plain text."""
    console = Console(file=io.StringIO(), width=widget.size.width or 80, no_color=True, record=True)
    console.print(widget.render())
    return console.export_text()


async def select(pilot, field: str) -> None:
    """Move the parameter selection to ``field`` with the arrow keys."""
    signal = pilot.app.lab.signal
    while signal.selected != KNOB_ROWS[field]:
        await press(pilot, "down")


def parse_command(command: str) -> SimParams:
    """Read a ``restutor sim`` command back through the real CLI parser."""
    assert shlex.split(command)[:2] == ["restutor", "sim"]
    return params_from_command(command)


# -- the pure parts -------------------------------------------------------------


def test_ladders_step_from_any_value_and_stop_at_their_ends():
    assert along(DEPTHS, 40, 1) == 48
    assert along(DEPTHS, 40, -1) == 32
    assert along(DEPTHS, 50, 1) == 64  # a lesson's off-ladder depth joins the ladder
    assert along(DEPTHS, 50, -1) == 48
    assert along(DEPTHS, 1000, 1) == 1000
    assert along(DEPTHS, 2000, 1) == 2000  # never "up" to a smaller value
    assert along(DEPTHS, 1, -1) == 1
    assert cycle(("tanh", "relu", "linear"), "linear", 1) == "tanh"
    assert cycle(("tanh", "relu", "linear"), "tanh", -1) == "linear"


def test_float_knobs_land_exactly_on_their_grid():
    params = SimParams(alpha=0.2, sigma_w=1.0)
    alpha, sigma = KNOBS[KNOB_ROWS["alpha"]], KNOBS[KNOB_ROWS["sigma_w"]]
    for _ in range(3):
        params = sigma.turn(alpha.turn(params, 1), 1)
    assert (params.alpha, params.sigma_w) == (0.35, 1.3)
    assert alpha.turn(SimParams(alpha=2.0), 1).alpha == 2.0
    assert sigma.turn(SimParams(sigma_w=0.0), -1).sigma_w == 0.0


def test_run_both_is_the_run_and_its_skip_toggled_twin():
    params = SimParams(depth=6, width=16, inputs=4, networks=2)
    run = run_both(Simulator(), params)
    assert run.params == params
    assert run.counterpart.params == skip_toggled(params)
    alone = simulate(skip_toggled(params))
    assert run.counterpart.forward.rms.tolist() == alone.forward.rms.tolist()


def test_a_panel_overlays_the_counterpart_and_scales_to_both():
    from plotext._figure import _figure_class

    run = run_both(Simulator(), SimParams(depth=40, activation="relu"))
    fig = _figure_class()
    fig.plotsize(100, 30)
    draw_norm_panel(fig, run.current, "forward", counterpart=run.counterpart, cursor=12)
    text = fig.build()
    assert "residual rms" in text and "plain rms" in text
    # The plain ReLU stack halves its norm each layer: only a log axis shows both curves.
    assert fig.monitor.yscale[0] == "log"


@pytest.mark.parametrize("height", [6, 8, 9, 12, 40])
@pytest.mark.parametrize("plot", ["forward", "backward", "lesion", "paths"])
def test_a_short_plot_labels_each_y_tick_on_a_row_of_its_own(plot, height):
    # Plotext draws the ticks in the hash order of their labels, which changes from one
    # process to the next: two ticks on one row showed either label (the 80×24 lab's
    # snapshots changed between runs). Every tick given must get its row.
    from plotext._figure import _figure_class

    params = SimParams()
    fig = _figure_class()
    fig.theme("clear")
    fig.plotsize(50, height)
    given: list[list[str]] = []
    set_yticks = fig.yticks
    fig.yticks = lambda ticks, labels: (given.append(labels), set_yticks(ticks, labels))
    rows = canvas_rows(height)
    if plot == "lesion":
        draw_lesion(fig, lesion_blocks(params), False, rows=rows)
    elif plot == "paths":
        draw_paths(fig, params.depth, False, rows=rows)
    else:
        run = run_both(Simulator(), params)
        draw_norm_panel(fig, run.current, plot, False, counterpart=run.counterpart, rows=rows)
    text = fig.build()
    labelled = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
    assert sorted(labelled) == sorted(given[-1]) and len(labelled) >= min(2, rows)


def test_sim_command_names_only_what_differs():
    assert sim_command(SimParams()) == "restutor sim"
    assert sim_command(SimParams(alpha=0.35, residual=False)) == "restutor sim --alpha=0.35 --plain"


@given(small_params)
def test_sim_command_parses_back_to_the_same_params(params):
    assert parse_command(sim_command(params)) == params


def test_the_lab_packages_public_names_resolve():
    import tutor.ui.screens.lab as lab

    assert all(getattr(lab, name, None) is not None for name in lab.__all__)
    assert set(lab.EXPERIMENTS) == set(LabScreen(SimParams()).panes)


# -- opening ----------------------------------------------------------------------


async def test_opening_params_are_shown_and_run():
    params = SimParams(
        depth=24,
        width=64,
        alpha=0.5,
        activation="relu",
        sigma_w=1.4,
        norm="pre",
        residual=False,
        seed=7,
    )
    app = LabApp(params, title="Residual connections: demo")
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        panel = text_of(app.lab.query_one(LabControls))
        for shown in ("24", "64", "0.5", "relu", "1.4", "pre", "off", "7"):
            assert shown in panel
        assert app.lab.run.params == params
        assert app.lab.run.counterpart.params.residual is True
        assert "Residual connections: demo" in app.lab.sub_title
        readout = text_of(app.lab.query_one(LabReadout))
        assert "plain" in readout and "residual" in readout and "layer 0 of 24" in readout


async def test_the_app_opens_the_lab_and_escape_returns(tmp_path):
    app = make_app(tmp_path / "db")
    async with app.run_test(size=SIZE) as pilot:
        below = app.screen
        app.open_lab(SimParams(depth=12), "from a test")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, LabScreen) and drawn(app.screen),
            "the lab is open and has drawn its first run",
        )
        assert app.screen.run.params.depth == 12
        await press(pilot, "escape")
        assert app.screen is below


async def test_plots_draw_the_current_run():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        for plot in app.lab.query(NormPlot):
            assert plot.run is app.lab.run
            assert "across depth" in text_of(plot)


# -- every key in the footer ---------------------------------------------------------

#: The keys the footer shows, each exercised by a test below.
TESTED_FOOTER_KEYS = {
    "left_square_bracket",  # these four in test_ui_lab_tabs
    "right_square_bracket",
    "enter",
    "x",
    "up",
    "down",
    "left",
    "right",
    "t",
    "r",
    "c",
    "0",
    "space",
    "comma",
    "full_stop",
    "1",
    "2",
    "3",
    "escape",
}


def test_every_footer_key_is_tested():
    shown = {
        key for binding in LabScreen.BINDINGS if binding.show for key in binding.key.split(",")
    }
    assert shown == TESTED_FOOTER_KEYS


async def test_up_and_down_select_a_parameter_and_wrap():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        signal = app.lab.signal
        await press(pilot, "down", "down")
        assert signal.selected == 2
        assert "▸ alpha" in text_of(app.lab.query_one(LabControls))
        await press(pilot, "up", "up", "up")
        assert signal.selected == len(KNOBS) - 1
        await press(pilot, "j", "k", "k")
        assert signal.selected == len(KNOBS) - 2


@pytest.mark.parametrize(
    ("field", "key", "expected"),
    [
        ("depth", "right", 48),
        ("depth", "left", 32),
        ("width", "right", 192),
        ("width", "left", 96),
        ("alpha", "right", 0.25),
        ("alpha", "left", 0.15),
        ("activation", "right", "relu"),
        ("activation", "left", "linear"),
        ("sigma_w", "right", 1.1),
        ("sigma_w", "left", 0.9),
        ("norm", "right", "pre"),
        ("norm", "left", "post"),
        ("residual", "right", False),
        ("seed", "right", 1),
        ("seed", "left", 0),
        ("alpha", "plus", 0.25),
        ("alpha", "minus", 0.15),
    ],
)
async def test_left_and_right_change_the_selected_parameter(field, key, expected):
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        await select(pilot, field)
        await press(pilot, key)
        assert getattr(app.lab.params, field) == expected
        await run_drawn(pilot)
        assert getattr(app.lab.run.params, field) == expected  # the plots follow
        shown = KNOBS[KNOB_ROWS[field]].show(expected)
        assert f"◂ {shown} ▸" in text_of(app.lab.query_one(LabControls))


async def test_a_slow_run_shows_its_parameters_at_once_marked_computing():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        lab = app.lab
        await select(pilot, "alpha")
        with lab.simulator_lock:  # the new run waits for the simulator: it stays pending
            await press(pilot, "right")
            [reveal] = clock(lab).pending()
            assert reveal.seconds == REVEAL_PENDING_AFTER_SECONDS
            assert "◂ 0.2 ▸" in text_of(lab.query_one(LabControls))  # not yet
            reveal.tick()
            panel = text_of(lab.query_one(LabControls))
            assert "◂ 0.25 ▸" in panel and "computing…" in panel
        await run_drawn(pilot)
        assert lab.signal.status == "" and lab.signal.panel_params == lab.params


async def test_t_toggles_the_skip_connection_and_swaps_the_emphasis():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        await press(pilot, "t")
        await run_drawn(pilot)
        assert app.lab.run.current.params.residual is False
        assert app.lab.run.counterpart.params.residual is True
        assert "plain rms" in text_of(app.lab.query_one("PlotLegend"))
        await press(pilot, "t")
        await run_drawn(pilot)
        assert app.lab.run.current.params.residual is True


async def test_r_reseeds():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        before = app.lab.run.current.forward.rms
        await press(pilot, "r")
        await run_drawn(pilot)
        assert app.lab.run.params.seed == 1
        assert app.lab.run.current.forward.rms.tolist() != before.tolist()


async def test_c_copies_a_command_that_reruns_the_lab():
    seen = []
    app = LabApp()
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await run_drawn(pilot)
        await select(pilot, "alpha")
        await press(pilot, "right", "t", "c")
        assert app.clipboard == "restutor sim --alpha=0.25 --plain"
        assert parse_command(app.clipboard) == app.lab.params
        notes = [m.notification.message for m in seen if isinstance(m, Notify)]
        assert app.clipboard in notes


async def test_0_goes_back_to_the_opening_state():
    opening = SimParams(depth=24, alpha=0.5)
    app = LabApp(opening)
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        await press(pilot, "right", "t", "r", "full_stop")
        assert app.lab.params != opening and app.lab.signal.cursor == 1
        await press(pilot, "0")
        await run_drawn(pilot)
        assert app.lab.params == opening
        assert app.lab.run.params == opening
        assert app.lab.signal.cursor == 0


async def test_comma_and_full_stop_step_the_layer_cursor():
    app = LabApp(SimParams(depth=4))
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        signal = app.lab.signal
        await press(pilot, "full_stop", "full_stop")
        assert signal.cursor == 2
        assert all(plot.cursor == 2 for plot in app.lab.query(NormPlot))
        readout = text_of(app.lab.query_one(LabReadout))
        assert "layer 2 of 4" in readout
        rms = app.lab.run.current.forward.rms[2]
        assert f"{rms:.4g}" in readout
        await press(pilot, "comma", "comma", "comma")
        assert signal.cursor == 0
        await press(pilot, *["full_stop"] * 6)
        assert signal.cursor == 4


async def test_space_plays_and_pauses_the_cursor():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        signal, player = app.lab.signal, clock(app.lab).interval
        assert not player.active
        await press(pilot, "space")
        assert signal.playing and player.active
        player.tick(2)
        assert signal.cursor == 2
        await press(pilot, "space")
        assert not signal.playing and not player.active
        player.tick()  # a paused player moves nothing
        assert signal.cursor == 2
        await pilot.pause()
        assert "paused" in text_of(app.lab.query_one(LabReadout))


async def test_play_stops_at_the_last_layer_and_restarts_from_the_first():
    app = LabApp(SimParams(depth=3))
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        signal, player = app.lab.signal, clock(app.lab).interval
        await press(pilot, "space")
        player.tick(5)
        assert signal.cursor == 3 and not signal.playing and not player.active
        await press(pilot, "space")
        assert signal.playing and player.active and signal.cursor == 0


@pytest.mark.parametrize(
    ("key", "speed", "layers_per_tick"), [("1", 0.25, 1), ("2", 1.0, 1), ("3", 4.0, 4)]
)
async def test_1_2_3_set_the_speed(key, speed, layers_per_tick):
    app = LabApp(SimParams(depth=200))
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        signal = app.lab.signal
        await press(pilot, key, "space")
        assert signal.speed == speed
        player = clock(app.lab).interval  # a new player at the new pace
        assert player.seconds == pytest.approx(1 / min(speed * LAYERS_PER_SECOND, 10))
        player.tick(2)
        await press(pilot, "space")
        assert signal.cursor == 2 * layers_per_tick
        assert f"at {speed:g}×" in text_of(app.lab.query_one(LabReadout))


async def test_escape_goes_back_to_the_screen_below():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen is app.lab and app.lab.is_mounted, "lab open")
        await press(pilot, "escape")
        assert not isinstance(app.screen, LabScreen)


# -- the worker ------------------------------------------------------------------------


async def test_a_burst_of_keys_collapses_to_the_last_params():
    seen = []
    app = LabApp()
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await run_drawn(pilot)
        await select(pilot, "depth")
        await press(pilot, *["right"] * 8)
        await run_drawn(pilot)
        assert app.lab.params.depth == 256
        finished = [m for m in seen if isinstance(m, SignalPane.SimFinished)]
        assert finished[-1].run.params == app.lab.params


async def test_a_stale_result_is_ignored():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        shown = app.lab.run
        stale = run_both(Simulator(), dataclasses.replace(app.lab.params, alpha=1.0))
        app.lab.signal.post_message(SignalPane.SimFinished(stale))
        await pilot.pause()  # handles every message queued before it
        assert app.lab.run is shown


async def test_a_run_that_cannot_fit_is_refused_with_a_message(monkeypatch):
    seen = []
    app = LabApp()
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await run_drawn(pilot)
        shown = app.lab.run
        monkeypatch.setattr(sim_params, "SMALL_RUN_BYTES", 0)
        monkeypatch.setattr(sim_params, "available_memory", lambda: 1000)
        await select(pilot, "alpha")
        await press(pilot, "right")

        def refused() -> bool:
            notes = [m.notification for m in seen if isinstance(m, Notify)]
            return any(n.severity == "error" and "memory" in n.message for n in notes)

        await wait_for(pilot, refused, "a notification that the run does not fit")
        await wait_for(pilot, lambda: app.lab.params == shown.params, "the panel reverts")
        assert app.lab.run is shown  # the panel agrees with the plots again


async def test_a_run_too_slow_for_the_lab_is_refused_before_it_starts():
    seen = []
    app = LabApp(SimParams(depth=1000, width=512))
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await wait_for(pilot, lambda: app.lab.signal.is_mounted, "the lab is open")
        app.lab.signal.stop()  # not the slow opening run
        await select(pilot, "width")
        await press(pilot, "right")
        assert app.lab.params.width == 512
        notes = [m.notification for m in seen if isinstance(m, Notify)]
        assert any("Too slow" in (n.title or "") for n in notes)


async def test_small_terminals_do_not_crash():
    app = LabApp()
    async with app.run_test(size=(60, 16)) as pilot:
        await run_drawn(pilot)
        await press(pilot, "right", "t", "space")
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        await pilot.resize_terminal(60, 16)
        await run_drawn(pilot)
        assert app.lab.signal.playing and app.lab.run.params == app.lab.params


# -- legible at a glance ----------------------------------------------------------------


def readout_columns(lab: LabScreen) -> list[str]:
    """The readout's column heads, left to right."""
    return text_of(lab.query_one(LabReadout)).split("\n")[0].split()[-2:]


async def test_the_readout_keeps_plain_then_residual_whatever_the_skip():
    app = LabApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_drawn(pilot)
        growth = text_of(app.lab.query_one(LabReadout)).split("\n")[1]
        assert readout_columns(app.lab) == ["plain", "residual"]
        await press(pilot, "t")
        await run_drawn(pilot)
        assert not app.lab.run.current.params.residual
        assert readout_columns(app.lab) == ["plain", "residual"]
        # The same two networks, so the same numbers in the same places.
        assert text_of(app.lab.query_one(LabReadout)).split("\n")[1] == growth


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_readout_values_fit_their_columns_and_are_never_cut(size):
    # A plain stack that shrinks 10¹⁰-fold: the longest numbers the lab shows (1.234e-10).
    app = LabApp(SimParams(depth=100, width=32, residual=False, sigma_w=0.8))
    async with app.run_test(size=size) as pilot:
        await run_drawn(pilot)
        app.lab.signal.cursor = 100  # the last layer, where the norms are smallest
        readout = app.lab.query_one(LabReadout)
        assert readout.compact == (size[0] < 100)
        await pilot.pause()
        shown = text_of(readout)
        assert "…" not in shown
        run = app.lab.run.current
        for value in (run.forward_growth, run.gradient_ratio, run.forward.rms[-1]):
            assert readout._value(value) in shown and "e-" in readout._value(value)


async def test_at_80_by_24_the_readout_stays_and_the_footer_keeps_the_main_keys():
    app = LabApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await run_drawn(pilot)
        lab = app.lab
        readout = lab.query_one(LabReadout)
        assert readout.display and readout.region.bottom <= 24 - 1  # above the footer
        legend = lab.query_one("PlotLegend")
        shown = text_of(legend)
        assert len(shown.rstrip()) <= legend.content_size.width
        for name in ("plain", "residual", "band", "theory", "layer"):
            assert name in shown  # shortened, not cut
        footer = {a.binding.key for a in lab.active_bindings.values() if a.binding.show}
        assert {"left_square_bracket", "right_square_bracket", "escape"} <= footer
        assert "c" not in footer and "r" not in footer  # the lesser keys leave the footer
        await press(pilot, "r")  # but still work
        assert lab.params.seed == 1
        await press(pilot, "right_square_bracket", "right_square_bracket")
        footer = {a.binding.key for a in lab.active_bindings.values() if a.binding.show}
        assert "enter" in footer
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        footer = {a.binding.key for a in lab.active_bindings.values() if a.binding.show}
        assert "c" in footer


async def test_the_header_names_the_lessons_state_the_lab_runs_and_notes_carry_the_lesson(
    tmp_path,
):
    app = make_app(tmp_path / "db", start_lesson="residual-connections")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "drawn", None), "the lesson")
        await press(pilot, "l")
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), "the lab")
        lab = app.screen
        await run_drawn(pilot, lab)
        residual_title = lab.sub_title
        assert "Residual stack, the defaults" in residual_title
        await press(pilot, "t")
        assert "The same stack without skip connections" in lab.sub_title
        await press(pilot, "right")  # depth 48: no state of the lesson
        assert lab.sub_title == "lab · Signal: --depth=48 --plain"
        await press(pilot, "left", "t")  # skip back on: the residual state's name again
        assert lab.sub_title == residual_title
        assert lab.note_anchor().lesson_id == "residual-connections"
        await run_drawn(pilot, lab)
        await press(pilot, "n")
        await wait_for(pilot, lambda: app.screen.query("TextArea"), "the note editor")
        app.screen.query_one("TextArea").insert("the gradient grows on the way back")
        await press(pilot, "ctrl+s")
        await wait_for(pilot, lambda: app.store.notes(), "the note saved")
        [note] = app.store.notes(lesson_id="residual-connections")
        assert note.anchor_kind == "lab"


# -- snapshot ---------------------------------------------------------------------------


def test_snapshot_lab_defaults(snap_compare):
    assert snap_compare(LabApp(), terminal_size=SIZE, run_before=run_drawn)
