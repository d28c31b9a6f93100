"""The query interface (geo.store.query) answered in SQL by the PostGIS store (team mode).

Kept datasets are read from pkir.incidents with the filter of geo.store.postgis.where_clause, so
the database's indexes answer it and only the page, the count or the aggregate comes back. Rows
held in memory (the shipped curated events, a session's own import) go along as arrays of the
columns the query needs (no temporary table: a read-only role may run it), so several datasets
are joined, ordered and paged in one statement.

    PostgisQueries(store).page(IncidentQuery(("ACLED", "shipped"), flt, limit=50))
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from psycopg import sql

from geo.store.base import KEY, SHIPPED, DatasetNotFound
from geo.store.columns import DATE_COLUMNS, FIELDS, INT_COLUMNS, JSON_COLUMNS
from geo.store.postgis import _without_nul, stored_search_text, where_clause
from geo.store.query import (
    POINT,
    Choices,
    IncidentQuery,
    Page,
    check_grouping,
    choices_of,
    column_kind,
    flat_rows,
    grouped_frame,
    point_columns,
    typed,
)

TEXT_ORDER = sql.SQL(' COLLATE "C"')  # texts by code point, as the reference and the embedded engine order them


PG_TYPES = {"float": "double precision", "date": "timestamp", "int": "bigint", "bool": "boolean", "text": "text"}


def _pg_type(name: str) -> str:
    return PG_TYPES[column_kind(name)]


def _is_text(name: str) -> bool:
    return _pg_type(name) == "text"


def _python_values(col: pd.Series) -> list:
    """A stored column as Python values psycopg sends, None for every missing value."""
    if col.name in DATE_COLUMNS:
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in col]
    if col.name in INT_COLUMNS:
        return [None if pd.isna(v) else int(v) for v in col]
    return col.astype(object).where(col.notna(), None).tolist()


class PostgisQueries:
    """Answers IncidentQuery for a geo.store.postgis.PostgisStore; frames add in-memory datasets by name."""

    def __init__(self, store, frames: Mapping[str, gpd.GeoDataFrame] | None = None):
        self.store = store
        self.frames = dict(frames or {})

    # ---- the relation a query reads

    def _frame(self, name: str) -> gpd.GeoDataFrame | None:
        if name in self.frames:
            return self.frames[name]
        return self.store.shipped.read() if name == SHIPPED else None

    def _kept_part(self, names: list[str], positions: list[int], columns: list[str]) -> tuple[sql.Composable, list]:
        items = [sql.SQL("d.pos")]
        for col in columns:
            ident = sql.Identifier("i", col)
            items.append(sql.SQL("{}::text AS {}").format(ident, sql.Identifier(col)) if col in JSON_COLUMNS else ident)
        items += [sql.SQL("ST_X(i.geometry) AS lon, ST_Y(i.geometry) AS lat, i.search, i.geometry")]
        query = sql.SQL(
            "SELECT {} FROM pkir.incidents i JOIN pkir.datasets s ON s.dataset_id = i.dataset_id"
            " JOIN unnest(%s::text[], %s::bigint[]) AS d(name, pos) ON d.name = s.name"
        ).format(sql.SQL(", ").join(items))
        return query, [names, positions]

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
        need = sorted(columns | {KEY, "date_start", "date_end", "category", "country", "fatalities_best"})
        ordered = [c for c in FIELDS if c in need]
        kept = [n for n in q.datasets if self._frame(n) is None]
        have = set()
        if kept:
            found = conn.execute("SELECT name FROM pkir.datasets WHERE name = ANY(%s)", (_without_nul(kept),))
            have = {r[0] for r in found}
        missing = [n for n in kept if n not in have]
        if missing:
            raise DatasetNotFound(f"no dataset named '{missing[0]}'")
        parts, params = [], []
        if kept:
            part, more = self._kept_part(kept, [q.datasets.index(n) for n in kept], ordered)
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
            more = [*more, _without_nul(q.ids)]
        union = sql.SQL(" UNION ALL ").join(parts)
        if len(q.datasets) > 1:
            query = sql.SQL("SELECT DISTINCT ON (i.id) * FROM ({}) i WHERE {} ORDER BY i.id, i.pos").format(
                union, where
            )
        else:
            query = sql.SQL("SELECT * FROM ({}) i WHERE {}").format(union, where)
        return query, [*params, *more]

    def _run(self, q: IncidentQuery, columns: set[str], build) -> list[tuple]:
        with self.store._connect() as conn, conn.transaction():
            matched, params = self._matched(conn, q, columns)
            query, before = build(matched)
            return conn.execute(query, [*before, *params]).fetchall()

    # ---- the queries

    def count(self, q: IncidentQuery) -> int:
        """How many rows the query matches."""
        rows = self._run(q, set(), lambda m: (sql.SQL("SELECT count(*) FROM ({}) m").format(m), []))
        return int(rows[0][0])

    def rows(self, q: IncidentQuery) -> pd.DataFrame:
        """The ordered page of rows, typed as geo.store.query.typed."""
        out = q.output_columns()
        order = sql.SQL(", ").join(
            sql.SQL("m.{}{} {} NULLS LAST").format(
                sql.Identifier(c), TEXT_ORDER if _is_text(c) else sql.SQL(""), sql.SQL("DESC" if d else "ASC")
            )
            for c, d in q.full_order()
        )
        limit = sql.SQL("") if q.limit is None else sql.SQL(" LIMIT {}").format(sql.Literal(int(q.limit)))

        def build(m):
            select = sql.SQL(", ").join(sql.SQL("m.{}").format(sql.Identifier(c)) for c in out)
            query = sql.SQL("SELECT {} FROM ({}) m ORDER BY {}{} OFFSET {}").format(
                select, m, order, limit, sql.Literal(int(q.offset))
            )
            return query, []

        need = set(out) | {c for c, _ in q.full_order()}
        rows = self._run(q, need - set(POINT), build)
        flat = pd.DataFrame.from_records(rows, columns=out, coerce_float=False)
        return typed(flat, out)

    def page(self, q: IncidentQuery) -> Page:
        """rows() and count() together."""
        return Page(self.rows(q), self.count(q))

    def aggregate(self, q: IncidentQuery, by: str, cell_deg: float = 0.5) -> pd.DataFrame:
        """Incidents and known fatalities per cell, month, category or country, computed in the database."""
        cell = check_grouping(by, cell_deg)
        fatal = "count(*), sum(coalesce(m.fatalities_best, 0))::bigint"
        before: list = []
        if by == "cell":
            text = (
                f"SELECT floor(m.lon / %s)::bigint, floor(m.lat / %s)::bigint, {fatal} FROM ({{}}) m"
                " WHERE m.lon IS NOT NULL AND m.lat IS NOT NULL GROUP BY 1, 2"
            )
            before = [cell, cell]
        elif by == "month":
            text = f"SELECT date_trunc('month', m.date_start), {fatal} FROM ({{}}) m GROUP BY 1"
        elif by == "country":
            text = (
                f"SELECT u.c, {fatal} FROM ({{}}) m,"
                " LATERAL (SELECT DISTINCT unnest(string_to_array(m.country, ';')) AS c) u WHERE u.c <> '' GROUP BY 1"
            )
        else:
            text = f"SELECT m.category, {fatal} FROM ({{}}) m WHERE m.category IS NOT NULL GROUP BY 1"
        rows = self._run(q, set(), lambda m: (sql.SQL(text).format(m), before))
        return grouped_frame(by, rows, cell)

    def choices(self, q: IncidentQuery) -> Choices:
        """Date range, categories and country codes of the matched rows (one pass over them)."""
        text = (
            "SELECT min(m.date_start), max(m.date_end), array_agg(DISTINCT m.category), array_agg(DISTINCT c.code)"
            " FROM ({}) m LEFT JOIN LATERAL unnest(string_to_array(m.country, ';')) AS c(code) ON TRUE"
        )
        ((lo, hi, cats, countries),) = self._run(q, set(), lambda m: (sql.SQL(text).format(m), []))
        return choices_of(lo, hi, [c for c in cats or [] if c is not None], [c for c in countries or [] if c])
