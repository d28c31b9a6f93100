"""Playback frame time of the map's time control (issue 23, item 3) in headless Chromium.

The map page alone (views.map.build, standalone) with N synthetic incidents over three years
(bench.bench_scale.fast_incidents, dates spread): the control is opened and stepped through
windows of each size, moving and cumulative. A frame is PKIR.play.step(1): the date filter over
the typed arrays, the regrouping at the zoom in use and the canvas drawn (script time, and its
parts), and the same up to the next animation frame (what a viewer waits for); beside them the
renderer's main-thread CPU a frame (Chromium's ThreadTime: less swayed by other work on the
machine than the clock), what is painted after the frame included (incidents.js paints the
canvas' margin beyond the view then: each frame settles before the next). Printed, never asserted.

  python -m bench.bench_play [--n 100000] [--frames 40] [--out /tmp/pkir-bench-play]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.bench_scale import fast_incidents
from bench.chromium import chromium_or_exit
from tests.browser.harness import CHROMIUM_ARGS

TIMEOUT_MS = 300_000
READY_JS = "() => window.PKIR && PKIR.layers.incidents && PKIR.layers.incidents.drawn && PKIR.play && PKIR.play.ui"
# frames of one size and mode: [script ms, to the next animation frame ms, incidents drawn, and of the
# script: the date test, the grouping and the drawing (the layer's timings), ms]
FRAMES_JS = """async ([size, mode, frames]) => {
  const play = PKIR.play, ui = play.ui, out = [];
  if (!play.open) play.openBar();
  ui.size.value = size; ui.mode.value = mode; ui.size.dispatchEvent(new Event('change'));
  play.index = 0; play.show();
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
  await nextFrame();
  for (let k = 0; k < frames && play.index < play.list.length - 1; k++) {
    const t0 = performance.now();
    play.step(1);
    const t1 = performance.now();
    const painted = await nextFrame();
    const l = PKIR.layers.incidents, t = l.timings;
    out.push([t1 - t0, painted - t0, l.shownCount(), t.window, t.group, t.draw - t.group]);
    // settle, as playing does between frames: the canvas' margin beyond the view is painted now
    await new Promise((r) => setTimeout(r, 0)); await nextFrame(); await nextFrame();
  }
  return out;
}"""


# for comparison: every incident redrawn with no window (a pan does as much): [script ms, to paint ms]
FULL_JS = """async (times) => {
  const l = PKIR.layers.incidents, out = [];
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
  for (let k = 0; k < times; k++) {
    l.groups = {};
    const t0 = performance.now();
    l.draw();
    const t1 = performance.now();
    out.push([t1 - t0, (await nextFrame()) - t0, l.shownCount(), 0, l.timings.group, l.timings.draw - l.timings.group]);
  }
  return out;
}"""


def dated_incidents(n: int, seed: int = 0):
    """fast_incidents with starts spread over 2021-2023 and events lasting 0 to 3 days."""
    gdf = fast_incidents(n, seed)
    rng = np.random.default_rng(seed + 1)
    start = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    gdf["date_start"] = start
    gdf["date_end"] = start + pd.to_timedelta(rng.integers(0, 4, n), unit="D")
    return gdf


def build_page(n: int, out_dir: Path) -> tuple[Path, float, float]:
    """The standalone map page for n incidents; seconds to build its payload, its bytes an incident."""
    from geo.loading import load_layer
    from ui.assets import copy_vendor_files
    from views.map.build import build_map, map_html
    from views.map.layers import incident_source

    vendor = out_dir / "vendor"
    copy_vendor_files(vendor)
    gdf = dated_incidents(n)
    provinces, _ = load_layer("provinces")
    t0 = time.perf_counter()
    src = incident_source(gdf)
    payload_s = time.perf_counter() - t0
    built = build_map(
        {"incidents": gdf, "provinces": provinces}, source=src, asset_base=vendor.as_uri(), standalone=True
    )
    page_file = out_dir / f"play_{n}.html"
    page_file.write_text(map_html(built), encoding="utf-8")
    return page_file, payload_s, len(src.data_json.encode()) / n


def summary(rows: list, cpu_s: float) -> str:
    """One line a case: script and to-paint times (median, max), the script's parts (median), the
    renderer's main-thread CPU a frame (what load on the machine changes least), what was drawn."""
    script = [r[0] for r in rows]
    painted = [r[1] for r in rows]
    parts = "/".join(f"{statistics.median(r[k] for r in rows):.1f}" for k in (3, 4, 5))
    return (
        f"script median {statistics.median(script):6.1f} ms, max {max(script):6.1f} ms; "
        f"to paint median {statistics.median(painted):6.1f} ms, max {max(painted):6.1f} ms; "
        f"window/group/draw {parts} ms; CPU {1000 * cpu_s / len(rows):5.1f} ms a frame; "
        f"drawn {min(r[2] for r in rows):,}-{max(r[2] for r in rows):,} ({len(rows)} frames)"
    )


def thread_time(cdp) -> float:
    """Seconds of CPU the page's main thread has used (Chromium's Performance.getMetrics ThreadTime)."""
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "ThreadTime")


def timed(page, cdp, script: str, arg) -> str:
    before = thread_time(cdp)
    rows = page.evaluate(script, arg)
    return summary(rows, thread_time(cdp) - before)


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--frames", type=int, default=40)
    ap.add_argument("--out", type=Path, default=Path("/tmp/pkir-bench-play"))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    page_file, payload_s, per_incident = build_page(args.n, args.out)
    print(
        f"{args.n:,} incidents: payload built in {payload_s:.2f} s, {per_incident:.1f} bytes an incident, "
        f"page {page_file.stat().st_size / 1e6:.1f} MB"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_or_exit(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(page_file.as_uri(), timeout=TIMEOUT_MS)
        page.wait_for_function(READY_JS, polling=50, timeout=TIMEOUT_MS)
        full = page.evaluate("() => { const l = PKIR.layers.incidents; l.draw(); return l.timings; }")
        print(f"every incident drawn (no window): draw {full['draw']:.1f} ms, decode {full['decode']:.1f} ms")
        for zoom in (None, 9):
            if zoom is not None:
                page.evaluate("(z) => PKIR.map.setView([27.5, 63.5], z, {animate: false})", zoom)
            where = "first view" if zoom is None else f"zoom {zoom}"
            page.evaluate("() => { if (PKIR.play.open) PKIR.play.close(); }")
            print(f"{where:10s} no window          {timed(page, cdp, FULL_JS, 10)}", flush=True)
            for size in ("week", "month", "quarter"):
                for mode in ("moving", "cumulative"):
                    line = timed(page, cdp, FRAMES_JS, [size, mode, args.frames])
                    print(f"{where:10s} {size:7s} {mode:10s} {line}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
