"""Reading a notes export someone else may have written: every field typed and bounded.

A file is checked as a whole first (readable, bounded, JSON, the known version), then
note by note: a bad note is reported as ``note N: problem`` and the good ones can still
be imported. Nothing is changed on the way in (the store keeps the text exactly;
``Note.from_row`` makes it safe to show), but a string that cannot become UTF-8 (a lone
surrogate, which ``\\ud800`` in JSON makes) is refused: SQLite's encoder raises on it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import pydantic
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from tutor.lessons.files import RefusedFile, read_regular_file
from tutor.notes.anchor import ANCHOR_KINDS, lab_anchor_state
from tutor.notes.export import EXPORT_VERSION
from tutor.text import one_line

#: An export bigger than this is refused before it is parsed.
MAX_FILE_BYTES = 200_000_000
#: A number written with more digits than this is refused before Python converts it (past
#: 4,300 it cannot be converted at all; no note needs 30).
MAX_DIGITS = 100
#: The longest body a note may have (as ``notes add`` takes a 10 MB paste).
MAX_BODY = 10 * 2**20
#: The longest anchor id, next action, tag, and uid or lesson id.
MAX_ANCHOR_ID = 1_000
MAX_NEXT_ACTION = 100_000
MAX_TAG = 200
MAX_NAME = 200
MAX_TAGS = 100
#: How deep a note's ``anchor_data`` may nest (a lab state is one level).
MAX_DATA_DEPTH = 8
#: How many of a note's problems its line names, and how long each may be.
SHOWN_PROBLEMS = 3
MAX_MESSAGE = 300


class BadExport(ValueError):
    """A file that is not a restutor notes export; the message says what is wrong."""


_SURROGATE = "holds a lone surrogate (\\ud800-\\udfff), not text"


def _encodable(value: object) -> object:
    """Refuse a string anywhere in ``value`` that UTF-8 cannot encode (a lone surrogate)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(_SURROGATE) from None
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return value


