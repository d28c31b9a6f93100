"""First visit of the incidents explorer and the chronology at scale (issue 12).

    python -m bench.bench_pages [--n 100000] [--out bench/out] [--repeat 3]

Starts the app on a synthetic data folder (bench.synthetic, made once under --out), loads the
incidents once (a first session), then opens each page in new sessions two ways: by URL (as
bench/bench_scale.py does: a browser with nothing loaded) and from the map by the sidebar (a
reader's usual way in: Streamlit's own scripts are loaded, the page's are not). Printed per visit:
seconds until the page's chart is drawn and until Streamlit is idle (the page's scripts done, every
element drawn), the time the last websocket message arrived, and the bytes the websocket brought.
Numbers are printed, never asserted; the machine's load average is printed with them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.bench_load import data_dir_for
from bench.bench_scale import load_average
from bench.chromium import chromium_or_exit
from tests.browser.harness import CHROMIUM_ARGS, VIEWPORT, launch_app, nav_link, wait_for_app

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 600_000
SETTLE_MS = 300
CHART = "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"
PAGES = (("explorer", "incidents"), ("chronology", "chronology"))
TITLES = {"explorer": "Incidents explorer", "chronology": "Chronology"}


def visit(browser, url: str) -> dict:
    """One first visit in a new session: chart drawn, idle, last message (s) and bytes received."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    t0 = time.perf_counter()
    frames: list[tuple[float, int]] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda m: frames.append((time.perf_counter() - t0, len(m)))),
    )
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
    chart = time.perf_counter() - t0
    wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=SETTLE_MS)
    idle = time.perf_counter() - t0 - SETTLE_MS / 1000
    context.close()
    return {"chart": chart, "idle": idle, "last": frames[-1][0] if frames else 0, "bytes": sum(n for _, n in frames)}


def visit_from_map(browser, base: str, name: str) -> dict:
    """A first visit by the sidebar, in a new session that opened the map first (a reader's usual
    way in): chart drawn and idle, seconds from the click."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    frames: list[tuple[float, int]] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda m: frames.append((time.perf_counter(), len(m)))))
    page.goto(base, timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=SETTLE_MS)
    t0 = time.perf_counter()
    nav_link(page, TITLES[name]).click()
    page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
    chart = time.perf_counter() - t0
    wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=SETTLE_MS)
    idle = time.perf_counter() - t0 - SETTLE_MS / 1000
    context.close()
    after = [(t - t0, n) for t, n in frames if t >= t0]
    return {"chart": chart, "idle": idle, "last": after[-1][0] if after else 0, "bytes": sum(n for _, n in after)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    folder = data_dir_for(args.out, args.n)
    print(f"{args.n:,} incidents; load average {load_average()} at start", flush=True)
    server = launch_app(data_dir=folder, timeout=600)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_or_exit(), args=CHROMIUM_ARGS)
            first = visit(browser, f"{server.url}/{PAGES[0][1]}")  # the server loads the incidents here
            print(f"first session (loads the data): {first['idle']:.1f} s", flush=True)
            results: dict[str, list[dict]] = {}
            for _ in range(args.repeat):
                for name, path in PAGES:
                    results.setdefault(f"{name}, by URL", []).append(visit(browser, f"{server.url}/{path}"))
                    results.setdefault(f"{name}, from the map", []).append(visit_from_map(browser, server.url, name))
            browser.close()
    finally:
        server.stop()
    print("| page | idle s, median (min) | chart drawn s, median | last message s, median | MB received |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in ("idle", "chart", "last", "bytes")}
        low = min(r["idle"] for r in runs)
        print(
            f"| {name} | {med['idle']:.1f} ({low:.1f}) | {med['chart']:.1f} | {med['last']:.1f} | "
            f"{med['bytes'] / 1e6:.2f} |"
        )
    print(f"load average {load_average()} at the end")


if __name__ == "__main__":
    main()
