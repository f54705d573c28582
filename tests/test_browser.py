"""The workbook in a real browser: JupyterLab, headless Chromium, a slider moved by the keyboard.

nbval runs every cell but cannot see a widget work: a slider whose callback stopped redrawing
passes it. This test starts JupyterLab on a free port, opens `00-start-here` in Debian's `chromium`
(driven by Playwright from PyPI, never its own browser download), runs all cells from the Run
menu, checks that no cell shows an error, moves the `explore` slider one step and waits for the
widget's chart and verdict to change. A failing run saves full-page screenshots and the server's
log in `test-artifacts/browser/` and names that folder in its message.

It skips, saying why, when Playwright or a Chromium binary is missing (`.ci/run` installs
Debian's `chromium` when it runs as root). Select it alone with `pytest -m browser`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "00-start-here.ipynb"  # the lightest notebook with an explore() widget
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# Timeouts are generous on purpose (2 shared cores, a cold Chromium); a passing run needs a fraction.
SERVER_START, PAGE_READY, RUN_ALL, REDRAW = 120.0, 120.0, 300.0, 60.0


def _chromium() -> str | None:
    """Debian's chromium (apt-get install chromium), or one on PATH."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: install Debian's `chromium` "
                       "(apt-get install chromium; .ci/run does it as root) to run the browser test"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                               "(pip install -r requirements.txt installs it)")
pytest.importorskip("jupyterlab", reason="JupyterLab is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_lab_settings(config_dir: Path) -> None:
    """Every cell in the DOM (no windowing), and no news prompt over the page."""
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    for extension, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                              "apputils-extension/notification": {"fetchNews": "false",
                                                                  "checkForUpdates": False}}.items():
        path = settings / f"{extension}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


class Lab:
    """A JupyterLab server in its own process group, with its own config, data and runtime dirs."""

    def __init__(self, home: Path) -> None:
        self.home, self.port, self.token = home, _free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = home / "jupyterlab.log"
        notebooks = home / "notebooks"
        notebooks.mkdir()
        shutil.copy(NOTEBOOK, notebooks / NOTEBOOK.name)
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the notebook picks inline itself
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            env[name] = str(home / name.lower())  # nothing of the user's is read or written
        env["PERFKIT_BUDGET_SCALE"] = "0.2"  # every measurement five times shorter
        _write_lab_settings(Path(env["JUPYTER_CONFIG_DIR"]))
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={self.port}",
                   "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={notebooks}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # JupyterLab refuses root without it (a CI container)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, env=env, cwd=notebooks, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def log(self, lines: int = 30) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _get(self, path: str) -> bytes:
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.read()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {self.process.returncode}:\n{self.log()}")
            try:
                json.loads(self._get("/api/status"))
                return
            except (OSError, ValueError):
                time.sleep(0.25)
        pytest.fail(f"JupyterLab did not answer /api/status within {timeout:.0f} s:\n{self.log()}")

    def kernel_idle(self) -> bool:
        """True once the notebook's kernel is started, connected to the page, and idle."""
        try:
            sessions = json.loads(self._get("/api/sessions"))
        except (OSError, ValueError):
            return False
        kernels = [s["kernel"] for s in sessions if s.get("path", "").endswith(NOTEBOOK.name) and s.get("kernel")]
        return any(k.get("execution_state") == "idle" and k.get("connections", 0) > 0 for k in kernels)

    def stop(self) -> None:
        """Shut kernels down through the server, then end the server's group and any child left."""
        import psutil  # ipykernel depends on it

        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            children = []
        try:  # kernels run in sessions of their own: the server stops them, not a signal to its group
            request = urllib.request.Request(self.url + "/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {self.token}"})
            urllib.request.urlopen(request, timeout=5).close()
            self.process.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        for child in children:
            try:
                child.kill()
            except psutil.Error:
                pass
        self._log.close()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    server = Lab(tmp_path)
    try:
        server.wait_ready(SERVER_START)
        yield server
    finally:
        server.stop()


