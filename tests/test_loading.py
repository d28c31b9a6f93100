"""Reading layer files: what read_geojson keeps, how load_layer finds files, other formats."""

import json
import os
import shutil
import threading

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo import loading
from geo import schema as s
from geo.catalog import DATA_DIR, DATA_DIR_ENV, LAYERS
from geo.loading import layer_file, load_file, load_layer, read_any, read_geojson
from geo.validation import LayerValidationError
from tests.conftest import TEST_DATA

GOOD_INCIDENTS = TEST_DATA / "good" / "incidents_small.geojson"


def test_read_geojson_keeps_lists_objects_and_nulls_as_python_values():
    gdf = read_geojson(GOOD_INCIDENTS)
    first = gdf.iloc[1]
    assert first["actors"] == ["IRGC", "Jaish al-Adl"]
    assert first["sources"] == [{"outlet": "Example", "url": "https://example.org/report", "date": None}]
    assert first["fatalities_security"] is None
    # dates stay text until validation parses them
    assert first["date_start"] == "2024-01-16"
    assert gdf.geometry.iloc[3] is None


def test_crs84_name_is_read_as_wgs84(tmp_path):
    doc = json.loads(GOOD_INCIDENTS.read_text())
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path = tmp_path / "crs84.geojson"
    path.write_text(json.dumps(doc))
    gdf, report = load_file(path, s.INCIDENTS)
    assert gdf.crs.to_epsg() == 4326 and report.notes == []
    assert gdf.geometry.iloc[0].equals(Point(69.3167, 28.6333))


def test_unreadable_crs_member_is_refused(tmp_path):
    doc = json.loads(GOOD_INCIDENTS.read_text())
    doc["crs"] = "EPSG:4326"  # not the {"type": "name", "properties": {...}} object
    path = tmp_path / "crs_text.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(LayerValidationError, match=r"crs_text\.geojson[\s\S]*unreadable 'crs' member 'EPSG:4326'"):
        load_file(path, s.INCIDENTS)


def test_feature_that_is_not_a_feature_is_refused(tmp_path):
    path = tmp_path / "geometries.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"type": "Point", "coordinates": [64.0, 27.0]}]})
    )
    with pytest.raises(LayerValidationError, match=r"geometries\.geojson[\s\S]*feature 0: not a GeoJSON Feature"):
        read_geojson(path)


def test_read_any_reads_other_formats_through_gdal(tmp_path):
    gdf = gpd.GeoDataFrame({"id": ["a"], "name": ["Panjgur"]}, geometry=[Point(64.092, 26.966)], crs="EPSG:32641")
    path = tmp_path / "points.gpkg"
    gdf.to_file(path)
    back = read_any(path)
    assert back.crs.to_epsg() == 32641
    assert back["name"].tolist() == ["Panjgur"]


def test_read_any_refuses_what_gdal_cannot_read(tmp_path):
    path = tmp_path / "notes.gpkg"
    path.write_text("not a geopackage")
    with pytest.raises(LayerValidationError, match=r"notes\.gpkg[\s\S]*cannot read file"):
        read_any(path)


def test_load_layer_refuses_unknown_layer_ids():
    with pytest.raises(KeyError, match="unknown layer 'rivers'"):
        load_layer("rivers")


def test_load_layer_reads_another_folder(tmp_path, settings_env):
    shutil.copy(GOOD_INCIDENTS, tmp_path / LAYERS["incidents"].file)
    gdf, _ = load_layer("incidents", tmp_path)
    assert gdf["id"].tolist() == ["S-1", "S-2", "S-3", "S-4", "S-5", "S-6"]
    settings_env.setenv(DATA_DIR_ENV, str(tmp_path))
    gdf, _ = load_layer("incidents")
    assert len(gdf) == 6
    settings_env.delenv(DATA_DIR_ENV)
    assert len(load_layer("incidents")[0]) > 6


def test_shipped_incidents_have_the_documented_column_types(layers):
    inc = layers["incidents"]
    assert str(inc["date_start"].dtype).startswith("datetime64")
    assert str(inc["date_end"].dtype).startswith("datetime64")
    for col in ("fatalities_best", "fatalities_security", "fatalities_militants", "fatalities_civilians", "injured"):
        assert str(inc[col].dtype) == "Int64", col
    assert all(isinstance(a, list) and all(isinstance(x, str) for x in a) for a in inc["actors"])
    assert all(
        isinstance(src, dict) and {"outlet", "url", "date"} <= set(src) for sources in inc["sources"] for src in sources
    )
    assert inc.crs.to_epsg() == 4326


