"""geo.trends: periods, change classes at their boundaries, the low-count guard, and the store's
answers by district and by hexagon counting each incident where its own point lies."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest

from geo.districts import approximate_placement, assign_districts, shipped_districts
from geo.filters import IncidentFilter, filter_mask
from geo.loading import load_layer
from geo.store.engine import DuckEngine, frame_table
from geo.trends import (
    Period,
    around,
    baseline_period,
    change_class,
    change_pct,
    current_period,
    district_trends,
    hexagon_trends,
    period_filter,
    query_cells,
    query_hexagons,
    unit_sums,
)


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        (126, 100, "large increase"),  # +26 %
        (125, 100, "moderate increase"),  # exactly +25 %: not more than 25
        (111, 100, "moderate increase"),
        (110, 100, "stable"),  # exactly +10 %
        (100, 100, "stable"),
        (90, 100, "stable"),  # exactly -10 %
        (89, 100, "moderate decrease"),
        (75, 100, "moderate decrease"),  # exactly -25 %
        (74, 100, "large decrease"),
        (0, 100, "large decrease"),
        (5, 0, "large increase"),  # new activity, enough of it
        (4, 0, "too few to say"),
        (4, 4, "too few to say"),  # both below the guard
        (0, 5, "large decrease"),  # one period at the guard: classed
        (5, 4, "moderate increase"),
    ],
)
def test_change_classes_at_their_boundaries(now, before, expected):
    assert change_class([now], [before])[0] == expected


def test_the_guard_can_be_moved_and_nothing_in_either_period_is_stable_without_it():
    assert change_class([3], [1], min_events=2)[0] == "large increase"
    assert change_class([0], [0], min_events=0)[0] == "stable"
    pct = change_pct([5, 0, 150], [0, 0, 100])
    assert np.isinf(pct[0]) and np.isnan(pct[1]) and pct[2] == pytest.approx(50.0)


def test_periods():
    lo, hi = date(2019, 1, 1), date(2024, 10, 26)
    now = current_period((None, None), lo, hi)
    assert now == Period(date(2023, 10, 27), hi) and now.days == 366  # a leap year in between
    assert baseline_period(now, "previous") == Period(date(2022, 10, 26), date(2023, 10, 26))
    assert baseline_period(now, "previous").days == now.days
    picked = current_period((date(2024, 3, 1), date(2024, 3, 31)), lo, hi)
    assert picked == Period(date(2024, 3, 1), date(2024, 3, 31))
    assert baseline_period(picked, "previous") == Period(date(2024, 1, 30), date(2024, 2, 29))
    assert baseline_period(picked, "year") == Period(date(2023, 3, 1), date(2023, 3, 31))
    assert baseline_period(Period(date(2024, 2, 29), date(2024, 2, 29)), "year").start == date(2023, 2, 28)
    assert current_period((date(2024, 1, 1), None), lo, hi) == Period(date(2024, 1, 1), hi)
    assert current_period((None, None), date(2024, 6, 1), hi).start == date(2024, 6, 1)  # less than a year of data
    before, after = around(date(2024, 7, 1), 30)
    assert before == Period(date(2024, 6, 1), date(2024, 6, 30)) and after == Period(
        date(2024, 7, 1), date(2024, 7, 30)
    )
    with pytest.raises(ValueError, match="unknown baseline"):
        baseline_period(now, "decade")


def test_period_filter_keeps_the_sidebar_but_its_dates_and_district():
    flt = IncidentFilter(categories=("armed clash",), district="IRN.SB.zahedan", date_from=date(2020, 1, 1))
    out = period_filter(flt, Period(date(2024, 1, 1), date(2024, 2, 1)))
    assert out.categories == ("armed clash",) and out.district == ""
    assert (out.date_from, out.date_to) == (date(2024, 1, 1), date(2024, 2, 1))


def answer(points, fatal=None, precision=None, unit="district", resolution=5) -> pd.DataFrame:
    """What the store answers by (unit, "precision") (by the unit alone without precision) for these
    (lon, lat) points, placed by geo.districts / h3 directly: the meaning the engines follow."""
    lon, lat = np.array([p[0] for p in points], dtype=float), np.array([p[1] for p in points], dtype=float)
    if unit == "district":
        gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
        keys = assign_districts(gdf, shipped_districts())["district_id"].to_numpy(dtype=object)
    else:
        keys = np.array([h3.latlng_to_cell(y, x, resolution) for x, y in zip(lon, lat, strict=True)], dtype=object)
    frame = pd.DataFrame({unit: keys, "fatalities": fatal or [0] * len(points)})
    by = [unit]
    if precision is not None:
        frame["precision"], by = precision, [unit, "precision"]
    grouped = frame.dropna(subset=[unit]).groupby(by).agg(incidents=(unit, "size"), fatalities=("fatalities", "sum"))
    return grouped.reset_index()


def test_district_trends_counts_classes_and_keeps_every_district():
    districts = shipped_districts()
    zahedan = (60.87, 29.49)
    chabahar = (60.64, 25.30)
    now = answer([zahedan] * 7 + [chabahar] * 2 + [(66.0, 30.0)], [1] * 10)  # the last one in no district
    before = answer([zahedan] * 5 + [chabahar] * 3)
    table = district_trends(now, before, districts)
    assert len(table) == len(districts)
    z, c = table.loc["IRN.SB.zahedan"], table.loc["IRN.SB.chabahar"]
    assert (z.current, z.baseline, z.change_class, z.fatalities) == (7, 5, "large increase", 7)
    assert z.change_pct == pytest.approx(40.0)
    assert (c.current, c.baseline, c.change_class) == (2, 3, "too few to say")
    assert table["current"].sum() == 9
    irn = table.index.str.startswith("IRN.")
    assert table.loc[irn, "per_100k"].isna().all()  # no county population is shipped
    assert (table.loc[~irn, "per_100k"] == 0).all() and (~irn).sum() == 34  # Balochistan's: none counted there
    assert table["approximate"].isna().all()  # no precision was given


def test_hexagons_hold_their_points():
    now = answer([(60.87, 29.49)] * 6 + [(66.99, 30.18)], unit="h3")
    before = answer([(60.87, 29.49)] * 2, unit="h3")
    hexes = hexagon_trends(now, before, 5)
    zahedan = h3.latlng_to_cell(29.49, 60.87, 5)
    assert hexes.loc[zahedan, "current"] == 6 and hexes.loc[zahedan, "change_class"] == "large increase"
    assert len(hexes) == 2 and hexes.geometry.is_valid.all()
    assert hexes.loc[zahedan].geometry.contains(gpd.points_from_xy([60.87], [29.49])[0])
    with pytest.raises(ValueError, match="not offered"):
        hexagon_trends(now, before, 12)


def test_approximate_placements_are_counted_per_unit():
    # the store's aggregate by (unit, "precision"): a missing precision comes as "unlocated"
    now = answer([(60.87, 29.49), (60.87, 29.49), (60.64, 25.30)], precision=["exact", "district", "unlocated"])
    sums = unit_sums(now, "district")
    assert sums.loc["IRN.SB.zahedan"].tolist() == [2, 0, 1] and sums.loc["IRN.SB.chabahar"].tolist() == [1, 0, 1]
    table = district_trends(now, answer([]), shipped_districts())
    assert table.loc["IRN.SB.zahedan", "approximate"] == 1 and table["approximate"].sum() == 2


@pytest.fixture(scope="module")
def shipped_engine():
    incidents = load_layer("incidents")[0]
    engine = DuckEngine({"shipped": frame_table(incidents)})
    yield incidents, engine
    engine.close()


def test_the_store_places_each_incident_by_its_own_point(shipped_engine):
    """query_cells / query_hexagons over the shipped incidents: per district and per hexagon, the
    counts, fatalities and approximate placements of the incidents themselves (no cell between)."""
    incidents, engine = shipped_engine
    lo, hi = incidents["date_start"].min().date(), incidents["date_end"].max().date()
    now = current_period((None, None), lo, hi)
    before = baseline_period(now)
    districts = shipped_districts()
    counts = query_cells(engine, ["shipped"], IncidentFilter(), now, before)
    table = district_trends(counts.current, counts.baseline, districts)
    for period, column in ((now, "current"), (before, "baseline")):
        kept = incidents[filter_mask(incidents, IncidentFilter(date_from=period.start, date_to=period.end))]
        located = kept[kept.geometry.notna() & ~kept.geometry.is_empty]
        placed = assign_districts(located, districts)
        got = table.loc[table[column] > 0, column]
        assert got.to_dict() == placed["district_id"].dropna().value_counts().to_dict() and got.sum() > 0
        assert counts.located[0 if column == "current" else 1] == len(located) > got.sum()
        if column == "current":
            rough = placed[approximate_placement(located["location_precision"], len(located))]["district_id"]
            flagged = table.loc[table["approximate"] > 0, "approximate"].astype(int)
            assert flagged.to_dict() == rough.dropna().value_counts().to_dict() and flagged.sum() > 0
            hexes = query_hexagons(engine, ["shipped"], IncidentFilter(), now, before, 6)
            shown = hexagon_trends(hexes.current, hexes.baseline, 6)
            cells = [h3.latlng_to_cell(p.y, p.x, 6) for p in located.geometry]
            assert shown.loc[shown["current"] > 0, "current"].to_dict() == pd.Series(cells).value_counts().to_dict()
            assert hexes.located[0] == len(located)
    assert len(counts.current) <= len(districts) * 10  # a row per district and precision, not per incident
