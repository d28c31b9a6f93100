"""Per-point criteria in the embedded engine's SQL: a Python test over lon/lat arrays as a DuckDB function.

DuckDB has no geodesic distance here (its spatial extension cannot be downloaded), so a criterion
on where a point lies (Near today; a district later) runs the very Python code the pandas path
uses, as a vectorised (Arrow) function over the lon/lat columns. A lon/lat box guards the call, so
the function only sees the rows that could pass:

    register(con)                                              # once per DuckDB connection
    sql, params = point_test_sql("pkir_near", box, (target, km))   # geo.incidents.criteria: a condition

A new criterion is one PointTest in TESTS: test(lon, lat, *args) -> which points pass, on float64
arrays without missing values (a row without a point never passes), args one value each.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import geopandas as gpd
import numpy as np
import pyarrow as pa
import shapely

from geo.districts import in_district
from geo.near import within_km


@dataclass(frozen=True)
class PointTest:
    """A SQL function name, the test it calls and the SQL types of its arguments after lon, lat."""

    name: str
    test: Callable[..., np.ndarray]
    arg_types: tuple[str, ...]


def near_test(lon: np.ndarray, lat: np.ndarray, target: str, km: float) -> np.ndarray:
    """geo.near.within_km on these points: the Near filter's own meaning."""
    return within_km(gpd.GeoSeries(shapely.points(lon, lat), crs="EPSG:4326"), target, float(km))


def district_test(lon: np.ndarray, lat: np.ndarray, district: str) -> np.ndarray:
    """geo.districts.in_district on these points: the District filter's own meaning."""
    return in_district(gpd.GeoSeries(shapely.points(lon, lat), crs="EPSG:4326"), district)


TESTS = (
    PointTest("pkir_near", near_test, ("VARCHAR", "DOUBLE")),
    PointTest("pkir_district", district_test, ("VARCHAR",)),
)
# DuckDB calls a function from its own worker threads, and PROJ (pyproj's transformers, which
# geo.near uses) crashes the process there (measured: a segmentation fault on the second query
# with two threads). The tests run in Python's own threads instead, handed over per chunk.
_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pkir-point-test")


def arrow_function(test: Callable[..., np.ndarray], n_args: int) -> Callable[..., pa.Array]:
    """A DuckDB Arrow function (lon, lat, n_args more) -> BOOLEAN calling test once per distinct args in a chunk."""

    def function(lon: pa.Array, lat: pa.Array, *args: pa.Array) -> pa.Array:
        x = np.asarray(lon.to_numpy(zero_copy_only=False), dtype="float64")  # null -> NaN
        y = np.asarray(lat.to_numpy(zero_copy_only=False), dtype="float64")
        located = ~(np.isnan(x) | np.isnan(y))
        combos = list(zip(*(a.to_pylist() for a in args), strict=True)) if args else [()] * len(x)
        out, distinct = np.zeros(len(x), dtype=bool), dict.fromkeys(combos)
        for combo in distinct:
            if any(v is None for v in combo):
                continue
            rows = located if len(distinct) == 1 else located & np.array([c == combo for c in combos], dtype=bool)
            if rows.any():
                out[rows] = np.asarray(_WORKERS.submit(test, x[rows], y[rows], *combo).result(), dtype=bool)
        return pa.array(out)

    names = ["lon", "lat", *(f"arg{i}" for i in range(n_args))]  # DuckDB counts the parameters it is given
    function.__signature__ = inspect.Signature([inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY) for n in names])
    return function


def register(con: duckdb.DuckDBPyConnection, tests: Sequence[PointTest] = TESTS) -> None:
    """Make each test a SQL function of this connection (its cursors see it too)."""
    for t in tests:
        types = [duckdb.sqltype("DOUBLE"), duckdb.sqltype("DOUBLE"), *map(duckdb.sqltype, t.arg_types)]
        con.create_function(
            t.name, arrow_function(t.test, len(t.arg_types)), types, duckdb.sqltype("BOOLEAN"), type="arrow"
        )