def _plain_data(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Anchor data is JSON of bounded depth with finite numbers (it is written back as
    JSON, and NaN is not JSON)."""
    pending: list[tuple[object, int]] = [(data, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DATA_DEPTH:
            raise ValueError(f"nests deeper than {MAX_DATA_DEPTH} levels")
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"holds {item}, not a finite number")
        if isinstance(item, dict):
            pending.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, list):
            pending.extend((value, depth + 1) for value in item)
    return data


def _known_kind(kind: str) -> str:
    if kind not in ANCHOR_KINDS:
        raise ValueError(f"'{one_line(kind, 40)}' is not one of {', '.join(ANCHOR_KINDS)}")
    return kind


def _iso_time(text: str) -> str:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{one_line(text, 40)}' is not an ISO 8601 date and time") from None
    return text


#: Strict (``"1"`` is not 1, ``null`` is not a list) and closed (an unknown key is an
#: error, not silence).
_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


def _text(least: int, most: int) -> StringConstraints:
    return StringConstraints(min_length=least, max_length=most)


Time = Annotated[str, _text(1, 64), AfterValidator(_iso_time)]


class ExportedNote(BaseModel):
    """One note of a JSON export, as ``notes export --format json`` writes it."""

    model_config = _STRICT

    uid: Annotated[str, _text(1, MAX_NAME)]
    body: Annotated[str, _text(0, MAX_BODY)]
    tags: list[Annotated[str, _text(1, MAX_TAG)]] = Field(default_factory=list, max_length=MAX_TAGS)
    next_action: Annotated[str, _text(0, MAX_NEXT_ACTION)] = ""
    anchor_kind: Annotated[str, AfterValidator(_known_kind)]
    anchor_id: Annotated[str, _text(1, MAX_ANCHOR_ID)]
    lesson_id: Annotated[str, _text(1, MAX_NAME)] | None = None
    anchor_data: Annotated[dict[str, Any] | None, AfterValidator(_plain_data)] = None
    created_at: Time
    updated_at: Time

    @pydantic.field_validator("*", mode="after")
    @classmethod
    def _utf8(cls, value: object) -> object:
        return _encodable(value)

    @pydantic.field_validator("anchor_data", mode="after")
    @classmethod
    def _lab_state_runs(cls, data: dict | None, info: pydantic.ValidationInfo) -> dict | None:
        """A lab note reopens the lab in its state: one the lab cannot run is refused here
        rather than shown as broken in every export after."""
        if info.data.get("anchor_kind") == "lab":
            try:
                lab_anchor_state(data)
            except ValueError as error:
                raise ValueError(f"not a state the lab can run: {error}") from None
        return data


class ExportFile(BaseModel):
    """The file: its format's version and its notes (each checked on its own)."""

    model_config = _STRICT

    version: int
    notes: list[Any]

    @pydantic.field_validator("version")
    @classmethod
    def _known_version(cls, version: int) -> int:
        if version != EXPORT_VERSION:
            raise ValueError(
                f"{version} is not a version this restutor reads (it reads {EXPORT_VERSION})"
            )
        return version


@dataclass(frozen=True)
class CheckedExport:
    """What a file holds: the notes ready for ``Store.import_notes``, and one line for each
    note refused (``note N: problem``)."""

    notes: list[dict]
    problems: list[str]


def read_export(path: Path) -> CheckedExport:
    """Read and check the export at ``path``; raises ``BadExport`` (a file-level problem,
    one line) or ``OSError``."""
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES, "an export is a JSON text file")
    except RefusedFile as error:
        raise BadExport(str(error)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadExport(f"not UTF-8 text (the byte at offset {error.start:,} is not)") from None
    return check_export(text)


def _bounded_int(written: str) -> int:
    digits = len(written.lstrip("-"))
    if digits > MAX_DIGITS:
        raise BadExport(f"a number has {digits:,} digits (at most {MAX_DIGITS} are read)")
    return int(written)


def check_export(text: str) -> CheckedExport:
    """Check an export's text: the file as a whole (raises ``BadExport``), then each note."""
    try:
        data = json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as error:
        raise BadExport(f"not JSON: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise BadExport("not a notes export: it nests too deeply to read") from None
    if not isinstance(data, dict):
        raise BadExport("not a restutor notes export (an object with 'version' and 'notes')")
    try:
        checked = ExportFile.model_validate(data)
    except pydantic.ValidationError as error:
        raise BadExport(problems_of(error)) from None
    notes, problems = [], []
    for number, note in enumerate(checked.notes, start=1):
        try:
            notes.append(ExportedNote.model_validate(note).model_dump())
        except pydantic.ValidationError as error:
            problems.append(f"note {number}: {problems_of(error)}")
    return CheckedExport(notes, problems)


def _shown(part: object) -> str:
    """A location's part as a line may show it (a key is the file's text)."""
    text = str(part).encode("utf-8", "backslashreplace").decode("utf-8")
    return one_line(text, 40)


def problems_of(error: pydantic.ValidationError) -> str:
    """The first few things wrong, on one line: where, and what."""
    found = []
    for item in error.errors(include_url=False):
        loc = [_shown(part) for part in item["loc"]]
        where, message = ".".join(loc), item["msg"]
        if item["type"] == "missing":
            where, message = ".".join(loc[:-1]), f"'{loc[-1]}' is required"
        elif item["type"] == "extra_forbidden":
            where, message = ".".join(loc[:-1]), f"unknown key '{loc[-1]}'"
        elif item["type"] in ("model_type", "dict_type"):
            message = "not an object ({...})"
        elif item["type"] == "string_too_long":
            message = f"too long (the limit is {item['ctx']['max_length']:,} characters)"
        elif item["type"] == "string_unicode":
            message = _SURROGATE
        elif item["type"] == "string_too_short":
            message = "must not be empty"
        elif item["type"] == "value_error":
            message = str(item["ctx"]["error"])
        message = one_line(message, MAX_MESSAGE)  # a value quoted back may be long
        found.append(f"{where}: {message}" if where else message)
    more = len(found) - SHOWN_PROBLEMS
    return "; ".join(found[:SHOWN_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
