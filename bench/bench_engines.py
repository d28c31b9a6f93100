"""The embedded query engine, chosen by measurement: DuckDB, pyarrow.dataset and today's path.

    python -m bench.bench_engines [--n 1000000] [--repeat 3] [--out bench/out] [--postgis]

Over one kept GeoParquet file of N synthetic incidents (bench.bench_million's workspace: the 100k
synthetic rows repeated, moved a little, saved by the embedded store), each of six queries runs in
a fresh process per engine, so its peak resident memory (VmHWM) is that query's:

    count     a filtered count (2015-2024, three violent categories, at least 1 fatality)
    page      50 rows of that filter ordered by date_start desc, id: the explorer's columns (PAGE)
    map       the map's payload columns (id, category, fatalities, precision, lon, lat) of that
              filter inside a 4x3 degree box
    grid      incidents and fatalities per 0.25 degree cell of that filter
    monthly   incidents and fatalities per month of that filter
    distinct  the countries, categories and date range of the whole file
    keyword   a count of the rows whose text holds "quetta" (title, description, place, ..., actors)
    summary   the explorer's headline figures of that filter (today: geo.incident_stats.headline)
    month_country  incidents and fatalities per month and country value of that filter (two keys;
              today: geo.incident_stats.monthly)
    near      a count of the rows within 30 km of the border (geodesic; DuckDB calls geo.near's
              own code on the points in the border's search box)

"arrow" answers the first seven only ("n/a" for the others).

"today" is the path pages take now: the whole file read into a GeoDataFrame (gpd.read_parquet,
then geo.incidents.codec.from_flat, as the store's read does), then pandas (geo.filters). "first"
is the first answer in the process (opening the file included; for today, the whole read);
"repeat" the best of --repeat more. The answer's size is printed so the engines can be checked
against each other. Wall seconds on a shared machine: compare within one run.

--postgis also keeps the N incidents in a throwaway PostGIS server (tests/pg_cluster.py) and times
the same queries answered in SQL (geo.store.postgis_query) from this process (the server's memory
is its own; best of --repeat after one first answer).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ENGINES = ("today", "duckdb", "arrow")
QUERIES = ("count", "page", "map", "grid", "monthly", "distinct", "keyword", "summary", "month_country", "near")
NEAR = ("border", 30.0)
KEYWORD = "quetta"
CATEGORIES = ("attack", "bombing/IED", "armed clash")
DATE_FROM, DATE_TO = date(2015, 1, 1), date(2024, 12, 31)
BOX = (60.0, 26.0, 64.0, 29.0)
CELL = 0.25
MAP = ("id", "category", "fatalities_best", "location_precision", "lon", "lat")
PAGE = (  # what the explorer's table shows of a row (views.incident_table.TABLE_COLUMNS come from these)
    "id",
    "date_start",
    "date_end",
    "date_precision",
    "title",
    "category",
    "place",
    "admin1",
    "country",
    "fatalities_best",
    "location_precision",
    "sources",
)


def status_mb(field: str) -> float:
    """A VmRSS / VmHWM figure of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---- today's path: the whole file in pandas


