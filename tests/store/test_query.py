"""The query interface (geo.store.query), on every implementation, against the pandas reference.

The `store` fixture is parametrised (embedded: DuckDB over the workspace's GeoParquet files;
postgis: SQL). Each test keeps one synthetic dataset, whose rows are changed so that every filter
field, whole words, the actors' names, the title order and every grouping have something to find.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import h3
import pandas as pd
import pytest

import geo.store.point_tests
from geo.filters import IncidentFilter, apply_filter
from geo.incident_stats import SIDES, headline, monthly, track_of
from geo.loading import load_layer
from geo.near import UnknownTarget, search_box
from geo.schema import GRADE_NAMES
from geo.store import open_queries
from geo.store.base import SHIPPED, DatasetNotFound, StoreError
from geo.store.query import (
    GROUPINGS,
    MAP_COLUMNS,
    IncidentQuery,
    ReferenceQueries,
    key_columns,
)

FILTERS = [
    IncidentFilter(),
    IncidentFilter(date_from=date(2010, 1, 1)),
    IncidentFilter(date_to=date(2003, 1, 1)),
    IncidentFilter(date_from=date(2010, 1, 1), date_to=date(2015, 6, 30)),
    IncidentFilter(categories=("attack", "bombing/IED")),
    IncidentFilter(countries=("IRN",)),
    IncidentFilter(countries=("AFG",)),  # only the row made to lie in two countries
    IncidentFilter(min_fatalities=3),
    IncidentFilter(keyword="Quetta"),
    IncidentFilter(keyword="frontier corps"),
    IncidentFilter(keyword="zorbactor"),  # only in one row's actors
    IncidentFilter(keyword="Quetta", whole_words=True),
    IncidentFilter(keyword="quett"),
    IncidentFilter(keyword="quett", whole_words=True),  # part of a word: nothing, where the plain search finds Quetta
    IncidentFilter(keyword="zahedan", whole_words=True),  # "Zahedan-naïveté": a hyphen ends a word
    IncidentFilter(keyword="veté", whole_words=True),  # "naïveté": ï is a letter, so "veté" is no whole word
    IncidentFilter(date_from=date(2005, 1, 1), categories=("attack",), countries=("PAK",), min_fatalities=1),
]
NEAR = [
    IncidentFilter(near="border", near_km=30),
    IncidentFilter(near="border", near_km=5),
    IncidentFilter(near="pipeline:claimed built", near_km=50),
    IncidentFilter(near="pipeline:built", near_km=10),
    IncidentFilter(near="power_line", near_km=60),
    IncidentFilter(near="crossings", near_km=40),
    IncidentFilter(near="markets", near_km=200, min_fatalities=1),
    IncidentFilter(near="market:M1", near_km=120, categories=("attack",)),
    IncidentFilter(grades=("claimed", "disputed")),
    IncidentFilter(grades=("ungraded",)),  # the rows without a grade, and those graded so
    IncidentFilter(grades=("corroborated", "single source"), categories=("attack",)),
]
ONCE_EACH = {"month", "category", "track", "precision", "country_value", "grade"}  # groupings holding every row once
TITLES = ["quetta blast", "Quetta attack", "ÉCOLE", "école", "Écolier", "apple"]  # rows 3 to 8
TITLE_ORDER = ["apple", "Quetta attack", "quetta blast", "ÉCOLE", "école", "Écolier"]  # lower case, then as written
MULTI = [
    ("month", "country_value"),
    ("cell", "category"),
    ("country", "track"),
    ("precision", "cell", "month"),
    ("track", "precision", "country"),
    ("month", "grade"),
    ("district", "precision"),  # the Trends page's questions
    ("h3", "precision"),
    ("month", "h3", "district"),
]
DISTRICTS = [
    IncidentFilter(district="IRN.SB.zahedan"),
    IncidentFilter(district="IRN.SB.chabahar", categories=("attack",)),
    IncidentFilter(district="IRN.SB.nowhere"),  # a stale id keeps nothing
]
BOX = (60.0, 26.0, 63.0, 29.0)


@pytest.fixture(scope="module")
def kept_rows(synthetic) -> gpd.GeoDataFrame:
    """The synthetic incidents with rows made to be found: an actor, a word joined by a hyphen and
    next to a non-ASCII letter, a row in two countries, titles differing by case, missing tracks
    (then their category's), fatalities and sides, a missing country and location precision."""
    gdf = synthetic[0].copy()
    gdf.at[gdf.index[0], "actors"] = ["Zorbactor", "Police"]
    gdf.at[gdf.index[1], "title"] = "Zahedan-naïveté market closed"
    gdf.at[gdf.index[2], "country"] = "PAK;AFG"
    for at, title in enumerate(TITLES, start=3):
        gdf.at[gdf.index[at], "title"] = title
    gdf.loc[gdf.index[10:120:3], "track"] = None
    gdf.loc[gdf.index[12:200:5], "fatalities_best"] = None
    gdf.loc[gdf.index[13:200:7], "fatalities_civilians"] = None
    gdf.loc[gdf.index[14:200:11], "fatalities_security"] = None
    gdf.at[gdf.index[20], "country"] = None
    gdf.loc[gdf.index[21:23], "location_precision"] = None
    gdf["grade"] = [GRADE_NAMES[i % len(GRADE_NAMES)] for i in range(len(gdf))]
    gdf.loc[gdf.index[30:300:9], "grade"] = None  # kept before grades existed: "ungraded"
    return gdf


@pytest.fixture
def kept(store, synthetic, kept_rows):
    """The store with kept_rows kept as "kept", and the reference over the same rows (and shipped)."""
    store.save("kept", kept_rows, synthetic[1])
    shipped, _ = load_layer("incidents")
    return store, ReferenceQueries({"kept": kept_rows, SHIPPED: shipped})


def test_the_changed_rows_are_there_to_be_found(kept_rows):
    ref = ReferenceQueries({"kept": kept_rows})
    for flt in FILTERS[1:]:
        got = ref.count(IncidentQuery(("kept",), flt))
        assert 0 <= got < len(kept_rows), flt
    assert ref.count(IncidentQuery(("kept",), IncidentFilter(keyword="zorbactor"))) == 1
    assert ref.count(IncidentQuery(("kept",), IncidentFilter(keyword="veté"))) == 1
    assert ref.count(IncidentQuery(("kept",), IncidentFilter(keyword="veté", whole_words=True))) == 0


@pytest.mark.parametrize("box", [None, BOX], ids=["no box", "box"])
def test_every_filter_field_counts_and_returns_the_reference_rows(kept, box):
    store, ref = kept
    engine = open_queries(store, ["kept"])
    for flt in FILTERS:
        q = IncidentQuery(("kept",), flt, bbox=box)
        assert engine.count(q) == ref.count(q), flt.describe()
        pd.testing.assert_frame_equal(engine.rows(q), ref.rows(q), obj=flt.describe())


def test_the_near_filters_find_some_rows_but_not_all(kept_rows):
    ref = ReferenceQueries({"kept": kept_rows})
    for flt in NEAR:
        assert 0 < ref.count(IncidentQuery(("kept",), flt)) < len(kept_rows), flt.describe()


@pytest.mark.parametrize("box", [None, BOX], ids=["no box", "box"])
def test_near_answers_as_geo_near_in_every_implementation(kept, box):
    store, ref = kept
    for names in (["kept"], ["kept", SHIPPED]):  # a kept file and an in-memory frame
        engine = open_queries(store, names)
        for flt in NEAR:
            q = IncidentQuery(tuple(names), flt, bbox=box)
            assert engine.count(q) == ref.count(q), flt.describe()
            pd.testing.assert_frame_equal(engine.rows(q), ref.rows(q), obj=flt.describe())
            pd.testing.assert_frame_equal(engine.aggregate(q, "cell", 0.25), ref.aggregate(q, "cell", 0.25))
            assert engine.summary(q) == ref.summary(q)


def test_near_counts_grow_with_the_distance(kept):
    store, ref = kept
    engine = open_queries(store, ["kept"])
    counts = [engine.count(IncidentQuery(("kept",), IncidentFilter(near="border", near_km=km))) for km in (5, 30, 300)]
    assert 0 < counts[0] < counts[1] < counts[2]
    assert counts == [
        ref.count(IncidentQuery(("kept",), IncidentFilter(near="border", near_km=km))) for km in (5, 30, 300)
    ]


def test_the_embedded_near_measures_only_the_points_in_the_targets_box(kept, kept_rows, store_location, monkeypatch):
    store, ref = kept
    if not store_location.startswith("/"):
        pytest.skip("the embedded engine's Python function (PostGIS measures in SQL)")
    seen = []
    real = geo.store.point_tests.within_km

    def spy(points, target, km, folder=None, geometry=None):
        seen.append(points)
        return real(points, target, km, folder, geometry)

    monkeypatch.setattr(geo.store.point_tests, "within_km", spy)
    flt = IncidentFilter(near="market:M1", near_km=120)
    q = IncidentQuery(("kept",), flt)
    assert open_queries(store, ["kept"]).count(q) == ref.count(q) > 0
    measured = pd.concat(seen, ignore_index=True)
    minx, miny, maxx, maxy = search_box(flt.near, flt.near_km)
    assert measured.x.between(minx, maxx).all() and measured.y.between(miny, maxy).all()
    assert ref.count(q) <= len(measured) < len(kept_rows)


def test_an_unknown_near_target_is_refused_as_geo_near_refuses_it(kept):
    store, ref = kept
    q = IncidentQuery(("kept",), IncidentFilter(near="market:nowhere", near_km=10))
    with pytest.raises(UnknownTarget, match="market:nowhere"):
        ref.count(q)
    with pytest.raises(UnknownTarget, match="market:nowhere"):
        open_queries(store, ["kept"]).count(q)


def test_the_embedded_engine_places_each_located_point_once(kept, kept_rows, store_location, monkeypatch):
    """The "district" and "h3" groupings call their Python function once per located row (a filter on
    its result would call it again), and the districts' polygons are read once per engine."""
    store, ref = kept
    if not store_location.startswith("/"):
        pytest.skip("the embedded engine's Python functions (PostGIS places districts in SQL)")
    seen, reads = [], []
    real_districts, real_hexagons = geo.store.point_tests.districts_of, geo.store.point_tests.hexagons_of
    real_layer = geo.store.point_tests.shipped_districts
    monkeypatch.setattr(
        geo.store.point_tests, "districts_of", lambda x, y, layer: seen.append(len(x)) or real_districts(x, y, layer)
    )
    monkeypatch.setattr(
        geo.store.point_tests, "hexagons_of", lambda x, y, r: seen.append(len(x)) or real_hexagons(x, y, r)
    )
    monkeypatch.setattr(geo.store.point_tests, "shipped_districts", lambda *a: reads.append(a) or real_layer(*a))
    engine, q = open_queries(store, ["kept"]), IncidentQuery(("kept",))
    located = ref.summary(q).located
    for by in ("district", "h3", ("district", "precision"), ("h3", "month", "district")):
        seen.clear()
        pd.testing.assert_frame_equal(engine.aggregate(q, by), ref.aggregate(q, by))
        placed = sum(k in ("district", "h3") for k in ((by,) if isinstance(by, str) else by))
        assert sum(seen) == located * placed > 0, by
    assert len(reads) == 1


def test_the_district_filters_find_some_rows_but_not_all(kept_rows):
    ref = ReferenceQueries({"kept": kept_rows})
    counts = [ref.count(IncidentQuery(("kept",), flt)) for flt in DISTRICTS]
    assert 0 < counts[0] < len(kept_rows) and 0 < counts[1] < counts[0] and counts[2] == 0


@pytest.mark.parametrize("box", [None, BOX], ids=["no box", "box"])
def test_a_district_answers_as_geo_districts_in_every_implementation(kept, box):
    store, ref = kept
    for names in (["kept"], ["kept", SHIPPED]):  # a kept file and an in-memory frame
        engine = open_queries(store, names)
        for flt in DISTRICTS:
            q = IncidentQuery(tuple(names), flt, bbox=box)
            assert engine.count(q) == ref.count(q), flt.describe()
            pd.testing.assert_frame_equal(engine.rows(q), ref.rows(q), obj=flt.describe())
            assert engine.summary(q) == ref.summary(q)


@pytest.mark.parametrize("by", GROUPINGS)
def test_aggregates_match_the_reference(kept, by):
    store, ref = kept
    engine = open_queries(store, ["kept"])
    cases = [
        (IncidentFilter(), None, 0.5),
        (IncidentFilter(categories=("attack", "bombing/IED"), min_fatalities=1), None, 0.25),
        (IncidentFilter(date_from=date(2010, 1, 1), keyword="quetta"), (60.0, 26.0, 67.0, 31.0), 1.0),
    ]
    for flt, box, cell in cases:
        q = IncidentQuery(("kept",), flt, bbox=box)
        want = ref.aggregate(q, by, cell)
        assert len(want) > (1 if flt == IncidentFilter() else 0)  # quetta is in one country, two categories one track
        pd.testing.assert_frame_equal(engine.aggregate(q, by, cell), want, obj=f"{by} {flt.describe()}")
        counted = want["incidents"].sum()
        if by in ONCE_EACH:
            assert counted == ref.count(q)


def test_the_maps_cells_for_a_view_match_the_reference(kept):
    """The map's question above its point limit (views.map.cells): count and fatalities per cell of
    a power-of-two size, in a box on that grid, with and without a filter, the shipped set included."""
    from views.map.cells import view_box

    store, ref = kept
    engine = open_queries(store, ["kept", SHIPPED])
    for bounds, zoom, flt in [
        ((58.5, 24.5, 70.5, 32.5), 6.5, IncidentFilter()),
        ((61.0, 26.0, 63.0, 27.5), 9.25, IncidentFilter(categories=("attack", "bombing/IED"))),
        ((60.2, 25.1, 60.9, 25.6), 12, IncidentFilter(min_fatalities=1)),
    ]:
        view = view_box(bounds, zoom)
        q = IncidentQuery(("kept", SHIPPED), flt, bbox=view.box)
        want = ref.aggregate(q, "cell", view.cell)
        pd.testing.assert_frame_equal(engine.aggregate(q, "cell", view.cell), want, obj=f"{view} {flt.describe()}")
        assert want["incidents"].sum() == ref.count(q) > 0, view


@pytest.mark.parametrize("by", MULTI, ids=",".join)
def test_aggregates_by_several_keys_match_the_reference_and_add_up_to_each_key(kept, by):
    store, ref = kept
    engine = open_queries(store, ["kept"])
    for flt, box, cell in [
        (IncidentFilter(), None, 0.5),
        (IncidentFilter(categories=("attack", "bombing/IED")), BOX, 1.0),
        (IncidentFilter(keyword="no such words anywhere"), None, 0.5),
    ]:
        q = IncidentQuery(("kept",), flt, bbox=box)
        want = ref.aggregate(q, by, cell)
        assert list(want.columns) == [*key_columns(by), "incidents", "fatalities"]
        pd.testing.assert_frame_equal(engine.aggregate(q, by, cell), want, obj=f"{by} {flt.describe()}")
        for key in by:  # summed over keys that neither leave rows out (cell) nor count one twice (country)
            if not set(by) - {key} <= ONCE_EACH:
                continue
            cols = key_columns(key)
            summed = want.groupby(cols, sort=True)[["incidents", "fatalities"]].sum().reset_index()
            pd.testing.assert_frame_equal(summed, ref.aggregate(q, key, cell), check_dtype=False, obj=key)
        assert len(want) > 0 or flt.keyword


def test_the_new_groupings_count_as_the_explorer_does(kept_rows):
    ref, q = ReferenceQueries({"kept": kept_rows}), IncidentQuery(("kept",))
    figures = headline(kept_rows)
    countries = ref.aggregate(q, "country_value").set_index("country_value")
    assert {c.country: (c.events, c.fatalities) for c in figures.by_country} == {
        k: (r.incidents, r.fatalities) for k, r in countries.iterrows()
    }
    assert countries.loc["unknown", "incidents"] == 1 and countries.loc["PAK;AFG", "incidents"] == 1
    precision = ref.aggregate(q, "precision").set_index("precision")["incidents"]
    assert dict(figures.by_precision) == precision.to_dict()
    assert precision["unlocated"] >= 2
    tracks = ref.aggregate(q, "track").set_index("track")["incidents"]
    assert tracks.to_dict() == track_of(kept_rows).value_counts().to_dict()
    assert kept_rows["track"].isna().sum() > 0
    by_month = ref.aggregate(q, ("month", "country_value"))
    explorer = monthly(kept_rows)
    assert list(by_month["month"]) == list(explorer["month"]) and list(by_month["country_value"]) == list(
        explorer["country"]
    )
    assert list(by_month["incidents"]) == list(explorer["events"])
    assert list(by_month["fatalities"]) == list(explorer["fatalities"])


SUMMARY_FILTERS = [
    IncidentFilter(),
    IncidentFilter(categories=("attack", "bombing/IED", "armed clash")),
    IncidentFilter(countries=("IRN",), min_fatalities=2),
    IncidentFilter(keyword="no such words anywhere"),
    IncidentFilter(near="border", near_km=30),
]


@pytest.mark.parametrize("h3_res", [4, 7])
def test_hexagons_at_each_resolution_match_the_reference_and_hold_every_located_row(kept, h3_res):
    store, ref = kept
    for names in (["kept"], ["kept", SHIPPED]):  # a kept file and an in-memory frame
        engine = open_queries(store, names)
        for flt in (
            IncidentFilter(),
            IncidentFilter(categories=("attack",)),
            IncidentFilter(district="IRN.SB.zahedan"),
        ):
            q = IncidentQuery(tuple(names), flt)
            want = ref.aggregate(q, ("h3", "precision"), 0.5, h3_res)
            got = engine.aggregate(q, ("h3", "precision"), 0.5, h3_res)
            pd.testing.assert_frame_equal(got, want, obj=f"{names} {flt.describe()}")
            assert want["incidents"].sum() == ref.summary(q).located > 0
            assert {h3.get_resolution(h) for h in want["h3"]} == {h3_res}


def test_a_district_holds_what_the_district_filter_keeps(kept):
    """The "district" grouping means what the District filter means: per district, its count is the
    filter's count; the rows in no district are left out."""
    store, ref = kept
    engine = open_queries(store, ["kept", SHIPPED])
    q = IncidentQuery(("kept", SHIPPED))
    by_district = engine.aggregate(q, "district").set_index("district")["incidents"]
    pd.testing.assert_series_equal(by_district, ref.aggregate(q, "district").set_index("district")["incidents"])
    assert len(by_district) > 5 and 0 < by_district.sum() < ref.summary(q).located
    for district in ("IRN.SB.zahedan", "IRN.SB.chabahar", by_district.index[-1]):
        assert by_district[district] == ref.count(replace(q, filter=IncidentFilter(district=district))) > 0


def test_a_wrong_h3_resolution_is_refused(kept):
    store, ref = kept
    for engine in (open_queries(store, ["kept"]), ref):
        for bad in (16, -1, 2.5, "5"):
            with pytest.raises(StoreError, match="H3 resolution"):
                engine.aggregate(IncidentQuery(("kept",)), "h3", 0.5, bad)


@pytest.mark.parametrize("flt", SUMMARY_FILTERS, ids=lambda f: f.describe())
def test_summary_matches_the_reference_and_the_explorers_headline(kept, kept_rows, flt):
    store, ref = kept
    q = IncidentQuery(("kept",), flt)
    got = open_queries(store, ["kept"]).summary(q)
    assert got == ref.summary(q)
    rows = apply_filter(kept_rows, flt)
    figures = headline(rows)
    assert (got.incidents, got.fatalities, got.with_fatality_figure, got.unattributed, got.security) == (
        figures.events,
        figures.fatalities,
        figures.with_fatality_figure,
        figures.unattributed,
        figures.security_incidents,
    )
    assert got.sides == {SIDES[label]: n for label, n in figures.by_side.items()}
    assert got.located == int((rows.geometry.notna() & ~rows.geometry.is_empty).sum())


def test_the_summary_has_something_to_count(kept_rows):
    got = ReferenceQueries({"kept": kept_rows}).summary(IncidentQuery(("kept",)))
    assert 0 < got.with_fatality_figure < got.incidents
    assert got.unattributed > 0 and 0 < got.security < got.incidents and 0 < got.located < got.incidents
    assert all(v > 0 for v in got.sides.values())


def test_the_country_aggregate_counts_a_row_in_two_countries_in_each(kept):
    store, ref = kept
    got = open_queries(store, ["kept"]).aggregate(IncidentQuery(("kept",)), "country").set_index("country")
    assert got.loc["AFG", "incidents"] == 1
    assert got["incidents"].sum() == ref.count(IncidentQuery(("kept",))) + 1 - 1  # PAK;AFG twice, no country: none


ORDERS = [
    (("date_start", True), ("id", False)),
    (("fatalities_best", True),),  # many ties and missing values: id breaks them
    (("category", False), ("date_end", True)),
    (("title", False),),
    (("title", True), ("date_start", False)),
]


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: ",".join(f"{c}{'-' if d else '+'}" for c, d in o))
def test_pages_follow_a_stable_order_and_cover_every_row_once(kept, order):
    store, ref = kept
    engine = open_queries(store, ["kept"])
    flt = IncidentFilter(countries=("PAK",))
    whole = ref.rows(IncidentQuery(("kept",), flt, order=order))
    pages, at = [], 0
    while True:
        page = engine.page(IncidentQuery(("kept",), flt, columns=("title",), order=order, limit=37, offset=at))
        assert page.total == len(whole)
        if page.rows.empty:
            break
        pages.append(page.rows)
        at += 37
    got = pd.concat(pages, ignore_index=True)
    assert list(got.columns) == ["id", "title"]
    assert list(got["id"]) == list(whole["id"])
    assert got["id"].is_unique