# What counts as an error in an output: JupyterLab renders a traceback as stderr text (a warning is
# stderr too, so the text decides), some versions under the error MIME type.
OUTPUTS = ('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
           '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\s*(\w+\.)*\w*(Error|Exception)\b", re.M)
PROMPTS = "els => els.map(e => e.textContent.trim())"
SLIDER_HANDLE = ".noUi-handle, .ui-slider-handle, input[type=range]"  # ipywidgets 8, 7, plain


def _errors(page) -> list[str]:
    texts = page.eval_on_selector_all(OUTPUTS, "els => els.map(e => e.textContent)")
    return [t.strip()[-600:] for t in texts if ERROR_TEXT.search(t)]


def _no_dialog(page) -> None:
    """A dialog (which kernel? restart?) blocks the page: say what it asks at once, not at a timeout."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        raise AssertionError(f"JupyterLab shows a dialog: {' '.join(dialog.first.inner_text().split())!r}")


def _widget_state(widget) -> tuple[str, str]:
    """The widget's chart (a hash of its image's src) and its text (the verdict)."""
    output = widget.locator(".widget-output").first
    images = output.locator("img").evaluate_all("els => els.map(e => e.src)")
    chart = hashlib.sha256("".join(images).encode()).hexdigest()[:12] if images else ""
    return chart, " ".join(output.inner_text().split())


def _wait_for(what: str, check, timeout: float, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)


def _drive(page, lab: Lab) -> None:
    page.goto(f"{lab.url}/lab/tree/{NOTEBOOK.name}?token={lab.token}")
    indicator = page.locator(".jp-Notebook-ExecutionIndicator")
    # The page shows "idle" before its kernel exists, and Run All then asks which kernel to start:
    # wait until the server has the notebook's kernel connected and idle, and the page says so too.
    _wait_for("the notebook's kernel did not start and settle", lab.kernel_idle, PAGE_READY, 0.5)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status=idle]").wait_for(timeout=PAGE_READY * 1000)

    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt")

    def finished() -> bool:  # Run All marks every queued cell [*] at once; idle with none left
        _no_dialog(page)
        shown = prompts.evaluate_all(PROMPTS)
        return (bool(shown) and shown[0] != "[ ]:" and not any("*" in p for p in shown)
                and indicator.get_attribute("data-status") == "idle")

    _wait_for("Run All Cells did not finish (a [*] prompt or a busy kernel)", finished, RUN_ALL, 0.5)
    errors = _errors(page)
    assert not errors, "a cell shows an error after Run All Cells:\n" + "\n---\n".join(errors)
    shown = prompts.evaluate_all(PROMPTS)
    skipped = [i for i, p in enumerate(shown) if not re.fullmatch(r"\[\d+\]:", p)]
    assert not skipped, f"code cells {skipped} did not run (prompts {shown})"

    widget = page.locator(".widget-interact").first
    assert widget.count(), "no explore() widget (.widget-interact) is shown after Run All Cells"
    handle = widget.locator(SLIDER_HANDLE).first
    readout = widget.locator(".widget-readout").first
    before_value = readout.inner_text()

    def drawn():
        chart, verdict = _widget_state(widget)
        return (chart, verdict) if chart and verdict else None

    before = _wait_for("the widget never drew a chart and a verdict", drawn, REDRAW)

    handle.focus()
    page.keyboard.press("ArrowRight")  # one step: n = 100 -> 200; released at once, so it re-measures
    _wait_for(f"the slider's readout did not move from {before_value}",
              lambda: readout.inner_text() != before_value, REDRAW)
    after_value = readout.inner_text()

    def redrawn():
        chart, verdict = _widget_state(widget)
        done = (chart and verdict and chart != before[0] and verdict != before[1]
                and indicator.get_attribute("data-status") == "idle")
        return (chart, verdict) if done else None

    try:
        after = _wait_for("redraw", redrawn, REDRAW, 0.5)
    except AssertionError:
        chart, verdict = _widget_state(widget)
        raise AssertionError(
            f"moving the slider from {before_value} to {after_value} did not redraw the widget within "
            f"{REDRAW:.0f} s: chart {'changed' if chart != before[0] else 'unchanged'} "
            f"({before[0] or 'none'} -> {chart or 'none'}), verdict "
            f"{'changed' if verdict != before[1] else 'unchanged'} ({before[1]!r} -> {verdict!r})") from None
    print(f"slider {before_value} -> {after_value}: chart {before[0]} -> {after[0]}\n"
          f"  verdict {before[1]!r}\n       -> {after[1]!r}")
    assert re.search(r"\b(holds|refuted|inconclusive)\b", after[1]), f"no verdict in the widget: {after[1]!r}"
    errors = _errors(page)
    assert not errors, "an output shows an error after moving the slider:\n" + "\n---\n".join(errors)


def _save_artifacts(page, lab: Lab) -> None:
    """The whole page, the widget in view, and the server's log, for a run that failed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(lab.log_path, ARTIFACTS / "jupyterlab.log")
    try:
        page.screenshot(path=str(ARTIFACTS / "page.png"), full_page=True)
        widget = page.locator(".widget-interact").first
        if widget.count():
            widget.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "widget.png"))
    except sync_api.Error as error:  # a crashed page still leaves the log and the message
        (ARTIFACTS / "screenshot-failed.txt").write_text(str(error), encoding="utf-8")


def test_the_start_here_widget_redraws_its_chart_and_verdict_in_a_browser(lab: Lab) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    page_errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            try:
                _drive(page, lab)
                failure = None
            except Exception as error:  # an assertion, or Playwright's own timeout
                _save_artifacts(page, lab)
                failure = str(error)
        finally:
            browser.close()
    if failure is not None:
        scripts = f"\nerrors in the page's scripts: {page_errors}" if page_errors else ""
        pytest.fail(f"{failure}{scripts}\nscreenshots and the server's log: {ARTIFACTS}", pytrace=False)
