"""How the border map scales with the number of incidents (numbers printed, never asserted).

For N synthetic incidents (bench.synthetic) it times views.map.build.build_map, the conversion
st_folium does on every rerun (the static map script plus the dynamic layer groups), and the
size of what reaches the browser: inline through the websocket, and with the app's route for
large sets (the incidents written once to static/cache as a file the browser fetches).
With --browser it also opens the standalone HTML in headless Chromium and times until every
incident is in its marker-cluster group.

    python -m bench.bench_map [--n 1000 10000 100000] [--browser]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.synthetic import make_data_dir
from geo.catalog import LAYERS
from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer
from views.map.build import build_map, map_html
from views.map.layers import incident_source

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--allow-file-access-from-files",
]


def _clock(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def streamlit_payload(built) -> tuple[int, float]:
    """Bytes st_folium sends for this map (main script + feature groups) and the seconds it takes."""
    from streamlit_folium import _get_feature_group_string, _get_header, _get_map_string

    def convert():
        built.map.get_root().render()
        main = _get_map_string(built.map) + _get_header(built.map)
        groups = "".join(_get_feature_group_string(g, built.map, idx=i) for i, g in enumerate(built.groups))
        return len(main.encode()) + len(groups.encode())

    return _clock(convert)


def browser_draw_s(html_path: Path, n: int) -> tuple[float, float] | None:
    """Seconds from navigation until the first incidents show and until the cluster group holds
    them all (markercluster adds large sets in chunks); None without Chromium."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        start = time.perf_counter()
        page.goto(html_path.as_uri(), timeout=600_000)
        page.wait_for_selector(".pkir-cluster, path.pkir-layer-incidents", timeout=600_000)
        first = time.perf_counter() - start
        page.wait_for_function(
            "(n) => window.PKIR && PKIR.layers.incidents && PKIR.layers.incidents.getLayers().length >= n",
            arg=n,
            polling=50,
            timeout=600_000,
        )
        done = time.perf_counter() - start
        browser.close()
    return first, done


def _s(draw, i: int) -> str:
    return "" if draw is None else f"{draw[i]:.2f}"


def run(sizes: list[int], browser: bool) -> None:
    vendor = Path(__file__).resolve().parents[1] / "static" / "vendor"
    if browser and not (vendor / "leaflet.js").exists():
        from ui.assets import copy_vendor_files

        copy_vendor_files(vendor)
    print(
        f"{'N':>8} {'drawn':>8} {'load s':>7} {'filter s':>8} {'build s':>7} {'st_folium s':>11} "
        f"{'inline MB':>9} {'file: prep s':>12} {'rerun s':>7} {'ws MB':>6} {'file MB':>7} "
        f"{'first s':>7} {'all s':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="pkir-bench-map-") as tmp:
        for n in sizes:
            folder = make_data_dir(Path(tmp) / f"n{n}", n)
            layers, load_s = _clock(lambda folder=folder: {k: load_layer(k, folder)[0] for k in LAYERS})
            shown, filter_s = _clock(lambda layers=layers: apply_filter(layers["incidents"], IncidentFilter()))
            built, build_s = _clock(lambda layers=layers, shown=shown: build_map(layers, incidents=shown))
            sent, convert_s = streamlit_payload(built)
            files: dict[str, int] = {}
            source, prep_s = _clock(
                lambda shown=shown, files=files: incident_source(
                    shown,
                    publish=lambda key, text: files.setdefault(key, len(text)) and f"/app/static/cache/{key}.json",
                )
            )
            with_file, rerun_build_s = _clock(
                lambda layers=layers, shown=shown, source=source: build_map(layers, incidents=shown, source=source)
            )
            ws, rerun_convert_s = streamlit_payload(with_file)
            standalone = build_map(layers, incidents=shown, standalone=True, asset_base=vendor.as_uri(), height=800)
            html = map_html(standalone)
            draw = None
            if browser:
                page = Path(tmp) / f"map{n}.html"
                page.write_text(html, encoding="utf-8")
                draw = browser_draw_s(page, standalone.summary["incidents_drawn"])
            file_mb = sum(files.values()) / 1e6
            print(
                f"{n:>8} {built.summary['incidents_drawn']:>8} {load_s:>7.2f} {filter_s:>8.3f} {build_s:>7.2f} "
                f"{convert_s:>11.2f} {sent / 1e6:>9.2f} {prep_s:>12.2f} {rerun_build_s + rerun_convert_s:>7.2f} "
                f"{ws / 1e6:>6.2f} {file_mb:>7.2f} {_s(draw, 0):>7} {_s(draw, 1):>6}",
                flush=True,
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--browser", action="store_true", help="also time drawing in headless Chromium")
    args = parser.parse_args(argv)
    run(args.n, args.browser)


if __name__ == "__main__":
    main()
