"""The Trends page's first view at scale: what the server does before the map and table are sent.

    python -m bench.bench_trends [--n 100000] [--repeat 3] [--postgis] [--recent]

N synthetic incidents (bench.synthetic) kept in a throwaway workspace (GeoParquet, the embedded
DuckDB engine) and, with --postgis, in a throwaway PostGIS server (tests/pg_cluster.py). One first
view is: the store's answers by district and precision (geo.trends.query_cells, with each period's
located count; engine opened afresh, as on a new dataset version) and, for the hexagon view, by H3
hexagon and precision (query_hexagons), the district table and hexagons built from them, the
choropleth built and rendered to HTML (what st_folium sends). Printed per step: the first (cold) run and the
best of --repeat; the hexagon view (H3 resolution 5) likewise. The synthetic dates span decades;
--recent moves every incident into the last two years (the worst case: all N in the two periods,
one cell each). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.synthetic import make_incidents
from geo.districts import shipped_districts
from geo.filters import IncidentFilter
from geo.loading import load_layer, read_geojson
from geo.schema import INCIDENTS
from geo.store import open_queries, open_store
from geo.store.base import SourceInfo
from geo.store.query import IncidentQuery
from geo.trends import (
    baseline_period,
    current_period,
    district_trends,
    hexagon_trends,
    query_cells,
    query_hexagons,
)
from geo.validation import validate
from views.map.build import map_html
from views.map.trends_map import trends_map

CONTEXT = ("countries", "provinces", "border")


def _kept(n: int, folder: Path, recent: bool):
    path = folder / "synthetic.geojson"
    path.write_text(json.dumps(make_incidents(n)), encoding="utf-8")
    gdf, _ = validate(read_geojson(path), INCIDENTS, path.name)
    if recent:  # every incident in the last two years: all of them in one of the two periods
        last = gdf["date_end"].max()
        back = pd.to_timedelta(np.random.default_rng(1).integers(0, 730, len(gdf)), unit="D")
        gdf["date_start"] = (last - back).astype(gdf["date_start"].dtype)
        gdf["date_end"] = gdf["date_start"]
    return gdf, SourceInfo.from_file(path, "GeoJSON", len(gdf), len(gdf), licence="CC0", attribution="synthetic")


def first_view(store, names, layers, unit: str = "districts") -> dict[str, float]:
    """Seconds per step of one first view (a fresh engine, nothing cached)."""
    seconds, t = {}, time.perf_counter()

    def lap(step: str) -> None:
        nonlocal t
        now = time.perf_counter()
        seconds[step], t = now - t, now

    engine = open_queries(store, names)
    choices = engine.choices(IncidentQuery(tuple(names)))
    current = current_period((None, None), choices.date_from, choices.date_to)
    baseline = baseline_period(current)
    cells = query_cells(engine, names, IncidentFilter(), current, baseline)
    rows = len(cells.current) + len(cells.baseline)
    if unit == "hexagons":
        hexes = query_hexagons(engine, names, IncidentFilter(), current, baseline, 5)
        rows += len(hexes.current) + len(hexes.baseline)
    lap("queries")
    districts = layers["districts"]
    table = district_trends(cells.current, cells.baseline, districts)
    if unit == "districts":
        shown = districts.set_index(districts["id"].astype(str))[["geometry"]].join(table)
    else:
        shown = hexagon_trends(hexes.current, hexes.baseline, 5)
    lap("placing")
    html = map_html(trends_map(layers, shown, unit=unit, standalone=True))
    lap("map")
    seconds["map_kb"] = len(html) / 1024
    seconds["rows"] = rows  # what the store answered: rows by unit and precision
    seconds["total"] = sum(v for k, v in seconds.items() if k in ("queries", "placing", "map"))
    return seconds


def report(label: str, store, names, layers, repeat: int) -> None:
    """Print the cold run and the best of `repeat` for both units."""
    for unit in ("districts", "hexagons"):
        cold = first_view(store, names, layers, unit)
        runs = [first_view(store, names, layers, unit) for _ in range(repeat)]
        best = min(runs, key=lambda r: r["total"])
        print(
            f"{label:9} {unit:9} rows {int(best['rows']):>7,}  map {best['map_kb']:>6,.0f} KB  "
            f"first {cold['total']:.2f} s  best {best['total']:.2f} s "
            f"(queries {best['queries']:.2f}, placing {best['placing']:.2f}, map {best['map']:.2f})"
        )


def main() -> None:
    """Keep N synthetic incidents, then print the first view's seconds per store and unit."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--postgis", action="store_true")
    ap.add_argument("--recent", action="store_true", help="every incident within the last two years")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp())
    gdf, source = _kept(args.n, folder, args.recent)
    layers = {k: load_layer(k)[0] for k in CONTEXT}
    layers["districts"] = shipped_districts()
    print(f"{len(gdf):,} synthetic incidents")
    store = open_store(str(folder / "workspace"))
    store.save("bench", gdf, source)
    report("embedded", store, ["bench"], layers, args.repeat)
    if args.postgis:
        from tests.pg_cluster import ThrowawayCluster

        with ThrowawayCluster.start() as cluster:
            pg = open_store(cluster.create_database(migrated=True))
            pg.save("bench", gdf, source)
            report("postgis", pg, ["bench"], layers, args.repeat)


if __name__ == "__main__":
    main()
