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


BALOCHISTAN_POPULATION_2023 = 14_894_402  # PBS, 7th Population and Housing Census 2023
BALOCHISTAN_AREA_KM2 = 347_190  # the provinces layer's reported area


def test_the_shipped_layer_is_balochistans_districts_and_sistan_and_baluchestans_counties(districts):
    assert (DATA_DIR / LAYERS["districts"].file).stat().st_size < 300 * 1024
    assert districts["id"].is_unique and districts.crs.to_epsg() == 4326
    assert districts["country"].value_counts().to_dict() == {"PAK": 34, "IRN": 26}
    irn, pak = districts[districts["country"] == "IRN"], districts[districts["country"] == "PAK"]
    assert {"Zahedan", "Chabahar", "Saravan", "Dashtiari", "Taftan", "Golshan", "Lashar"} <= set(irn["name"])
    assert {"Quetta", "Gwadar", "Kech", "Chagai", "Panjgur", "Washuk", "Zhob", "Surab"} <= set(pak["name"])
    assert districts["licence"].str.contains("ODbL").all()
    assert irn["sources"].map(lambda s: s[0]["url"].startswith("https://www.openstreetmap.org/relation/")).all()
    assert pak["id"].str.fullmatch(r"PAK\.BA\.[a-z0-9_]+").all() and (pak["province"] == "Balochistan").all()
    credit = "Boundaries: geoBoundaries (ODbL), rebuilt to 2023 census districts"
    assert pak["licence"].str.contains(credit, regex=False).all()
    assert pak["licence"].str.contains("Pakistan Bureau of Statistics, Census 2023", regex=False).all()
    assert pak["source_id"].str.fullmatch(r"ba_[a-z_]+").all() and pak["source_id"].is_unique


def test_balochistans_districts_carry_their_2023_census_population(districts):
    pak = districts[districts["country"] == "PAK"].set_index("name")
    assert (pak["population"] > 0).all() and (pak["population_year"] == 2023).all()
    assert int(pak["population"].sum()) == BALOCHISTAN_POPULATION_2023
    assert pak.loc["Quetta", "population"] == 2_595_492
    irn = districts[districts["country"] == "IRN"]
    assert irn["population"].isna().all() and irn["population_year"].isna().all()


def test_each_side_tiles_without_gaps_and_nothing_overlaps_across_the_border(districts):
    equal_area = districts.to_crs("EPSG:6933")
    everything = equal_area.geometry.union_all()
    # across the ~900 km border only rounding noise is shared: under 0.1 km2 in all (a few cm wide)
    assert 0 <= equal_area.area.sum() - everything.area < 0.1e6
    reported = {"IRN": 180_726, "PAK": BALOCHISTAN_AREA_KM2}  # the provinces' reported areas, km2
    for country, area_km2 in reported.items():
        side = equal_area[equal_area["country"] == country]
        union = side.geometry.union_all()
        assert union.area == pytest.approx(side.area.sum(), rel=1e-9), country  # no overlap within a side
        assert union.geom_type == "Polygon" and len(union.interiors) == 0, country
        assert union.area / 1e6 == pytest.approx(area_km2, rel=0.02), country


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


def test_every_shipped_balochistan_incident_with_a_point_is_in_the_district_it_names(districts):
    incidents, _ = load_layer("incidents", DATA_DIR)
    placed = assign_districts(incidents, districts)[DISTRICT_ID]
    names = districts.set_index("id")["name"]
    mine = incidents["admin1"] == "Balochistan"
    assert mine.sum() >= 10
    located = mine & incidents.geometry.notna() & ~incidents.geometry.is_empty
    for idx in incidents.index[located]:  # the free-text admin2 is only a check here, never the placement
        district = placed[idx]
        assert district is not None and district.startswith("PAK.BA."), incidents.at[idx, "id"]
        assert names[district] in incidents.at[idx, "admin2"], (incidents.at[idx, "id"], district)
    # the rest have no point in the sources (listed in the incidents layer as unlocated): in no district
    unplaced = incidents.loc[mine & ~located]
    assert (unplaced["location_precision"] == "unlocated").all() and placed[unplaced.index].isna().all()
    assert sorted(unplaced["id"]) == ["PKIR-A05", "PKIR-B10"]


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
    assert got[DISTRICT_ID].tolist() == ["PAK.BA.quetta", None, None, None, "IRN.SB.zahedan"]


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
