"""Per-point criteria in the embedded engine's SQL: a Python test over lon/lat arrays as a DuckDB function.

DuckDB has no geodesic distance here (its spatial extension cannot be downloaded), so a criterion
on where a point lies (Near today; a district later) runs the very Python code the pandas path
uses, as a vectorised (Arrow) function over the lon/lat columns. A lon/lat box guards the call, so
the function only sees the rows that could pass:

    register(con)                                              # once per DuckDB connection
    sql, params = point_test_sql("pkir_near", box, (target, km))   # geo.incidents.criteria: a condition

A new criterion is one PointTest in TESTS: test(lon, lat, *args, shapes=) -> which points pass, on
float64 arrays without missing values (a row without a point never passes), args one value each;
shapes is the connection's Shapes, which reads a target's or a district's shape once for the
engine's life (the engine is opened, and cached, at the edge: ui.queries).

A grouping key by a point is a PointTest returning VARCHAR (None where a point has none): the
district holding it ("district") and its H3 hexagon ("h3"), for geo.store.query's aggregates.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import duckdb
import geopandas as gpd
import h3
import numpy as np
import pyarrow as pa
import shapely
from duckdb.func import FunctionNullHandling, PythonUDFType

from geo.districts import UnknownDistrict, district_geometry, district_index, in_district, shipped_districts
from geo.near import target_geometry, within_km


class Shapes:
    """The shipped shapes one engine's point tests measure against: a Near target's geometry, a
    district's polygon (None for an unknown id), each read on first use and held with the engine."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self._folder = folder
        self._held: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()
        self.placing = threading.Lock()  # held while the districts' polygons are used: GEOS's prepared
        # geometries are not safe to use from two threads at once (measured: an abort in STRtree.query)

    def _get(self, key: tuple[str, str], read: Callable[[], object]):
        with self._lock:
            if key not in self._held:
                self._held[key] = read()
            return self._held[key]

    def near(self, target: str):
        """The target's geometry (geo.near.target_geometry; raises UnknownTarget)."""
        return self._get(("near", target), lambda: target_geometry(target, self._folder))

    def district(self, district: str):
        """The district's polygon, None when the shipped districts have no such id."""

        def read():
            try:
                return district_geometry(district, self._folder)
            except UnknownDistrict:
                return None

        return self._get(("district", district), read)

    def districts(self) -> gpd.GeoDataFrame:
        """The whole shipped districts layer (the "district" grouping's polygons); UnknownDistrict when
        it cannot be read."""

        def read():
            layer = shipped_districts(self._folder)
            shapely.prepare(layer.geometry.to_numpy())  # once for the engine's life, not once a chunk
            return layer

        return self._get(("districts", ""), read)


@dataclass(frozen=True)
class PointTest:
    """A SQL function name, the test it calls and the SQL types of its arguments after lon, lat."""

    name: str
    test: Callable[..., np.ndarray]
    arg_types: tuple[str, ...]
    returns: str = "BOOLEAN"  # VARCHAR: a grouping key, None where a point has none


def near_test(lon: np.ndarray, lat: np.ndarray, target: str, km: float, *, shapes: Shapes) -> np.ndarray:
    """geo.near.within_km on these points: the Near filter's own meaning."""
    points = gpd.GeoSeries(shapely.points(lon, lat), crs="EPSG:4326")
    return within_km(points, target, float(km), geometry=shapes.near(target))


def district_test(lon: np.ndarray, lat: np.ndarray, district: str, *, shapes: Shapes) -> np.ndarray:
    """geo.districts.in_district on these points: the District filter's own meaning."""
    polygon = shapes.district(district)
    if polygon is None:
        return np.zeros(len(lon), dtype=bool)
    return in_district(gpd.GeoSeries(shapely.points(lon, lat), crs="EPSG:4326"), district, polygon=polygon)


def districts_of(lon: np.ndarray, lat: np.ndarray, layer: gpd.GeoDataFrame) -> np.ndarray:
    """The id of the district holding each point (geo.districts.district_index: the first listed on a
    shared border), None outside every district; only points inside the layer's bounds are tested."""
    out = np.full(len(lon), None, dtype=object)
    if not len(lon) or not len(layer):
        return out
    west, south, east, north = layer.total_bounds
    inside = np.flatnonzero((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))
    found = district_index(shapely.points(lon[inside], lat[inside]), layer.geometry.to_numpy())
    ids = np.append(layer["id"].astype(str).to_numpy(dtype=object), np.array([None], dtype=object))
    out[inside] = ids[found]
    return out