@pytest.mark.parametrize("desc", [False, True], ids=["A-Z", "Z-A"])
def test_titles_are_ordered_by_their_lower_case_then_as_written(kept, kept_rows, desc):
    store, ref = kept
    ids = tuple(kept_rows["id"].iloc[3:9])
    q = IncidentQuery(("kept",), ids=ids, columns=("title",), order=(("title", desc),))
    want = TITLE_ORDER[::-1] if desc else TITLE_ORDER
    assert list(ref.rows(q)["title"]) == want
    got = open_queries(store, ["kept"]).rows(q)
    pd.testing.assert_frame_equal(got, ref.rows(q))
    whole = replace(q, ids=None, limit=4)  # over every row: the changed titles come first either way
    paged = open_queries(store, ["kept"]).rows(whole)
    pd.testing.assert_frame_equal(paged, ref.rows(whole))
    assert list(paged["title"])[:3] == want[:3]


def test_the_map_payload_is_only_its_columns_inside_the_box(kept):
    store, ref = kept
    q = IncidentQuery(("kept",), IncidentFilter(min_fatalities=1), bbox=BOX, columns=MAP_COLUMNS)
    got = open_queries(store, ["kept"]).rows(q)
    assert set(got.columns) == {*MAP_COLUMNS} and got.columns[0] == "id"
    assert {"date_start", "date_end"} < set(got.columns)  # the time control filters by them in the browser
    assert got["lon"].between(BOX[0], BOX[2]).all() and got["lat"].between(BOX[1], BOX[3]).all()
    pd.testing.assert_frame_equal(got, ref.rows(q))


