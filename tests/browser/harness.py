"""The browser-test harness, importable from tests and bench/: a real Streamlit server on a
free port (readiness poll, no sleep), Chromium flags, request recording, and waits for the app
and its maps. The pytest fixtures built on it are in conftest.py.

  launch_app(data_dir=None, env=None) -> AppServer   start the app, wait until healthy
  instrument(page)           record every request (page.recorded_requests) and websocket message
  wait_for_app(page)         wait until Streamlit has finished running and drawn the page
  run_and_wait(page, action) do action() and wait for the rerun it triggers to start and finish
  goto_page(page, base_url, title)  open a page by clicking its sidebar navigation link
  app_errors(page)           texts of Streamlit exception elements on the page
  sideways_overflow(page)    pixels the page or its main area would scroll sideways (0 = none)
  external_requests(urls)    the URLs that go to a host other than 127.0.0.1 / localhost
  folium_frame(page, index=0)           the Frame inside the index-th st_folium iframe
  wait_for_map(page, index=0, min_features=1)  wait until that map drew paths/markers; returns the Frame
  nav_link(page, title)      the sidebar navigation link Locator of a page
  find_single_incident(frame, skip=None)  an incident drawn on its own, clickable (zooms in until one is)
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
HERE = Path(__file__).resolve().parent

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
VIEWPORT = {"width": 1280, "height": 900}
STARTUP_TIMEOUT_S = 60.0
# Playwright timeouts are in milliseconds; a 2-core machine running a server and a browser is slow.
DEFAULT_TIMEOUT_MS = 60_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def in_ci() -> bool:
    """True in CI, or when scripts/test.sh (which installs Chromium) runs the tests."""
    return _flag("CI") or _flag("PKIR_REQUIRE_BROWSER")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# ---------------------------------------------------------------- the Streamlit server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """One `streamlit run app.py` in its own process group, logging to temporary files."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        env: dict[str, str] | None = None,
        cwd: Path = ROOT,
        preload: bool = False,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._logs = tempfile.TemporaryDirectory(prefix="pkir-app-")
        self.stdout_path = Path(self._logs.name) / "stdout.log"
        self.stderr_path = Path(self._logs.name) / "stderr.log"
        full_env = {**os.environ, "PKIR_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
        if data_dir is not None:
            full_env["PKIR_DATA_DIR"] = str(data_dir)
        full_env.update(env or {})
        # preload: `python -m ui.serve` (loads the data, then runs Streamlit), else `streamlit run app.py`
        cmd = [
            sys.executable,
            "-m",
            *(["ui.serve"] if preload else ["streamlit", "run", "app.py"]),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                cmd, cwd=cwd, env=full_env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True
            )

    def output(self) -> str:
        parts = []
        for label, path in (("stderr", self.stderr_path), ("stdout", self.stdout_path)):
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
            parts.append(f"--- server {label} ---\n{text.strip()[-6000:]}")
        return "\n".join(parts)

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT_S) -> None:
        """Poll the health endpoint until it answers ok; raise with the server's output if not."""
        deadline = time.monotonic() + timeout
        health = f"{self.url}/_stcore/health"
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.proc.returncode} before it was ready\n" + self.output()
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as resp:
                    body = resp.read().decode("utf-8", "replace").strip()
                    if resp.status == 200 and body == "ok":
                        return
                    last = f"HTTP {resp.status}: {body!r}"
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                last = str(exc)
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit not ready at {health} after {timeout:.0f} s ({last})\n" + self.output())

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._logs.cleanup()

    def __enter__(self) -> AppServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_app(
    data_dir: str | Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = STARTUP_TIMEOUT_S,
    preload: bool = False,
) -> AppServer:
    """Start the app and wait until it is healthy (also usable outside pytest, e.g. bench/)."""
    server = AppServer(data_dir=data_dir, env=env, preload=preload)
    server.wait_ready(timeout)
    return server


