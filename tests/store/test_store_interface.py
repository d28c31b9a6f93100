"""The store interface, checked on every implementation (the `store` fixture is parametrised)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point

from bench.synthetic import make_incidents
from geo.filters import IncidentFilter
from geo.importers import import_file
from geo.incidents.criteria import SEARCH_FIELDS
from geo.loading import load_layer
from geo.store import open_store
from geo.store.base import (
    SHIPPED,
    DatasetNotFound,
    InvalidDataset,
    ReadOnlyDataset,
    StoreError,
    reference_query,
)
from geo.store.imports import keep_import
from geo.store.shipped import SHIPPED_NAMES


def same_rows(got: gpd.GeoDataFrame, want: gpd.GeoDataFrame) -> None:
    """Equal rows by id, whatever the order of rows; columns the saved frame lacked come back empty."""
    got = got.sort_values("id").reset_index(drop=True)
    want = want.sort_values("id").reset_index(drop=True)
    extra = [c for c in got.columns if c not in want.columns]
    assert got[extra].isna().all().all(), extra
    assert_geodataframe_equal(got[list(want.columns)], want, check_like=False)


def newer_export(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The next export of the same dataset: 10 rows gone, 5 retitled, 1 moved, 7 new."""
    out = gdf.iloc[10:].copy()
    out.loc[out.index[:5], "title"] = out["title"].iloc[:5] + " (revised)"
    out.loc[out.index[5], "geometry"] = Point(62.0, 27.0)
    new = gdf.iloc[:7].copy()
    new["id"] = [f"NEW-{i}" for i in range(7)]
    return gpd.GeoDataFrame(pd.concat([out, new], ignore_index=True), crs="EPSG:4326")


def test_an_empty_store_lists_only_the_shipped_datasets(store):
    shipped, ucdp = store.list()
    assert shipped.name == SHIPPED and shipped.read_only
    assert [ucdp.name] == list(SHIPPED_NAMES[1:]) and ucdp.read_only  # the UCDP GED events (geo/data)
    gdf, _ = load_layer("incidents")
    same_rows(store.read(SHIPPED), gdf)
    assert shipped.rows == len(gdf)


def test_save_keeps_rows_and_manifest_fields(store, synthetic):
    gdf, source = synthetic
    report = store.save("Synthetic A", gdf, source)
    assert (report.added, report.changed, report.removed, report.skipped) == (len(gdf), 0, 0, "")
    info = store.info("Synthetic A")
    assert info.source == source  # file name, hash, format, counts, licence, attribution
    assert info.rows == len(gdf) and not info.read_only
    assert info.imported_at.startswith(str(date.today().year)) and info.version == report.version
    assert store.names() == [*SHIPPED_NAMES, "Synthetic A"]
    same_rows(store.read("Synthetic A"), gdf)


