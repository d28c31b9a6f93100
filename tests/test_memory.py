"""Loaded incidents share repeated texts, and the shipped file's GeoParquet cache is never stale."""

from __future__ import annotations

import json

from geo.loading import load_layer, read_geojson


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _feature(fid: str, country: str, actors: list[str], outlet: str) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [62.0, 27.0]},
        "properties": {
            "id": fid,
            "country": country,
            "actors": actors,
            "sources": [{"outlet": outlet, "url": "https://example.org/a"}],
        },
    }


def test_repeated_texts_are_one_object_and_values_are_unchanged(tmp_path):
    path = tmp_path / "x.geojson"
    features = [_feature(f"e{i}", "Pakistan", ["Army", "BLA"], "Dawn") for i in range(3)]
    path.write_text(json.dumps(_collection(features)))
    gdf = read_geojson(path)
    assert gdf["country"].tolist() == ["Pakistan"] * 3
    assert gdf["country"].dtype == object
    assert gdf["country"].iloc[0] is gdf["country"].iloc[2]
    assert gdf["actors"].iloc[1] == ["Army", "BLA"]
    assert gdf["actors"].iloc[0][1] is gdf["actors"].iloc[2][1]
    assert gdf["sources"].iloc[0][0]["outlet"] is gdf["sources"].iloc[1][0]["outlet"]
    assert gdf["actors"].iloc[0] is not gdf["actors"].iloc[1]  # lists stay separate objects
    assert gdf["id"].tolist() == ["e0", "e1", "e2"]


def test_shipped_layer_still_loads_with_lists():
    gdf, _report = load_layer("incidents")
    assert all(isinstance(v, list) for v in gdf["actors"].dropna())
    assert all(isinstance(v, list) for v in gdf["sources"])