def instrument(page) -> list[str]:
    """Record every request URL of the page, its iframes and its websockets in
    page.recorded_requests, and every websocket message received in page.ws_messages."""
    urls: list[str] = []
    messages: list[float] = []

    def on_websocket(ws) -> None:
        urls.append(ws.url)
        ws.on("framereceived", lambda _payload: messages.append(time.monotonic()))

    page.on("request", lambda req: urls.append(req.url))
    page.on("websocket", on_websocket)
    page.recorded_requests = urls
    page.ws_messages = messages
    return urls


def external_requests(urls) -> list[str]:
    """The URLs whose host is not this machine (data:, blob: and about: URLs are local)."""
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension", ""):
            continue
        if (parts.hostname or "") not in LOCAL_HOSTS:
            out.append(url)
    return out


# ---------------------------------------------------------------- helpers for tests

# True once the app is connected, has run its script, shows no running indicator or spinner.
_IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  const conn = app.getAttribute('data-test-connection-state');
  if (state !== 'notRunning' || (conn && conn !== 'CONNECTED')) return false;
  if (document.querySelector('[data-testid="stSpinner"]')) return false;
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  if (status && /running/i.test(status.innerText || '')) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  return !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]');
}
"""


# True once the app has been idle (_IDLE_JS) for `settle` ms without a break (reset
# window.__pkirIdleSince first).
IDLE_FOR_JS = (
    "(settle) => {"
    f" const ok = ({_IDLE_JS.strip()})();"
    " const now = performance.now();"
    " if (!ok) { window.__pkirIdleSince = null; return false; }"
    " if (window.__pkirIdleSince == null) window.__pkirIdleSince = now;"
    " return now - window.__pkirIdleSince >= settle; }"
)

# An incident drawn on its own whose centre is really clickable (no marker or control above it,
# the canvas' hit test finds it and nothing else, so the click opens it without a chooser), left
# of where the record opens, not the one to skip (an id or a row): its row, id, position, and
# where it is in the iframe.
SINGLE_INCIDENT_JS = """([skip, margin]) => {
  const layer = PKIR.layers.incidents, box = PKIR.map.getContainer().getBoundingClientRect();
  for (const v of layer.visible()) {
    if (v.id === skip || v.row === skip) continue;
    if (v.x < margin || v.y < margin || v.x > box.width - margin || v.y > box.height - margin) continue;
    if (v.x > box.width * 0.45) continue;  // the record opens over the map's right side
    if (layer.covered(L.point(v.x, v.y))) continue;
    // nothing else under the pointer there (else a click lists what is there to choose from)
    const under = layer.hits(L.point(v.x, v.y), 3);
    if (under.length !== 1 || under[0].i !== v.row || PKIR.placesAt(L.point(v.x, v.y), 0).length) continue;
    return {row: v.row, id: v.id, lat: layer.d.lat[v.row], lon: layer.d.lon[v.row],
            x: box.left + v.x, y: box.top + v.y};
  }
  return null;
}"""


def find_single_incident(frame, skip=None, margin: int = 40):
    """SINGLE_INCIDENT_JS, zooming in on the middle of the view until there is one (large sets are
    grouped at first); None if six steps find none."""
    for _ in range(6):
        found = frame.evaluate(SINGLE_INCIDENT_JS, [skip, margin])
        if found:
            return found
        frame.evaluate("() => PKIR.map.setZoom(PKIR.map.getZoom() + 1.5, {animate: false})")
        frame.wait_for_timeout(300)
    return None


def wait_for_app(page, timeout: float = DEFAULT_TIMEOUT_MS, settle_ms: int = 500) -> None:
    """Wait until Streamlit is idle and the page is drawn, and has stayed so for settle_ms.

    The settle window covers the gap between a click and the rerun it triggers.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.evaluate("window.__pkirIdleSince = null")  # the window outlives a page switch (one document)
    page.wait_for_function(
        IDLE_FOR_JS,
        arg=settle_ms,
        polling=100,
        timeout=timeout,
    )


