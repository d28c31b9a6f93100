"""Time the whole app in headless Chromium on synthetic incidents (default 100,000).

    python -m bench.bench_app [--n 100000] [--out bench/out] [--screenshots bench/out]

Starts `streamlit run app.py` with PKIR_DATA_DIR pointing at a synthetic data folder and
prints, in seconds from navigation start:
  - the map page: Streamlit idle, the st_folium map's first feature drawn, and the map settled
    (nothing new drawn for --quiet seconds; reported as the time of the last change);
    cold (first session: the server loads and caches the data) and warm (a new session);
  - the incidents explorer: opened from the map page by its navigation link, and opened
    directly by URL in a new session.
Numbers are printed, never asserted. Needs chromium on PATH (Debian's package).
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from bench.bench_load import data_dir_for
from tests.browser.harness import (
    CHROMIUM_ARGS,
    VIEWPORT,
    app_errors,
    goto_page,
    launch_app,
    wait_for_app,
    wait_for_map,
)

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 600_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


# Drawn paths and markers, and whether the app's map script (views/map/static/pkir.js, window.PKIR) is still
# loading a layer: incidents are fetched, turned into markers, then clustered in chunks
# (markercluster's chunkedLoading; _topClusterLevel._childCount counts the markers clustered).
_DRAWN_JS = """() => [
  document.querySelectorAll('.leaflet-interactive, .leaflet-marker-icon').length,
  !!(window.PKIR && Object.values(window.PKIR.cache || {}).some(e => e && !e.error && (!e.loaded ||
     (e.ids && e.group && e.group._map && e.group._topClusterLevel &&
      e.group._topClusterLevel._childCount < e.ids.size))))
]"""


def _map_times(page, t0: float, quiet_s: float) -> tuple[str, str]:
    """Seconds until the map first drew a feature, and until it stopped drawing more.

    "Settled" is the last time the number of drawn paths and markers changed (or a pending
    layer finished loading), once nothing is pending and the count has held for quiet_s.
    """
    if page.locator(MAP_IFRAME).count() == 0:
        return "no st_folium map on this page", ""
    frame = wait_for_map(page, timeout=TIMEOUT_MS)
    first = time.perf_counter() - t0
    state, changed = frame.evaluate(_DRAWN_JS), time.perf_counter()
    deadline = changed + TIMEOUT_MS / 1000
    while (state[1] or time.perf_counter() - changed < quiet_s) and time.perf_counter() < deadline:
        page.wait_for_timeout(200)
        now = frame.evaluate(_DRAWN_JS)
        if now != state:
            state, changed = now, time.perf_counter()
    return f"{first:.1f}", f"{changed - t0:.1f} ({state[0]} drawn)"


def open_map(browser, url: str, shot: Path | None, quiet_s: float) -> tuple[float, str, str, list[str]]:
    """(s to Streamlit idle, s to first feature, s to map settled, exceptions) for a new session."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS)
    idle = time.perf_counter() - t0
    first, settled = _map_times(page, t0, quiet_s)
    if shot:
        page.screenshot(path=str(shot))
    errors = app_errors(page)
    context.close()
    return idle, first, settled, errors


def open_explorer(browser, url: str, via_nav: bool, shot: Path | None) -> tuple[float, list[str]]:
    """Seconds until the incidents explorer is idle, from a click in the nav or a direct URL."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    if via_nav:
        page.goto(url, timeout=TIMEOUT_MS)
        wait_for_app(page, timeout=TIMEOUT_MS)
        t0 = time.perf_counter()
        goto_page(page, url, "Incidents explorer", timeout=TIMEOUT_MS)
    else:
        t0 = time.perf_counter()
        page.goto(f"{url}/incidents", timeout=TIMEOUT_MS)
        wait_for_app(page, timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - t0
    if shot:
        page.screenshot(path=str(shot))
    errors = app_errors(page)
    context.close()
    return seconds, errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--screenshots", type=Path, help="folder for screenshots of each measured page")
    parser.add_argument(
        "--quiet",
        type=float,
        default=5.0,
        help="the map counts as settled once nothing new is drawn for this many seconds",
    )
    args = parser.parse_args(argv)
    exe = shutil.which("chromium")
    if exe is None:
        raise SystemExit("chromium not found on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    folder = data_dir_for(args.out, args.n)
    shots = args.screenshots
    if shots:
        shots.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> Path | None:
        return shots / f"app_{args.n}_{name}.png" if shots else None

    t0 = time.perf_counter()
    server = launch_app(data_dir=folder, timeout=120)
    print(f"{args.n:,} synthetic incidents in {folder}; server healthy in {time.perf_counter() - t0:.1f} s")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
            rows = []
            for label in ("cold", "warm"):
                idle, first, settled, errors = open_map(browser, server.url, shot(f"map_{label}"), args.quiet)
                rows.append((f"Border map ({label})", f"{idle:.1f}", first, settled, errors))
            for label, via_nav in (("nav click", True), ("direct URL", False)):
                seconds, errors = open_explorer(browser, server.url, via_nav, shot(f"incidents_{label[:3]}"))
                rows.append((f"Incidents explorer ({label})", f"{seconds:.1f}", "", "", errors))
            browser.close()
    finally:
        server.stop()
    print("page | s to Streamlit idle | s to first map feature | s to map settled | exceptions")
    for name, idle, first, settled, errors in rows:
        shown = "; ".join(e.splitlines()[0] for e in errors) or "none"
        print(f"{name} | {idle} | {first or '-'} | {settled or '-'} | {shown}")


if __name__ == "__main__":
    main()
