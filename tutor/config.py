"""The learner's settings, ``config.toml``: read with ``tomllib``, written with ``tomlkit``.

A missing file means the defaults. A file that cannot be read as a whole (bad TOML, a wrong
type, an unknown key, binary, huge) is refused with one line, ``ConfigError``, naming the key
and what it allows; it is never rewritten: ``set_value`` edits only a file it can read, keeps
every comment and key it does not touch, and replaces it in one step.

No Textual here: the binding ids are listed below (a test checks them against the UI's), the
key names are ``tutor.config_keys``'s, and any well-formed theme name is kept, for the app to
use if its Textual has that theme.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tutor import paths
from tutor.config_keys import ALLOWED_KEYS, clash, keys_problem, shown
from tutor.lessons.files import RefusedFile, read_regular_file
from tutor.practice.review_plan import DEFAULT_RETENTION, DailyLimits
from tutor.sim.params import INT_LIMITS  # the bounds themselves, which the facade does not name

#: A config file is a few lines; anything larger is not one (and is not read whole).
MOST_BYTES = 64 * 1024

#: A theme's name as Textual spells them (``textual-dark``, ``rose-pine-moon``): any such name
#: is kept, for the app to use if its Textual has that theme (and to say so if it has not).
_THEME_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_MOST_THEME_CHARS = 40
_ALLOWED_THEMES = "a theme name such as textual-dark, nord or rose-pine-moon (words joined by -)"


class Binding(NamedTuple):
    """A key the learner may remap: its default keys (Textual's names) and what it does."""

    keys: str
    does: str


#: Every binding with an id, by id; a test checks that the UI's ``BINDINGS`` say the same.
BINDINGS: dict[str, Binding] = {
    "app.help": Binding("question_mark", "help on this screen"),
    "app.theme": Binding("ctrl+t", "light or dark theme"),
    "app.note": Binding("n", "write a note on what is shown"),
    "map.up": Binding("up,k", "map: the lesson above"),
    "map.down": Binding("down,j", "map: the lesson below"),
    "map.open": Binding("enter", "map: open the lesson"),
    "map.continue": Binding("c", "map: continue where you left off"),
    "map.lab": Binding("L", "map: open the lab"),
    "map.review": Binding("R", "map: review what is due"),
    "map.stats": Binding("S", "map: practice statistics"),
    "map.notes": Binding("N", "map: the notes"),
    "map.quit": Binding("q", "map: quit"),
    "lesson.back": Binding("escape", "lesson: back to the map"),
    "lesson.lab": Binding("l", "lesson: open the lab"),
    "lesson.practice": Binding("p", "lesson: practice"),
    "lesson.notes": Binding("N", "lesson: its notes"),
    "lesson.previous_section": Binding("left_square_bracket", "lesson: previous section"),
    "lesson.next_section": Binding("right_square_bracket", "lesson: next section"),
    "example.next_step": Binding("space", "worked example: next step"),
    "example.previous_step": Binding("b", "worked example: step back"),
    "witness.run": Binding("r", "code witness: run"),
    "witness.stop": Binding("x", "code witness: stop"),
    "witness.edit": Binding("e", "code witness: edit your copy"),
    "witness.reset": Binding("0", "code witness: put the lesson's code back"),
    "witness.leave_editor": Binding("escape", "witness editor: leave it (your copy kept)"),
    "witness.run_edited": Binding("ctrl+r", "witness editor: run your version"),
    "glossary.back": Binding("backspace", "glossary: back a term"),
    "practice.nudge": Binding("g", "practice: a nudge"),
    "practice.answer": Binding("a", "practice: the answer"),
    "practice.rate_easy": Binding("4", "practice: a right answer was easy (it comes back later)"),
    "practice.had_it": Binding("y", "practice: I had it"),
    "practice.missed_it": Binding("x", "practice: I missed it"),
    "practice.next": Binding("right_square_bracket", "practice: next item"),
    "practice.skip": Binding("ctrl+n", "practice: skip"),
    "practice.easy": Binding("e", "practice: easy items"),
    "practice.medium": Binding("m", "practice: medium items"),
    "practice.hard": Binding("d", "practice: hard items"),
    "practice.undo": Binding("u", "practice: undo the grade"),
    "practice.lab": Binding("l", "practice: open the lab"),
    "practice.review_ahead": Binding("v", "review over: review ahead"),
    "practice.cram": Binding("c", "review over: cram"),
    "practice.back": Binding("escape", "practice: back"),
    "practice.run_code": Binding("ctrl+r", "practice: run a code item's tests (a pass commits)"),
    "practice.edit_code": Binding("ctrl+b", "practice: open a code item's file in $EDITOR"),
    "practice.reset_code": Binding("0", "practice: put a code item's starter back"),
    "answer.commit": Binding("ctrl+s,ctrl+enter", "answer field: commit"),
    "answer.nudge": Binding("ctrl+g", "answer field: a nudge"),
    "answer.skip": Binding("ctrl+n", "answer field: skip"),
    "answer.leave": Binding("escape", "answer field: leave it"),
    "notes.jump": Binding("ctrl+g", "notes: go to its object"),
    "notes.edit": Binding("f2,e", "notes: edit"),
    "notes.prompt": Binding("ctrl+r", "notes: research prompt"),
    "notes.delete": Binding("d,delete", "notes: delete"),
    "notes.undo_delete": Binding("u", "notes: undo delete"),
    "notes.back": Binding("escape", "notes: back"),
    "note.save": Binding("ctrl+s", "note editor: save"),
    "note.close": Binding("escape", "note editor: close (draft kept)"),
    "lab.previous_tab": Binding("left_square_bracket", "lab: previous tab"),
    "lab.next_tab": Binding("right_square_bracket", "lab: next tab"),
    "lab.run": Binding("enter", "lab: train again"),
    "lab.stop": Binding("x", "lab: stop training"),
    "lab.back": Binding("escape", "lab: back"),
    "lab.up": Binding("up", "lab: the knob above"),
    "lab.down": Binding("down", "lab: the knob below"),
    "lab.less": Binding("left", "lab: less"),
    "lab.more": Binding("right", "lab: more"),
    "lab.skip": Binding("t", "lab: skip connection on or off"),
    "lab.reseed": Binding("r", "lab: reseed"),
    "lab.copy": Binding("c", "lab: copy the command"),
    "lab.reset": Binding("0", "lab: reset"),
    "lab.play": Binding("space", "lab: play the layer cursor"),
    "lab.step_back": Binding("comma", "lab: layer cursor back"),
    "lab.step_forward": Binding("full_stop", "lab: layer cursor forward"),
}


class ConfigError(ValueError):
    """A setting or a config file that cannot be used; ``str`` is one line naming the key
    and the allowed values."""


_SETTINGS = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class ReviewConfig(BaseModel):
    """How review is steered (used by the review screen and ``restutor review``)."""

    model_config = _SETTINGS
    desired_retention: Annotated[float, Ge(0.70), Le(0.99)] = DEFAULT_RETENTION
    #: New items introduced per day.
    new_per_day: Annotated[int, Ge(0), Le(1000)] = DailyLimits.new_per_day
    #: Due reviews per day.
    reviews_per_day: Annotated[int, Ge(0), Le(10_000)] = DailyLimits.reviews_per_day


class LabConfig(BaseModel):
    """The lab's default ensemble: how many networks, each seeing how many inputs."""

    model_config = _SETTINGS
    networks: Annotated[int, Ge(INT_LIMITS["networks"][0]), Le(INT_LIMITS["networks"][1])] = 4
    inputs: Annotated[int, Ge(INT_LIMITS["inputs"][0]), Le(INT_LIMITS["inputs"][1])] = 32


class Config(BaseModel):
    """Everything ``config.toml`` may say; the app holds one as ``RestutorApp.config``."""

    model_config = _SETTINGS
    theme: str = "textual-dark"
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    lab: LabConfig = Field(default_factory=LabConfig)
    #: Binding id -> keys, handed to ``App.set_keymap``.
    keymap: dict[str, str] = Field(default_factory=dict)

    @field_validator("theme")
    @classmethod
    def _theme_name(cls, theme: str) -> str:
        if len(theme) > _MOST_THEME_CHARS or not _THEME_NAME.fullmatch(theme):
            raise ValueError("theme")
        return theme

    @field_validator("keymap")
    @classmethod
    def _known_bindings(cls, keymap: dict[str, str]) -> dict[str, str]:
        for binding_id, keys in keymap.items():
            if binding_id not in BINDINGS:
                raise ConfigError(_unknown(f"keymap.{binding_id}", binding_keys(), "binding id"))
            if problem := keys_problem(keys):
                raise ConfigError(_must(f"keymap.{binding_id}", ALLOWED_KEYS, keys, problem))
        if clashing := clash(keymap, {i: b.keys for i, b in BINDINGS.items()}):
            raise ConfigError(clashing)
        return keymap


_TABLES: dict[str, type[BaseModel]] = {"review": ReviewConfig, "lab": LabConfig}


def setting_keys() -> list[str]:
    """Every setting's dotted key but the keymap's: ``theme``, ``review.new_per_day``, …"""
    keys = ["theme"]
    for table, model in _TABLES.items():
        keys += [f"{table}.{name}" for name in model.model_fields]
    return keys


def binding_keys() -> list[str]:
    """The keymap's dotted keys: ``keymap.lesson.practice``, …"""
    return [f"keymap.{binding_id}" for binding_id in BINDINGS]


def allowed(key: str) -> str:
    """What the setting ``key`` takes, in words (from the models' own bounds)."""
    if key == "theme":
        return _ALLOWED_THEMES
    if key.startswith("keymap."):
        return ALLOWED_KEYS
    table, _, name = key.partition(".")
    if table in _TABLES and not name:
        return f"a table of {', '.join(k for k in setting_keys() if k.startswith(table + '.'))}"
    if key == "keymap":
        return 'a table of binding ids and their keys, such as "lab.run" = "ctrl+r"'
    field = _TABLES[table].model_fields[name]
    low = next(m.ge for m in field.metadata if isinstance(m, Ge))
    high = next(m.le for m in field.metadata if isinstance(m, Le))
    kind = "a whole number" if field.annotation is int else "a number"
    return f"{kind} from {low:g} to {high:g}"


def _must(key: str, allowed_values: str, value: object, problem: str = "") -> str:
    why = f": {problem}" if problem else ""
    return f"{key} must be {allowed_values} (got {shown(value)}{why})"


#: How many binding ids an unknown one is shown beside (there are dozens).
_NEAREST_IDS = 6


def _unknown(key: str, known: list[str], what: str = "key") -> str:
    """One line: ``key`` is unknown, and the known ones, nearest first."""
    nearest = sorted(known, key=lambda k: -difflib.SequenceMatcher(None, key, k).ratio())
    listed = ", ".join(nearest)
    if what == "binding id":
        listed = ", ".join(nearest[:_NEAREST_IDS]) + ", … ('restutor config show' lists all)"
    return f"unknown {what} '{shown(key)[1:-1]}'; known: {listed}"


def _validated(data: dict[str, Any]) -> Config:
    """``data`` as a ``Config``, or the first thing wrong with it as one ``ConfigError``."""
    try:
        return Config.model_validate(data)
    except ValidationError as errors:
        error = errors.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        if isinstance(error.get("ctx", {}).get("error"), ConfigError):
            raise ConfigError(str(error["ctx"]["error"])) from None
        if error["type"] == "extra_forbidden":
            raise ConfigError(_unknown(key, setting_keys())) from None
        if key.startswith("keymap.") and error["loc"][1] not in BINDINGS:
            raise ConfigError(_unknown(key, binding_keys(), "binding id")) from None
        raise ConfigError(_must(key, allowed(key), error["input"])) from None


def _read(path: Path) -> str | None:
    """The file's text (None: there is none), refused if it is not a small text file; a FIFO
    or a device is refused without waiting on it (a TUI that hangs at start cannot say why)."""
    try:
        data = read_regular_file(path, MOST_BYTES, "a config file is a small TOML text file")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None
    except RefusedFile as refused:
        if path.is_file():  # regular, so refused for its size (said here in KB, not MB)
            raise ConfigError(
                f"{path}: larger than a config file can be ({MOST_BYTES // 1024} KB)"
            ) from None
        raise ConfigError(f"{path}: {refused}") from None
    try:
        return data.decode("utf-8-sig")  # Notepad starts its UTF-8 with a byte order mark
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (TOML is UTF-8)") from None


def _parsed(path: Path, text: str) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML (nested too deeply)") from None
    try:
        return _validated(data)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def load_config(path: Path | None = None) -> Config:
    """The settings in ``path`` (default ``paths.config_path()``); no file: the defaults."""
    path = path or paths.config_path()
    text = _read(path)
    return Config() if text is None else _parsed(path, text)


def _value_of(key: str, value: str) -> object:
    """The command line's text ``value`` as the type the setting ``key`` holds."""
    table, _, name = key.partition(".")
    if table not in _TABLES:
        return value
    kind = _TABLES[table].model_fields[name].annotation
    try:
        return int(value) if kind is int else float(value)
    except ValueError:
        raise ConfigError(_must(key, allowed(key), value)) from None


def set_value(key: str, value: str, path: Path | None = None) -> Config:
    """Set the dotted ``key`` to ``value`` (text, as typed) in the file at ``path``, keeping
    every other line of it; return the settings as they now are."""
    import tomlkit

    path = path or paths.config_path()
    if key not in setting_keys() and not key.startswith("keymap."):
        raise ConfigError(_unknown(key, setting_keys() + ["keymap.<binding id>"]))
    text = _read(path) or ""
    _parsed(path, text)  # a file that cannot be read is the learner's to mend, not overwritten
    document = tomlkit.parse(text)
    table, _, name = key.partition(".")
    if name:
        if table not in document:
            document[table] = tomlkit.table()
        document[table][name] = _value_of(key, value)
    else:
        document[key] = value
    new_text = tomlkit.dumps(document)
    config = _validated(tomllib.loads(new_text))
    _replace(path, new_text)
    return config


def _replace(path: Path, text: str) -> None:
    """Write ``text`` over ``path`` in one step (a symlink's target, so dotfiles stay linked)."""
    target = path.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".config-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise ConfigError(f"{path}: cannot be written ({error.strerror or error})") from None


class Setting(NamedTuple):
    key: str
    value: object
    default: bool


def settings(config: Config) -> list[Setting]:
    """Every setting (bindings included, at their keys now) and whether it is the default."""
    defaults = Config()
    rows = [Setting("theme", config.theme, config.theme == defaults.theme)]
    for table in _TABLES:
        ours, theirs = getattr(config, table), getattr(defaults, table)
        for name in type(ours).model_fields:
            value = getattr(ours, name)
            rows.append(Setting(f"{table}.{name}", value, value == getattr(theirs, name)))
    for binding_id, binding in BINDINGS.items():
        keys = config.keymap.get(binding_id, binding.keys)
        rows.append(Setting(f"keymap.{binding_id}", keys, keys == binding.keys))
    return rows
