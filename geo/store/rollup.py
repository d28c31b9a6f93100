"""Pre-aggregated counts of a kept dataset in PostGIS (migration 0009): what makes common views fast.

    rebuild(conn, dataset_id, version)   in a save's transaction: the dataset's rollup rows, anew
    usable(flt)                          whether a filter uses only what the rollup holds
    where(flt)                           that filter as SQL on the rollup's alias r

pkir.incident_rollup holds, per dataset, one row per (day of date_start, whether date_start is at
midnight, day of date_end, category, track, country, location_precision) with the incidents, the
fatalities and every sum the headline figures need; pkir.incident_cell_rollup holds located rows
per cell of ROLLUP_CELL degrees with the dates, category and country. The day grain keeps the
dates criterion exact: an event overlaps [from, to] when date_end >= from (its day >= from) and
date_start <= to at midnight (its day before to, or on to at midnight). pkir.rollup_state records
the dataset version the rows were built for: geo.store.postgis_query uses them only for that version.
"""

from __future__ import annotations

from datetime import date, datetime

from psycopg import sql

from geo.incidents import criteria
from geo.incidents.criteria import without_nul

ROLLUP_CELL = 0.25  # degrees, a power of two: a cell of 2**k times it is floor(cell / 2**k), exactly
CRITERIA = frozenset({"dates", "categories", "countries"})  # the filter criteria the rollup can answer
SIDES = ("fatalities_security", "fatalities_militants", "fatalities_civilians")
_DAYS = "i.date_start::date, i.date_start = date_trunc('day', i.date_start), i.date_end::date"  # start, midnight, end
_LOCATED = "ST_X(i.geometry) IS NOT NULL AND ST_Y(i.geometry) IS NOT NULL"  # as the queries' lon/lat


def _rollup_sql() -> str:
    split = " + ".join(f"coalesce(i.{c}, 0)" for c in SIDES)
    sums = ", ".join(f"sum(coalesce(i.{c}, 0))::bigint" for c in SIDES)
    return (
        "INSERT INTO pkir.incident_rollup (dataset_id, start_day, start_midnight, end_day, category, track,"
        " country, location_precision, incidents, fatalities, with_figure, security, militants, civilians,"
        f" unattributed, located) SELECT %(ds)s, {_DAYS}, i.category, i.track, i.country, i.location_precision,"
        f" count(*), sum(coalesce(i.fatalities_best, 0))::bigint, count(i.fatalities_best), {sums},"
        " sum(CASE WHEN i.fatalities_best IS NULL THEN 0"
        f" ELSE greatest(i.fatalities_best - ({split}), 0) END)::bigint,"
        f" count(*) FILTER (WHERE {_LOCATED})"
        " FROM pkir.incidents i WHERE i.dataset_id = %(ds)s GROUP BY 2, 3, 4, 5, 6, 7, 8"
    )


def _cell_sql() -> str:
    size = f"CAST({ROLLUP_CELL!r} AS DOUBLE PRECISION)"
    return (
        "INSERT INTO pkir.incident_cell_rollup (dataset_id, start_day, start_midnight, end_day, category,"
        " country, cell_x, cell_y, incidents, fatalities)"
        f" SELECT %(ds)s, {_DAYS}, i.category, i.country, floor(ST_X(i.geometry) / {size})::bigint,"
        f" floor(ST_Y(i.geometry) / {size})::bigint, count(*), sum(coalesce(i.fatalities_best, 0))::bigint"
        f" FROM pkir.incidents i WHERE i.dataset_id = %(ds)s AND {_LOCATED} GROUP BY 2, 3, 4, 5, 6, 7, 8"
    )


def rebuild(conn, dataset_id: int, version: str) -> None:
    """Replace the dataset's rollup rows with ones built from its kept rows, for this version
    (in the caller's transaction: a save's, so readers see the rows and the rollup change together)."""
    ds = {"ds": dataset_id}
    conn.execute("DELETE FROM pkir.incident_rollup WHERE dataset_id = %(ds)s", ds)
    conn.execute("DELETE FROM pkir.incident_cell_rollup WHERE dataset_id = %(ds)s", ds)
    conn.execute(_rollup_sql(), ds)
    conn.execute(_cell_sql(), ds)
    conn.execute(
        "INSERT INTO pkir.rollup_state (dataset_id, version) VALUES (%s, %s)"
        " ON CONFLICT (dataset_id) DO UPDATE SET version = EXCLUDED.version",
        (dataset_id, version),
    )


def follow(conn, dataset_id: int, version: str) -> None:
    """After a save: rebuild the rollup unless it is of this version already (or, in a database
    opened without migrating to 0009, there is none: its readers scan)."""
    if conn.execute("SELECT to_regclass('pkir.rollup_state')").fetchone()[0] is None:
        return
    built = conn.execute("SELECT version FROM pkir.rollup_state WHERE dataset_id = %s", (dataset_id,)).fetchone()
    if built is None or built[0] != version:
        rebuild(conn, dataset_id, version)


def _day(value) -> date | None:
    """A filter date as a day, or None when it has a time of day (the rollup cannot answer it)."""
    if isinstance(value, datetime):
        return value.date() if value == datetime.combine(value.date(), datetime.min.time()) else None
    return value


def usable(flt) -> bool:
    """True when the filter uses only criteria the rollup holds, with dates on its day grain."""
    if any(c.name not in CRITERIA for c in criteria.active(flt)):
        return False
    return flt is None or all(v is None or _day(v) is not None for v in (flt.date_from, flt.date_to))


def where(flt) -> tuple[sql.Composable, list]:
    """The filter (usable) as a condition on the rollup alias r, with its parameters."""
    parts: list[str] = []
    params: list = []
    if flt is not None and flt.date_from is not None:
        parts.append("r.end_day >= %s")
        params.append(_day(flt.date_from))
    if flt is not None and flt.date_to is not None:
        parts.append("(r.start_day < %s OR (r.start_day = %s AND r.start_midnight))")
        params += [_day(flt.date_to)] * 2
    if flt is not None and flt.categories:
        parts.append("r.category = ANY(%s)")
        params.append(without_nul(flt.categories))
    if flt is not None and flt.countries:
        parts.append("string_to_array(r.country, ';') && %s::text[]")
        params.append(without_nul(flt.countries))
    return sql.SQL(" AND ".join(parts) or "TRUE"), params


def cell_factor(cell_deg: float) -> int | None:
    """k when cell_deg is ROLLUP_CELL times a power of two k (its cells are the rollup's, joined), else None."""
    k = cell_deg / ROLLUP_CELL
    if k < 1 or k != int(k) or int(k) & (int(k) - 1):
        return None
    return int(k)