def today(path: Path):
    """The queries as pages answer them now: every row in a GeoDataFrame, filtered in pandas."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from geo.filters import IncidentFilter, filter_choices, filter_mask
    from geo.incident_stats import headline
    from geo.incident_stats import monthly as month_country
    from geo.incidents.codec import from_flat
    from geo.store.aggregate import grid_counts
    from geo.store.base import in_bbox

    flt = IncidentFilter(date_from=DATE_FROM, date_to=DATE_TO, categories=CATEGORIES, min_fatalities=1)
    gdf = from_flat(gpd.read_parquet(path))

    def page():
        rows = gdf[filter_mask(gdf, flt)]
        return rows.sort_values(["date_start", "id"], ascending=[False, True]).head(50)[list(PAGE)]

    def map_payload():
        rows = gdf[filter_mask(gdf, flt) & in_bbox(gdf, BOX)]
        out = pd.DataFrame(rows[[c for c in MAP if c in rows.columns]])
        out["lon"], out["lat"] = rows.geometry.x.to_numpy(), rows.geometry.y.to_numpy()
        return out

    def monthly():
        rows = gdf[filter_mask(gdf, flt)]
        fatal = rows["fatalities_best"].fillna(0).astype("int64")
        return fatal.groupby(rows["date_start"].dt.to_period("M")).agg(["size", "sum"])

    return {
        "count": lambda: int(np.count_nonzero(filter_mask(gdf, flt))),
        "page": page,
        "map": map_payload,
        "grid": lambda: grid_counts(gdf[filter_mask(gdf, flt)], CELL),
        "monthly": monthly,
        "distinct": lambda: filter_choices(gdf),
        "keyword": lambda: int(np.count_nonzero(filter_mask(gdf, IncidentFilter(keyword=KEYWORD)))),
        "summary": lambda: headline(gdf[filter_mask(gdf, flt)]),
        "month_country": lambda: month_country(gdf[filter_mask(gdf, flt)]),
        "near": lambda: int(np.count_nonzero(filter_mask(gdf, IncidentFilter(near=NEAR[0], near_km=NEAR[1])))),
    }


# ---- DuckDB: geo.store.engine


def duck(path: Path):
    """The queries through geo.store.engine.DuckEngine (the interface pages will call)."""
    from geo.filters import IncidentFilter
    from geo.store.engine import DuckEngine
    from geo.store.query import IncidentQuery

    flt = IncidentFilter(date_from=DATE_FROM, date_to=DATE_TO, categories=CATEGORIES, min_fatalities=1)
    engine = DuckEngine({"kept": path})
    q = IncidentQuery(("kept",), flt)
    return {
        "count": lambda: engine.count(q),
        "page": lambda: engine.rows(IncidentQuery(("kept",), flt, columns=PAGE, limit=50)),
        "map": lambda: engine.rows(IncidentQuery(("kept",), flt, bbox=BOX, columns=MAP)),
        "grid": lambda: engine.aggregate(q, "cell", CELL),
        "monthly": lambda: engine.aggregate(q, "month"),
        "distinct": lambda: engine.choices(IncidentQuery(("kept",))),
        "keyword": lambda: engine.count(IncidentQuery(("kept",), IncidentFilter(keyword=KEYWORD))),
        "summary": lambda: engine.summary(q),
        "month_country": lambda: engine.aggregate(q, ("month", "country_value")),
        "near": lambda: engine.count(IncidentQuery(("kept",), IncidentFilter(near=NEAR[0], near_km=NEAR[1]))),
    }


# ---- pyarrow.dataset: the same queries with Arrow filters and compute functions


def arrow(path: Path):
    """The queries with pyarrow.dataset (filter and column pushdown) and pyarrow.compute."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from geo.incidents.codec import typed
    from geo.incidents.criteria import SEARCH_FIELDS

    data = ds.dataset(path, format="parquet")
    f = (
        (pc.field("date_end") >= pa.scalar(pd.Timestamp(DATE_FROM), pa.timestamp("us")))
        & (pc.field("date_start") <= pa.scalar(pd.Timestamp(DATE_TO), pa.timestamp("us")))
        & pc.field("category").isin(list(CATEGORIES))
        & (pc.field("fatalities_best") >= 1)
    )
    lon, lat = pc.field("bbox", "xmin"), pc.field("bbox", "ymin")
    box = (lon >= BOX[0]) & (lon <= BOX[2]) & (lat >= BOX[1]) & (lat <= BOX[3])

    def page():
        keys = data.to_table(columns=["id", "date_start"], filter=f)
        order = pc.select_k_unstable(keys, 50, [("date_start", "descending"), ("id", "ascending")])
        ids = keys["id"].take(order)
        rows = data.to_table(columns=list(PAGE), filter=f & pc.field("id").isin(ids))
        rows = rows.sort_by([("date_start", "descending"), ("id", "ascending")])
        return typed(rows.to_pandas(), rows.column_names)

    def map_payload():
        cols = {c: pc.field(c) for c in MAP if c not in ("lon", "lat")} | {"lon": lon, "lat": lat}
        return data.to_table(columns=cols, filter=f & box).to_pandas()

    def grid():
        t = data.to_table(columns={"lon": lon, "lat": lat, "f": pc.field("fatalities_best")}, filter=f)
        t = t.filter(pc.is_valid(t["lon"]))
        cells = pa.table(
            {
                "cx": pc.floor(pc.divide(t["lon"], CELL)).cast(pa.int64()),
                "cy": pc.floor(pc.divide(t["lat"], CELL)).cast(pa.int64()),
                "f": pc.fill_null(t["f"], 0),
            }
        )
        return cells.group_by(["cx", "cy"]).aggregate([("f", "count"), ("f", "sum")])

    def monthly():
        t = data.to_table(columns=["date_start", "fatalities_best"], filter=f)
        months = pa.table(
            {"m": pc.floor_temporal(t["date_start"], unit="month"), "f": pc.fill_null(t["fatalities_best"], 0)}
        )
        return months.group_by("m").aggregate([("f", "count"), ("f", "sum")])

    def distinct():
        t = data.to_table(columns=["country", "category", "date_start", "date_end"])
        countries = pc.unique(pc.list_flatten(pc.split_pattern(t["country"], ";")))
        return countries, pc.unique(t["category"]), pc.min(t["date_start"]), pc.max(t["date_end"])

    def keyword():  # any one field holding the word (a word cannot span two fields: it has no space)
        found = None
        for name in (*SEARCH_FIELDS, "actors"):
            hit = pc.match_substring(pc.utf8_lower(pc.field(name).cast(pa.string())), KEYWORD)
            found = hit if found is None else found | hit
        return data.count_rows(filter=found)

    return {
        "count": lambda: data.count_rows(filter=f),
        "page": page,
        "map": map_payload,
        "grid": grid,
        "monthly": monthly,
        "distinct": distinct,
        "keyword": keyword,
    }


