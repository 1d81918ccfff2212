"""A lab state a lesson names: the simulator's parameters worth trying, and the tab they
open on. Its own module because both the lesson's demo and its predictions name one."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tutor.lessons.fields import Id, Markdown, Strict, Text

Experiment = Literal["signal", "lesion", "train"]


class LabState(Strict):
    """A simulator state worth trying: any ``SimParams`` field not given keeps its default."""

    id: Id
    title: Text
    params: dict[str, int | float | str | bool] = Field(
        description="SimParams fields: depth, width, alpha, activation, sigma_w, norm, "
        "residual, inputs, networks, seed."
    )
    notice: Markdown = Field(description="What to look for when this state runs.")
    experiment: Experiment = Field(
        "signal",
        description="The lab tab it opens on: signal (norms across depth), lesion (delete "
        "one block) or train (the degradation experiment, at `restutor train`'s defaults).",
    )

    @model_validator(mode="after")
    def _known_params(self) -> LabState:
        from tutor.sim.params import SimParamError, SimParams

        unknown = sorted(set(self.params) - set(SimParams.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown lab parameter(s): {', '.join(unknown)}")
        if self.experiment == "train" and self.params:
            raise ValueError(
                "a train state opens the Train tab on its own setup: leave 'params' empty"
            )
        try:
            SimParams(**self.params)  # type: ignore[arg-type]
        except SimParamError as error:
            raise ValueError(str(error)) from None
        return self
