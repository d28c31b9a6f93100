"""The synthetic incidents used by the benchmarks are valid data the app can load."""

import json

import geopandas as gpd
import pytest

from bench.synthetic import make_data_dir, make_incidents
from geo.catalog import DATA_DIR, LAYERS
from geo.geojson_io import write_feature_collection
from geo.loading import load_file, load_layer
from geo.schema import INCIDENTS


@pytest.fixture(scope="module")
def five_hundred(tmp_path_factory):
    doc = make_incidents(500, seed=1)
    path = tmp_path_factory.mktemp("syn") / "incidents.geojson"
    write_feature_collection(path, doc["features"])
    return doc, path


def test_500_synthetic_incidents_validate_without_any_problem(five_hundred):
    _doc, path = five_hundred
    gdf, report = load_file(path, INCIDENTS)
    assert len(gdf) == 500
    assert (report.notes, report.warnings, report.rejected) == ([], [], [])
    assert gdf["id"].is_unique


def test_points_lie_in_the_province_of_their_country(five_hundred):
    _, path = five_hundred
    gdf, _ = load_file(path, INCIDENTS)
    provinces = gpd.read_file(DATA_DIR / "provinces.geojson").set_index("country")
    located = gdf[gdf.geometry.notna()]
    assert 0 < len(located) < len(gdf), "expected mostly located points and a few unlocated ones"
    for code in ("PAK", "IRN"):
        points = located[located["country"] == code]
        assert len(points) > 50
        assert points.within(provinces.loc[code, "geometry"]).all()
    assert (gdf.loc[gdf.geometry.isna(), "location_precision"] == "unlocated").all()


def test_same_seed_same_data_other_seed_other_data():
    assert make_incidents(20, seed=3) == make_incidents(20, seed=3)
    assert make_incidents(20, seed=3) != make_incidents(20, seed=4)


def test_make_data_dir_gives_a_folder_every_layer_loads_from(tmp_path):
    out = make_data_dir(tmp_path / "data", 200, seed=2)
    for layer_id in LAYERS:
        _gdf, report = load_layer(layer_id, out)
        assert report.rejected == []
    incidents, _ = load_layer("incidents", out)
    assert len(incidents) == 200
    assert incidents["id"].str.startswith("SYN-").all()
    shipped = json.loads((DATA_DIR / "border.geojson").read_text(encoding="utf-8"))
    assert json.loads((out / "border.geojson").read_text(encoding="utf-8")) == shipped