def size_of(answer) -> str:
    """The answer's size, to check the engines against each other."""
    if isinstance(answer, int):
        return str(answer)
    if hasattr(answer, "countries"):  # geo.store.query.Choices
        return f"{len(answer.countries)}+{len(answer.categories)}"
    if hasattr(answer, "by_side"):  # geo.incident_stats.Headline
        return f"{answer.events}/{answer.fatalities}"
    if hasattr(answer, "sides"):  # geo.store.query.Summary
        return f"{answer.incidents}/{answer.fatalities}"
    if isinstance(answer, tuple):
        return "+".join(size_of(a) for a in answer if hasattr(a, "__len__") and not isinstance(a, str))
    return str(len(answer)) if hasattr(answer, "__len__") else str(answer)


def measure(engine: str, query: str, path: Path, repeat: int) -> dict:
    """One engine and query in this (fresh) process: first and repeat seconds, peak RSS."""
    import duckdb  # noqa: F401  the same libraries in every process: the base is theirs
    import geopandas  # noqa: F401
    import pyarrow.dataset  # noqa: F401

    import geo.store.engine  # noqa: F401

    base = status_mb("VmRSS")
    t0 = time.perf_counter()
    queries = {"today": today, "duckdb": duck, "arrow": arrow}[engine](path)
    if query not in queries:
        return {"missing": True}
    answer = queries[query]()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        answer = queries[query]()
        runs.append(time.perf_counter() - t0)
    return {
        "first_s": round(first, 3),
        "repeat_s": round(min(runs), 3) if runs else None,
        "peak_mb": round(status_mb("VmHWM")),
        "base_mb": round(base),
        "answer": size_of(answer),
    }


