"""Headline figures and the monthly timeline of the incidents explorer (geo.incident_stats; its table:
tests/test_incident_table.py)."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from geo import incident_stats
from geo.filters import IncidentFilter, apply_filter
from geo.records import record_of
from geo.store.query import IncidentQuery, ReferenceQueries
from views.charts import monthly_chart


def test_headline_counts_events_fatalities_and_sides(small):
    h = incident_stats.headline(small)
    assert (h.events, h.security_incidents) == (6, 3)
    assert (h.fatalities, h.with_fatality_figure) == (17, 3)
    assert h.by_side == {"security forces": 7, "militants": 2, "civilians": 4}
    # E-02 reports 10 dead but splits only 6 of them by side
    assert h.unattributed == 4


def test_headline_by_country_keeps_joint_events_apart(small):
    h = incident_stats.headline(small)
    assert [(c.country, c.events, c.fatalities) for c in h.by_country] == [
        ("PAK", 3, 7),
        ("PAK;IRN", 2, 0),
        ("IRN", 1, 10),
    ]
    assert sum(c.events for c in h.by_country) == h.events


def test_headline_location_precision(small):
    h = incident_stats.headline(small)
    assert (h.approximate, h.unlocated) == (5, 2)
    assert h.approximate_share == pytest.approx(5 / 6)
    assert h.by_precision == (("exact", 1), ("town", 2), ("district", 1), ("unlocated", 2))


def test_precision_counts_put_unknown_values_last():
    got = incident_stats.precision_counts(pd.Series(["zzz", "town", "exact", "town", "aaa"]))
    assert got == (("exact", 1), ("town", 2), ("aaa", 1), ("zzz", 1))


def test_headline_follows_the_filter(small):
    h = incident_stats.headline(apply_filter(small, IncidentFilter(countries=("IRN",))))
    assert (h.events, h.fatalities, h.unlocated) == (3, 10, 1)
    assert h.by_side["civilians"] == 2


def test_headline_of_nothing(small):
    h = incident_stats.headline(small.iloc[0:0])
    assert (h.events, h.fatalities, h.approximate, h.by_country) == (0, 0, 0, ())
    assert h.approximate_share is None


def test_headline_track_falls_back_on_category(small):
    no_track = small.drop(columns="track")
    assert incident_stats.headline(no_track).security_incidents == 3
    assert list(incident_stats.track_of(small)) == [
        "security",
        "security",
        "diplomacy",
        "diplomacy",
        "security",
        "infrastructure & trade",
    ]


def test_monthly_aggregation(small):
    expected = pd.DataFrame(
        {
            "month": pd.to_datetime(["2023-07-01", "2023-07-01", "2023-08-01", "2024-01-01", "2024-01-01"]),
            "country": ["IRN", "PAK", "PAK;IRN", "PAK", "PAK;IRN"],
            "events": [1, 1, 1, 2, 1],
            "fatalities": [10, 5, 0, 2, 0],
        }
    ).astype({"month": "datetime64[ns]"})
    pd.testing.assert_frame_equal(incident_stats.monthly(small), expected)


def test_monthly_follows_the_filter_and_handles_empty(small):
    out = incident_stats.monthly(apply_filter(small, IncidentFilter(min_fatalities=3)))
    assert out[["country", "events", "fatalities"]].values.tolist() == [["IRN", 1, 10], ["PAK", 1, 5]]
    empty = incident_stats.monthly(small.iloc[0:0])
    assert empty.empty and list(empty.columns) == ["month", "country", "events", "fatalities"]


def test_record_of_and_border_distance(small):
    rec = record_of(small, "E-05")
    assert rec["title"] == "Strike near Panjgur" and rec["geometry"].equals(Point(64.1, 26.9))
    assert rec["actors"] == ["IRGC"]
    assert record_of(small, "nope") is None
    border = gpd.GeoDataFrame({"id": ["b"]}, geometry=[LineString([(63.0, 26.0), (63.0, 28.0)])], crs="EPSG:4326")
    # 1.1 degrees of longitude at 26.9°N are about 109.2 km
    assert incident_stats.border_km(rec["geometry"], border) == pytest.approx(109.2, abs=1.0)
    assert incident_stats.border_km(None, border) is None
    assert incident_stats.border_km(rec["geometry"], None) is None


def test_timeline_chart_stacks_by_country_and_names_them(small):
    chart = monthly_chart(incident_stats.monthly(small), {"PAK": "Pakistan", "IRN": "Iran"})
    spec = chart.to_dict()
    events, fatalities, _strip = spec["vconcat"]
    assert events["encoding"]["y"]["field"] == "events" and fatalities["encoding"]["y"]["field"] == "fatalities"
    assert events["encoding"]["color"]["field"] == "country_name"
    assert events["encoding"]["x"]["scale"]["domain"] == {"param": "zoom"}
    # the fixture spans seven months: no initial brush, everything shown
    assert "value" not in spec["params"][0]
    assert set(chart.data["country_name"]) == {"Pakistan", "Iran", "Pakistan + Iran"}
    # seven months are padded with empty months to a year, so bars keep a month's width
    months = chart.data["month"]
    assert (months.min(), months.max()) == (pd.Timestamp("2023-04-01"), pd.Timestamp("2024-03-01"))
    assert chart.data["events"].sum() == 6 and len(chart.data) == 7
    assert incident_stats.country_label("PAK;AFG", {"PAK": "Pakistan"}) == "Pakistan + AFG"


@pytest.mark.parametrize("f", [IncidentFilter(), IncidentFilter(countries=("IRN",)), IncidentFilter(min_fatalities=99)])
def test_the_explorer_figures_from_a_stores_answers_equal_those_from_the_rows(small, f):
    """headline_of and monthly_of, fed the store's summary and aggregates, say what headline and
    monthly say of the matching rows themselves."""
    answers = ReferenceQueries({"small": small})
    q = IncidentQuery(("small",), f)
    expected = apply_filter(small, f)
    h = incident_stats.headline_of(
        answers.summary(q), answers.aggregate(q, "country_value"), answers.aggregate(q, "precision")
    )
    assert h == incident_stats.headline(expected)
    months = incident_stats.monthly_of(answers.aggregate(q, ("month", "country_value")))
    pd.testing.assert_frame_equal(months, incident_stats.monthly(expected), check_dtype=False)


def test_the_headline_counts_each_grade_strongest_first():
    from geo.incident_stats import by_grade
    from geo.loading import load_layer
    from geo.store.query import IncidentQuery, ReferenceQueries

    shipped = load_layer("incidents")[0]
    counts = ReferenceQueries({"s": shipped}).aggregate(IncidentQuery(("s",)), "grade")
    got = by_grade(counts)
    assert [g for g, _ in got] == ["confirmed", "corroborated", "single source", "claimed", "disputed"]
    assert dict(got) == shipped["grade"].value_counts().to_dict() and sum(n for _, n in got) == len(shipped)
    assert by_grade(counts.iloc[:0]) == []
