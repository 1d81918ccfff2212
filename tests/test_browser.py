"""The tutor in a real browser: ``restutor serve`` on a free port, headless Chromium driven by
Playwright, keys pressed as a learner presses them, and the page's terminal read back.

The page's terminal is xterm.js drawing on a canvas, so its text is read from xterm's own
buffer: an init script catches textual-serve's client object as its constructor sets
``websocket_url`` (the client keeps the xterm ``Terminal`` as ``.terminal``). Screenshots go
to ``$RESTUTOR_TEST_ARTIFACTS`` (default ``test-artifacts/`` in the checkout).

Chromium is the system's (``apt-get install -y chromium``); no browser is downloaded. Where
none is installed the test is skipped, except under ``CI``, where that fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.served import PATIENCE, Served, served

#: The flags a closed network needs: no GPU, no sandbox (root in CI), and none of Chromium's
#: background connections, which the network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Keeps textual-serve's client objects (the first property its constructor sets is
#: ``websocket_url``) in ``window.textualClients``.
CATCH_THE_CLIENT = """
window.textualClients = [];
Object.defineProperty(Object.prototype, "websocket_url", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "websocket_url", {
      value, writable: true, configurable: true, enumerable: true,
    });
    window.textualClients.push(this);
  },
});
"""

#: The terminal's visible rows as text, or null before the client has its terminal.
SCREEN_TEXT = """() => {
  const terminal = window.textualClients.length ? window.textualClients[0].terminal : null;
  if (!terminal) return null;
  const buffer = terminal.buffer.active;
  const rows = [];
  for (let row = 0; row < terminal.rows; row++) {
    const line = buffer.getLine(buffer.viewportY + row);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""

SHOWS_ALL = f"(needles) => {{ const text = ({SCREEN_TEXT})(); "
SHOWS_ALL += "return text !== null && needles.every((needle) => text.includes(needle)); }"


@pytest.fixture
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(
                "no chromium on PATH, and CI must run the browser test: install it "
                "(apt-get install -y chromium)"
            )
        pytest.skip("no chromium on PATH (apt-get install -y chromium); CI never skips this")
    return found


def artifacts_dir() -> Path:
    default = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder = Path(os.environ.get("RESTUTOR_TEST_ARTIFACTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def server(monkeypatch) -> Iterator[Served]:
    """``restutor serve`` in colour (the screenshots show what a learner sees); its process
    group is killed at teardown, whatever the test did."""
    monkeypatch.delenv("NO_COLOR")
    with served() as running:
        yield running


@pytest.fixture
def page(chromium, tmp_path) -> Iterator[object]:
    """A tab of a fresh headless Chromium that reaches this machine only."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile",
            executable_path=chromium,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
        )
        try:
            tab = context.new_page()
            # The page asks Google for a font: refused at once here, not after a timeout.
            tab.route("**/*", _local_only)
            tab.add_init_script(CATCH_THE_CLIENT)
            yield tab
        finally:
            context.close()


def _local_only(route) -> None:
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def screen(page) -> str:
    return page.evaluate(SCREEN_TEXT) or ""


def wait_for_screen(page, *needles: str) -> str:
    """Until the terminal shows every one of ``needles``; then its text."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(SHOWS_ALL, arg=list(needles), timeout=PATIENCE * 1000)
    except PlaywrightTimeout:
        raise AssertionError(
            f"the page never showed {needles}; it shows:\n{screen(page)}"
        ) from None
    return screen(page)


def test_the_tutor_in_a_browser_opens_the_lesson_and_the_lab(page, server):
    artifacts = artifacts_dir()
    page.goto(server.url)
    wait_for_screen(page, "restutor — Map", "★ start here", "Residual connections")
    page.screenshot(path=artifacts / "browser-map.png")

    page.locator(".xterm-helper-textarea").focus()
    page.keyboard.press("j")
    page.keyboard.press("j")
    wait_for_screen(page, "Residual connections — ")  # its card in the detail pane
    page.keyboard.press("Enter")
    lesson = wait_for_screen(page, "restutor — Residual connections", "Edit, don't rewrite")
    assert "y = x + F(x)" in lesson and "Worked examples" in lesson
    page.screenshot(path=artifacts / "browser-lesson.png")

    page.keyboard.press("l")
    lab = wait_for_screen(page, "restutor — lab", "forward", "across depth", "readout")
    assert "Signal" in lab and "Lesion" in lab and "Train" in lab
    page.screenshot(path=artifacts / "browser-lab.png")
