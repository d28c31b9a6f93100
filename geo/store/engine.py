"""The embedded query engine: DuckDB over the workspace's GeoParquet files and over in-memory frames.

Chosen by measurement (bench/bench_engines.py, bench/README.md "Query engines"): a page, a count or
an aggregate over a million kept incidents reads only the columns and row groups it needs, and the
process holds the answer, not the dataset. Points need no spatial extension: a kept file's covering
bbox column (written by geo.store.formats) gives lon = bbox.xmin, lat = bbox.ymin; an in-memory
frame (the shipped curated events, a session's own import) becomes an Arrow table with lon/lat.

    engine = DuckEngine({"shipped": frame_table(shipped_gdf), "ACLED": Path(".../v1.parquet")})
    engine.page(IncidentQuery(("ACLED", "shipped"), flt, columns=MAP_COLUMNS, limit=50))

Every query means what geo.store.query.ReferenceQueries computes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TypeAlias

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from geo.filters import IncidentFilter
from geo.incidents import criteria
from geo.incidents.codec import flat_rows, point_columns, typed
from geo.incidents.schema import FIELDS, POINT, column_kind
from geo.store.base import KEY, SHIPPED, DatasetNotFound, StoreError
from geo.store.point_tests import register
from geo.store.query import (
    GROUPING_COLUMNS,
    H3_RES,
    SUMMARY_COLUMNS,
    Choices,
    IncidentQuery,
    Page,
    Summary,
    check_grouping,
    choices_of,
    grouped_frame,
    groupings,
    key_sql,
    sample_sql,
    summary_of,
    summary_sql,
    tracks_sql,
)

Source: TypeAlias = (
    Path | pa.Table | Callable[[], Path]
)  # a GeoParquet file, a frame_table, or where the current file is
READ_RETRIES = 5
THREADS = 2
ROW = "__row"  # a row's place in its source (file_row_number of a GeoParquet file): a page's second read


DUCK_TYPES = {"float": "DOUBLE", "date": "TIMESTAMP", "int": "BIGINT", "bool": "BOOLEAN", "text": "VARCHAR"}


def _sql_type(name: str) -> str:
    return "BIGINT" if name == ROW else DUCK_TYPES[column_kind(name)]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def frame_table(gdf: gpd.GeoDataFrame) -> pa.Table:
    """An incident frame as the engine reads it: stored columns (geo.incidents.codec.to_flat), lon, lat
    (null where there is no point) and each row's number."""
    flat = flat_rows(gdf)
    arrays = {}
    for name, col in flat.items():
        values = col.to_numpy(dtype=object, na_value=None) if col.dtype == object else col
        arrays[name] = pa.array(values, from_pandas=True)
    lon, lat = point_columns(gdf)
    arrays["lon"], arrays["lat"] = pa.array(lon, from_pandas=True), pa.array(lat, from_pandas=True)  # NaN -> null
    arrays[ROW] = pa.array(np.arange(len(flat), dtype=np.int64))
    return pa.table(arrays)