def test_a_new_store_object_on_the_same_place_sees_the_datasets(store, store_location, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    again = open_store(store_location)
    assert again.names() == [*SHIPPED_NAMES, "kept"]
    assert again.info("kept") == store.info("kept")
    same_rows(again.read("kept"), gdf)


def test_saving_the_same_file_again_changes_nothing(store, synthetic):
    gdf, source = synthetic
    first = store.save("kept", gdf, source)
    again = store.save("kept", gdf, source)
    assert again.skipped and "already kept" in again.skipped
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert store.info("kept").version == first.version
    other = store.save("other name", gdf, source)
    assert "'kept'" in other.skipped
    assert store.names() == [*SHIPPED_NAMES, "kept"]


def test_a_newer_export_updates_rows_by_source_id(store, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    version = store.info("kept").version
    newer = newer_export(gdf)
    report = store.save("kept", newer, replace(source, file_name="events-v2.geojson", file_hash="f" * 64))
    assert (report.added, report.changed, report.removed) == (7, 6, 10)
    assert report.unchanged == len(gdf) - 10 - 6
    info = store.info("kept")
    assert info.version != version and info.rows == len(newer)
    assert info.source.file_name == "events-v2.geojson"
    assert [h["added"] for h in info.history] == [len(gdf), 7]
    same_rows(store.read("kept"), newer)


def test_merge_mode_adds_and_updates_but_removes_nothing(store, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf.iloc[:100], replace(source, file_hash="a" * 64))
    part = gdf.iloc[50:150].copy()
    part.loc[part.index[0], "title"] = "changed title"
    report = store.save("kept", part, replace(source, file_hash="b" * 64), mode="merge")
    assert (report.added, report.changed, report.removed) == (50, 1, 0)
    got = store.read("kept")
    assert len(got) == 150
    assert got.set_index("id").loc[part["id"].iloc[0], "title"] == "changed title"


def test_a_different_file_with_the_same_rows_keeps_the_version(store, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    version = store.info("kept").version
    report = store.save("kept", gdf, replace(source, file_hash="c" * 64, file_name="copy.geojson"))
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 0, 0, len(gdf))
    assert store.info("kept").version == version
    assert store.save("kept", gdf, replace(source, file_hash="c" * 64)).skipped


FILTERS = [
    IncidentFilter(),
    IncidentFilter(date_from=date(2010, 1, 1), date_to=date(2015, 6, 30)),
    IncidentFilter(date_to=date(2003, 1, 1)),
    IncidentFilter(categories=("attack", "bombing/IED")),
    IncidentFilter(countries=("IRN",)),
    IncidentFilter(min_fatalities=3),
    IncidentFilter(keyword="Quetta"),
    IncidentFilter(keyword="frontier corps"),
    IncidentFilter(keyword="Quetta", whole_words=True),
    IncidentFilter(keyword="quett", whole_words=True),  # a part of a word: nothing, where LIKE finds Quetta
    IncidentFilter(date_from=date(2005, 1, 1), categories=("attack",), countries=("PAK",), min_fatalities=1),
    IncidentFilter(near="border", near_km=30),
    IncidentFilter(near="pipeline:claimed built", near_km=50),
    IncidentFilter(near="crossings", near_km=40),
    IncidentFilter(near="market:M1", near_km=120, categories=("attack",)),
    IncidentFilter(district="IRN.SB.zahedan"),
    IncidentFilter(district="IRN.SB.saravan", min_fatalities=1),
]


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: f.describe())
def test_a_filtered_read_returns_what_the_reference_filter_keeps(store, synthetic, flt):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    want = reference_query(gdf, flt)
    assert len(want) < len(gdf) or flt == IncidentFilter()
    same_rows(store.read("kept", flt), want)


def test_a_bbox_read_keeps_located_points_inside_the_box(store, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    box = (60.0, 26.0, 63.0, 29.0)
    got = store.read("kept", bbox=box)
    want = reference_query(gdf, None, box)
    assert 0 < len(want) < gdf.geometry.notna().sum()
    same_rows(got, want)
    flt = IncidentFilter(categories=("attack",))
    same_rows(store.read("kept", flt, bbox=box), reference_query(gdf, flt, box))


def test_a_column_subset_read_returns_only_those_columns(store, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    flt = IncidentFilter(keyword="quetta", min_fatalities=1)
    got = store.read("kept", flt, columns=["category", "title"])
    assert list(got.columns) == ["id", "title", "category", "geometry"]
    same_rows(got, reference_query(gdf, flt)[["id", "title", "category", "geometry"]])
    with pytest.raises(StoreError, match=r"unknown incident column.*nonsense"):
        store.read("kept", columns=["title", "nonsense"])


def test_several_datasets_read_together_first_named_wins_on_a_shared_id(store, synthetic):
    gdf, source = synthetic
    store.save("a", gdf.iloc[:100], replace(source, file_hash="a" * 64))
    clash = gdf.iloc[90:120].copy()
    clash["title"] = "from b"
    store.save("b", clash, replace(source, file_hash="b" * 64))
    got = store.read(["a", "b", SHIPPED])
    shipped, _ = load_layer("incidents")
    assert len(got) == 100 + 20 + len(shipped)
    assert got.attrs["duplicates_dropped"] == 10
    assert (got.set_index("id").loc[gdf["id"].iloc[95], "title"]) == gdf["title"].iloc[95]
    flt = IncidentFilter(categories=("attack",))
    assert len(store.read(["a", SHIPPED], flt)) == len(reference_query(gdf.iloc[:100], flt)) + len(
        reference_query(shipped, flt)
    )


def test_remove_drops_a_dataset_and_refuses_the_shipped_one(store, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    store.remove("kept")
    assert store.names() == [*SHIPPED_NAMES]
    with pytest.raises(DatasetNotFound, match="kept"):
        store.read("kept")
    with pytest.raises(DatasetNotFound, match="kept"):
        store.remove("kept")
    with pytest.raises(ReadOnlyDataset):
        store.remove(SHIPPED)
    with pytest.raises(ReadOnlyDataset):
        store.save("Shipped", gdf, source)
    assert store.save("kept", gdf, source).added == len(gdf)  # the same file can be kept again


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g.drop(columns=["category"]), "missing incident column.*category"),
        (lambda g: g.set_crs("EPSG:3857", allow_override=True), "EPSG:4326"),
        (lambda g: g.assign(id=["X"] * len(g)), "id 'X' occurs more than once"),
        (lambda g: g.assign(id=[None, *g["id"].iloc[1:]]), "every incident needs an id"),
    ],
    ids=["missing column", "crs", "duplicate id", "missing id"],
)
def test_a_frame_that_is_not_an_incident_layer_is_refused_and_nothing_is_written(store, synthetic, change, message):
    gdf, source = synthetic
    store.save("kept", gdf.iloc[:10], replace(source, file_hash="0" * 64))
    before = store.list()
    with pytest.raises(InvalidDataset, match=message):
        store.save("kept", change(gdf.copy()), source)
    assert store.list() == before


@pytest.mark.parametrize("bad", ["", "   ", "x" * 81, "tab\there"])
def test_bad_dataset_names_are_refused(store, synthetic, bad):
    gdf, source = synthetic
    with pytest.raises(StoreError):
        store.save(bad, gdf, source)


def test_version_key_changes_when_a_dataset_changes(store, synthetic):
    gdf, source = synthetic
    store.save("kept", gdf.iloc[:20], replace(source, file_hash="1" * 64))
    key = store.version_key(["kept", SHIPPED])
    assert key == store.version_key(["kept", SHIPPED])
    store.save("kept", gdf.iloc[:30], replace(source, file_hash="2" * 64))
    assert store.version_key(["kept", SHIPPED]) != key


def test_the_shipped_dataset_reads_with_a_filter_bbox_and_columns_like_any_other(store):
    shipped, _ = load_layer("incidents")
    flt = IncidentFilter(categories=("attack", "cross-border strike"))
    box = (60.0, 24.0, 66.0, 30.0)
    got = store.read(SHIPPED, flt, bbox=box, columns=["title", "date_start"])
    want = reference_query(shipped, flt, box)
    assert 0 < len(want) < len(shipped)
    assert list(got.columns) == ["id", "title", "date_start", "geometry"]
    same_rows(got, want[["id", "title", "date_start", "geometry"]])


# One row per searchable field holds a word no other row has (actors as a list, as a file gives them).
SEARCHED = {
    "title": "Zephyrtitle",
    "description": "Quillondescription",
    "place": "Xandarplace",
    "perpetrator": "Wolvenperp",
    "admin1": "Vortexadminone",
    "admin2": "Umbraadmintwo",
    "actors": "Jaish al-Adl",
}


def searchable_file(folder) -> tuple:
    """A GeoJSON file of 30 incidents, row i holding the i-th SEARCHED word in its field; the ids by field."""
    doc = make_incidents(30, 7)
    ids = {}
    for feat, (field, word) in zip(doc["features"], SEARCHED.items(), strict=False):
        props = feat["properties"]
        props[field] = [word, "Police"] if field == "actors" else word
        ids[field] = props["id"]
    path = folder / "searchable.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path, ids


def test_the_searchable_fields_are_the_ones_this_suite_covers():
    assert set(SEARCHED) == {*SEARCH_FIELDS, "actors"}


@pytest.mark.parametrize("field", list(SEARCHED))
def test_a_keyword_finds_a_kept_import_by_every_searchable_field(store, tmp_path, field):
    path, ids = searchable_file(tmp_path)
    result = import_file(path)
    keep_import(store, "searchable", path, result)
    for keyword in (SEARCHED[field], SEARCHED[field].upper().split()[-1]):
        flt = IncidentFilter(keyword=keyword)
        got = store.read("searchable", flt)
        assert list(got["id"]) == [ids[field]], (field, keyword)
        assert list(got["id"]) == list(reference_query(result.incidents, flt)["id"])
