"""Loaded incidents share repeated texts, and the edge's GeoParquet cache of shipped files is never stale."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from geo.catalog import DATA_DIR, LAYERS
from geo.loading import file_digest, load_layer, read_geojson
from geo.store import DATABASE_ENV, shipped
from geo.store.workspace import WORKSPACE_ENV
from geo.validation import LayerValidationError
from ui import shipped_cache as cache


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


# ---------------------------------------------------------------- the shipped file's cache


@pytest.fixture
def data_folder(tmp_path, monkeypatch, settings_env):
    """A data folder with a small incidents file, a workspace of its own and an empty in-memory cache."""
    folder = tmp_path / "data"
    folder.mkdir()
    settings_env.setenv(WORKSPACE_ENV, str(tmp_path / "workspace"))
    settings_env.delenv(DATABASE_ENV, raising=False)
    features = json.loads((DATA_DIR / LAYERS["incidents"].file).read_text(encoding="utf-8"))["features"][:5]
    _write(folder, features)
    return folder


def _write(folder: Path, features: list[dict]) -> None:
    (folder / LAYERS["incidents"].file).write_text(json.dumps(_collection(features)), encoding="utf-8")


def _read_fresh(folder: Path):
    return shipped.ShippedIncidents(folder, keeper=cache.DiskKeeper()).read()  # a new reader, as a new server has


def test_second_start_reads_the_cache_and_gets_the_same_frame(data_folder, monkeypatch):
    first = _read_fresh(data_folder)
    entries = sorted(p.suffix for p in (cache.cache_dir()).glob("shipped-*"))
    assert entries == [".json", ".parquet"]
    assert cache.cache_dir().is_relative_to(Path(os.environ[WORKSPACE_ENV]).resolve())

    def no_parse(*_args, **_kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(shipped, "load_file", no_parse)
    second = _read_fresh(data_folder)
    pd.testing.assert_frame_equal(second, first)
    assert isinstance(second["sources"].iloc[0], list) and isinstance(second["sources"].iloc[0][0], dict)
    assert shipped.ShippedIncidents(data_folder, keeper=cache.DiskKeeper()).report() is not None


def test_geo_keeps_no_cache_of_its_own(data_folder):
    shipped.ShippedIncidents(data_folder).read()  # no keeper from the edge: nothing is written anywhere
    assert not (Path(os.environ[WORKSPACE_ENV]) / cache.CACHE_FOLDER).exists()


def test_a_changed_file_is_never_served_from_the_cache(data_folder):
    features = json.loads((data_folder / LAYERS["incidents"].file).read_text(encoding="utf-8"))["features"]
    assert _read_fresh(data_folder)["title"].iloc[0] == features[0]["properties"]["title"]
    features[0]["properties"]["title"] = "A changed title"
    _write(data_folder, features)
    assert _read_fresh(data_folder)["title"].iloc[0] == "A changed title"


def test_a_broken_file_is_refused_even_after_a_good_one_was_cached(data_folder):
    _read_fresh(data_folder)
    (data_folder / LAYERS["incidents"].file).write_text("{not json", encoding="utf-8")
    with pytest.raises(LayerValidationError, match="not valid JSON"):
        _read_fresh(data_folder)


def test_a_damaged_cache_entry_is_parsed_again(data_folder):
    first = _read_fresh(data_folder)
    for entry in cache.cache_dir().glob("shipped-*.parquet"):
        entry.write_bytes(b"not parquet")
    pd.testing.assert_frame_equal(_read_fresh(data_folder), first)


def test_no_cache_in_team_mode_or_under_static(data_folder, settings_env):
    settings_env.setenv(DATABASE_ENV, "postgresql://nowhere/db")
    assert cache.cache_dir() is None
    _read_fresh(data_folder)
    assert not (Path(os.environ[WORKSPACE_ENV]) / cache.CACHE_FOLDER).exists()
    settings_env.delenv(DATABASE_ENV)
    settings_env.setenv(WORKSPACE_ENV, str(cache.STATIC / "ws"))
    assert cache.cache_dir() is None
    settings_env.setenv(WORKSPACE_ENV, str(DATA_DIR / "ws"))
    assert cache.cache_dir() is None


def test_a_large_file_is_parsed_in_a_child_process(data_folder, monkeypatch):
    expected = _read_fresh(data_folder)
    for entry in cache.cache_dir().glob("shipped-*"):
        entry.unlink()
    monkeypatch.setattr(cache, "CHILD_PARSE_BYTES", 0)

    def no_parse(*_args, **_kwargs):
        raise AssertionError("the file was parsed in the server's process")

    monkeypatch.setattr(shipped, "load_file", no_parse)
    pd.testing.assert_frame_equal(_read_fresh(data_folder), expected)


def test_a_broken_large_file_still_names_its_problem(data_folder, monkeypatch):
    monkeypatch.setattr(cache, "CHILD_PARSE_BYTES", 0)
    (data_folder / LAYERS["incidents"].file).write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    with pytest.raises(LayerValidationError, match="not a GeoJSON FeatureCollection"):
        _read_fresh(data_folder)


def test_file_digest_hashes_the_bytes_through_the_same_checks(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    inside = folder / "x.geojson"
    inside.write_bytes(b"x" * (3 * 2**20 + 5))
    assert file_digest(inside, folder) == hashlib.sha256(inside.read_bytes()).hexdigest()
    outside = tmp_path / "secret.geojson"
    outside.write_text("{}", encoding="utf-8")
    (folder / "link.geojson").symlink_to(outside)
    with pytest.raises(LayerValidationError, match="leads outside the data folder"):
        file_digest(folder / "link.geojson", folder)
    with pytest.raises(LayerValidationError, match="over the"):
        file_digest(inside, folder, cap=2**20)
    with pytest.raises(LayerValidationError, match="is a folder"):
        file_digest(folder, tmp_path)


def test_the_public_static_folder_holds_only_its_readme_and_the_vendor_assets():
    """Anything else under static/ is served to anyone at /app/static/ (a dataset left there once
    was even committed)."""
    assert sorted(p.name for p in cache.STATIC.iterdir()) in (["README.md"], ["README.md", "vendor"])
