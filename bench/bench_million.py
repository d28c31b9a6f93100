"""A million incidents inside the app (issue 12): kept in the embedded store, shown on the map.

    python -m bench.bench_million [--n 1000000] [--out bench/out]

Makes the 100,000-incident synthetic folder (bench.synthetic, once), copies its rows ten times with
new ids and points moved by up to 0.05 degrees into a kept dataset of a fresh workspace (what
"Keep this dataset" writes: GeoParquet), chooses it, starts the app as the README does
(`python -m ui.serve` with the shipped layers) and times in headless Chromium what bench_scale
times at 100k: start, map settled cold / warm / returning, click to record, a filter, the
explorer and chronology, server memory, then each zoom step from the region to street level.
Numbers are printed, never asserted; the machine's load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from bench.bench_load import data_dir_for
from bench.bench_scale import STEPS_JS, TIMEOUT_MS, app_settled, load_average, measure_app, new_page, say
from bench.chromium import chromium_or_exit
from geo.loading import load_layer
from geo.store import open_store
from geo.store.base import SourceInfo
from geo.store.workspace import WORKSPACE_ENV
from tests.browser.harness import CHROMIUM_ARGS, launch_app

ROOT = Path(__file__).resolve().parents[1]
NAME = "synthetic-million"
ZOOMS = (5, 6, 7, 8, 9, 10, 11, 12, 13, 14)


def million(base: gpd.GeoDataFrame, n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """n rows made of base's rows repeated, each copy with new ids and points moved a little."""
    rng = np.random.default_rng(seed)
    copies = -(-n // len(base))
    frame = pd.concat([base] * copies, ignore_index=True).iloc[:n].copy()
    frame["id"] = [f"M{i:07d}" for i in range(len(frame))]
    x = frame.geometry.x.to_numpy() + rng.uniform(-0.05, 0.05, len(frame))
    y = frame.geometry.y.to_numpy() + rng.uniform(-0.05, 0.05, len(frame))
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")


def workspace_for(out: Path, n: int) -> Path:
    """A workspace holding one kept dataset of n incidents, chosen (made once)."""
    ws = out / f"million_ws_{n}"
    if (ws / "choice.json").exists():
        return ws
    shutil.rmtree(ws, ignore_errors=True)
    base, _ = load_layer("incidents", data_dir_for(out, 100_000))
    frame = million(base, n)
    del base
    t0 = time.perf_counter()
    source = SourceInfo(f"{NAME}.geojson", f"{n:064x}", "synthetic", n, n, 0)
    open_store(str(ws)).save(NAME, frame, source)
    say(f"kept {n:,} incidents in {time.perf_counter() - t0:.0f} s")
    (ws / "choice.json").write_text(json.dumps({"shown": [NAME]}), encoding="utf-8")
    return ws


def zoom_steps(browser, url: str) -> list:
    context, page = new_page(browser)
    _, frame = app_settled(page, url)
    steps = frame.evaluate(STEPS_JS, list(ZOOMS))
    context.close()
    return steps


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    exe = chromium_or_exit()
    from playwright.sync_api import sync_playwright

    ws = workspace_for(args.out, args.n)
    print(f"{args.n:,} incidents kept in {ws}; load average at start: {load_average()}", flush=True)
    t0 = time.perf_counter()
    server = launch_app(env={WORKSPACE_ENV: str(ws)}, timeout=TIMEOUT_MS / 1000, preload=True)
    start = time.perf_counter() - t0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS), headless=True)
            row = measure_app(browser, server)
            say("zoom steps")
            steps = zoom_steps(browser, server.url)
            browser.close()
    finally:
        server.stop()
    print(f"load average at end: {load_average()}")
    print(f"server started (data loaded) in {start:.1f} s")
    print(
        f"map settled cold {row['cold']:.1f} s / warm {row['warm']:.1f} s / returning {row['returning']:.1f} s; "
        f"{row['drawn']:,} incidents drawn; wire {row['wire'] / max(row['drawn'], 1):.1f} bytes an incident"
    )
    print(
        f"click to record {row.get('click', float('nan')):.1f} s ({row.get('click_bytes', 0) / 1e3:,.0f} kB); "
        f"filter to settled map {row['filter']:.1f} s; explorer {row['explorer']:.1f} s; "
        f"chronology {row['chronology']:.1f} s; server RSS {row['rss']:.0f} MB, peak {row['peak']:.0f} MB"
    )
    ms = row["browser_ms"]
    print(f"in the page: decode {ms['decode']:.0f} ms, grouping {ms['group']:.0f} ms, last draw {ms['draw']:.0f} ms")
    print("zoom | step s | numbered circles | single incidents drawn")
    for z, sec, clusters, singles in steps:
        print(f"{z} | {sec:.2f} | {clusters} | {singles}")


if __name__ == "__main__":
    main()
