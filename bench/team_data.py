"""Millions of incidents in a PostGIS store, fast: keep a base set at COPY speed, then copy it in SQL.

    grow(url, name, n)   the kept dataset `name` grows to n rows, copies made inside the database

Saving 10 M rows through the store would hold a 10 M-row frame in Python (tens of GB). Instead
bench_team.keep saves the base (1 M rows by default), then each copy k is inserted in SQL from the
kept rows: id + "-k", its dates moved back by a random 0..3650 days (so the dataset spans more
days than the 51 curated events it is made of), its point moved by up to 0.05 degrees. The
indexes are dropped during the copy and built again after (as a save's load-then-index), then
the dataset gets a new version and its rollup (geo.store.rollup) is rebuilt, as a save does.
"""

from __future__ import annotations

import time

import psycopg

from geo.store import rollup
from geo.store.postgis import _new_version

COPY_SQL = """
INSERT INTO pkir.incidents
SELECT dataset_id, id || %s, date_precision, date_note, title, category, track,
       date_start - shift, date_end - shift, country, admin1, admin2, place, coord_confidence,
       fatalities_best, fatalities_low, fatalities_high, fatalities_security, fatalities_militants,
       fatalities_civilians, fatalities_unknown, fatalities_note, injured, injured_note, actors,
       perpetrator, description, disputed, alt_place, alt_lat, alt_lon, in_source_article,
       location_precision, location_note, sources, dataset, licence, updated_at,
       ST_Translate(geometry, (random() - 0.5) * 0.1, (random() - 0.5) * 0.1), search, row_hash
FROM (SELECT i.*, make_interval(days => floor(random() * 3651)::int) AS shift FROM pkir.incidents i
      WHERE i.dataset_id = %s AND strpos(i.id, '-') = 0 LIMIT %s) i
"""


def _indexes(conn) -> list[tuple[str, str]]:
    """(name, definition) of the incident table's indexes other than its primary key."""
    return conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'pkir' AND tablename = 'incidents'"
        " AND indexname <> 'incidents_pkey'"
    ).fetchall()


def grow(url: str, name: str, n: int, say=print) -> float:
    """Copy the kept rows of `name` until it holds n rows (made of whole copies, the last one partial);
    seconds taken."""
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        (dataset_id,) = conn.execute("SELECT dataset_id FROM pkir.datasets WHERE name = %s", (name,)).fetchone()
        base = conn.execute("SELECT count(*) FROM pkir.incidents WHERE dataset_id = %s", (dataset_id,)).fetchone()[0]
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET work_mem = '256MB'")
        indexes = _indexes(conn)
        for index, _ in indexes:
            conn.execute(f"DROP INDEX pkir.{index}")
        conn.execute("ALTER TABLE pkir.incidents DROP CONSTRAINT incidents_pkey")
        have, k = base, 1
        while have < n:
            take = min(base, n - have)
            added = conn.execute(COPY_SQL, (f"-{k}", dataset_id, take)).rowcount
            have += added
            k += 1
            say(f"  copy {k - 1}: {have:,} rows ({time.perf_counter() - t0:.0f} s)")
        say("  indexing")
        conn.execute("ALTER TABLE pkir.incidents ADD PRIMARY KEY (dataset_id, id)")
        for _, definition in indexes:
            conn.execute(definition)
        new = _new_version()
        with conn.transaction():
            conn.execute(
                "UPDATE pkir.datasets SET version = %s, info = jsonb_set(jsonb_set(info, '{rows}',"
                " to_jsonb(%s::bigint)), '{version}', to_jsonb(%s::text)) WHERE dataset_id = %s",
                (new, have, new, dataset_id),
            )
            say("  rollup")
            rollup.rebuild(conn, dataset_id, new)
        conn.execute("VACUUM ANALYZE pkir.incidents")
        conn.execute("VACUUM ANALYZE pkir.incident_rollup")
        conn.execute("VACUUM ANALYZE pkir.incident_cell_rollup")
    return time.perf_counter() - t0
