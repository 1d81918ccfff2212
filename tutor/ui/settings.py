"""The learner's settings in the running app: read once at start, the theme and the key
bindings applied before the first paint, and a theme picked later remembered.

A config file that cannot be used is said once, in a toast, and left exactly as it is;
the app runs on the defaults. Without a file nothing is read: the defaults are built when
first asked for, so a first start does not import pydantic before the map paints.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, cast

from textual import work
from textual.command import CommandPalette
from textual.worker import Worker, WorkerState

from tutor import paths

if TYPE_CHECKING:
    from tutor.config import Config
    from tutor.ui.app import RestutorApp


class KeepsTheSettings:
    """``RestutorApp``'s part: ``config`` (screens read ``self.app.config``) and the theme."""

    _config: Config | None = None

    @property
    def config(self) -> Config:
        """The learner's settings (the defaults if there is no file or it cannot be used)."""
        if self._config is None:
            from tutor.config import Config

            self._config = Config()
        return self._config

    @config.setter
    def config(self, config: Config) -> None:
        self._config = config

    @property
    def desired_retention(self) -> float:
        """The scheduler's target recall, read without building the defaults (the map's
        first frame counts what is due)."""
        if self._config is None:
            from tutor.practice.review_plan import DEFAULT_RETENTION

            return DEFAULT_RETENTION
        return self._config.review.desired_retention

    @property
    def _settings_app(self) -> RestutorApp:
        return cast("RestutorApp", self)

    def read_settings(self) -> None:
        """Read the config file (once, at start; it is small, and nothing has painted yet)."""
        self._config_problem = ""
        where = paths.config_path()
        if where.exists() or where.is_symlink():  # a dangling link is the file's to refuse
            from tutor.config import Config, ConfigError, load_config

            try:
                self._config = load_config(where)
            except ConfigError as error:
                self._config, self._config_problem = Config(), str(error)
        #: The theme to remember next, and the lock that keeps two writes in order.
        self._theme_to_save = self._config.theme if self._config else self._settings_app.theme
        self._config_lock = threading.Lock()

    def apply_settings(self) -> None:
        """The settings' theme and key bindings, and (once) why the file was not used."""
        app = self._settings_app
        if self._config is None:
            return  # no file: the defaults are the app's own
        if self._config_problem:
            app.notify(
                f"{self._config_problem}; using the default settings (the file is left as it is)",
                severity="warning",
                timeout=15,
            )
        if self.config.theme in app.available_themes:
            app.theme = self.config.theme
        else:  # a theme of another Textual's: the file keeps it, this session has the default
            self._theme_to_save = app.theme
            app.notify(
                f"there is no theme '{self.config.theme}' in this Textual; using {app.theme}",
                severity="warning",
            )
        app.set_keymap(self.config.keymap)

    def watch_theme(self, theme: str) -> None:
        """Remember the theme the learner picks with ``ctrl+t``; the palette's is remembered
        when it closes (it may show themes as they are highlighted: not picks)."""
        if not isinstance(self._settings_app.screen, CommandPalette):
            self._remember_theme()

    def on_command_palette_closed(self, event: CommandPalette.Closed) -> None:
        """The palette's pick is made just after it closes: remember it then."""
        self._settings_app.call_after_refresh(self._remember_theme)

    def _remember_theme(self) -> None:
        """Write the theme now shown, if it is not the one last written, off the UI thread."""
        theme = self._settings_app.theme
        if theme == self._theme_to_save:
            return
        self._theme_to_save = theme
        if self._config_problem:  # said at start; the file is the learner's to mend
            self._settings_app.notify(
                "the theme is for this session only: the settings file cannot be used",
                severity="warning",
            )
            return
        self._save_theme()

    @work(thread=True, group="config", exit_on_error=False)
    def _save_theme(self) -> None:
        """Write the newest pick (a burst of toggles ends with the last one on disk)."""
        from tutor.config import set_value

        with self._config_lock:
            set_value("theme", self._theme_to_save)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A theme that could not be written (a read-only folder, a file being mended) is
        a toast; the theme stays for this session."""
        if event.worker.group == "config" and event.state == WorkerState.ERROR:
            self._settings_app.notify(
                f"the theme is not remembered: {event.worker.error}", severity="warning"
            )