def test_the_map_payloads_arrow_answer_holds_the_rows_answer(kept):
    """table(q): the same rows, in the same order, as Arrow (the map's payload is built from it)."""
    from geo.incidents.codec import typed
    from views.map.layers import incident_source

    store, ref = kept
    engine = open_queries(store, ["kept"])
    for flt in (IncidentFilter(), IncidentFilter(keyword="quetta")):
        q = IncidentQuery(("kept",), flt, bbox=(-180.0, -90.0, 180.0, 90.0), columns=MAP_COLUMNS)
        got = engine.table(q)
        pd.testing.assert_frame_equal(typed(got.to_pandas(), got.column_names), ref.rows(q))
        assert incident_source(got, details=False).data_json == incident_source(ref.rows(q), details=False).data_json


def test_several_datasets_together_first_named_wins_on_a_shared_id(kept, synthetic, kept_rows):
    store, ref = kept
    clash = kept_rows.iloc[250:].copy()
    clash["title"] = "from b"
    clash["fatalities_best"] = pd.array([50] * len(clash), dtype="Int64")
    store.save("b", clash, replace(synthetic[1], file_hash="b" * 64))
    ref.frames["b"] = clash
    for names in (["kept", "b", SHIPPED], ["b", "kept"], [SHIPPED, "b"]):
        engine = open_queries(store, names)
        for flt in (IncidentFilter(), IncidentFilter(min_fatalities=40), IncidentFilter(keyword="from b")):
            q = IncidentQuery(tuple(names), flt, order=(("fatalities_best", True),))
            assert engine.count(q) == ref.count(q), (names, flt)
            pd.testing.assert_frame_equal(engine.rows(q), ref.rows(q))
            for by in (*GROUPINGS, *MULTI):
                pd.testing.assert_frame_equal(engine.aggregate(q, by), ref.aggregate(q, by))
            assert engine.summary(q) == ref.summary(q)
            paged = replace(q, limit=30, offset=240)  # across the shared ids
            pd.testing.assert_frame_equal(engine.rows(paged), ref.rows(paged))
        assert engine.choices(IncidentQuery(tuple(names))) == ref.choices(IncidentQuery(tuple(names)))
    first = open_queries(store, ["kept", "b"]).rows(IncidentQuery(("kept", "b"), columns=("title",)))
    assert (first["title"] == "from b").sum() == 0
    second = open_queries(store, ["b", "kept"]).rows(IncidentQuery(("b", "kept"), columns=("title",)))
    assert (second["title"] == "from b").sum() == len(clash)


