"""The building blocks of the lesson format: its ids, texts, and the strict base model
every part of a lesson is made of."""

from __future__ import annotations

from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tutor.text import visible

#: The longest text any single field may hold (a whole section is far shorter).
MAX_TEXT = 100_000

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80),
    Field(description="A stable id: lowercase letters, digits and dashes."),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
Markdown = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    Field(description="Markdown, rendered in the terminal."),
]
Difficulty = Literal["easy", "medium", "hard"]


class Strict(BaseModel):
    """Unknown keys are errors (a typo is not silence); numbers are finite (``.inf`` is an
    error where it is written, not an overflow later); every string of every field, code
    included, leaves validation through ``visible``: no escape sequence in a lesson ever
    reaches the terminal, and the code shown is the code that runs."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @pydantic.field_validator("*", mode="after")
    @classmethod
    def _show_control_characters(cls, value: object) -> object:
        return _visible_strings(value)


def _visible_strings(value: object) -> object:
    """``value`` with ``visible`` applied to every string in it (models are already done)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list | tuple):
        return type(value)(_visible_strings(item) for item in value)
    if isinstance(value, dict):
        return {_visible_strings(key): _visible_strings(item) for key, item in value.items()}
    return value
