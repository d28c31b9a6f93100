"""The query interface (geo.store.query) answered in SQL by the PostGIS store (team mode).

Kept datasets are read from pkir.incidents with the filter of geo.store.postgis.where_clause, so
the database's indexes answer it and only the page, the count or the aggregate comes back. Rows
held in memory (the shipped curated events, a session's own import) go along as arrays of the
columns the query needs (no temporary table: a read-only role may run it), so several datasets
are joined, ordered and paged in one statement. count, summary, aggregate and choices over one kept
dataset, with a filter the rollup holds (geo.store.rollup.usable) and no box, ids or sample, are
read from its pre-aggregated counts instead (the same answers: tests/store/test_rollup.py).

    PostgisQueries(store).page(IncidentQuery(("ACLED", "shipped"), flt, limit=50))
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from psycopg import sql

from geo.incidents import criteria
from geo.incidents.codec import flat_rows, point_columns, typed
from geo.incidents.criteria import stored_search_text, without_nul
from geo.incidents.schema import DATE_COLUMNS, FIELDS, INT_COLUMNS, JSON_COLUMNS, POINT, column_kind
from geo.store import rollup
from geo.store.base import KEY, DatasetNotFound
from geo.store.postgis import where_clause
from geo.store.query import (
    GROUPING_COLUMNS,
    H3_RES,
    SECURITY_TRACK,
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
    sql_literal,
    summary_of,
    summary_sql,
    track_sql,
    tracks_sql,
)

FETCH_ROWS = 50_000  # rows() reads a large result this many rows at a time
TEXT_ORDER = sql.SQL(' COLLATE "C"')  # texts by code point, as the reference and the embedded engine order them
ICU_ROOT = "und-x-icu"  # Unicode's own lower case (str.lower's), whatever the database's locale


def _standard(text: str) -> sql.SQL:
    """Standard SQL text (geo.store.query) as psycopg composes it: a % in a literal is no placeholder."""
    return sql.SQL(text.replace("%", "%%"))


# the rollup tables (geo.store.rollup) and their rows named as the incidents' columns they stand for
ROLLUP_ROWS = (
    "pkir.incident_rollup",
    "r.start_day::timestamp AS date_start, r.end_day::timestamp AS date_end, r.category, r.track, r.country,"
    " r.location_precision, r.incidents AS n, r.fatalities, r.with_figure, r.security, r.militants, r.civilians,"
    " r.unattributed, r.located",
)
ROLLUP_CELLS = (
    "pkir.incident_cell_rollup",
    "r.start_day::timestamp AS date_start, r.end_day::timestamp AS date_end, r.category, r.country,"
    " r.cell_x, r.cell_y, r.incidents AS n, r.fatalities",
)
CELL_ROLLUP_GROUPINGS = frozenset({"cell", "month", "category", "country", "country_value"})
# what the day rollup is keyed by (geo/store/migrations/0011_incident_rollup.sql): no grade, for one
ROW_ROLLUP_GROUPINGS = frozenset({"month", "category", "country", "country_value", "track", "precision"})


PG_TYPES = {"float": "double precision", "date": "timestamp", "int": "bigint", "bool": "boolean", "text": "text"}


def _pg_type(name: str) -> str:
    return PG_TYPES[column_kind(name)]


def _is_text(name: str) -> bool:
    return _pg_type(name) == "text"


# the "district" grouping: the shipped polygons as parameters; a point goes to the first listed that
# it intersects, as geo.districts.district_index places it (and the District filter tests it)
# (the boxes as plain numbers first: a point outside a district's box never calls ST_Intersects)
DISTRICTS_CTE = (
    "WITH pkir_d AS MATERIALIZED (SELECT d.id, d.n, g, ST_XMin(g) AS x0, ST_XMax(g) AS x1, ST_YMin(g) AS y0,"
    " ST_YMax(g) AS y1 FROM unnest(%s::text[], %s::bytea[]) WITH ORDINALITY AS d(id, wkb, n),"
    " LATERAL ST_GeomFromWKB(d.wkb, 4326) AS g) "
)
DISTRICT_JOIN = (  # each matched row (ids are distinct there) once, with the first district holding it
    "SELECT DISTINCT ON (m.id) m.*, pkir_d.id AS pkir_district FROM ({}) m JOIN pkir_d"
    " ON m.lon BETWEEN pkir_d.x0 AND pkir_d.x1 AND m.lat BETWEEN pkir_d.y0 AND pkir_d.y1"
    " AND ST_Intersects(pkir_d.g, m.geometry) ORDER BY m.id, pkir_d.n"
)


def _to_hexagons(by, rows: list[tuple], h3_res: int) -> list[tuple]:
    """Rows grouped by the exact point for "h3" (lon, lat in its place) regrouped by the point's
    hexagon (geo.store.point_tests.hexagons_of): one call per distinct point, not per incident."""
    names = groupings(by)
    if "h3" not in names or not rows:
        return rows
    from geo.store.point_tests import hexagons_of

    at = sum(2 if n == "cell" else 1 for n in names[: names.index("h3")])
    frame = pd.DataFrame.from_records(rows)
    lon, lat = frame.pop(at).to_numpy(dtype=float), frame.pop(at + 1).to_numpy(dtype=float)
    frame.insert(at, "h3", hexagons_of(lon, lat, h3_res))
    keys, sums = list(frame.columns[:-2]), list(frame.columns[-2:])
    grouped = frame.groupby(keys, sort=False, dropna=False)[sums].sum().reset_index()
    return list(grouped.itertuples(index=False, name=None))


def _python_values(col: pd.Series) -> list:
    """A stored column as Python values psycopg sends, None for every missing value."""
    if col.name in DATE_COLUMNS:
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in col]
    if col.name in INT_COLUMNS:
        return [None if pd.isna(v) else int(v) for v in col]
    return col.astype(object).where(col.notna(), None).tolist()


def _whole_world(box) -> bool:
    """True when a box holds every valid point (longitude -180..180, latitude -90..90)."""
    minx, miny, maxx, maxy = (float(v) for v in box)
    return minx <= -180 and miny <= -90 and maxx >= 180 and maxy >= 90


class PostgisQueries:
    """Answers IncidentQuery for a geo.store.postgis.PostgisStore; frames add in-memory datasets by name."""

    def __init__(self, store, frames: Mapping[str, gpd.GeoDataFrame] | None = None):
        self.store = store
        self.frames = dict(frames or {})

    # ---- the relation a query reads

    def _frame(self, name: str) -> gpd.GeoDataFrame | None:
        if name in self.frames:
            return self.frames[name]
        return self.store.shipped_frame(name)  # None for a kept dataset

    def _kept_part(self, ids: list[int], positions: list[int], columns: list[str]) -> tuple[sql.Composable, list]:
        """The kept datasets' rows (by dataset_id); one dataset is read by dataset_id = its id alone, so
        the planner can walk an index in a page's order (incidents_page_order) and stop at the page."""
        items: list[sql.Composable] = [sql.SQL("d.pos") if len(ids) > 1 else sql.SQL("%s::bigint AS pos")]
        for col in columns:
            ident = sql.Identifier("i", col)
            items.append(sql.SQL("{}::text AS {}").format(ident, sql.Identifier(col)) if col in JSON_COLUMNS else ident)
        items += [sql.SQL("ST_X(i.geometry) AS lon, ST_Y(i.geometry) AS lat, i.search, i.geometry")]
        if len(ids) == 1:
            one = sql.SQL("SELECT {} FROM pkir.incidents i WHERE i.dataset_id = %s")
            return one.format(sql.SQL(", ").join(items)), [positions[0], ids[0]]
        query = sql.SQL(
            "SELECT {} FROM pkir.incidents i JOIN unnest(%s::bigint[], %s::bigint[]) AS d(dataset_id, pos)"
            " ON d.dataset_id = i.dataset_id"
        ).format(sql.SQL(", ").join(items))
        return query, [ids, positions]

    def _frame_part(self, gdf: gpd.GeoDataFrame, pos: int, columns: list[str]) -> tuple[sql.Composable, list]:
        flat = flat_rows(gdf)
        lon, lat = point_columns(gdf)
        arrays = [_python_values(flat[c]) for c in columns]
        arrays += [[None if np.isnan(v) else float(v) for v in a] for a in (lon, lat)]
        arrays.append(stored_search_text(flat).tolist())
        names = [*columns, "lon", "lat", "search"]
        unnest = sql.SQL(", ").join(sql.SQL("%s::{}[]").format(sql.SQL(_pg_type(n))) for n in names)
        query = sql.SQL(
            "SELECT %s::bigint AS pos, {cols}, CASE WHEN f.lon IS NOT NULL AND f.lat IS NOT NULL"
            " THEN ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326) END AS geometry"
            " FROM unnest({arrays}) AS f({names})"
        ).format(
            cols=sql.SQL(", ").join(sql.Identifier("f", n) for n in names),
            arrays=unnest,
            names=sql.SQL(", ").join(map(sql.Identifier, names)),
        )
        return query, [pos, *arrays]

    def _matched(self, conn, q: IncidentQuery, columns: set[str]) -> tuple[sql.Composable, list]:
        """SQL of the rows the query matches (these columns, lon, lat), first named dataset winning an id."""
        need = columns | {KEY, "date_start", "date_end", "category", "country", "fatalities_best", "track"}
        need |= criteria.reads(q.filter) - {"geometry"}  # what the filter reads (the grade)
        ordered = [c for c in FIELDS if c in need]
        kept = [n for n in q.datasets if self._frame(n) is None]
        have = {}
        if kept:
            found = conn.execute(
                "SELECT name, dataset_id FROM pkir.datasets WHERE name = ANY(%s)", (without_nul(kept),)
            )
            have = dict(found.fetchall())
        missing = [n for n in kept if n not in have]
        if missing:
            raise DatasetNotFound(f"no dataset named '{missing[0]}'")
        parts, params = [], []
        if kept:
            part, more = self._kept_part([have[n] for n in kept], [q.datasets.index(n) for n in kept], ordered)
            parts.append(part)
            params += more
        for pos, name in enumerate(q.datasets):
            if name not in kept:
                part, more = self._frame_part(self._frame(name), pos, ordered)
                parts.append(part)
                params += more
        where, more = where_clause(q.filter, q.bbox)
        if q.ids is not None:
            where = sql.SQL("{} AND i.id = ANY(%s::text[])").format(where)
            more = [*more, without_nul(q.ids)]
        if q.hidden is not None:
            where = sql.SQL("{} AND NOT (i.id = ANY(%s::text[]))").format(where)
            more = [*more, without_nul(q.hidden)]
        if q.tracks is not None:  # literals of a checked query, written by tracks_sql
            where = sql.SQL("{} AND {}").format(
                where, sql.SQL(tracks_sql(without_nul(q.tracks), "i.track", "i.category"))
            )
        union = sql.SQL(" UNION ALL ").join(parts)
        if len(q.datasets) > 1:
            query = sql.SQL("SELECT DISTINCT ON (i.id) * FROM ({}) i WHERE {} ORDER BY i.id, i.pos").format(
                union, where
            )
        else:
            query = sql.SQL("SELECT * FROM ({}) i WHERE {}").format(union, where)
        return query, [*params, *more]

    @cached_property
    def _lower(self) -> sql.Composable:
        """lower() of the title, through ICU's root locale where the server has it (a database made
        with the C locale lowers ASCII letters only)."""
        with self.store.connect() as conn:
            icu = conn.execute("SELECT 1 FROM pg_collation WHERE collname = %s", (ICU_ROOT,)).fetchone()
        text = f'lower(m.title COLLATE "{ICU_ROOT}")' if icu else "lower(m.title)"
        return sql.SQL(text) + TEXT_ORDER

    def _order(self, order) -> sql.Composable:
        """ORDER BY terms for (column, descending) pairs, missing values last; a title by lower case first."""
        terms = []
        for c, d in order:
            way = sql.SQL("DESC" if d else "ASC")
            if c == "title":
                terms.append(sql.SQL("{} {} NULLS LAST").format(self._lower, way))
            text = TEXT_ORDER if _is_text(c) else sql.SQL("")
            terms.append(sql.SQL("m.{}{} {} NULLS LAST").format(sql.Identifier(c), text, way))
        return sql.SQL(", ").join(terms)

    def _from_rollup(self, q: IncidentQuery, build, cells: bool = False, located: bool = False) -> list[tuple] | None:
        """build(the rollup rows the query matches) run when the rollup can answer q, else None.
        The rows are named as incidents' (date_start, category, track, country, location_precision;
        cell_x, cell_y from the cell rollup) with n incidents and the sums of geo.store.rollup.
        A box holding the whole world is "located" (validated points lie in it): build reads the
        located sum, or the cell rollup (only located rows), and says so with located or cells."""
        boxed = q.bbox is not None
        if boxed and not ((located or cells) and _whole_world(q.bbox)):
            return None
        if len(q.datasets) != 1 or self._frame(q.datasets[0]) is not None:
            return None
        if q.ids is not None or q.hidden is not None or not rollup.usable(q.filter) or (cells and q.tracks is not None):
            return None
        if not without_nul(q.datasets):  # a name holding NUL: no such dataset, as the scan says
            return None
        with self.store.connect() as conn, conn.transaction():
            if conn.execute("SELECT to_regclass('pkir.rollup_state')").fetchone()[0] is None:
                return None  # a schema before migration 0009 (a store opened without migrating)
            found = conn.execute(
                "SELECT d.dataset_id FROM pkir.datasets d JOIN pkir.rollup_state r"
                " ON r.dataset_id = d.dataset_id AND r.version = d.version WHERE d.name = %s",
                (q.datasets[0],),
            ).fetchone()
            if found is None:  # no such dataset, or its rollup is not of its version: the scan answers
                return None
            where, params = rollup.where(q.filter)
            if q.tracks is not None:  # literals of a checked query, written by tracks_sql
                where = sql.SQL("{} AND {}").format(
                    where, sql.SQL(tracks_sql(without_nul(q.tracks), "r.track", "r.category"))
                )
            table = ROLLUP_CELLS if cells else ROLLUP_ROWS
            rows = sql.SQL("SELECT {} FROM {} r WHERE r.dataset_id = %s AND {}").format(
                sql.SQL(table[1]), sql.SQL(table[0]), where
            )
            return conn.execute(build(rows), [found[0], *params]).fetchall()

    def _run(self, q: IncidentQuery, columns: set[str], build) -> list[tuple]:
        with self.store.connect() as conn, conn.transaction():
            matched, params = self._matched(conn, q, columns)
            query, before = build(matched)
            return conn.execute(query, [*before, *params]).fetchall()

    # ---- the queries

    def count(self, q: IncidentQuery) -> int:
        """How many rows the query matches."""
        n = "m.located" if q.bbox is not None else "m.n"  # a box the rollup answers: the whole world
        text = sql.SQL(f"SELECT coalesce(sum({n}), 0) FROM ({{}}) m")
        done = self._from_rollup(q, lambda m: text.format(m), located=True)
        if done is not None:
            return int(done[0][0])
        rows = self._run(q, set(), lambda m: (sql.SQL("SELECT count(*) FROM ({}) m").format(m), []))
        return int(rows[0][0])

    def rows(self, q: IncidentQuery) -> pd.DataFrame:
        """The ordered page of rows, typed as geo.store.query.typed."""
        out = q.output_columns()
        order = self._order(q.full_order())
        limit = sql.SQL("") if q.limit is None else sql.SQL(" LIMIT {}").format(sql.Literal(int(q.limit)))

        def build(m):
            select = sql.SQL(", ").join(sql.SQL("m.{}").format(sql.Identifier(c)) for c in out)
            if q.sample is not None:  # each row's place in the order, and how many there are
                numbered = sql.SQL(
                    "SELECT m.*, row_number() OVER (ORDER BY {}) - 1 AS rn, count(*) OVER () AS total FROM ({}) m"
                ).format(order, m)
                m = sql.SQL("SELECT * FROM ({}) m WHERE {}").format(numbered, sql.SQL(sample_sql(int(q.sample))))
            query = sql.SQL("SELECT {} FROM ({}) m ORDER BY {}{} OFFSET {}").format(
                select, m, order, limit, sql.Literal(int(q.offset))
            )
            return query, []

        need = set(out) | {c for c, _ in q.full_order()}
        with self.store.connect() as conn, conn.transaction():
            matched, params = self._matched(conn, q, need - set(POINT))
            query, before = build(matched)
            # a server-side cursor, read in parts: the rows never sit in memory as one list of tuples
            # (a map's payload is hundreds of thousands of rows)
            with conn.cursor(name="pkir_rows") as cursor:
                cursor.execute(query, [*before, *params])
                parts = []
                while chunk := cursor.fetchmany(FETCH_ROWS):
                    parts.append(typed(pd.DataFrame.from_records(chunk, columns=out, coerce_float=False), out))
        if not parts:
            return typed(pd.DataFrame({c: [] for c in out}), out)
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def table(self, q: IncidentQuery) -> pa.Table:
        """rows(q) as an Arrow table (texts, timestamps, numbers as stored): for answers too large for a
        Python object per value, the map's payload columns first of all."""
        return pa.Table.from_pandas(self.rows(q), preserve_index=False)

    def page(self, q: IncidentQuery) -> Page:
        """rows() and count() together."""
        return Page(self.rows(q), self.count(q))

    def aggregate(self, q: IncidentQuery, by, cell_deg: float = 0.5, h3_res: int = H3_RES) -> pd.DataFrame:
        """Incidents and known fatalities per group (one grouping or a tuple of them), in the database:
        from the rollup when it holds the groupings and the filter, else a scan; "district" joins the
        shipped polygons (DISTRICTS_CTE), "h3" groups by the exact point and places the distinct points
        in Python (_to_hexagons)."""
        cell = check_grouping(by, cell_deg, h3_res)
        exprs: list[str] = []
        kept: list[str] = []
        before: list = []
        need, lateral = {"fatalities_best"}, ""
        for name in groupings(by):
            need |= GROUPING_COLUMNS[name]
            if name == "country":  # each distinct code of "PAK;IRN" once
                kept.append(f"k{len(exprs)} <> ''")
                exprs.append("u.c")
                lateral = ", LATERAL (SELECT DISTINCT unnest(string_to_array(m.country, ';')) AS c) u"
            elif name == "district":  # a row in no district is joined to none: left out
                exprs.append("m.pkir_district")
                before = self._districts
            elif name == "h3":
                exprs += ["m.lon", "m.lat"]
            else:
                exprs += key_sql(name, cell)
        keys = [f"k{i}" for i in range(len(exprs))]
        where = " AND ".join([*(f"{k} IS NOT NULL" for k in keys), *kept])
        source = DISTRICT_JOIN if before else "{}"

        def text(exprs, count, fatalities):
            inner = ", ".join(f"{e} AS {k}" for e, k in zip(exprs, keys, strict=True))
            return _standard(
                f"SELECT {', '.join(keys)}, {count}, {fatalities}"
                f" FROM (SELECT {inner}, {{}} FROM ({source}) m{lateral}) g"
                f" WHERE {where} GROUP BY {', '.join(keys)}"
            )

        names = groupings(by)
        rows = None if before or "h3" in names else self._aggregate_rollup(q, names, cell, exprs, text)
        if rows is None:
            scan = text(exprs, "count(*)", "sum(coalesce(fatalities_best, 0))::bigint")
            cte = sql.SQL(DISTRICTS_CTE if before else "")
            rows = self._run(
                q, need - set(POINT), lambda m: (cte + scan.format(sql.SQL("m.fatalities_best"), m), list(before))
            )
        return grouped_frame(by, _to_hexagons(by, rows, h3_res), cell)

    @cached_property
    def _districts(self) -> list:
        """The shipped districts as (ids, WKB polygons) parameters of DISTRICTS_CTE, read once."""
        from geo.districts import UnknownDistrict, shipped_districts

        try:
            layer = shipped_districts()
        except UnknownDistrict:  # the layer cannot be read: no point is in a district
            return [[], []]
        return [layer["id"].astype(str).tolist(), [shapely.to_wkb(g) for g in layer.geometry]]

    def _aggregate_rollup(self, q: IncidentQuery, names, cell: float, exprs: list[str], text) -> list[tuple] | None:
        """aggregate()'s rows from the rollup (the cell rollup when grouped by cell), or None."""
        cells = "cell" in names
        if not cells and not set(names) <= ROW_ROLLUP_GROUPINGS:
            return None
        if cells:
            k = rollup.cell_factor(cell)
            if k is None or not set(names) <= CELL_ROLLUP_GROUPINGS:
                return None
            at = names.index("cell")  # where its two keys start: each grouping before it is one key
            # the cell's two keys: the rollup's cells joined k by k (exact: both sizes are powers of two)
            joined = [f"CAST(floor(CAST(m.cell_{a} AS DOUBLE PRECISION) / {k}) AS BIGINT)" for a in "xy"]
            exprs = [*exprs[:at], *joined, *exprs[at + 2 :]]
        agg = text(exprs, "sum(n)::bigint", "sum(fatalities)::bigint")
        return self._from_rollup(q, lambda m: agg.format(sql.SQL("m.n, m.fatalities"), m), cells=cells)

    def summary(self, q: IncidentQuery) -> Summary:
        """The headline figures of the matched rows, in one pass in the database."""
        security = f"{track_sql('m.track', 'm.category')} = {sql_literal(SECURITY_TRACK)}"
        done = self._from_rollup(
            q,
            lambda m: sql.SQL(
                "SELECT sum(m.n), sum(m.fatalities), sum(m.with_figure), sum(m.security), sum(m.militants),"
                " sum(m.civilians), sum(m.unattributed), coalesce(sum(m.n) FILTER (WHERE {}), 0), sum(m.located)"
                " FROM ({}) m"
            ).format(_standard(security), m),
        )
        if done is not None:
            return summary_of(done[0])
        text = _standard(f"SELECT {summary_sql()} FROM ({{}}) m")
        rows = self._run(q, set(SUMMARY_COLUMNS - set(POINT)), lambda m: (text.format(m), []))
        return summary_of(rows[0])

    def choices(self, q: IncidentQuery) -> Choices:
        """Date range, categories and country codes of the matched rows (one pass over them)."""
        text = (
            "SELECT min(m.date_start), max(m.date_end), array_agg(DISTINCT m.category), array_agg(DISTINCT c.code)"
            " FROM ({}) m LEFT JOIN LATERAL unnest(string_to_array(m.country, ';')) AS c(code) ON TRUE"
        )
        done = self._from_rollup(q, lambda m: sql.SQL(text).format(m))
        ((lo, hi, cats, countries),) = done or self._run(q, set(), lambda m: (sql.SQL(text).format(m), []))
        return choices_of(lo, hi, [c for c in cats or [] if c is not None], [c for c in countries or [] if c])
