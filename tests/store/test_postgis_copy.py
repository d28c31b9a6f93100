"""Saves into PostGIS at COPY speed: rows go over in batches written in C, and the merge by id is
SQL comparing the values themselves (issue 22, item 5).

The first and last tests failed before (one psycopg write_row per row; a trigram GIN index); the
others guard the new CSV writer and the set-based merge (they passed on the row-by-row code too)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
from shapely.geometry import Point

from geo.store import open_store

PSYCOPG = str(Path(psycopg.__file__).parent)


def _psycopg_calls(fn) -> int:
    """How many Python functions of psycopg run while fn runs (its C code is not counted)."""
    calls = 0

    def profile(frame, event, _arg):
        nonlocal calls
        if event == "call" and frame.f_code.co_filename.startswith(PSYCOPG):
            calls += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return calls


@pytest.fixture
def pg_store(pg_cluster):
    url = pg_cluster.create_database(migrated=True)
    yield open_store(url)
    pg_cluster.drop_database(url)


def test_a_save_sends_its_rows_without_python_work_per_row(pg_store, synthetic):
    """Four times the rows, about the same Python in the database driver: no call per row or value."""
    gdf, source = synthetic
    few = _psycopg_calls(lambda: pg_store.save("few", gdf.iloc[:60], source))
    more = gdf.iloc[:240].copy()
    many = _psycopg_calls(lambda: pg_store.save("many", more, replace(source, file_hash="a" * 64)))
    assert pg_store.info("few").rows == 60 and pg_store.info("many").rows == 240
    assert many < few + 30, (few, many)


TEXTS = [
    "",
    'a "quoted", comma',
    "two\nlines\r\nand a\ttab",
    "\\.",
    "line\n\\.\nafter the end-of-data marker",
    "\\N",
    "back\\slash \\\\ twice",
    "  spaces kept  ",
    "ünïcödé — ✓ 日本語",
]


def test_awkward_texts_and_values_come_back_exactly(pg_store, synthetic):
    """What a CSV writer could get wrong: an empty text is not a missing one; quotes, commas, line ends,
    backslashes and COPY's own markers are text; floats keep every digit; nulls stay nulls."""
    gdf, source = synthetic
    rows = gdf.iloc[: len(TEXTS)].copy()
    rows["title"] = TEXTS
    rows["perpetrator"] = [None, *TEXTS[1:]]
    rows["alt_lat"] = [0.1 + 0.2, 1e-7, None, 26.123456789012345, -0.0, 25.5, None, 1.0, 2.5]
    rows["fatalities_best"] = pd.array([None, *range(len(TEXTS) - 1)], dtype="Int64")
    rows.loc[rows.index[1], "geometry"] = Point(62.123456789012345, 25.987654321098765)
    pg_store.save("awkward", rows, source)
    got = pg_store.read("awkward").set_index("id").loc[rows["id"]]
    assert got["title"].tolist() == TEXTS
    assert got["perpetrator"].tolist() == [None, *TEXTS[1:]]
    want = np.array([0.1 + 0.2, 1e-7, np.nan, 26.123456789012345, -0.0, 25.5, np.nan, 1.0, 2.5])
    np.testing.assert_array_equal(got["alt_lat"].to_numpy(dtype=float), want)
    assert got["fatalities_best"].tolist() == [pd.NA, *range(len(TEXTS) - 1)]
    point = got.geometry.iloc[1]
    assert (point.x, point.y) == (62.123456789012345, 25.987654321098765)
    assert got["actors"].tolist() == rows["actors"].tolist()
    assert got["sources"].tolist() == rows["sources"].tolist()


def test_a_large_replace_reports_every_kind_of_change_at_once(pg_store, synthetic):
    """Replace mode against kept rows: removed, changed (text, point, a value to missing) and added,
    counted by id and kept exactly, in one transaction."""
    gdf, source = synthetic
    pg_store.save("kept", gdf, source)
    newer = gdf.iloc[30:].copy()
    newer.loc[newer.index[:4], "title"] = "retitled"
    newer.loc[newer.index[4], "geometry"] = Point(61.0, 27.0)
    newer.loc[newer.index[5], "description"] = None
    extra = gdf.iloc[:12].copy()
    extra["id"] = [f"X-{i}" for i in range(12)]
    newer = type(gdf)(np.concatenate([newer.to_numpy(), extra.to_numpy()]), columns=gdf.columns, crs=gdf.crs)
    report = pg_store.save("kept", newer, replace(source, file_hash="c" * 64))
    assert (report.added, report.changed, report.removed) == (12, 6, 30)
    assert report.unchanged == len(gdf) - 30 - 6
    got = pg_store.read("kept")
    assert sorted(got["id"]) == sorted(newer["id"]) and pg_store.info("kept").rows == len(newer)
    kept = got.set_index("id")
    assert (kept.loc[newer["id"].iloc[:4], "title"] == "retitled").all()
    assert kept.loc[newer["id"].iloc[5], "description"] is None


def test_the_incidents_table_has_no_index_a_save_cannot_keep_up_at_copy_speed(pg_store):
    """A trigram GIN index took about 85 % of the time of inserting 1M rows (bench/README.md); the keyword
    filter scans instead. Every index left is a B-tree or the GiST of the points."""
    with psycopg.connect(pg_store.url) as conn:
        kinds = dict(
            conn.execute(
                "SELECT c.relname, a.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = 'pkir.incidents'::regclass"
            ).fetchall()
        )
    assert kinds and set(kinds.values()) <= {"btree", "gist"}, kinds
