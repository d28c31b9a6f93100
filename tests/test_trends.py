"""geo.trends: periods, change classes at their boundaries, the low-count guard, and placing
per-cell aggregates in districts and hexagons as the points themselves would be placed."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.districts import assign_districts, shipped_districts
from geo.filters import IncidentFilter
from geo.loading import load_layer
from geo.store.aggregate import grid_counts
from geo.trends import (
    FINE_CELL,
    Period,
    around,
    baseline_period,
    cells_in_districts,
    cells_in_hexagons,
    cells_with_approximate,
    change_class,
    change_pct,
    current_period,
    district_trends,
    hexagon_trends,
    period_filter,
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


def test_cells_at_a_tenth_of_a_kilometre_fall_in_the_district_of_their_points():
    incidents = load_layer("incidents")[0]
    districts = shipped_districts()
    points = incidents[incidents.geometry.notna() & ~incidents.geometry.is_empty]
    by_point = assign_districts(points, districts)["district_id"].fillna("none").value_counts().sort_index()
    cells = grid_counts(points, FINE_CELL)
    placed = cells_in_districts(cells, districts).fillna("none")
    by_cell = cells.groupby(placed.to_numpy())["incidents"].sum().sort_index()
    assert len(by_point) > 5
    assert by_cell.to_dict() == by_point.to_dict()


def test_a_coarse_cell_would_move_points_near_a_border():
    """The guard for the one above: at 0.5° the cell centres do not keep every point's district."""
    incidents = load_layer("incidents")[0]
    districts = shipped_districts()
    points = incidents[incidents.geometry.notna() & ~incidents.geometry.is_empty]
    by_point = assign_districts(points, districts)["district_id"].fillna("none").value_counts().sort_index()
    cells = grid_counts(points, 0.5)
    placed = cells_in_districts(cells, districts).fillna("none")
    by_cell = cells.groupby(placed.to_numpy())["incidents"].sum().sort_index()
    assert by_cell.to_dict() != by_point.to_dict()


def _cells(points: list[tuple[float, float]], fatal: list[int] | None = None) -> pd.DataFrame:
    gdf = gpd.GeoDataFrame(
        {"fatalities_best": fatal or [0] * len(points)},
        geometry=gpd.points_from_xy([p[0] for p in points], [p[1] for p in points]),
        crs="EPSG:4326",
    )
    return grid_counts(gdf, FINE_CELL)


def test_district_trends_counts_classes_and_keeps_every_district():
    districts = shipped_districts()
    zahedan = (60.87, 29.49)
    chabahar = (60.64, 25.30)
    now = _cells([zahedan] * 7 + [chabahar] * 2 + [(66.0, 30.0)], [1] * 10)  # the last one in no district
    before = _cells([zahedan] * 5 + [chabahar] * 3)
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


def test_hexagons_hold_their_cells():
    now = _cells([(60.87, 29.49)] * 6 + [(66.99, 30.18)])
    before = _cells([(60.87, 29.49)] * 2)
    hexes = hexagon_trends(now, before, 5)
    zahedan = h3.latlng_to_cell(29.49, 60.87, 5)
    assert hexes.loc[zahedan, "current"] == 6 and hexes.loc[zahedan, "change_class"] == "large increase"
    assert len(hexes) == 2 and hexes.geometry.is_valid.all()
    assert hexes.loc[zahedan].geometry.contains(gpd.points_from_xy([60.87], [29.49])[0])
    assert set(cells_in_hexagons(now, 7)) == {
        h3.latlng_to_cell(lat, lon, 7) for lon, lat in zip(now.lon, now.lat, strict=True)
    }
    with pytest.raises(ValueError, match="not offered"):
        hexagon_trends(now, before, 12)


def test_approximate_placements_are_counted_per_cell():
    cells = _cells([(60.87, 29.49), (60.87, 29.49), (61.5, 27.2)])
    # the store's aggregate by ("cell", "precision"): a missing precision comes as "unlocated"
    by_precision = pd.DataFrame(
        {
            "cell_x": list(cells["cell_x"][[0, 0, 1]]),
            "cell_y": list(cells["cell_y"][[0, 0, 1]]),
            "precision": ["exact", "district", "unlocated"],
            "incidents": [1, 1, 1],
        }
    )
    out = cells_with_approximate(cells, by_precision)
    assert list(out["incidents"]) == [2, 1] and list(out["approximate"]) == [1, 1]  # "district"; no precision


def test_a_cell_centre_moves_a_point_to_another_district_only_within_71_m_of_its_border():
    """On 5,000 synthetic points over both provinces: a point's cell centre (0.001°) is at most half a
    cell's diagonal away, so only a point that close to a county border can change county."""
    from bench.synthetic import make_incidents

    points = gpd.GeoDataFrame.from_features(make_incidents(5000, seed=3)["features"], crs="EPSG:4326")
    points = points[points.geometry.notna() & ~points.geometry.is_empty]
    districts = shipped_districts()
    by_point = assign_districts(points, districts)["district_id"].fillna("none").to_numpy()
    centres = pd.DataFrame(
        {
            "lon": (np.floor(points.geometry.x / FINE_CELL) + 0.5) * FINE_CELL,
            "lat": (np.floor(points.geometry.y / FINE_CELL) + 0.5) * FINE_CELL,
        }
    )
    by_cell = cells_in_districts(centres, districts).fillna("none").to_numpy()
    borders = shapely.union_all(districts.boundary.to_numpy())
    far = shapely.distance(points.geometry.to_numpy(), borders) > FINE_CELL * 0.7072
    in_pakistan = np.char.startswith(by_point.astype(str), "PAK.")
    assert far.sum() > 4500 and in_pakistan.sum() > 2000  # Balochistan's districts hold Pakistan's points
    assert (by_point[far] == by_cell[far]).all()
    assert (by_point != by_cell).sum() <= (~far).sum()
