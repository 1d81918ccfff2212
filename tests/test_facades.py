"""The packages' faces: every public name resolves, from the module the table names, and
moved names still import from where their callers import them."""

import importlib

import pytest

import tutor.plot
import tutor.sim
from tutor.sim import _LAZY, words

EAGER = sorted(set(tutor.sim.__all__) - set(_LAZY))


def test_all_is_the_eager_names_and_the_lazy_table():
    assert len(tutor.sim.__all__) == len(set(tutor.sim.__all__))
    assert set(_LAZY) <= set(tutor.sim.__all__)
    for name in EAGER:  # what is not lazy is imported at the top
        assert name in vars(tutor.sim), name
    assert sorted(dir(tutor.sim)) == sorted(tutor.sim.__all__)


@pytest.mark.parametrize("name", sorted(_LAZY))
def test_each_lazy_name_comes_from_the_module_it_names(name):
    module, attribute = _LAZY[name]
    assert getattr(tutor.sim, name) is getattr(
        importlib.import_module(f"tutor.sim.{module}"), attribute
    )


@pytest.mark.parametrize("module", ["trainer", "mlp"])
def test_the_trainers_public_names_still_resolve(module):
    loaded = importlib.import_module(f"tutor.sim.{module}")
    for name in loaded.__all__:
        assert hasattr(loaded, name), f"tutor.sim.{module}.{name}"


def test_the_trainer_still_exports_its_networks():
    from tutor.sim import mlp, trainer

    for name in ("Student", "Adam", "teacher_data", "SAMPLES"):
        assert getattr(trainer, name) is getattr(mlp, name)


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
