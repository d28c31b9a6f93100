"""The map at scale, side by side with a plain folium map of the same incidents (issue 12).

    python -m bench.bench_scale [--n 10000 100000 1000000] [--out bench/out] [--naive-timeout 240]

For each N up to 100,000: a synthetic data folder (bench.synthetic, made once under --out), the app
and a plain-folium app (bench/naive_app.py: one folium.GeoJson circle marker per incident, tooltip
and popup) on it, in headless Chromium. Printed per N, seconds from navigation start:
  - the server's start (`python -m ui.serve`, the README's command: it loads the data first);
  - map settled, cold (first session after start), warm (a new
    session in a new browser profile) and returning (a new session in the warm session's browser
    profile, whose HTTP cache holds Streamlit's and Leaflet's files, as a returning reader's
    does): the incident layer has drawn and no note says it is loading;
  - filter: a category picked in the sidebar until the map has drawn the filtered set, and the
    server's own map work for it (filter mask + payload, timed in this process);
  - click: an incident clicked until its record is on the page (and the bytes its rerun brought);
  - bytes: what the websocket brought in the warm session, per incident drawn (the whole page,
    not only the incident payload), and the incident payload alone per incident;
  - server memory: the app's peak resident set (VmHWM) after every measurement;
  - the explorer and chronology pages opened by URL in a new session;
  - naive: the plain folium map's warm settled time (all circle markers drawn and the count still
    for 2 s), and the ratio naive / app.
For 1,000,000 (loading a 1.5 GB GeoJSON file is the store's business, not the map's) it builds the
map page alone (views.map.build, standalone) from vectorised synthetic points and times, in the
browser, the first draw and each zoom step from the region to street level.
Numbers are printed, never asserted; the machine's load average is printed with them.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from bench.bench_load import data_dir_for
from bench.chromium import chromium_or_exit
from bench.synthetic import WEIGHTS, _points_in, _provinces
from geo.filters import IncidentFilter, filter_mask
from geo.loading import load_layer
from geo.schema import INCIDENT_CATEGORIES, LOCATION_PRECISION
from tests.browser.harness import (
    CHROMIUM_ARGS,
    VIEWPORT,
    AppServer,
    find_single_incident,
    folium_frame,
    launch_app,
    wait_for_app,
)
from views.map.layers import incident_source

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 600_000
FILTER_CATEGORY = "attack"
# the app's incident layer has drawn, nothing says it is still loading, no zoom animation runs
SETTLED_JS = """() => { const l = window.PKIR && PKIR.layers.incidents;
  return !!(l && l.drawnCount > 0 && !document.querySelector('.pkir-progress') && !PKIR.map._animatingZoom); }"""
NAIVE_COUNT_JS = "() => document.querySelectorAll('path.leaflet-interactive').length"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) MB of a process, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.wire_bytes = [0]

    def on_ws(ws):
        ws.on("framereceived", lambda payload: page.wire_bytes.__setitem__(0, page.wire_bytes[0] + len(payload)))

    page.on("websocket", on_ws)
    return context, page


def app_settled(page, url: str) -> tuple[float, object]:
    t0 = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_MS)
    frame = folium_frame(page, timeout=TIMEOUT_MS)
    page.frame_seen = time.perf_counter() - t0  # Streamlit has run the page and made the map's frame
    frame.wait_for_function(SETTLED_JS, polling=50, timeout=TIMEOUT_MS)
    return time.perf_counter() - t0, frame


def pick_category(page, name: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Category")
    box.click()
    page.keyboard.type(name)  # the list opens once something is typed
    page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")


def say(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}", flush=True)


def measure_app(browser, server: AppServer) -> dict:
    out: dict = {}
    say("app: cold session")
    context, page = new_page(browser)
    out["cold"], _ = app_settled(page, server.url)
    context.close()

    say(f"app: cold {out['cold']:.1f} s; warm session")
    context, page = new_page(browser)
    out["warm"], frame = app_settled(page, server.url)
    out["frame"] = page.frame_seen
    out["drawn"] = frame.evaluate("() => PKIR.layers.incidents.d.n")
    out["browser_ms"] = frame.evaluate("() => PKIR.layers.incidents.timings")
    out["wire"] = page.wire_bytes[0]
    wait_for_app(page, timeout=TIMEOUT_MS)

    page.locator('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
    target = find_single_incident(frame)
    say(f"app: warm {out['warm']:.1f} s; click at {target}")
    if target:
        box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
        t0, before = time.perf_counter(), page.wire_bytes[0]
        page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
        page.wait_for_selector(".pkir-record[data-id]", timeout=TIMEOUT_MS)
        out["click"] = time.perf_counter() - t0
        out["clicked"] = page.locator(".pkir-record").first.get_attribute("data-id")
        wait_for_app(page, timeout=TIMEOUT_MS)
        out["click_bytes"] = page.wire_bytes[0] - before
    say(f"app: click {out.get('click', float('nan')):.1f} s; filter")
    key = frame.evaluate("() => PKIR.layers.incidents.key")
    t0 = time.perf_counter()
    pick_category(page, FILTER_CATEGORY)
    frame.wait_for_function(
        "(k) => PKIR.layers.incidents && PKIR.layers.incidents.key !== k && PKIR.layers.incidents.drawnCount > 0",
        arg=key,
        polling=50,
        timeout=TIMEOUT_MS,
    )
    out["filter"] = time.perf_counter() - t0
    wait_for_app(page, timeout=TIMEOUT_MS)
    say(f"app: filter {out['filter']:.1f} s; a returning browser (same profile: its HTTP cache is warm)")
    again = context.new_page()
    out["returning"], _ = app_settled(again, server.url)
    context.close()

    say(f"app: returning {out['returning']:.1f} s; explorer and chronology")
    for name, path in (("explorer", "incidents"), ("chronology", "chronology")):
        context, page = new_page(browser)
        t0 = time.perf_counter()
        page.goto(f"{server.url}/{path}", timeout=TIMEOUT_MS)
        wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=300)
        out[name] = time.perf_counter() - t0 - 0.3
        context.close()
    out["rss"], out["peak"] = memory_mb(server.proc.pid)
    return out


def naive_server(folder: Path) -> AppServer:
    """The plain folium app in a temporary folder of its own (its static/ holds Leaflet and jQuery)."""
    from ui.assets import copy_vendor_files

    work = Path(tempfile.mkdtemp(prefix="pkir-naive-"))
    shutil.copyfile(ROOT / "bench" / "naive_app.py", work / "app.py")
    (work / ".streamlit").mkdir()
    shutil.copyfile(ROOT / ".streamlit" / "config.toml", work / ".streamlit" / "config.toml")
    copy_vendor_files(work / "static" / "vendor")
    import xstatic.pkg.jquery as jquery  # folium's popups need it; the app does not (requirements-dev.txt)

    shutil.copyfile(Path(jquery.BASE_DIR) / "jquery.min.js", work / "static" / "vendor" / "jquery.min.js")
    server = AppServer(data_dir=folder, cwd=work)
    server.wait_ready(120)
    server.work = work
    return server


def naive_settled(browser, url: str, timeout_s: float) -> tuple[float | None, int]:
    """Seconds until the plain map's circle markers stop appearing (None: not within timeout_s)."""
    context, page = new_page(browser)
    t0 = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_MS)
    deadline = t0 + timeout_s
    count, changed = 0, time.perf_counter()
    frame = None
    while time.perf_counter() < deadline:
        page.wait_for_timeout(200)
        if frame is None:
            if page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0:
                continue
            frame = folium_frame(page, timeout=TIMEOUT_MS)
        now = frame.evaluate(NAIVE_COUNT_JS)
        if now != count:
            count, changed = now, time.perf_counter()
        elif count and time.perf_counter() - changed >= 2:
            context.close()
            return changed - t0, page.wire_bytes[0]
    context.close()
    return None, 0


