"""The learner's settings in the running app: read once at start, the theme and the key
bindings applied before the first paint, and a theme picked later remembered.

A config file that cannot be used is said once, in a toast, and left exactly as it is;
the app runs on the defaults.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, cast

from textual import work
from textual.command import CommandPalette
from textual.worker import Worker, WorkerState

from tutor.config import Config, ConfigError, load_config, set_value

if TYPE_CHECKING:
    from tutor.ui.app import RestutorApp


class KeepsTheSettings:
    """``RestutorApp``'s part: ``config`` (screens read ``self.app.config``) and the theme."""

    #: The learner's settings (the defaults if the file cannot be used).
    config: Config

    @property
    def _settings_app(self) -> RestutorApp:
        return cast("RestutorApp", self)

    def read_settings(self) -> None:
        """Read the config file (once, at start; it is small, and nothing has painted yet)."""
        try:
            self.config, self._config_problem = load_config(), ""
        except ConfigError as error:
            self.config, self._config_problem = Config(), str(error)
        #: The theme to remember next, and the lock that keeps two writes in order.
        self._theme_to_save = self.config.theme
        self._config_lock = threading.Lock()

    def apply_settings(self) -> None:
        """The settings' theme and key bindings, and (once) why the file was not used."""
        app = self._settings_app
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
        with self._config_lock:
            set_value("theme", self._theme_to_save)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A theme that could not be written (a read-only folder, a file being mended) is
        a toast; the theme stays for this session."""
        if event.worker.group == "config" and event.state == WorkerState.ERROR:
            self._settings_app.notify(
                f"the theme is not remembered: {event.worker.error}", severity="warning"
            )
