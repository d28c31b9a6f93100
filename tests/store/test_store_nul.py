"""NUL characters (U+0000), decided once: an import refuses the row naming it and the field, in every
store; a filter value holding one matches nothing (as the pandas reference) instead of raising; the
PostGIS store refuses a frame holding one naming the row and field."""

from __future__ import annotations

import json

import pytest

from bench.synthetic import make_incidents
from geo.filters import IncidentFilter
from geo.importers import import_file
from geo.store import open_store
from geo.store.base import DatasetNotFound, InvalidDataset, reference_query
from geo.store.imports import keep_import
from geo.store.shipped import SHIPPED_NAMES


def nul_file(folder):
    """A GeoJSON file of 12 incidents: the 2nd has a NUL in its title, the 3rd in an actor, the 4th in a
    source's outlet."""
    doc = make_incidents(12, 3)
    feats = [f["properties"] for f in doc["features"]]
    feats[1]["title"] = "bad\x00title"
    feats[2]["actors"] = ["Police", "Jaish\x00al-Adl"]
    feats[3]["sources"][0]["outlet"] = "Wire\x00Service"
    path = folder / "nul.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path, [f["id"] for f in feats]


def test_an_import_refuses_each_row_holding_a_nul_naming_the_row_and_field(tmp_path):
    path, ids = nul_file(tmp_path)
    result = import_file(path)
    assert sorted(result.incidents["id"]) == sorted(ids[:1] + ids[4:])
    assert sorted(result.rejected) == [
        f"nul.geojson: feature {n} (id '{ids[n]}'): property '{field}': holds a NUL character (U+0000)"
        for n, field in [(1, "title"), (2, "actors"), (3, "sources")]
    ]


def test_the_rows_without_a_nul_are_kept_in_every_store(store, tmp_path):
    path, ids = nul_file(tmp_path)
    result = import_file(path)
    report = keep_import(store, "nul", path, result)
    assert report.added == 9
    assert sorted(store.read("nul")["id"]) == sorted(ids[:1] + ids[4:])


@pytest.mark.parametrize(
    "flt",
    [
        IncidentFilter(keyword="syn\x00thetic"),
        IncidentFilter(keyword="police \x00"),
        IncidentFilter(categories=("attack\x00", "attack")),
        IncidentFilter(countries=("PAK\x00",)),
    ],
    ids=["keyword", "second word", "category", "country"],
)
def test_a_filter_value_holding_a_nul_matches_what_the_reference_keeps(store, synthetic, flt):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    want = reference_query(gdf, flt)
    got = store.read("kept", flt)
    assert sorted(got["id"]) == sorted(want["id"])


@pytest.mark.parametrize(("field", "value"), [("title", "a\x00b"), ("actors", ["x\x00y"])])
def test_the_database_store_refuses_a_frame_holding_a_nul_naming_the_row_and_field(pg_cluster, synthetic, field, value):
    url = pg_cluster.create_database(migrated=True)
    try:
        gdf, source = synthetic
        frame = gdf.iloc[:5].copy()
        frame[field] = frame[field].astype(object)
        frame.at[frame.index[3], field] = value
        store = open_store(url)
        with pytest.raises(InvalidDataset, match=f"id '{frame['id'].iloc[3]}': {field} holds a NUL"):
            store.save("kept", frame, source)
        assert store.names() == [*SHIPPED_NAMES]
    finally:
        pg_cluster.drop_database(url)


def test_a_dataset_name_holding_a_nul_is_not_found_in_every_store(store, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf.iloc[:5], source)
    for call in (store.read, store.aggregate, store.remove, store.info):
        with pytest.raises(DatasetNotFound, match="no dataset named"):
            call("kept\x00")
    with pytest.raises(DatasetNotFound):
        store.aggregate(["kept", "x\x00"])
    assert store.names() == [*SHIPPED_NAMES, "kept"]
