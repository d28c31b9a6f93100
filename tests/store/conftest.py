"""The store test suite runs once per implementation: the `store` fixture is parametrised.

To add an implementation, add its name to IMPLEMENTATIONS and a branch in `_location`: a place
where a fresh, empty store can live for one test (a folder, a database URL). Everything else
opens it with geo.store.open_store(location), in this process or in a subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest

from bench.synthetic import make_incidents
from geo.loading import read_geojson
from geo.schema import INCIDENTS
from geo.store import open_store
from geo.store.base import SourceInfo
from geo.validation import validate
from tests.pg_cluster import REQUIRE_ENV, required, shared_cluster, stop_shared

IMPLEMENTATIONS = ["embedded", "postgis"]


def _location(kind: str, request, tmp_path: Path) -> str:
    if kind == "embedded":
        return str(tmp_path / "workspace")
    if kind == "postgis":
        cluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database(migrated=True)
        request.addfinalizer(lambda: cluster.drop_database(url))
        return url
    raise ValueError(kind)


@pytest.fixture(params=IMPLEMENTATIONS)
def store_location(request, tmp_path) -> str:
    """Where an empty store of this implementation lives for the test."""
    return _location(request.param, request, tmp_path)


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL + PostGIS server (tests/pg_cluster.py); skipped without one unless required."""
    try:
        cluster = shared_cluster()
    except RuntimeError as exc:
        if required():
            pytest.fail(f"{exc} ({REQUIRE_ENV} is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(str(exc))
    yield cluster
    stop_shared()


@pytest.fixture
def store(store_location):
    """A fresh, empty store (the shipped dataset is always there)."""
    return open_store(store_location)


def incidents_file(folder: Path, n: int, seed: int = 0, name: str = "events.geojson") -> Path:
    """A GeoJSON file of n synthetic incidents (the same n and seed give the same bytes)."""
    path = folder / name
    path.write_text(json.dumps(make_incidents(n, seed)), encoding="utf-8")
    return path


def load_incidents(path: Path) -> tuple[gpd.GeoDataFrame, SourceInfo]:
    """The validated frame of a file and its SourceInfo, as an import gives them."""
    gdf, _ = validate(read_geojson(path), INCIDENTS, path.name)
    return gdf, SourceInfo.from_file(path, "GeoJSON", len(gdf), len(gdf), licence="CC0", attribution="synthetic")


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory) -> tuple[gpd.GeoDataFrame, SourceInfo]:
    """300 validated synthetic incidents and their source (shared: copy before changing)."""
    return load_incidents(incidents_file(tmp_path_factory.mktemp("synthetic"), 300))
