"""geo.store.point_tests: a per-point Python test as a DuckDB condition, called only inside its box."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from geo.incidents.criteria import point_test_sql
from geo.store.point_tests import PointTest, Shapes, register


def east_of(lon: np.ndarray, lat: np.ndarray, limit: float, label: str, *, shapes: Shapes) -> np.ndarray:
    """A test with two arguments: points east of limit (label only has to arrive, and the connection's shapes)."""
    assert label in ("a", "b") and isinstance(shapes, Shapes)
    SEEN.append((lon.copy(), lat.copy(), limit))
    return lon > limit


SEEN: list = []


@pytest.fixture
def con():
    """A connection (two threads) with east_of registered and 10,000 points, some missing."""
    SEEN.clear()
    connection = duckdb.connect(config={"threads": 2})
    register(connection, [PointTest("east_of", east_of, ("DOUBLE", "VARCHAR"))])
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(0, 10, 10_000), rng.uniform(0, 10, 10_000)
    lon[::97] = np.nan
    connection.register("points", pa.table({"lon": pa.array(lon, from_pandas=True), "lat": lat}))
    yield connection, lon, lat
    connection.close()


def test_the_condition_is_the_box_and_the_test_and_the_test_sees_only_the_box(con):
    connection, lon, lat = con
    box = (2.0, 3.0, 6.0, 7.0)
    where, params = point_test_sql("east_of", box, (4.5, "a"))
    got = connection.execute(f"SELECT count(*) FROM points WHERE {where}", params).fetchone()[0]
    with np.errstate(invalid="ignore"):
        inside = (lon >= 2) & (lon <= 6) & (lat >= 3) & (lat <= 7)
        assert got == int((inside & (lon > 4.5)).sum()) > 0
    seen_lon = np.concatenate([s[0] for s in SEEN])
    seen_lat = np.concatenate([s[1] for s in SEEN])
    assert len(seen_lon) == int(inside.sum())  # every candidate once, nothing outside, no missing point
    assert ((seen_lon >= 2) & (seen_lon <= 6) & (seen_lat >= 3) & (seen_lat <= 7)).all()


def test_arguments_that_vary_by_row_call_the_test_once_per_value(con):
    connection, lon, lat = con
    where, params = point_test_sql("east_of", (0, 0, 10, 10), ())
    where = where.replace("east_of(lon, lat)", "east_of(lon, lat, CASE WHEN lat < 5 THEN 3.0 ELSE 8.0 END, 'b')")
    got = connection.execute(f"SELECT count(*) FROM points WHERE {where}", params).fetchone()[0]
    with np.errstate(invalid="ignore"):
        assert got == int(((lat < 5) & (lon > 3)).sum() + ((lat >= 5) & (lon > 8)).sum())
    assert {s[2] for s in SEEN} == {3.0, 8.0}


def test_a_missing_argument_passes_no_point(con):
    connection, _, _ = con
    where, params = point_test_sql("east_of", (0, 0, 10, 10), (None, "a"))
    assert connection.execute(f"SELECT count(*) FROM points WHERE {where}", params).fetchone()[0] == 0


def test_an_engine_reads_a_targets_shape_once_however_many_queries_ask(monkeypatch):
    """Near in the embedded engine: the target's shape is read on first use and held with the
    engine (itself cached at the edge, ui.queries); each query's SQL reads it once for its box."""
    import geo.near
    from geo.filters import IncidentFilter
    from geo.loading import load_layer
    from geo.store.engine import DuckEngine, frame_table
    from geo.store.query import IncidentQuery, ReferenceQueries

    incidents = load_layer("incidents")[0]
    engine = DuckEngine({"own": frame_table(incidents)})
    reads = []
    real = geo.near.load_layer
    monkeypatch.setattr(geo.near, "load_layer", lambda layer, folder: reads.append(layer) or real(layer, folder))
    for km in (10, 50, 100):
        q = IncidentQuery(("own",), IncidentFilter(near="border", near_km=km))
        assert engine.count(q) == ReferenceQueries({"own": incidents}).count(q)
    assert reads.count("border") == 3 + 1 + 3  # each query's box, the engine's shape once, the reference's three
