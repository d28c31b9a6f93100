"""The PostGIS store at scale: load N synthetic incidents, then time filtered reads and aggregates.

    python -m bench.bench_postgis [--n 1000000] [--chunk 100000] [--database URL] [--repeat 3]

Without --database a throwaway cluster is started (tests/pg_cluster.py: fsync off, loopback, deleted
at the end), so load times are those of a test server, not of a durable one. The incidents are one
validated chunk of bench.synthetic, repeated with new ids and points moved up to 0.05° (so the
GiST index sees N distinct points), saved chunk by chunk in "merge" mode (COPY in one transaction
each). Each query is timed through the store (SQL, transfer, frame) as best of --repeat, and its
SQL is run once more under EXPLAIN (ANALYZE, BUFFERS) for the server's own time and plan.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from bench.synthetic import make_incidents
from geo.filters import IncidentFilter
from geo.loading import read_geojson
from geo.schema import INCIDENTS
from geo.store import postgis
from geo.store.base import SourceInfo
from geo.validation import validate

NAME = "bench"
VIOLENT = IncidentFilter(
    date_from=date(2015, 1, 1),
    date_to=date(2024, 12, 31),
    categories=("attack", "bombing/IED", "armed clash"),
    min_fatalities=1,
)
TURBAT = (62.5, 25.5, 63.5, 26.5)  # a 1°×1° map view
MAP_COLUMNS = ["title", "category", "date_start", "fatalities_best"]
READS = [
    ("map view: 1°x1° box, 2015-2024", IncidentFilter(date_from=date(2015, 1, 1)), TURBAT, MAP_COLUMNS),
    ("violent 2015-2024, >=1 killed", VIOLENT, None, ["date_start", "category", "fatalities_best"]),
    ("keyword 'quetta'", IncidentFilter(keyword="quetta"), None, ["title"]),
    ("keyword 'frontier corps', IRN", IncidentFilter(keyword="frontier corps", countries=("IRN",)), None, ["title"]),
    ("one category, one year", IncidentFilter(date_from=date(2020, 1, 1), date_to=date(2020, 12, 31),
                                               categories=("cross-border strike",)), None, MAP_COLUMNS),
]  # fmt: skip
AGGREGATES = [
    ("aggregate all, 0.5° cells", None, None, 0.5),
    ("aggregate violent 2015-2024, 0.25°", VIOLENT, None, 0.25),
    ("aggregate 1°x1° box, 0.05°", None, TURBAT, 0.05),
]


def uptime() -> str:
    """The machine's load, as `uptime` prints it."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "uptime unavailable"


def base_chunk(n: int) -> gpd.GeoDataFrame:
    """n synthetic incidents, read and validated as an import reads a GeoJSON file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chunk.geojson"
        path.write_text(json.dumps(make_incidents(n, seed=0)), encoding="utf-8")
        gdf, _ = validate(read_geojson(path), INCIDENTS, path.name)
    return gdf


def variant(base: gpd.GeoDataFrame, k: int) -> gpd.GeoDataFrame:
    """Chunk k: new ids, every located point moved by up to 0.05°."""
    rng = np.random.default_rng(k)
    out = base.copy()
    out["id"] = f"C{k:02d}-" + base["id"]
    geoms = np.asarray(base.geometry.values)
    located = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    xy = shapely.get_coordinates(geoms[located]) + rng.uniform(-0.05, 0.05, size=(int(located.sum()), 2))
    geoms = geoms.copy()
    geoms[located] = shapely.points(xy)
    return gpd.GeoDataFrame(out.drop(columns="geometry"), geometry=geoms, crs="EPSG:4326")


def best_of(repeat: int, fn):
    """(best seconds, last result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def _nodes(plan: dict) -> list[str]:
    label = plan["Node Type"] + (f" ({plan['Index Name']})" if "Index Name" in plan else "")
    return [label] + [n for child in plan.get("Plans", []) for n in _nodes(child)]


def explain(store: postgis.PostgisStore, query, params) -> tuple[float, str]:
    """Server execution time (ms) and the plan's scans, from EXPLAIN (ANALYZE, BUFFERS)."""
    with store.connect() as conn:
        stmt = postgis.sql.SQL("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {}").format(query)
        doc = conn.execute(stmt, params).fetchone()[0][0]
    scans = [n for n in _nodes(doc["Plan"]) if "Scan" in n]
    return doc["Execution Time"], ", ".join(dict.fromkeys(scans))


def load(store: postgis.PostgisStore, n: int, chunk: int) -> None:
    t0 = time.perf_counter()
    base = base_chunk(min(chunk, n))
    print(f"made and validated {len(base):,} synthetic incidents in {time.perf_counter() - t0:.1f} s", flush=True)
    source = SourceInfo("bench.geojson", "", "GeoJSON", n, n, 0)
    done = 0
    for k in range((n + chunk - 1) // chunk):
        part = variant(base, k).iloc[: n - done]
        t0 = time.perf_counter()
        report = store.save(NAME, part, replace(source, file_hash=f"{k:064x}"), mode="merge")
        done += report.added
        print(f"  chunk {k + 1}: {report.added:,} rows saved in {time.perf_counter() - t0:.1f} s", flush=True)
    with store.connect(write=True) as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE pkir.incidents")


def run(url: str, n: int, chunk: int, repeat: int) -> None:
    print(f"load before: {uptime()}")
    store = postgis.PostgisStore(url)
    t0 = time.perf_counter()
    load(store, n, chunk)
    print(f"loaded {store.info(NAME).rows:,} incidents in {time.perf_counter() - t0:.1f} s")
    with store.connect() as conn:
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('pkir.incidents'))").fetchone()[0]
        dataset_id = conn.execute("SELECT dataset_id FROM pkir.datasets WHERE name = %s", (NAME,)).fetchone()[0]
    print(f"table with indexes: {size}\n")
    print(f"{'query':38} {'rows/cells':>10} {'store s':>8} {'server ms':>10}  plan scans")
    for label, flt, bbox, cols in READS:
        seconds, got = best_of(repeat, lambda f=flt, b=bbox, c=cols: store.read(NAME, f, b, c))
        ms, plan = explain(store, *postgis.read_query(dataset_id, flt, bbox, ["id", *cols]))
        print(f"{label:38} {len(got):>10,} {seconds:>8.2f} {ms:>10.1f}  {plan}")
    for label, flt, bbox, cell in AGGREGATES:
        seconds, got = best_of(repeat, lambda f=flt, b=bbox, c=cell: store.aggregate(NAME, f, b, c))
        ms, plan = explain(store, *postgis.aggregate_query([NAME], flt, bbox, cell))
        print(f"{label:38} {len(got):>10,} {seconds:>8.2f} {ms:>10.1f}  {plan}")
    print(f"\nload after: {uptime()}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--database", help="a PostGIS database URL (its owner); default: a throwaway cluster")
    args = ap.parse_args(argv)
    print(f"{os.cpu_count()} cores; PostGIS store, {args.n:,} incidents in chunks of {args.chunk:,}")
    if args.database:
        run(args.database, args.n, args.chunk, args.repeat)
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.pg_cluster import ThrowawayCluster

    with ThrowawayCluster.start() as cluster:
        run(cluster.create_database("pkir_bench"), args.n, args.chunk, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
