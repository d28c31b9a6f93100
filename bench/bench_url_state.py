"""The view in the URL: what the codec costs, and whether a view's address opens as fast as the bare one.

    python -m bench.bench_url_state [--n 100000] [--out bench/out] [--repeat 3]

Prints the codec's encode and decode times for a full view (15 parameters), then opens the border
map in new sessions on a synthetic data folder (bench.synthetic, made once under --out) two ways:
the bare address, and a view's address (filters, layers, centre, zoom, a selected incident).
Per visit: seconds until the map has drawn and until Streamlit is idle. Numbers are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.bench_load import data_dir_for
from bench.bench_scale import load_average
from bench.chromium import chromium_or_exit
from geo.filters import IncidentFilter
from tests.browser.harness import CHROMIUM_ARGS, launch_app, wait_for_app
from ui.url_codec import Choices, ViewState, decode, encode

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 600_000
SETTLE_MS = 300
VIEWPORT = {"width": 1366, "height": 768}
MAP = 'iframe[title="streamlit_folium.st_folium"]'
VIEW = (
    "?from=2015-01-01&cat=attack&cat=armed+clash&fat=1&layers=border,towns,incidents&c=28,63&z=8&incident=SYN-0000001"
)


def codec_times(repeat: int = 20_000) -> tuple[float, float]:
    """Microseconds to encode and to decode a full view."""
    choices = Choices(
        date_lo=date(2000, 1, 1),
        date_hi=date(2025, 12, 31),
        categories=("attack", "armed clash"),
        countries=("PAK", "IRN"),
        near_targets=("border",),
        datasets=("shipped", "acled"),
        default_datasets=("shipped",),
        layers=("border", "towns", "incidents"),
        default_layers=("border", "towns", "incidents"),
        basemaps=("offline", "light"),
        default_basemap="offline",
    )
    state = ViewState(
        IncidentFilter(date(2015, 1, 1), date(2024, 1, 1), ("attack",), ("PAK",), 2, "Jaish", True, "border", 30.0),
        ("shipped", "acled"),
        ("border", "incidents"),
        "light",
        (28.0, 63.0),
        8.0,
        "SYN-0000001",
    )
    t0 = time.perf_counter()
    for _ in range(repeat):
        params = encode(state, choices)
    t1 = time.perf_counter()
    url = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    for _ in range(repeat):
        decode(url, choices)
    t2 = time.perf_counter()
    return 1e6 * (t1 - t0) / repeat, 1e6 * (t2 - t1) / repeat


def visit(browser, url: str) -> dict:
    """One new session: seconds until the map frame has drawn incidents, and until idle."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_selector(MAP, timeout=TIMEOUT_MS)
    frame = page.locator(MAP).element_handle(timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_function("() => window.PKIR && PKIR.layers.incidents", polling=100, timeout=TIMEOUT_MS)
    drawn = time.perf_counter() - t0
    wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=SETTLE_MS)
    idle = time.perf_counter() - t0 - SETTLE_MS / 1000
    context.close()
    return {"drawn": drawn, "idle": idle}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    enc, dec = codec_times()
    print(f"codec, a full view of 15 parameters: encode {enc:.1f} µs, decode {dec:.1f} µs", flush=True)
    folder = data_dir_for(args.out, args.n)
    print(f"{args.n:,} incidents; load average {load_average()} at start", flush=True)
    server = launch_app(data_dir=folder, timeout=600)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_or_exit(), args=CHROMIUM_ARGS)
            visit(browser, server.url)  # the server loads the incidents here
            results: dict[str, list[dict]] = {}
            for _ in range(args.repeat):
                results.setdefault("bare address", []).append(visit(browser, server.url + "/"))
                results.setdefault("a view's address", []).append(visit(browser, server.url + "/" + VIEW))
            browser.close()
    finally:
        server.stop()
    print("| map opened from | drawn s, median (min) | idle s, median |")
    print("|---|---|---|")
    for name, runs in results.items():
        drawn, idle = [r["drawn"] for r in runs], [r["idle"] for r in runs]
        print(f"| {name} | {statistics.median(drawn):.1f} ({min(drawn):.1f}) | {statistics.median(idle):.1f} |")
    print(f"load average {load_average()} at the end")


if __name__ == "__main__":
    main()