def postgis(path: Path, n: int, repeat: int) -> None:
    """The queries through geo.store.postgis_query on a throwaway server holding the same rows."""
    from geo.filters import IncidentFilter
    from geo.incidents.codec import from_flat
    from geo.store import open_store
    from geo.store.base import SourceInfo
    from geo.store.postgis_query import PostgisQueries
    from geo.store.query import IncidentQuery
    from tests.pg_cluster import shared_cluster, stop_shared

    cluster = shared_cluster()
    url = cluster.create_database(migrated=True)
    try:
        store = open_store(url)
        t0 = time.perf_counter()
        store.save("kept", from_flat(gpd_read(path)), SourceInfo("bench", "e" * 64, "synthetic", n, n, 0))
        print(f"PostGIS: kept {n:,} rows in {time.perf_counter() - t0:.0f} s")
        with store.connect() as conn:
            conn.execute("ANALYZE pkir.incidents")
        flt = IncidentFilter(date_from=DATE_FROM, date_to=DATE_TO, categories=CATEGORIES, min_fatalities=1)
        engine, q = PostgisQueries(store), IncidentQuery(("kept",), flt)
        queries = {
            "count": lambda: engine.count(q),
            "page": lambda: engine.rows(IncidentQuery(("kept",), flt, columns=PAGE, limit=50)),
            "map": lambda: engine.rows(IncidentQuery(("kept",), flt, bbox=BOX, columns=MAP)),
            "grid": lambda: engine.aggregate(q, "cell", CELL),
            "monthly": lambda: engine.aggregate(q, "month"),
            "distinct": lambda: engine.choices(IncidentQuery(("kept",))),
            "keyword": lambda: engine.count(IncidentQuery(("kept",), IncidentFilter(keyword=KEYWORD))),
            "summary": lambda: engine.summary(q),
            "month_country": lambda: engine.aggregate(q, ("month", "country_value")),
            "near": lambda: engine.count(IncidentQuery(("kept",), IncidentFilter(near=NEAR[0], near_km=NEAR[1]))),
            "record": lambda: engine.rows(IncidentQuery(("kept", "shipped"), ids=("M0000123",))),
        }
        print("| query | PostGIS first s | repeat s | answer |\n|---|---|---|---|")
        for name, run in queries.items():
            t0 = time.perf_counter()
            answer = run()
            first, runs = time.perf_counter() - t0, []
            for _ in range(repeat):
                t0 = time.perf_counter()
                answer = run()
                runs.append(time.perf_counter() - t0)
            print(f"| {name} | {first:.3f} | {min(runs):.3f} | {size_of(answer)} |", flush=True)
    finally:
        cluster.drop_database(url)
        stop_shared()


def gpd_read(path: Path):
    """The kept file as geopandas reads it."""
    import geopandas as gpd

    return gpd.read_parquet(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    parser.add_argument("--postgis", action="store_true", help="also time the queries in a throwaway PostGIS")
    parser.add_argument("--one", nargs=3, metavar=("ENGINE", "QUERY", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        engine, query, file = args.one
        print(json.dumps(measure(engine, query, Path(file), args.repeat)))
        return
    from bench.bench_million import workspace_for
    from geo.store.embedded import EmbeddedStore

    ws = workspace_for(args.out, args.n)
    path = EmbeddedStore(ws).file_of("synthetic-million")
    print(f"{args.n:,} incidents, {path.stat().st_size / 1e6:.0f} MB GeoParquet; load: {os.getloadavg()}")
    print("| query | engine | first s | repeat s | peak RSS MB | RSS after imports MB | answer |")
    print("|---|---|---|---|---|---|---|")
    for query in QUERIES:
        for engine in ENGINES:
            cmd = [sys.executable, "-m", "bench.bench_engines", "--repeat", str(args.repeat), "--one", engine, query]
            done = subprocess.run([*cmd, str(path)], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"| {query} | {engine} | failed: {done.stderr.strip().splitlines()[-1:]} |")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            if r.get("missing"):
                print(f"| {query} | {engine} | n/a |")
                continue
            print(
                f"| {query} | {engine} | {r['first_s']} | {r['repeat_s']} | {r['peak_mb']} | {r['base_mb']} |"
                f" {r['answer']} |",
                flush=True,
            )
    print(f"load after: {os.getloadavg()}")
    if args.postgis:
        postgis(path, args.n, args.repeat)
        print(f"load after PostGIS: {os.getloadavg()}")


if __name__ == "__main__":
    main()
