"""Hypothesis strategies over the simulator's parameter space (kept small enough to run fast)."""

from hypothesis import strategies as st

from tutor.sim import ACTIVATIONS, NORMS, SimParams

small_params = st.builds(
    SimParams,
    depth=st.integers(1, 24),
    width=st.integers(1, 24),
    alpha=st.floats(-5, 5, allow_nan=False),
    activation=st.sampled_from(ACTIVATIONS),
    sigma_w=st.floats(0, 8, allow_nan=False),
    norm=st.sampled_from(NORMS),
    residual=st.booleans(),
    inputs=st.integers(1, 4),
    networks=st.integers(1, 3),
    seed=st.integers(0, 2**63 - 1),
)