def test_a_record_by_id_comes_from_the_first_named_dataset_holding_it(kept, synthetic, kept_rows):
    store, ref = kept
    clash = kept_rows.iloc[250:].copy()
    clash["title"] = "from b"
    store.save("b", clash, replace(synthetic[1], file_hash="b" * 64))
    ref.frames["b"] = clash
    shared, only_kept = str(kept_rows["id"].iloc[260]), str(kept_rows["id"].iloc[3])
    for names in (("kept", "b"), ("b", "kept")):
        q = IncidentQuery(names, ids=(shared, only_kept, "no such id"), order=(("id", False),))
        got = open_queries(store, list(names)).rows(q)
        pd.testing.assert_frame_equal(got, ref.rows(q))
        assert list(got["id"]) == sorted([shared, only_kept])
        assert (got.set_index("id").loc[shared, "title"] == "from b") == (names[0] == "b")
    one = IncidentQuery(("kept",), ids=only_kept, columns=("title",))
    assert open_queries(store, ["kept"]).count(one) == 1


def test_hidden_records_are_left_out_of_every_answer(kept, synthetic, kept_rows):
    """Hide probable duplicates: the hidden ids are in no count, page, aggregate, summary or record."""
    store, ref = kept
    other = kept_rows.iloc[200:].copy()
    other["id"] = [f"B-{i}" for i in range(len(other))]
    store.save("b", other, replace(synthetic[1], file_hash="c" * 64))
    ref.frames["b"] = other
    hidden = (*other["id"].iloc[:50], str(kept_rows["id"].iloc[0]), "no such id")
    engine = open_queries(store, ["kept", "b"])
    q = IncidentQuery(("kept", "b"), hidden=hidden)
    whole = IncidentQuery(("kept", "b"))
    assert engine.count(q) == engine.count(whole) - 51 == ref.count(q)
    pd.testing.assert_frame_equal(
        engine.rows(replace(q, limit=40, offset=10)), ref.rows(replace(q, limit=40, offset=10))
    )
    pd.testing.assert_frame_equal(engine.aggregate(q, "month"), ref.aggregate(q, "month"))
    assert engine.summary(q) == ref.summary(q) != engine.summary(whole)
    assert engine.rows(IncidentQuery(("kept", "b"), ids=hidden[:3], hidden=hidden)).empty
    assert q == IncidentQuery(("kept", "b"), hidden=tuple(reversed(hidden)))  # one cache key whatever the order
    one = IncidentQuery(("kept",), hidden=hidden)  # one kept dataset: what PostGIS's rollup answers unless hidden
    assert engine.count(one) == ref.count(one) == engine.count(IncidentQuery(("kept",))) - 1
    pd.testing.assert_frame_equal(engine.aggregate(one, "month"), ref.aggregate(one, "month"))