def hexagons_of(lon: np.ndarray, lat: np.ndarray, resolution: int) -> np.ndarray:
    """The H3 hexagon (its index as text) holding each point, at this resolution."""
    res = int(resolution)
    return np.array(
        [h3.latlng_to_cell(y, x, res) for x, y in zip(lon.tolist(), lat.tolist(), strict=True)], dtype=object
    )


def district_key(lon: np.ndarray, lat: np.ndarray, *, shapes: Shapes) -> np.ndarray:
    """The "district" grouping of these points (None where the layer cannot be read)."""
    try:
        layer = shapes.districts()
        with shapes.placing:
            return districts_of(lon, lat, layer)
    except UnknownDistrict:
        return np.full(len(lon), None, dtype=object)


def h3_key(lon: np.ndarray, lat: np.ndarray, resolution: int, *, shapes: Shapes) -> np.ndarray:
    """The "h3" grouping of these points."""
    return hexagons_of(lon, lat, resolution)


TESTS = (
    PointTest("pkir_near", near_test, ("VARCHAR", "DOUBLE")),
    PointTest("pkir_district", district_test, ("VARCHAR",)),
    PointTest("pkir_district_of", district_key, (), "VARCHAR"),
    PointTest("pkir_h3", h3_key, ("INTEGER",), "VARCHAR"),
)
# DuckDB calls a function from its own worker threads, and PROJ (pyproj's transformers, which
# geo.near uses) crashes the process there (measured: a segmentation fault on the second query
# with two threads). The tests run in Python's own threads instead, handed over per chunk.
_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pkir-point-test")


def arrow_function(test: Callable[..., np.ndarray], n_args: int, returns: str = "BOOLEAN") -> Callable[..., pa.Array]:
    """A DuckDB Arrow function (lon, lat, n_args more) -> BOOLEAN (False without a point) or VARCHAR
    (None without one) calling test once per distinct args in a chunk."""
    key = returns == "VARCHAR"

    def function(lon: pa.Array, lat: pa.Array, *args: pa.Array) -> pa.Array:
        x = np.asarray(lon.to_numpy(zero_copy_only=False), dtype="float64")  # null -> NaN
        y = np.asarray(lat.to_numpy(zero_copy_only=False), dtype="float64")
        located = ~(np.isnan(x) | np.isnan(y))
        combos = list(zip(*(a.to_pylist() for a in args), strict=True)) if args else [()] * len(x)
        out = np.full(len(x), None, dtype=object) if key else np.zeros(len(x), dtype=bool)
        distinct = dict.fromkeys(combos)
        for combo in distinct:
            if any(v is None for v in combo):
                continue
            rows = located if len(distinct) == 1 else located & np.array([c == combo for c in combos], dtype=bool)
            if rows.any():
                out[rows] = np.asarray(_WORKERS.submit(test, x[rows], y[rows], *combo).result(), dtype=out.dtype)
        return pa.array(out, type=pa.string()) if key else pa.array(out)

    names = ["lon", "lat", *(f"arg{i}" for i in range(n_args))]  # DuckDB counts the parameters it is given
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # read by inspect; not in typeshed
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY) for n in names]
    )
    return function


def register(con: duckdb.DuckDBPyConnection, tests: Sequence[PointTest] = TESTS, shapes: Shapes | None = None) -> None:
    """Make each test a SQL function of this connection (its cursors see it too), measuring
    against shapes (a new Shapes: read from the data folder on first use)."""
    shapes = shapes if shapes is not None else Shapes()
    for t in tests:
        test = partial(t.test, shapes=shapes)
        function = arrow_function(test, len(t.arg_types), t.returns)
        # a key may be NULL (no district)
        nulls = FunctionNullHandling.SPECIAL if t.returns == "VARCHAR" else FunctionNullHandling.DEFAULT
        types: list = [duckdb.sqltype("DOUBLE"), duckdb.sqltype("DOUBLE"), *map(duckdb.sqltype, t.arg_types)]
        con.create_function(
            t.name, function, types, duckdb.sqltype(t.returns), type=PythonUDFType.ARROW, null_handling=nulls
        )
