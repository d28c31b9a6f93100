"""The Near filter at scale: the pandas reference (geo.filters) and, with --postgis, PostGIS.

    python -m bench.bench_near [--n 100000] [--repeat 3] [--postgis]

N synthetic incidents (bench.synthetic), one Near filter per target kind; each line prints the
rows kept and the best of --repeat wall seconds after one first answer (the target's geometry
loaded and cached). With --postgis the same rows are kept in a throwaway PostGIS server
(tests/pg_cluster.py) and counted in SQL (ST_DWithin on geography): the counts must agree.
Wall seconds on a shared machine: compare within one run; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import geopandas as gpd

from bench.synthetic import make_incidents
from geo.filters import IncidentFilter, filter_mask
from geo.loading import read_geojson
from geo.schema import INCIDENTS
from geo.store.base import SourceInfo
from geo.validation import validate

TARGETS = (("border", 25), ("pipeline:claimed built", 25), ("power_line", 25), ("crossings", 50), ("market:M1", 100))


def _best(work, repeat: int) -> tuple[object, float]:
    """work()'s answer and its best wall time of repeat runs (after one first run)."""
    answer, best = work(), float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return answer, best


def _incidents(n: int, folder: Path) -> tuple[gpd.GeoDataFrame, SourceInfo]:
    path = folder / "synthetic.geojson"
    path.write_text(json.dumps(make_incidents(n)), encoding="utf-8")
    gdf, _ = validate(read_geojson(path), INCIDENTS, path.name)
    return gdf, SourceInfo.from_file(path, "GeoJSON", len(gdf), len(gdf), licence="CC0", attribution="synthetic")


def main() -> None:
    """Print one line per target: rows kept and seconds, for pandas (and PostGIS)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--postgis", action="store_true")
    args = ap.parse_args()
    gdf, source = _incidents(args.n, Path(tempfile.mkdtemp()))
    print(f"{len(gdf):,} synthetic incidents")
    for target, km in TARGETS:
        flt = IncidentFilter(near=target, near_km=km)
        kept, seconds = _best(lambda flt=flt: int(filter_mask(gdf, flt).sum()), args.repeat)
        print(f"pandas   {flt.describe():60} {kept:>7,} rows  {seconds:.3f} s")
    if args.postgis:
        _postgis(gdf, source, args.repeat)


def _postgis(gdf: gpd.GeoDataFrame, source: SourceInfo, repeat: int) -> None:
    from geo.store import open_queries, open_store
    from geo.store.query import IncidentQuery
    from tests.pg_cluster import ThrowawayCluster

    with ThrowawayCluster.start() as cluster:
        store = open_store(cluster.create_database(migrated=True))
        store.save("bench", gdf, source)
        engine = open_queries(store, ["bench"])
        for target, km in TARGETS:
            flt = IncidentFilter(near=target, near_km=km)
            kept, seconds = _best(lambda flt=flt: engine.count(IncidentQuery(("bench",), flt)), repeat)
            print(f"postgis  {flt.describe():60} {kept:>7,} rows  {seconds:.3f} s")


if __name__ == "__main__":
    main()