def test_a_sessions_own_import_joins_the_kept_datasets(kept, kept_rows):
    store, ref = kept
    own = kept_rows.iloc[:40].copy()
    own["id"] = [f"OWN-{i}" for i in range(len(own))]
    ref.frames["own"] = own
    engine = open_queries(store, ["own", "kept"], frames={"own": own})
    q = IncidentQuery(("own", "kept"), IncidentFilter(keyword="quetta"), limit=25, offset=5)
    pd.testing.assert_frame_equal(engine.rows(q), ref.rows(q))
    assert engine.count(q) == ref.count(q)


def test_choices_give_the_date_range_categories_and_countries(kept, kept_rows):
    store, ref = kept
    got = open_queries(store, ["kept"]).choices(IncidentQuery(("kept",)))
    assert got == ref.choices(IncidentQuery(("kept",)))
    assert got.date_from == kept_rows["date_start"].min().date()
    assert "AFG" in got.countries and set(got.categories) == set(kept_rows["category"])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: IncidentQuery(("kept",), columns=("title", "nonsense")), "unknown incident column.*nonsense"),
        (lambda: IncidentQuery(("kept",), order=(("description", False),)), "cannot order by description"),
        (lambda: IncidentQuery(("kept",), limit=-1), "a page holds"),
        (lambda: IncidentQuery(("kept",), offset=-5), "offset -5"),
        (lambda: IncidentQuery(("kept",), bbox=(60, 20, float("nan"), 30)), "four finite numbers"),
        (lambda: IncidentQuery(()), "at least one dataset"),
    ],
    ids=["column", "order", "limit", "offset", "box", "datasets"],
)
def test_a_query_no_store_can_answer_is_refused_by_name(make, message):
    with pytest.raises(StoreError, match=message):
        make()