def server_work(folder: Path) -> dict:
    """The map's server-side work at this size, in this process: filter mask and payload."""
    gdf, _ = load_layer("incidents", folder)
    flt = IncidentFilter(categories=(FILTER_CATEGORY,))
    t0 = time.perf_counter()
    shown = gdf[filter_mask(gdf, flt)]
    t1 = time.perf_counter()
    incident_source(shown)
    t2 = time.perf_counter()
    full = incident_source(gdf)
    t3 = time.perf_counter()
    return {
        "filter_mask": t1 - t0,
        "filter_payload": t2 - t1,
        "payload_s": t3 - t2,
        "payload_bytes": len(full.data_json.encode()) / max(full.count, 1),
    }


def fast_incidents(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """n synthetic incidents with the columns the map reads, built with vectorised calls (1M in seconds)."""
    rng = np.random.default_rng(seed)
    polys = _provinces()
    pak = int(n * 0.6)
    xy = np.vstack([_points_in(polys["PAK"], pak, rng), _points_in(polys["IRN"], n - pak, rng)])
    weights = np.array([WEIGHTS.get(c, 1) for c in INCIDENT_CATEGORIES], dtype=float)
    tolls = np.where(rng.random(n) < 0.35, 0, rng.geometric(0.15, n))
    return gpd.GeoDataFrame(
        {
            "id": [f"SYN-{i:07d}" for i in range(1, n + 1)],
            "title": "synthetic",
            "category": rng.choice(INCIDENT_CATEGORIES, size=n, p=weights / weights.sum()),
            "date_start": pd.Timestamp("2020-01-01"),
            "date_end": pd.Timestamp("2020-01-01"),
            "location_precision": rng.choice([p for p in LOCATION_PRECISION if p != "unlocated"], size=n),
            "fatalities_best": tolls,
        },
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs="EPSG:4326",
    )


STEPS_JS = """async (zooms) => {
  const P = window.PKIR, layer = P.layers.incidents, out = [];
  for (const z of zooms) {
    const t0 = performance.now();
    P.map.setView([30.2, 67.0], z, {animate: false});
    const singles = layer.drawn.filter(h => h.i >= 0).length;
    out.push([z, (performance.now() - t0) / 1000, layer.drawn.length - singles, singles]);
    await new Promise(r => setTimeout(r, 50));
  }
  return out;
}"""


def measure_standalone(browser, n: int, out_dir: Path) -> dict:
    """The map page alone for n incidents: server build, bytes, first draw and zoom steps in Chromium."""
    from ui.assets import copy_vendor_files
    from views.map.build import build_map, map_html

    vendor = out_dir / "vendor"
    copy_vendor_files(vendor)
    t0 = time.perf_counter()
    gdf = fast_incidents(n)
    made = time.perf_counter() - t0
    provinces, _ = load_layer("provinces")
    t0 = time.perf_counter()
    src = incident_source(gdf)
    payload_s = time.perf_counter() - t0
    built = build_map(
        {"incidents": gdf, "provinces": provinces}, source=src, asset_base=vendor.as_uri(), standalone=True
    )
    page_file = out_dir / f"scale_{n}.html"
    page_file.write_text(map_html(built), encoding="utf-8")
    context, page = new_page(browser)
    t0 = time.perf_counter()
    page.goto(page_file.as_uri(), timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED_JS, polling=50, timeout=TIMEOUT_MS)
    first = time.perf_counter() - t0
    steps = page.evaluate(STEPS_JS, [6, 8, 10, 12, 14, 16, 18])
    context.close()
    return {
        "made": made,
        "payload_s": payload_s,
        "payload_bytes": len(src.data_json.encode()) / n,
        "page_mb": page_file.stat().st_size / 1e6,
        "first": first,
        "steps": steps,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--naive-timeout", type=float, default=240.0, help="give up on the plain map after this")
    parser.add_argument("--skip-naive", action="store_true", help="do not run the plain folium app")
    args = parser.parse_args(argv)
    exe = chromium_or_exit()
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {load_average()}")
    rows, standalone = {}, {}
    with sync_playwright() as pw:
        args_ = [*CHROMIUM_ARGS, "--allow-file-access-from-files"]
        browser = pw.chromium.launch(executable_path=exe, args=args_, headless=True)
        for n in args.n:
            if n > 100_000:
                standalone[n] = measure_standalone(browser, n, args.out)
                print(f"{n:,}: {standalone[n]}", flush=True)
                continue
            folder = data_dir_for(args.out, n)
            say("server work in this process")
            row = server_work(folder)
            t_start = time.perf_counter()
            server = launch_app(data_dir=folder, timeout=300, preload=True)  # README's start: python -m ui.serve
            row["start"] = time.perf_counter() - t_start
            try:
                row.update(measure_app(browser, server))
            finally:
                server.stop()
            if not args.skip_naive:
                say("plain folium app")
                naive = naive_server(folder)
                try:
                    naive_settled(browser, naive.url, args.naive_timeout)  # cold: the server loads the file
                    row["naive"], row["naive_wire"] = naive_settled(browser, naive.url, args.naive_timeout)
                finally:
                    naive.stop()
                    shutil.rmtree(naive.work, ignore_errors=True)
            rows[n] = row
            print(f"{n:,}: {row}", flush=True)
        browser.close()
    print(f"load average at end: {load_average()}")
    print()
    print(
        "n | map settled cold / warm / returning browser s (warm: map frame made at) | "
        "filter: server s / to settled map s | "
        "click to record s | "
        "wire bytes per incident (page / incident payload) | server RSS / peak MB | explorer / chronology s | "
        "plain folium warm s | ratio"
    )
    for n, r in rows.items():
        naive = (
            f"{r['naive']:.1f}" if r.get("naive") else "not run" if args.skip_naive else f"> {args.naive_timeout:.0f}"
        )
        ratio = (r["naive"] if r.get("naive") else args.naive_timeout) / r["warm"]
        print(
            f"{n:,} | {r['cold']:.1f} / {r['warm']:.1f} / {r['returning']:.1f} ({r['frame']:.1f}) | "
            f"{r['filter_mask'] + r['filter_payload']:.2f} / "
            f"{r['filter']:.1f} | {r.get('click', float('nan')):.1f} | {r['wire'] / r['drawn']:.1f} / "
            f"{r['payload_bytes']:.1f} | {r['rss']:.0f} / {r['peak']:.0f} | {r['explorer']:.1f} / "
            f"{r['chronology']:.1f} | {naive} | {'>= ' if not r.get('naive') else ''}{ratio:.1f}x"
        )
    for n, r in rows.items():
        print(f"{n:,}: server started (data loaded) in {r['start']:.1f} s")
        if "click_bytes" in r:
            print(f"{n:,}: the click's rerun brought {r['click_bytes'] / 1e3:,.0f} kB over the websocket")
    for n, r in rows.items():
        ms = r["browser_ms"]
        print(
            f"{n:,} in the page (warm): decode {ms['decode']:.0f} ms, grouping {ms['group']:.0f} ms, "
            f"last draw {ms['draw']:.0f} ms"
        )
    for n, s in standalone.items():
        print()
        print(
            f"{n:,} map page alone: payload built in {s['payload_s']:.1f} s, {s['payload_bytes']:.1f} bytes an "
            f"incident ({s['page_mb']:.0f} MB page); first draw {s['first']:.1f} s after navigation"
        )
        print("zoom | step s | numbered circles | single incidents drawn")
        for z, sec, clusters, singles in s["steps"]:
            print(f"{z} | {sec:.2f} | {clusters} | {singles}")


if __name__ == "__main__":
    main()
