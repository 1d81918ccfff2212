"""The quantities a ``predict-sim`` practice item asks about, measured on a simulator run."""

from __future__ import annotations

from tutor.sim import SimParams, SimResult, simulate


def run_lab_state(params: dict[str, object]) -> SimResult:
    """Run a lesson's lab state (unspecified fields keep the lab defaults)."""
    return simulate(SimParams(**params))  # type: ignore[arg-type]


def measure(result: SimResult, name: str) -> float | None:
    """``forward_growth`` = rms‖h_L‖/rms‖h_0‖, ``gradient_ratio`` = rms‖g_0‖/rms‖g_L‖,
    ``diverged_at`` = the first overflowing layer (None if none)."""
    if name == "forward_growth":
        return result.forward_growth
    if name == "gradient_ratio":
        return result.gradient_ratio
    if name == "diverged_at":
        return None if result.diverged_at is None else float(result.diverged_at)
    raise ValueError(f"unknown measure {name!r}")