def test_unknown_datasets_and_groupings_are_refused(kept):
    store, _ = kept
    engine = open_queries(store, ["kept"])
    with pytest.raises(DatasetNotFound, match="nope"):
        engine.count(IncidentQuery(("kept", "nope")))
    with pytest.raises(DatasetNotFound, match="nope"):
        open_queries(store, ["nope"]).count(IncidentQuery(("nope",)))
    with pytest.raises(StoreError, match="cannot aggregate by 'county'"):
        engine.aggregate(IncidentQuery(("kept",)), "county")
    with pytest.raises(StoreError, match="cannot aggregate by 'county'"):
        engine.aggregate(IncidentQuery(("kept",)), ("month", "county"))
    with pytest.raises(StoreError, match="names month more than once"):
        engine.aggregate(IncidentQuery(("kept",)), ("month", "category", "month"))
    with pytest.raises(StoreError, match="at least one grouping"):
        engine.aggregate(IncidentQuery(("kept",)), ())
    with pytest.raises(ValueError, match="cell size"):
        engine.aggregate(IncidentQuery(("kept",)), "cell", 0)


def test_the_engine_reads_a_kept_datasets_new_version_after_a_save(kept, synthetic, kept_rows):
    store, _ = kept
    engine = open_queries(store, ["kept"])
    assert engine.count(IncidentQuery(("kept",))) == len(kept_rows)
    store.save("kept", kept_rows.iloc[:100], replace(synthetic[1], file_hash="c" * 64))
    assert engine.count(IncidentQuery(("kept",))) == 100


