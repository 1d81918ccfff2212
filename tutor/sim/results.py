"""What a simulator run gives: the ensemble's norms per layer, summarized, with the theory
beside them, as the lab draws them and ``restutor sim --json`` prints them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tutor.sim.params import SimParams
from tutor.sim.theory import theory_curves


@dataclass(frozen=True, slots=True)
class NormStats:
    """Per-layer summary of a norm over the whole ensemble (NaN where diverged)."""

    mean: np.ndarray
    rms: np.ndarray
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray

    @classmethod
    def of(cls, norms: np.ndarray) -> NormStats:
        """Summarize ``norms`` shaped ``(layers, samples)``."""
        p10, p50, p90 = np.percentile(norms, [10, 50, 90], axis=1)
        return cls(
            mean=norms.mean(axis=1),
            rms=np.sqrt(np.mean(norms**2, axis=1)),
            p10=p10,
            p50=p50,
            p90=p90,
        )

    def to_dict(self) -> dict[str, list[float | None]]:
        return {name: json_floats(getattr(self, name)) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class SimResult:
    """One run: the ensemble's forward and gradient norms, and the theory beside them."""

    params: SimParams
    forward: NormStats
    backward: NormStats
    theory_forward: np.ndarray | None
    theory_backward: np.ndarray | None
    diverged_at: int | None

    @property
    def layers(self) -> np.ndarray:
        return np.arange(self.params.depth + 1)

    @property
    def forward_growth(self) -> float:
        """``rms‖h_L‖ / rms‖h_0‖``: how much the signal grew through the stack (NaN if diverged)."""
        return float(self.forward.rms[-1] / self.forward.rms[0])

    @property
    def gradient_ratio(self) -> float:
        """``rms‖g_0‖ / rms‖g_L‖``: the gradient at the input relative to the output."""
        return float(self.backward.rms[0] / self.backward.rms[-1])

    def to_dict(self) -> dict[str, object]:
        """Exactly the object ``restutor sim --json`` prints."""
        return {
            "params": self.params.to_dict(),
            "layers": self.layers.tolist(),
            "forward": self.forward.to_dict(),
            "backward": self.backward.to_dict(),
            "theory": {
                "forward": _json_curve(self.theory_forward),
                "backward": _json_curve(self.theory_backward),
            },
            "diverged_at": self.diverged_at,
        }


def json_floats(values: np.ndarray) -> list[float | None]:
    """JSON has no NaN or infinity: a value that overflowed is written as null."""
    return [float(v) if math.isfinite(v) else None for v in values.tolist()]


def _json_curve(values: np.ndarray | None) -> list[float | None] | None:
    """A theory curve, or null where the theory is not offered."""
    return None if values is None else json_floats(values)


def summarize(params: SimParams, forward: np.ndarray, backward: np.ndarray) -> SimResult:
    """Mask what overflowed, then reduce the ensemble to per-layer statistics."""
    bad_forward = ~np.isfinite(forward).all(axis=1)
    bad_backward = ~np.isfinite(backward).all(axis=1)
    diverged_at: int | None = None
    if bad_forward.any():
        diverged_at = int(np.argmax(bad_forward))
        forward[diverged_at:] = np.nan
        backward[:] = np.nan
    elif bad_backward.any():
        diverged_at = int(params.depth - np.argmax(bad_backward[::-1]))
        backward[: diverged_at + 1] = np.nan
    theory_forward, theory_backward = theory_curves(params)
    return SimResult(
        params=params,
        forward=NormStats.of(forward),
        backward=NormStats.of(backward),
        theory_forward=theory_forward,
        theory_backward=theory_backward,
        diverged_at=diverged_at,
    )
