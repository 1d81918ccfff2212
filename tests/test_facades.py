"""The packages' faces: every public name resolves, and moved names still import from
where their callers import them."""

import tutor.plot
import tutor.sim
from tutor.sim import words


def test_every_name_of_the_sim_facade_resolves_and_the_lazy_table_is_public():
    assert set(tutor.sim._LAZY) <= set(tutor.sim.__all__)
    assert len(set(tutor.sim.__all__)) == len(tutor.sim.__all__)
    for name in tutor.sim.__all__:
        assert getattr(tutor.sim, name) is not None, name
    assert sorted(dir(tutor.sim)) == sorted(tutor.sim.__all__)


def test_the_text_helpers_are_written_once_and_offered_where_they_were():
    for name in ("format_value", "format_percent", "variant_name", "lesion_summary"):
        assert getattr(tutor.plot, name) is getattr(words, name) is getattr(tutor.sim, name)


def test_the_words_for_a_run():
    params = tutor.sim.SimParams(depth=3, residual=False)
    assert words.variant_name(params) == "plain"
    assert words.format_value(float("inf")) == "—" and words.format_value(1 / 3) == "0.3333"
    assert words.describe_network(params) == (
        "depth 3, width 128, tanh, σ_w 1, norm none; 4 networks × 32 inputs, seed 0"
    )
    assert "α 0.2 (residual)" in words.describe_network(params, both_variants=True)
    assert words.not_enough_memory("this run") == (
        "not enough memory for this run; lower depth, width, networks or inputs"
    )