def test_a_damaged_kept_file_is_one_clear_error(kept, store_location):
    store, _ = kept
    if not store_location.startswith("/"):
        pytest.skip("a workspace's file (the embedded store)")
    engine = open_queries(store, ["kept"])
    (file,) = (Path(store_location) / "datasets").glob("*.parquet")
    file.write_bytes(b"not a parquet file")
    with pytest.raises(StoreError, match=r"^kept: the kept data cannot be read \("):
        engine.count(IncidentQuery(("kept",)))


@pytest.mark.parametrize("tracks", [("security",), ("diplomacy", "infrastructure & trade"), ()])
@pytest.mark.parametrize("sample", [None, 1, 7, 40, 100_000])
def test_tracks_and_an_even_sample_answer_as_the_reference(kept, tracks, sample):
    """What the chronology asks: the events of some tracks, at most n of them spread through the
    period (two datasets, one kept file and one frame; the title order and a filter too)."""
    store, ref = kept
    engine = open_queries(store, ["kept", SHIPPED])
    for order in (((("date_start", False),)), (("title", False),)):
        q = IncidentQuery(
            ("kept", SHIPPED), IncidentFilter(date_from=date(2005, 1, 1)), order=order, tracks=tracks, sample=sample
        )
        got = engine.rows(q)
        pd.testing.assert_frame_equal(got, ref.rows(q))
        matched = ref.count(replace(q, sample=None))
        assert len(got) == (matched if sample is None else min(sample, matched))
        if tracks:
            assert 0 < matched < ref.count(replace(q, tracks=None, sample=None))
        assert engine.count(q) == matched  # count ignores the sample