def _reason(exc: Exception) -> str:
    """The first line of an error's message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _point_columns(names: set[str], path: Path) -> dict[str, str]:
    """How a kept file gives lon/lat: its own columns, else its covering bbox (a point's box is the point)."""
    if {"lon", "lat"} <= names:
        return {"lon": "lon", "lat": "lat"}
    if "bbox" in names:
        return {"lon": "bbox.xmin", "lat": "bbox.ymin"}
    raise StoreError(f"{path.name}: a kept file needs lon/lat or a covering bbox column; save the dataset again")


def where_sql(flt: IncidentFilter, bbox) -> tuple[str, list]:
    """The condition for a filter (geo.incidents.criteria's DuckDB translations) and a box over the
    engine's columns, with its parameters. Near and District call geo.near's and geo.districts' own
    code from SQL (geo.store.point_tests); an unknown Near target raises geo.near.UnknownTarget here."""
    parts, params = criteria.duckdb_where(flt)
    if bbox is not None:
        parts.append("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?")
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        params += [minx, maxx, miny, maxy]
    return " AND ".join(["TRUE", *parts]), params


def filter_needs(flt: IncidentFilter, bbox) -> set[str]:
    """The columns a filter and a box look at (a point as lon/lat, never a geometry)."""
    need = criteria.reads(flt)
    return need - {"geometry"} | (set(POINT) if bbox is not None or "geometry" in need else set())


def order_sql(order) -> str:
    """ORDER BY terms for (column, descending) pairs, missing values last; a title by lower case first.

    DuckDB lowers letter by letter, str.lower by Unicode's full rules: titles differing only in a
    dotted İ or a word-final Σ may tie differently here (PostGIS, through ICU, lowers as Python does).
    """
    terms = []
    for column, desc in order:
        way = "DESC" if desc else "ASC"
        if column == "title":
            terms.append(f"lower({_ident(column)}) {way} NULLS LAST")
        terms.append(f"{_ident(column)} {way} NULLS LAST")
    return ", ".join(terms)


class DuckEngine:
    """Answers IncidentQuery over named sources (GeoParquet files and Arrow tables) with DuckDB."""

    def __init__(self, sources: Mapping[str, Source], threads: int = THREADS, memory_limit: str = "512MB"):
        self.sources = dict(sources)
        spill = Path(tempfile.gettempdir()) / "pkir-duckdb"  # not DuckDB's default, .tmp in the working folder
        self._con = duckdb.connect(
            config={"threads": threads, "memory_limit": memory_limit, "temp_directory": str(spill)}
        )
        register(self._con)  # the per-point criteria (Near) as SQL functions

    def close(self) -> None:
        """Release DuckDB's memory."""
        self._con.close()

    # ---- the relation a query reads

    def _source_sql(self, name: str, pos: int, columns: list[str], cursor, pinned: Mapping) -> str:
        source = pinned[name]
        if isinstance(source, pa.Table):
            have = set(source.column_names)
            view = f"src{pos}"
            cursor.register(view, source)
            origin, point = view, {"lon": "lon", "lat": "lat", ROW: ROW}
        else:
            have = set(pq.read_schema(source).names)
            origin = f"read_parquet({_text(str(source))}, file_row_number = true)"
            point = {ROW: "file_row_number"} | _point_columns(have, source)
            have |= set(point)
        items = [f"{pos} AS pos"]
        for col in columns:
            expr = point.get(col, _ident(col))
            expr = expr if col in have else "NULL"
            items.append(f"CAST({expr} AS {_sql_type(col)}) AS {_ident(col)}")
        return f"SELECT {', '.join(items)} FROM {origin}"

    def _matched(self, q: IncidentQuery, columns: set[str], cursor, pinned: Mapping) -> tuple[str, list]:
        """SQL of the rows the query matches (these columns, first named dataset winning an id)."""
        need = (
            columns
            | filter_needs(q.filter, q.bbox)
            | {KEY}
            | ({"track", "category"} if q.tracks is not None else set())
        )
        ordered = [c for c in (*FIELDS, *POINT, ROW) if c in need]
        parts = (self._source_sql(n, i, ordered, cursor, pinned) for i, n in enumerate(q.datasets))
        union = " UNION ALL ".join(parts)
        search = f", {criteria.duckdb_search_sql()} AS search" if criteria.BY_NAME["keyword"].active(q.filter) else ""
        where, params = where_sql(q.filter, q.bbox)
        if q.ids is not None:
            where += " AND list_contains(?::VARCHAR[], id)"
            params.append(list(q.ids))
        if q.hidden is not None:
            where += " AND NOT list_contains(?::VARCHAR[], id)"
            params.append(list(q.hidden))
        if q.tracks is not None:
            where += f" AND {tracks_sql(q.tracks)}"
        once = " QUALIFY row_number() OVER (PARTITION BY id ORDER BY pos) = 1" if len(q.datasets) > 1 else ""
        return f"SELECT * FROM (SELECT *{search} FROM ({union})) WHERE {where}{once}", params

    def _attempt(self, q: IncidentQuery, work: Callable):
        """work(cursor, pinned sources) with each kept file's current path fixed for the whole call;
        again when a kept file was replaced meanwhile (a save publishes a new file, deletes the old)."""
        missing = [n for n in q.datasets if n not in self.sources]
        if missing:
            raise DatasetNotFound(f"no dataset named '{missing[0]}'")
        for _attempt in range(READ_RETRIES):
            cursor = self._con.cursor()  # one per query: queries from several threads do not share one
            try:
                pinned = {n: Path(s()) if callable(s) else s for n, s in self.sources.items() if n in q.datasets}
                return work(cursor, pinned)
            except (duckdb.IOException, FileNotFoundError) as exc:
                if not any(callable(self.sources[n]) for n in q.datasets):
                    raise StoreError(f"{', '.join(q.datasets)}: a kept file is missing ({_reason(exc)})") from exc
            except (duckdb.Error, pa.ArrowException) as exc:  # a damaged file: one line, not a traceback
                raise StoreError(f"{', '.join(q.datasets)}: the kept data cannot be read ({_reason(exc)})") from exc
            finally:
                cursor.close()
        raise StoreError("a dataset kept changing while it was read; try again")

    def _run(self, q: IncidentQuery, columns: set[str], build: Callable[[str], tuple[str, list]], fetch=None):
        """fetch(the result of build(SQL of the matched rows)); fetchall by default."""

        def work(cursor, pinned):
            matched, params = self._matched(q, columns, cursor, pinned)
            query, more = build(matched)
            result = cursor.execute(query, [*params, *more])
            return result.fetchall() if fetch is None else fetch(result)

        return self._attempt(q, work)

    # ---- the queries

    def count(self, q: IncidentQuery) -> int:
        """How many rows the query matches."""
        return int(self._run(q, set(), lambda m: (f"SELECT count(*) FROM ({m})", []))[0][0])

    def rows(self, q: IncidentQuery) -> pd.DataFrame:
        """The ordered page of rows, typed as geo.store.query.typed.

        A page (a limit) is found by its order columns alone, then only its rows' other columns are
        read (by their row in the file): sorting every matched row with all its texts costs seconds
        at a million rows.
        """
        out = q.output_columns()
        keys = {c for c, _ in q.full_order()}
        order = order_sql(q.full_order())
        limit = "" if q.limit is None else f" LIMIT {int(q.limit)}"
        late = (q.limit is not None or q.sample is not None) and bool(set(out) - keys)
        select = ", ".join(["pos", ROW] if late else map(_ident, out))

        def work(cursor, pinned):
            matched, params = self._matched(q, (keys | {ROW}) if late else (set(out) | keys), cursor, pinned)
            if q.sample is not None:  # each row's place in the order, and how many there are
                numbered = f"SELECT *, row_number() OVER (ORDER BY {order}) - 1 AS rn, count(*) OVER () AS total"
                matched = f"SELECT * FROM ({numbered} FROM ({matched})) WHERE {sample_sql(int(q.sample))}"
            query = f"SELECT {select} FROM ({matched}) ORDER BY {order}{limit} OFFSET {int(q.offset)}"
            found = cursor.execute(query, params)
            return self._fetch_rows(cursor, pinned, q, found.fetchall(), out) if late else found.df()

        return typed(self._attempt(q, work), out)

    def table(self, q: IncidentQuery) -> pa.Table:
        """rows(q) as an Arrow table (texts, timestamps, numbers as stored): for answers too large for a
        Python object per value, the map's payload columns first of all."""
        if q.limit is not None or q.sample is not None:  # a page or a sample: small, typed as rows()
            return pa.Table.from_pandas(self.rows(q), preserve_index=False)
        out = q.output_columns()
        keys = {c for c, _ in q.full_order()}

        def work(cursor, pinned):
            matched, params = self._matched(q, set(out) | keys, cursor, pinned)
            query = f"SELECT {', '.join(map(_ident, out))} FROM ({matched}) ORDER BY {order_sql(q.full_order())}"
            return cursor.sql(query, params=params).to_arrow_table()  # no copy through the DB-API result

        return self._attempt(q, work)

    def _fetch_rows(self, cursor, pinned, q: IncidentQuery, found: list[tuple], out: list[str]) -> pd.DataFrame:
        """The columns out of these (pos, row) pairs, in their order."""
        parts = []
        for pos in sorted({p for p, _ in found}):
            rows = ", ".join(str(int(r)) for p, r in found if p == pos)
            source = self._source_sql(q.datasets[pos], pos, [*out, ROW], cursor, pinned)
            parts.append(cursor.execute(f"SELECT * FROM ({source}) WHERE {ROW} IN ({rows})").df())
        if not parts:
            return pd.DataFrame({c: [] for c in out})
        got = pd.concat(parts, ignore_index=True).set_index(["pos", ROW])
        return got.loc[pd.MultiIndex.from_tuples(found, names=["pos", ROW])].reset_index(drop=True)

    def page(self, q: IncidentQuery) -> Page:
        """rows() and count() together."""
        return Page(self.rows(q), self.count(q))

    def aggregate(self, q: IncidentQuery, by, cell_deg: float = 0.5, h3_res: int = H3_RES) -> pd.DataFrame:
        """Incidents and known fatalities per group: one grouping or a tuple of them (geo.store.query).
        A district or hexagon is found by geo.store.point_tests' Python functions on each point."""
        cell = check_grouping(by, cell_deg, h3_res)
        exprs: list[str] = []
        kept: list[str] = []
        by_python: list[int] = []
        need = {"fatalities_best"}
        for name in groupings(by):
            need |= GROUPING_COLUMNS[name]
            if name == "country":  # each distinct code of "PAK;IRN" once
                kept.append(f"k{len(exprs)} <> ''")
                exprs.append("unnest(list_distinct(string_split(country, ';')))")
            elif name in ("district", "h3"):  # by a Python function: its NULL groups dropped here, below
                by_python.append(len(exprs))
                exprs.append(
                    "pkir_district_of(lon, lat)" if name == "district" else f"pkir_h3(lon, lat, {int(h3_res)})"
                )
            else:
                exprs += key_sql(name, cell)
        keys = [f"k{i}" for i in range(len(exprs))]
        inner = ", ".join(f"{e} AS {k}" for e, k in zip(exprs, keys, strict=True))
        # a condition on a Python function's key would call it twice (DuckDB evaluates it in the filter too)
        where = " AND ".join(["TRUE", *(f"{k} IS NOT NULL" for i, k in enumerate(keys) if i not in by_python), *kept])
        sql = (
            f"SELECT {', '.join(keys)}, count(*), sum(coalesce(fatalities_best, 0))::BIGINT"
            f" FROM (SELECT {inner}, fatalities_best FROM ({{m}})) WHERE {where} GROUP BY ALL"
        )
        found = self._run(q, need, lambda m: (sql.replace("{m}", m), []))
        return grouped_frame(by, [r for r in found if all(r[i] is not None for i in by_python)], cell)

    def summary(self, q: IncidentQuery) -> Summary:
        """The headline figures of the matched rows, in one pass."""
        sql = f"SELECT {summary_sql()} FROM ({{m}})"
        return summary_of(self._run(q, set(SUMMARY_COLUMNS), lambda m: (sql.replace("{m}", m), []))[0])

    def choices(self, q: IncidentQuery) -> Choices:
        """Date range, categories and country codes of the matched rows."""
        need = {"date_start", "date_end", "category", "country"}
        sql = (
            "SELECT min(date_start), max(date_end), list(DISTINCT category),"
            " list(DISTINCT c) FROM (SELECT *, unnest(coalesce(string_split(country, ';'), [NULL])) AS c FROM ({m}))"
        )
        ((lo, hi, cats, countries),) = self._run(q, need, lambda m: (sql.replace("{m}", m), []))
        return choices_of(lo, hi, [c for c in cats or [] if c is not None], [c for c in countries or [] if c])


def engine_for(store, names, frames: Mapping[str, gpd.GeoDataFrame] | None = None) -> DuckEngine:
    """An engine over these datasets of an embedded store, plus frames held in memory by name
    (a session's own import); the shipped dataset is read from the store's shipped file."""
    frames = dict(frames or {})
    suffix = getattr(getattr(store, "backend", None), "suffix", ".parquet")
    if suffix != ".parquet":
        raise StoreError(f"the query engine reads GeoParquet workspaces; {store.location} keeps {suffix} files")
    sources: dict[str, Source] = {}
    kept = {i.name for i in store.list() if not i.read_only}
    for name in dict.fromkeys([names] if isinstance(names, str) else names):
        if name in frames:
            sources[name] = frame_table(frames[name])
        elif name == SHIPPED or name in getattr(store, "also_shipped", {}):
            sources[name] = frame_table(store.shipped_frame(name))
        elif name in kept:
            sources[name] = partial(store.file_of, name)
        else:
            raise DatasetNotFound(f"no dataset named '{name}'")
    return DuckEngine(sources)