def run_and_wait(page, action, timeout: float = DEFAULT_TIMEOUT_MS, start_timeout: float = 15_000) -> None:
    """Do action() (a click, a fill, ...) and wait for the script rerun it causes to finish.

    Stronger than wait_for_app alone: it waits for the server's first answer on the app's
    websocket before waiting for idle, so a slow start is not mistaken for a finished run
    (a fast run may never show "running" in the DOM). Needs an instrumented page (the `page`
    fixture is). Raises if the server sends nothing within start_timeout ms.
    """
    if not hasattr(page, "ws_messages"):
        raise ValueError("page is not instrumented: call instrument(page) right after creating it")
    wait_for_app(page, timeout)
    before = len(page.ws_messages)
    action()
    deadline = time.monotonic() + start_timeout / 1000
    while len(page.ws_messages) == before:
        if time.monotonic() > deadline:
            raise AssertionError(f"no Streamlit rerun started within {start_timeout / 1000:g} s of the action")
        page.wait_for_timeout(50)  # lets Playwright deliver the websocket events
    wait_for_app(page, timeout)


def nav_link(page, title: str):
    """The sidebar navigation link of a page, by its title."""
    # a Material icon is drawn from its name as text (a ligature, e.g. "timeline") before the title
    label = re.compile(rf"^\W*(?:[a-z_]+\W*)?{re.escape(title)}\s*$")
    return page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=label)


def goto_page(page, base_url: str, title: str, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
    """Open the app (if not already open) and go to a page by clicking its sidebar link."""
    if not page.url.startswith(base_url):
        page.goto(base_url, timeout=timeout)
        wait_for_app(page, timeout)
    link = nav_link(page, title)
    link.wait_for(state="visible", timeout=timeout)
    if link.get_attribute("aria-current") != "page":
        link.click(timeout=timeout)
        page.wait_for_function(
            """(title) => [...document.querySelectorAll('[data-testid="stSidebarNavLink"]')]
                 .some(a => a.getAttribute('aria-current') === 'page' && a.innerText.trim().endsWith(title))""",
            arg=title,
            timeout=timeout,
        )
    wait_for_app(page, timeout)


def app_errors(page) -> list[str]:
    """The texts of Streamlit exception boxes on the page (empty when there are none)."""
    return [t.strip() for t in page.locator('[data-testid="stException"]').all_inner_texts()]


def sideways_overflow(page) -> int:
    """How many pixels the document or Streamlit's main area is wider than its view."""
    return page.evaluate("""() => {
      const views = [document.documentElement, document.querySelector('[data-testid="stMain"]')].filter(Boolean);
      return Math.max(...views.map(el => el.scrollWidth - el.clientWidth));
    }""")


def folium_frame(page, timeout: float = DEFAULT_TIMEOUT_MS, index: int = 0):
    """The Frame of the index-th st_folium map on the page."""
    selector = 'iframe[title="streamlit_folium.st_folium"]'
    page.wait_for_selector(selector, timeout=timeout)
    handle = page.locator(selector).nth(index).element_handle(timeout=timeout)
    frame = handle.content_frame()
    if frame is None:
        raise AssertionError("st_folium iframe has no content frame")
    return frame


def wait_for_map(page, timeout: float = DEFAULT_TIMEOUT_MS, index: int = 0, min_features: int = 1):
    """Wait until the st_folium map has drawn at least min_features vector paths or markers."""
    frame = folium_frame(page, timeout, index)
    frame.wait_for_function(
        """(n) => document.querySelector('.leaflet-container') &&
                  document.querySelectorAll('.leaflet-interactive, .leaflet-marker-icon').length >= n""",
        arg=min_features,
        polling=100,
        timeout=timeout,
    )
    return frame
