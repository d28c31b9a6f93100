"""Plain JSON values for GeoJSON properties and exports; atomic writes."""

import json
import math
import os
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from geo.geojson_io import json_value, write_feature_collection


def test_dates_become_iso_text_and_keep_a_time_only_when_there_is_one():
    assert json_value(date(2024, 1, 16)) == "2024-01-16"
    assert json_value(datetime(2024, 1, 16)) == "2024-01-16"
    assert json_value(pd.Timestamp("2024-01-16")) == "2024-01-16"
    assert json_value(pd.Timestamp("2024-01-16 17:30")) == "2024-01-16T17:30:00"


def test_missing_values_become_null_and_numpy_scalars_plain_numbers():
    assert [json_value(v) for v in (None, pd.NA, pd.NaT, math.nan, np.float64("nan"))] == [None] * 5
    assert json_value(np.int64(7)) == 7 and type(json_value(np.int64(7))) is int
    assert json_value(np.float32(0.5)) == 0.5


def test_nested_lists_and_dicts_are_converted_all_the_way_down():
    value = [{"outlet": "Dawn", "date": date(2023, 7, 12), "n": np.int64(2), "x": None}]
    assert json_value(value) == [{"outlet": "Dawn", "date": "2023-07-12", "n": 2, "x": None}]
    json.dumps(json_value(value), allow_nan=False)


def test_a_failed_write_leaves_the_saved_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "layer.geojson"
    write_feature_collection(target, [], name="layer")
    saved = target.read_bytes()

    with pytest.raises(ValueError):  # NaN is not JSON: refused before anything is written
        write_feature_collection(target, [{"type": "Feature", "properties": {"x": math.nan}, "geometry": None}])
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        write_feature_collection(target, [{"type": "Feature", "properties": {"x": 1}, "geometry": None}])

    assert target.read_bytes() == saved
    assert [p.name for p in tmp_path.iterdir()] == ["layer.geojson"]


def test_the_map_and_the_exports_round_coordinates_by_the_one_rounding():
    """views.map.layers (the map's features) and geo.export (the CSV's latitude/longitude) both round
    by geo.geojson_io.round_coords: 5 digits (about 1 m)."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    import geo.geojson_io as gio
    from geo.export import export_frame
    from geo.loading import load_layer
    from views.map.layers import features_of

    towns = load_layer("towns")[0].head(1).copy()
    towns["geometry"] = [Point(61.123456789, 25.987654321)]
    incidents = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(61.123456789, 25.987654321)], crs="EPSG:4326")
    line = load_layer("border")[0].head(1).copy()
    line["geometry"] = [LineString([(61.000004, 25.5), (61.123456789, 25.987654321)])]
    assert features_of("towns", towns, "offline")[0]["geometry"]["coordinates"] == [61.12346, 25.98765]
    assert features_of("border", line, "offline")[0]["geometry"]["coordinates"] == [[61.0, 25.5], [61.12346, 25.98765]]
    flat = export_frame(incidents)
    assert (flat["longitude"][0], flat["latitude"][0]) == (61.12346, 25.98765)
    import geo.export
    import views.map.layers

    assert geo.export.round_coords is gio.round_coords and views.map.layers.geometry_to_json is gio.geometry_to_json
