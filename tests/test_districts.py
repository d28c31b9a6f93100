"""The shipped districts layer, and geo.districts placing incidents in it by their point."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from geo.catalog import DATA_DIR, LAYERS
from geo.districts import APPROXIMATE, DISTRICT_ID, assign_districts, district_counts, district_index
from geo.loading import load_layer


@pytest.fixture(scope="module")
def districts():
    gdf, report = load_layer("districts", DATA_DIR)
    assert (report.notes, report.warnings, report.rejected) == ([], [], [])
    return gdf


def test_the_shipped_layer_is_sistan_and_baluchestans_counties(districts):
    assert (DATA_DIR / LAYERS["districts"].file).stat().st_size < 600 * 1024
    assert districts["id"].is_unique and districts.crs.to_epsg() == 4326
    assert set(districts["country"]) == {"IRN"} and len(districts) == 26
    assert {"Zahedan", "Chabahar", "Saravan", "Dashtiari", "Taftan", "Golshan", "Lashar"} <= set(districts["name"])
    assert districts["licence"].str.contains("ODbL").all()
    assert districts["sources"].map(lambda s: s[0]["url"].startswith("https://www.openstreetmap.org/relation/")).all()


def test_the_shipped_counties_tile_without_gaps_or_overlaps(districts):
    equal_area = districts.to_crs("EPSG:6933")
    union = equal_area.geometry.union_all()
    assert union.area == pytest.approx(equal_area.area.sum(), rel=1e-9)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert union.area / 1e6 == pytest.approx(180_726, rel=0.02)  # the province's reported area


def _random_incidents(districts, n: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = districts.total_bounds
    pts = shapely.points(rng.uniform(minx - 1, maxx + 1, n), rng.uniform(miny - 1, maxy + 1, n))
    return gpd.GeoDataFrame(
        {"id": [f"R{i}" for i in range(n)], "location_precision": "exact"}, geometry=pts, crs="EPSG:4326"
    )


def test_assignment_agrees_with_a_geopandas_spatial_join(districts):
    incidents = _random_incidents(districts, 5000, seed=7)
    incidents.index = incidents.index * 3 + 11  # an index that is not 0..n-1 is kept
    got = assign_districts(incidents, districts)
    joined = gpd.sjoin(incidents, districts[["id", "geometry"]].rename(columns={"id": "expected"}), predicate="within")
    expected = joined["expected"].reindex(incidents.index)
    assert got.index.equals(incidents.index)
    assert joined.index.is_unique  # no random point on a border
    assert got[DISTRICT_ID].notna().sum() > 1000 and got[DISTRICT_ID].isna().sum() > 1000
    assert (
        got[DISTRICT_ID].where(got[DISTRICT_ID].notna(), None).tolist()
        == expected.where(expected.notna(), None).tolist()
    )


def test_shipped_incidents_and_towns_are_placed_like_a_spatial_join(districts):
    for layer_id in ("incidents", "towns"):
        gdf, _ = load_layer(layer_id, DATA_DIR)
        got = assign_districts(gdf, districts)[DISTRICT_ID]
        joined = gpd.sjoin(gdf[gdf.geometry.notna()], districts[["id", "geometry"]], predicate="intersects")
        expected = joined.groupby(level=0)["id_right"].first().reindex(gdf.index)
        assert got.where(got.notna(), None).tolist() == expected.where(expected.notna(), None).tolist(), layer_id
    towns, _ = load_layer("towns", DATA_DIR)
    placed = assign_districts(towns, districts)[DISTRICT_ID]
    assert placed[towns["name"] == "Zahedan"].tolist() == ["IRN.SB.zahedan"]
    assert placed[towns["name"] == "Chabahar"].tolist() == ["IRN.SB.chabahar"]


def test_points_in_no_district_and_incidents_without_a_point_get_none(districts):
    incidents = gpd.GeoDataFrame(
        {"location_precision": ["exact", "exact", "unlocated", "exact", "town"]},
        geometry=[
            Point(67.0, 30.18),
            Point(60.0, 23.0),
            None,
            Point(),
            Point(60.86, 29.5),
        ],  # Quetta, sea, -, -, Zahedan
        crs="EPSG:4326",
    )
    got = assign_districts(incidents, districts)
    assert got[DISTRICT_ID].tolist() == [None, None, None, None, "IRN.SB.zahedan"]


def test_an_approximate_location_is_counted_but_flagged(districts):
    precisions = ["exact", "town", "near", "approximate", "district", "province", "border area", None]
    incidents = gpd.GeoDataFrame(
        {"location_precision": precisions}, geometry=[Point(60.86, 29.5)] * len(precisions), crs="EPSG:4326"
    )
    got = assign_districts(incidents, districts)
    assert got[DISTRICT_ID].tolist() == ["IRN.SB.zahedan"] * len(precisions)
    assert got[APPROXIMATE].tolist() == [False, False, True, True, True, True, True, True]
    no_column = assign_districts(incidents.drop(columns="location_precision"), districts)
    assert no_column[APPROXIMATE].all()


def test_points_in_another_crs_are_reprojected(districts):
    incidents = _random_incidents(districts, 300, seed=3)
    expected = assign_districts(incidents, districts)
    got = assign_districts(incidents.to_crs("EPSG:3857"), districts)
    pd.testing.assert_frame_equal(got, expected)


def test_a_point_on_a_shared_border_goes_to_the_district_listed_first():
    left, right = box(0, 0, 1, 1), box(1, 0, 2, 1)
    on_border = np.array([Point(1, 0.5), Point(0.5, 0.5), Point(1.5, 0.5)], dtype=object)
    assert district_index(on_border, np.array([left, right], dtype=object)).tolist() == [0, 0, 1]
    assert district_index(on_border, np.array([right, left], dtype=object)).tolist() == [0, 1, 0]
    assert district_index(on_border, np.array([], dtype=object)).tolist() == [-1, -1, -1]


def test_district_counts_add_up_per_district_with_rates_where_a_population_exists():
    districts = gpd.GeoDataFrame(
        {"id": ["A", "B", "C"], "population": [200_000, None, 50_000]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)],
        crs="EPSG:4326",
    )
    rng = np.random.default_rng(11)
    n = 400
    incidents = gpd.GeoDataFrame(
        {
            "location_precision": rng.choice(["exact", "town", "near", "district"], n),
            "fatalities_best": pd.array([None if v < 0 else v for v in rng.integers(-2, 6, n)], dtype="Int64"),
        },
        geometry=shapely.points(rng.uniform(-0.5, 2.5, n), rng.uniform(0.01, 0.99, n)),
        crs="EPSG:4326",
    )
    got = district_counts(incidents, districts)
    joined = gpd.sjoin(incidents, districts, predicate="within")
    assert list(got.index) == ["A", "B", "C"]
    for key in ("A", "B"):
        rows = joined[joined["id"] == key]
        assert got.loc[key, "incidents"] == len(rows)
        assert got.loc[key, "approximate"] == rows["location_precision"].isin(["near", "district"]).sum()
        assert got.loc[key, "fatalities"] == rows["fatalities_best"].fillna(0).sum()
    assert got.loc["C"].tolist()[:3] == [0, 0, 0]
    assert got.loc["A", "per_100k"] == pytest.approx(got.loc["A", "incidents"] / 2)
    assert np.isnan(got.loc["B", "per_100k"]) and got.loc["C", "per_100k"] == 0
    assert got["incidents"].sum() == len(joined)  # the points off every district are in no row


def test_a_district_filter_keeps_the_points_in_its_polygon_and_says_so():
    from geo.districts import shipped_districts
    from geo.filters import IncidentFilter, filter_mask

    frame = gpd.GeoDataFrame(
        {"id": ["in", "out", "none", "empty"]},
        geometry=[Point(60.87, 29.49), Point(60.64, 25.30), None, Point()],
        crs="EPSG:4326",
    )
    flt = IncidentFilter(district="IRN.SB.zahedan")
    assert list(filter_mask(frame, flt)) == [True, False, False, False]
    assert flt.describe() == "district Zahedan (Iran)"
    assert flt.only("district") == IncidentFilter(district="IRN.SB.zahedan")
    assert not filter_mask(frame, IncidentFilter(district="IRN.SB.nowhere")).any()  # stale: nothing, not all
    assert IncidentFilter(district="IRN.SB.nowhere").describe() == "district IRN.SB.nowhere"
    polygon = shipped_districts().set_index("id").geometry["IRN.SB.zahedan"]
    assert polygon.contains(Point(60.87, 29.49))
