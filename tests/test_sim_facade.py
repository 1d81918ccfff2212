"""The ``tutor.sim`` face: every public name resolves, from the module the table names."""

import importlib

import pytest

import tutor.sim
from tutor.sim import _LAZY

EAGER = sorted(set(tutor.sim.__all__) - set(_LAZY))


def test_all_is_the_eager_names_and_the_lazy_table():
    assert len(tutor.sim.__all__) == len(set(tutor.sim.__all__))
    assert set(_LAZY) <= set(tutor.sim.__all__)
    for name in EAGER:  # what is not lazy is imported at the top
        assert name in vars(tutor.sim), name


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
