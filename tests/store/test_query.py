"""The query interface (geo.store.query), on every implementation, against the pandas reference.

The `store` fixture is parametrised (embedded: DuckDB over the workspace's GeoParquet files;
postgis: SQL). Each test keeps one synthetic dataset, whose rows are changed so that every filter
field, whole words and the actors' names have something to find.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.filters import IncidentFilter
from geo.loading import load_layer
from geo.store.base import SHIPPED, DatasetNotFound, StoreError
from geo.store.query import GROUPINGS, MAP_COLUMNS, IncidentQuery, ReferenceQueries, open_queries

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
    IncidentFilter(near="pipeline:claimed built", near_km=50),
    IncidentFilter(near="crossings", near_km=40),
    IncidentFilter(near="market:M1", near_km=120, categories=("attack",)),
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
    next to a non-ASCII letter, a row in two countries."""
    gdf = synthetic[0].copy()
    gdf.at[gdf.index[0], "actors"] = ["Zorbactor", "Police"]
    gdf.at[gdf.index[1], "title"] = "Zahedan-naïveté market closed"
    gdf.at[gdf.index[2], "country"] = "PAK;AFG"
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
def test_near_is_pushed_down_to_postgis_and_refused_by_the_embedded_engine(kept, store_location, box):
    store, ref = kept
    engine = open_queries(store, ["kept"])
    for flt in NEAR:
        q = IncidentQuery(("kept",), flt, bbox=box)
        if store_location.startswith("/"):  # DuckDB over the workspace's files: no geodesic distance there
            with pytest.raises(StoreError, match=r"^the embedded query engine cannot filter by Near"):
                engine.count(q)
            continue
        assert engine.count(q) == ref.count(q), flt.describe()
        pd.testing.assert_frame_equal(engine.rows(q), ref.rows(q), obj=flt.describe())


def test_the_district_filters_find_some_rows_but_not_all(kept_rows):
    ref = ReferenceQueries({"kept": kept_rows})
    counts = [ref.count(IncidentQuery(("kept",), flt)) for flt in DISTRICTS]
    assert 0 < counts[0] < len(kept_rows) and 0 < counts[1] < counts[0] and counts[2] == 0


@pytest.mark.parametrize("box", [None, BOX], ids=["no box", "box"])
def test_a_district_is_pushed_down_to_postgis_and_refused_by_the_embedded_engine(kept, store_location, box):
    store, ref = kept
    engine = open_queries(store, ["kept"])
    for flt in DISTRICTS:
        q = IncidentQuery(("kept",), flt, bbox=box)
        if store_location.startswith("/"):
            with pytest.raises(StoreError, match=r"^the embedded query engine cannot filter by district"):
                engine.count(q)
            continue
        assert engine.count(q) == ref.count(q), flt.describe()
        pd.testing.assert_frame_equal(engine.rows(q), ref.rows(q), obj=flt.describe())


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
        assert len(want) > (0 if flt.keyword else 1)  # quetta is in one country
        pd.testing.assert_frame_equal(engine.aggregate(q, by, cell), want, obj=f"{by} {flt.describe()}")
        counted = want["incidents"].sum()
        if by in ("month", "category"):
            assert counted == ref.count(q)


def test_the_country_aggregate_counts_a_row_in_two_countries_in_each(kept):
    store, ref = kept
    got = open_queries(store, ["kept"]).aggregate(IncidentQuery(("kept",)), "country").set_index("country")
    assert got.loc["AFG", "incidents"] == 1
    assert got["incidents"].sum() == ref.count(IncidentQuery(("kept",))) + 1


ORDERS = [
    (("date_start", True), ("id", False)),
    (("fatalities_best", True),),  # many ties and missing values: id breaks them
    (("category", False), ("date_end", True)),
    (("title", False),),
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


def test_the_map_payload_is_only_its_columns_inside_the_box(kept):
    store, ref = kept
    q = IncidentQuery(("kept",), IncidentFilter(min_fatalities=1), bbox=BOX, columns=MAP_COLUMNS)
    got = open_queries(store, ["kept"]).rows(q)
    assert list(got.columns) == ["id", "category", "fatalities_best", "location_precision", "lon", "lat"]
    assert got["lon"].between(BOX[0], BOX[2]).all() and got["lat"].between(BOX[1], BOX[3]).all()
    pd.testing.assert_frame_equal(got, ref.rows(q))


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
            for by in GROUPINGS:
                pd.testing.assert_frame_equal(engine.aggregate(q, by), ref.aggregate(q, by))
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
    with pytest.raises(StoreError, match="cannot aggregate by 'district'"):
        engine.aggregate(IncidentQuery(("kept",)), "district")
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