def test_every_catalogue_file_exists_and_nothing_else_ships():
    catalogued = {layer.file for layer in LAYERS.values()}
    shipped = {p.name for p in DATA_DIR.glob("*.geojson")}
    assert catalogued == shipped


# --- the data folder: reading stays inside it, only regular files of bounded size are read ---


@pytest.fixture
def folder(tmp_path):
    """A data folder holding the small good incidents file under its catalogue name."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(GOOD_INCIDENTS, data / LAYERS["incidents"].file)
    return data


def _incidents(folder):
    return folder / LAYERS["incidents"].file


def test_a_link_that_leaves_the_data_folder_is_refused(folder, tmp_path):
    outside = tmp_path / "secret.geojson"
    shutil.copy(GOOD_INCIDENTS, outside)
    _incidents(folder).unlink()
    _incidents(folder).symlink_to(outside)
    with pytest.raises(LayerValidationError, match=r"incidents\.geojson[\s\S]*outside the data folder"):
        load_layer("incidents", folder)
    with pytest.raises(LayerValidationError, match="outside the data folder"):
        layer_file(LAYERS["incidents"], folder)


def test_a_link_to_etc_passwd_is_refused_and_not_served(folder):
    _incidents(folder).unlink()
    _incidents(folder).symlink_to("/etc/passwd")
    with pytest.raises(LayerValidationError, match="outside the data folder"):
        layer_file(LAYERS["incidents"], folder)


def test_a_link_inside_the_data_folder_is_followed(folder):
    (folder / "v2.geojson").write_bytes(_incidents(folder).read_bytes())
    _incidents(folder).unlink()
    _incidents(folder).symlink_to("v2.geojson")
    assert layer_file(LAYERS["incidents"], folder) == (folder / "v2.geojson").resolve()
    assert len(load_layer("incidents", folder)[0]) == 6


def _in_thread(fn, timeout=10.0):
    """fn() in a daemon thread: (finished, exception) — a read that blocks does not hang the tests."""
    out = {}

    def run():
        try:
            fn()
        except BaseException as exc:
            out["exc"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    return not thread.is_alive(), out.get("exc")


def test_a_fifo_in_place_of_a_layer_is_refused_without_blocking(folder):
    _incidents(folder).unlink()
    os.mkfifo(_incidents(folder))
    finished, exc = _in_thread(lambda: load_layer("incidents", folder))
    assert finished, "reading a FIFO blocked"
    assert isinstance(exc, LayerValidationError), exc
    assert "incidents.geojson" in str(exc) and "not a regular file" in str(exc)


def test_a_folder_in_place_of_a_layer_is_named(folder):
    _incidents(folder).unlink()
    _incidents(folder).mkdir()
    with pytest.raises(LayerValidationError, match=r"incidents\.geojson[\s\S]*is a folder, not a file"):
        load_layer("incidents", folder)


def test_an_oversize_file_is_refused_with_the_limit(folder, monkeypatch):
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 1000)
    with pytest.raises(
        LayerValidationError, match=r"incidents\.geojson[\s\S]*is 4,264 bytes, over the 1,000 bytes limit"
    ):
        load_layer("incidents", folder)


def test_an_oversize_gdal_file_is_refused_before_gdal_reads_it(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.gpkg"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(LayerValidationError, match=r"big\.gpkg[\s\S]*2,000 bytes, over the 1,000 bytes limit"):
        read_any(path)


def test_an_unreadable_file_is_named(folder, monkeypatch):
    real_open = os.open

    def denied(path, flags, *args):
        if str(path).endswith("incidents.geojson"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(loading.os, "open", denied)
    with pytest.raises(LayerValidationError, match=r"incidents\.geojson[\s\S]*cannot be read: permission denied"):
        load_layer("incidents", folder)


def test_a_missing_layer_file_is_named(folder):
    _incidents(folder).unlink()
    with pytest.raises(LayerValidationError, match=r"incidents\.geojson[\s\S]*file not found"):
        load_layer("incidents", folder)


def test_a_link_loop_is_named(folder):
    _incidents(folder).unlink()
    _incidents(folder).symlink_to(_incidents(folder))
    with pytest.raises(LayerValidationError, match=r"incidents\.geojson[\s\S]*cannot be opened"):
        load_layer("incidents", folder)