def test_an_even_sample_starts_with_the_first_row_and_spreads_through_the_rest():
    from geo.store.query import sample_positions

    assert sample_positions(5, 10) == [0, 1, 2, 3, 4]
    assert sample_positions(10, 5) == [0, 2, 4, 6, 8]
    assert sample_positions(10, 3) == [0, 4, 7]
    picks = sample_positions(100_000, 2000)
    assert len(picks) == len(set(picks)) == 2000 and picks[0] == 0
    gaps = {b - a for a, b in itertools.pairwise(picks)}
    assert gaps == {50}


def test_a_sample_and_a_page_together_are_refused():
    with pytest.raises(StoreError, match="sample or a page"):
        IncidentQuery(("kept",), sample=5, limit=10)
    with pytest.raises(StoreError, match="1 to"):
        IncidentQuery(("kept",), sample=0)


def test_a_large_answer_read_in_parts_is_the_same_answer(kept, store_location, monkeypatch):
    """PostGIS hands a large result over through a server-side cursor, a part at a time."""
    if store_location.startswith("/"):
        pytest.skip("PostGIS only (DuckDB hands its columns over whole)")
    import geo.store.postgis_query

    store, ref = kept
    monkeypatch.setattr(geo.store.postgis_query, "FETCH_ROWS", 7)
    q = IncidentQuery(("kept", SHIPPED), columns=MAP_COLUMNS)
    got = open_queries(store, ["kept", SHIPPED]).rows(q)
    assert len(got) > 7 * 3
    pd.testing.assert_frame_equal(got, ref.rows(q))


def test_a_dataset_kept_before_grades_reads_as_ungraded(store, kept_rows, synthetic):
    """A GeoParquet file written before the grade columns existed: every row is "ungraded"."""
    if not hasattr(store, "file_of"):
        pytest.skip("PostGIS: migration 0010 adds the columns, NULL for kept rows (as the embedded NULL)")
    import pyarrow.parquet as pq

    store.save("old", kept_rows, synthetic[1])
    path = store.file_of("old")
    table = pq.read_table(path)
    pq.write_table(
        table.drop_columns(["grade", "claimed_by", "denied_by", "independent_sources", "grade_reason"]), path
    )
    engine = open_queries(store, ["old"])
    every = IncidentQuery(("old",))
    assert engine.count(IncidentQuery(("old",), IncidentFilter(grades=("ungraded",)))) == len(kept_rows)
    assert engine.count(IncidentQuery(("old",), IncidentFilter(grades=("claimed",)))) == 0
    by_grade = engine.aggregate(every, "grade")
    assert list(by_grade["grade"]) == ["ungraded"] and by_grade["incidents"].sum() == len(kept_rows)
    assert set(engine.rows(IncidentQuery(("old",), columns=("grade",)))["grade"].isna()) == {True}
    assert len(store.read("old", IncidentFilter(grades=("ungraded",)))) == len(kept_rows)
    assert len(store.read("old", IncidentFilter(grades=("claimed",)))) == 0
    asked = store.read("old", IncidentFilter(grades=("ungraded",)), columns=["fatalities_best", "grade"])
    assert len(asked) == len(kept_rows)  # a column the file lacks is read as missing, not an error
