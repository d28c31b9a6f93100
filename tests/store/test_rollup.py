"""The PostGIS rollup (geo.store.rollup): its answers equal the scan's and the pandas reference's, it
is taken for the filters it holds (and only those), and every save and removal keeps it current."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import psycopg
import pytest

from geo.filters import IncidentFilter
from geo.store import open_store, rollup
from geo.store.postgis_query import PostgisQueries
from geo.store.query import IncidentQuery, ReferenceQueries

ROLLUP_FILTERS = [
    IncidentFilter(),
    IncidentFilter(date_from=date(2010, 1, 1)),
    IncidentFilter(date_to=date(2003, 1, 1)),
    IncidentFilter(date_from=date(2010, 1, 1), date_to=date(2015, 6, 30)),
    IncidentFilter(categories=("attack", "bombing/IED")),
    IncidentFilter(countries=("IRN",)),
    IncidentFilter(countries=("AFG",)),
    IncidentFilter(date_from=date(2005, 1, 1), categories=("attack",), countries=("PAK",)),
]
GROUPS = ["month", "category", "country", "track", "precision", "country_value", ("month", "country_value")]
CELLS = [("cell", 0.25), ("cell", 0.5), ("cell", 2.0), (("category", "cell"), 1.0), (("cell", "month"), 0.5)]
SCANNED = [  # what the rollup cannot answer: the scan does
    (IncidentFilter(min_fatalities=1), None),
    (IncidentFilter(keyword="quetta"), None),
    (IncidentFilter(date_from=datetime(2010, 1, 1, 12)), None),
    (IncidentFilter(), (60.0, 26.0, 63.0, 29.0)),
    (IncidentFilter(), (-180.0, -90.0, 180.0, 89.0)),  # not the whole world
]
WORLD = (-180.0, -90.0, 180.0, 90.0)


@pytest.fixture
def pg_url(pg_cluster, request):
    url = pg_cluster.create_database(migrated=True)
    request.addfinalizer(lambda: pg_cluster.drop_database(url))
    return url


@pytest.fixture
def edge_rows(synthetic):
    """The synthetic rows with what the day grain must keep exact: starts at a time of day on a filter's
    last day, missing dates, missing fatalities and tracks, unlocated rows, a row in two countries."""
    gdf = synthetic[0].copy()
    gdf.loc[gdf.index[0:6], "date_start"] = pd.Timestamp("2015-06-30 13:30")
    gdf.loc[gdf.index[0:6], "date_end"] = pd.Timestamp("2015-07-01 02:00")
    gdf.loc[gdf.index[6:9], ["date_start", "date_end"]] = pd.Timestamp("2015-06-30")
    gdf.loc[gdf.index[9:11], "date_end"] = pd.Timestamp("2009-12-31 23:59")
    gdf.loc[gdf.index[9:11], "date_start"] = pd.Timestamp("2009-12-31 08:00")
    gdf.loc[gdf.index[11:14], ["date_start", "date_end"]] = pd.NaT
    gdf.loc[gdf.index[12:200:5], "fatalities_best"] = None
    gdf.loc[gdf.index[13:200:7], "fatalities_civilians"] = None
    gdf.loc[gdf.index[10:120:3], "track"] = None
    gdf.at[gdf.index[2], "country"] = "PAK;AFG"
    gdf.at[gdf.index[20], "country"] = None
    gdf.loc[gdf.index[21:25], "location_precision"] = None
    gdf.loc[gdf.index[30:34], "geometry"] = None
    return gdf


def _scan(engine: PostgisQueries) -> PostgisQueries:
    """The same engine with the rollup switched off."""
    scan = PostgisQueries(engine.store)
    scan._from_rollup = lambda *a, **k: None
    return scan


def _answers(engine, q):
    out = {"count": engine.count(q), "summary": engine.summary(q), "choices": engine.choices(q)}
    for by in GROUPS:
        out[by] = engine.aggregate(q, by)
    for by, size in CELLS:
        out[(by, size)] = engine.aggregate(q, by, size)
    return out


def _same(got: dict, want: dict, label) -> None:
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got[key], value, check_dtype=False, obj=f"{label} {key}")
        else:
            assert got[key] == value, (label, key)


def _taken(engine) -> list:
    """Wrap the engine's rollup look-up: the list of its answers (None: it did not answer)."""
    seen, real = [], engine._from_rollup

    def spy(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    engine._from_rollup = spy
    return seen


@pytest.mark.parametrize("flt", ROLLUP_FILTERS, ids=lambda f: f.describe())
def test_the_rollup_answers_as_the_scan_and_the_reference(pg_url, synthetic, edge_rows, flt):
    store = open_store(pg_url)
    store.save("kept", edge_rows, synthetic[1])
    engine = PostgisQueries(store)
    taken = _taken(engine)
    q = IncidentQuery(("kept",), flt)
    got = _answers(engine, q)
    assert taken and all(answer is not None for answer in taken)  # every answer came from the rollup
    _same(got, _answers(_scan(engine), q), "scan")
    _same(got, _answers(ReferenceQueries({"kept": edge_rows}), q), "reference")
    security = IncidentQuery(("kept",), flt, tracks=("security",))
    assert engine.count(security) == ReferenceQueries({"kept": edge_rows}).count(security)


def test_the_day_grain_keeps_a_start_at_a_time_of_day_out_of_the_range_ending_that_day(pg_url, synthetic, edge_rows):
    store = open_store(pg_url)
    store.save("kept", edge_rows, synthetic[1])
    ref = ReferenceQueries({"kept": edge_rows})
    on_day = IncidentQuery(("kept",), IncidentFilter(date_from=date(2015, 6, 30), date_to=date(2015, 6, 30)))
    ids = set(ref.rows(on_day)["id"])
    assert set(edge_rows["id"].iloc[6:9]) <= ids and not ids & set(edge_rows["id"].iloc[0:6])
    assert PostgisQueries(store).count(on_day) == len(ids)
    after = IncidentQuery(("kept",), IncidentFilter(date_from=date(2015, 7, 1), date_to=date(2015, 7, 1)))
    assert set(edge_rows["id"].iloc[0:6]) <= set(ref.rows(after)["id"])
    assert PostgisQueries(store).count(after) == ref.count(after)


@pytest.mark.parametrize(
    ("flt", "box"), SCANNED, ids=["min fatalities", "keyword", "time of day", "box", "almost the world"]
)
def test_what_the_rollup_does_not_hold_is_scanned(pg_url, synthetic, edge_rows, flt, box):
    store = open_store(pg_url)
    store.save("kept", edge_rows, synthetic[1])
    engine = PostgisQueries(store)
    taken = _taken(engine)
    q = IncidentQuery(("kept",), flt, bbox=box)
    assert engine.count(q) == ReferenceQueries({"kept": edge_rows}).count(q)
    assert engine.summary(q) == ReferenceQueries({"kept": edge_rows}).summary(q)
    assert taken == [None, None]


@pytest.mark.parametrize("flt", ROLLUP_FILTERS[:6], ids=lambda f: f.describe())
def test_the_whole_world_box_counts_located_rows_and_cells_from_the_rollup(pg_url, synthetic, edge_rows, flt):
    store = open_store(pg_url)
    store.save("kept", edge_rows, synthetic[1])
    engine, ref = PostgisQueries(store), ReferenceQueries({"kept": edge_rows})
    taken = _taken(engine)
    q = IncidentQuery(("kept",), flt, bbox=WORLD)
    assert engine.count(q) == ref.count(q) < ref.count(IncidentQuery(("kept",), flt)) + 1
    got, want = engine.aggregate(q, "cell", 0.5), ref.aggregate(q, "cell", 0.5)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert engine.summary(q) == ref.summary(q)  # a summary of located rows only: scanned
    assert [a is not None for a in taken] == [True, True, False]


def test_cells_the_rollup_cannot_join_and_groupings_it_lacks_are_scanned(pg_url, synthetic, edge_rows):
    store = open_store(pg_url)
    store.save("kept", edge_rows, synthetic[1])
    engine = PostgisQueries(store)
    ref = ReferenceQueries({"kept": edge_rows})
    q = IncidentQuery(("kept",))
    for by, size in [("cell", 0.1), ("cell", 0.75), (("cell", "precision"), 0.5), (("track", "cell"), 0.5)]:
        taken = _taken(engine)
        pd.testing.assert_frame_equal(engine.aggregate(q, by, size), ref.aggregate(q, by, size), check_dtype=False)
        assert taken in ([], [None])
        engine = PostgisQueries(store)


def _rollup_rows(url: str, name: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT coalesce(sum(r.incidents), 0) FROM pkir.incident_rollup r"
            " JOIN pkir.datasets d USING (dataset_id) WHERE d.name = %s",
            (name,),
        ).fetchone()[0]


def test_every_save_and_removal_keeps_the_rollup_current(pg_url, synthetic, edge_rows):
    store = open_store(pg_url)
    source = synthetic[1]
    store.save("kept", edge_rows.iloc[:200], source)
    engine = PostgisQueries(store)
    taken = _taken(engine)
    q = IncidentQuery(("kept",), IncidentFilter(categories=("attack",)))
    assert engine.count(IncidentQuery(("kept",))) == 200

    changed = edge_rows.copy()  # update by id: 100 rows change category, 100 new rows come
    changed.loc[changed.index[:100], "category"] = "attack"
    changed.loc[changed.index[:100], "fatalities_best"] = 7
    store.save("kept", changed, _other(source))
    ref = ReferenceQueries({"kept": changed})
    assert engine.count(IncidentQuery(("kept",))) == len(changed) == _rollup_rows(pg_url, "kept")
    assert engine.count(q) == ref.count(q)
    assert engine.summary(q) == ref.summary(q)
    pd.testing.assert_frame_equal(engine.aggregate(q, "month"), ref.aggregate(q, "month"), check_dtype=False)

    smaller = changed.iloc[50:120]  # replace: the rows not in the file go
    store.save("kept", smaller, _other(source, "2"), mode="replace")
    ref = ReferenceQueries({"kept": smaller})
    assert engine.count(q) == ref.count(q)
    assert engine.summary(IncidentQuery(("kept",))) == ref.summary(IncidentQuery(("kept",)))
    assert all(answer is not None for answer in taken)

    store.remove("kept")
    assert _rollup_rows(pg_url, "kept") == 0
    with psycopg.connect(pg_url) as conn:
        left = [conn.execute(f"SELECT count(*) FROM pkir.{t}").fetchone()[0] for t in _TABLES]
    assert left == [0, 0, 0]


_TABLES = ("rollup_state", "incident_rollup", "incident_cell_rollup")


def _other(source, mark: str = "1"):
    """The same source as another file (so a save is not skipped as already kept)."""
    from dataclasses import replace

    return replace(source, file_hash=mark * 64, file_name=f"other-{mark}.geojson")


def test_a_dataset_whose_rollup_is_not_of_its_version_is_scanned(pg_url, synthetic, edge_rows):
    store = open_store(pg_url)
    store.save("kept", edge_rows, synthetic[1])
    with psycopg.connect(pg_url) as conn:  # as a database migrated to 0009 with the dataset already in
        conn.execute("DELETE FROM pkir.rollup_state")
        conn.execute("UPDATE pkir.incidents SET category = 'attack'")
    engine = PostgisQueries(store)
    taken = _taken(engine)
    q = IncidentQuery(("kept",), IncidentFilter(categories=("attack",)))
    assert engine.count(q) == len(edge_rows)
    assert taken == [None]
    with psycopg.connect(pg_url) as conn, conn.transaction():
        dataset_id, version = conn.execute("SELECT dataset_id, version FROM pkir.datasets").fetchone()
        rollup.rebuild(conn, dataset_id, version)
    assert engine.count(q) == len(edge_rows)
    assert taken[-1] is not None
