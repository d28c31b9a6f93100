"""The incidents explorer's table (views.incident_table): its rows, links and outlets, its orders
and pages."""

from dataclasses import replace
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.filters import IncidentFilter, apply_filter
from geo.incident_stats import headline
from geo.incidents.codec import incident_frame
from geo.store.query import IncidentQuery, ReferenceQueries
from views import incident_table


def test_table_rows_newest_first_with_links_and_outlets(small):
    rows = incident_table.table_rows(small)
    assert list(rows.columns) == list(incident_table.TABLE_COLUMNS)
    assert list(rows["id"]) == ["E-04", "E-05", "E-06", "E-03", "E-02", "E-01"]
    first = rows.set_index("id").loc["E-01"]
    assert first["source"] == "https://one.example/a1"
    assert first["outlets"] == "Outlet One; Outlet Two"
    assert first["province"] == "Balochistan" and first["fatalities"] == 5
    assert pd.isna(rows.set_index("id").loc["E-03", "fatalities"])


def test_table_links_only_http():
    gdf = gpd.GeoDataFrame(
        {
            "id": ["x"],
            "title": ["t"],
            "category": ["attack"],
            "country": ["PAK"],
            "date_start": pd.to_datetime(["2024-01-01"]),
            "location_precision": ["town"],
            "sources": [
                [
                    {"outlet": "Evil", "url": "javascript:alert(1)"},
                    {"outlet": "Evil", "url": "data:x"},
                    {"outlet": "Good", "url": "https://good.example/"},
                ]
            ],
        },
        geometry=[Point(61, 27)],
        crs="EPSG:4326",
    )
    row = incident_table.table_rows(gdf).iloc[0]
    assert row["source"] == "https://good.example/"
    assert row["outlets"] == "Evil; Good"
    assert incident_table.first_source_url([{"url": "javascript:alert(1)"}]) is None


def test_filter_then_headline_matches_table(small):
    f = IncidentFilter(date_from=date(2024, 1, 1), keyword="strike")
    kept = apply_filter(small, f)
    assert headline(kept).events == len(incident_table.table_rows(kept)) == 1


@pytest.mark.parametrize("sort", list(incident_table.TABLE_ORDERS))
def test_pages_of_the_table_hold_every_row_once_in_the_chosen_order(small, sort):
    answers = ReferenceQueries({"small": small})
    asked = IncidentQuery(
        ("small",), columns=incident_table.TABLE_SOURCE_COLUMNS, order=incident_table.TABLE_ORDERS[sort]
    )
    pages = [
        incident_table.table_rows(incident_frame(answers.rows(replace(asked, limit=2, offset=k))), ordered=True)
        for k in range(0, len(small), 2)
    ]
    joined = pd.concat(pages, ignore_index=True)
    assert sorted(joined["id"]) == sorted(small["id"].astype(str))
    everything = incident_table.table_rows(small).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        joined.sort_values("id", ignore_index=True), everything.sort_values("id", ignore_index=True)
    )
    first = joined.iloc[0]
    if sort == "newest":
        assert first["date"] == small["date_start"].max()
    elif sort == "oldest":
        assert first["date"] == small["date_start"].min()
    elif sort == "deadliest":
        assert first["fatalities"] == small["fatalities_best"].max()
    else:
        assert joined["title"].str.lower().is_monotonic_increasing


def test_page_count_is_at_least_one():
    assert [incident_table.page_count(n, 200) for n in (0, 1, 200, 201, 100_000)] == [1, 1, 1, 2, 500]
