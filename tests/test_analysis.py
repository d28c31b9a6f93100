"""Geodesic measures: known cases, an independent brute force, the shipped figures, a golden output."""

import math
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon

from geo import analysis
from geo import schema as s
from geo.geojson_io import feature, write_feature_collection
from geo.loading import load_file, read_geojson
from tests.conftest import TEST_DATA

GOOD = TEST_DATA / "good"
GOLDEN = TEST_DATA / "golden" / "incidents_distance_to_border.geojson"
UPDATE_GOLDEN = os.environ.get("PKIR_UPDATE_GOLDEN") == "1"

# WGS84
A, F = 6378137.0, 1 / 298.257223563
B, E = A * (1 - F), math.sqrt(F * (2 - F))
WGS84_SURFACE_KM2 = 510_065_621.724


def zone_area_km2(lat_deg: float) -> float:
    """Closed-form area of the WGS84 ellipsoid between the equator and a parallel, all longitudes."""
    s_ = math.sin(math.radians(lat_deg))
    return math.pi * B * B * (s_ / (1 - E * E * s_ * s_) + math.log((1 + E * s_) / (1 - E * s_)) / (2 * E)) / 1e6


# --- known cases ------------------------------------------------------------------------------


def test_one_degree_of_latitude_at_the_equator():
    assert analysis.length_km(LineString([(0, 0), (0, 1)])) == pytest.approx(110.574, abs=0.001)


def test_one_degree_of_longitude_along_the_equator():
    assert analysis.length_km(LineString([(0, 0), (1, 0)])) == pytest.approx(A * math.pi / 180 / 1000, rel=1e-9)


def test_quarter_meridian():
    assert analysis.length_km(LineString([(0, 0), (0, 90)])) == pytest.approx(10_001.966, abs=0.001)


def test_multiline_length_is_the_sum_of_its_parts():
    parts = [LineString([(60, 25), (61, 26)]), LineString([(62, 27), (62, 28), (63, 28)])]
    assert analysis.length_km(MultiLineString(parts)) == pytest.approx(sum(analysis.length_km(p) for p in parts))


def test_octant_is_an_eighth_of_the_ellipsoid():
    # edges along the equator and two meridians are geodesics, so this is exact
    octant = Polygon([(0, 0), (90, 0), (0, 90)])
    assert analysis.area_km2(octant) == pytest.approx(WGS84_SURFACE_KM2 / 8, rel=1e-9)


@pytest.mark.parametrize("lat", [0, 25, 35])
def test_one_degree_cell_matches_the_closed_form_zone_area(lat):
    # the top and bottom edges are geodesics, not parallels: a difference of ~1e-5 at 1 degree
    cell = Polygon([(60, lat), (61, lat), (61, lat + 1), (60, lat + 1)])
    expected = (zone_area_km2(lat + 1) - zone_area_km2(lat)) / 360
    assert analysis.area_km2(cell) == pytest.approx(expected, rel=1e-4)


def test_area_ignores_ring_orientation_and_subtracts_holes():
    outer = [(60, 25), (62, 25), (62, 27), (60, 27)]
    hole = [(60.5, 25.5), (61.5, 25.5), (61.5, 26.5), (60.5, 26.5)]
    ccw, cw = Polygon(outer), Polygon(outer[::-1])
    assert analysis.area_km2(ccw) == pytest.approx(analysis.area_km2(cw))
    with_hole = Polygon(outer, [hole])
    assert analysis.area_km2(with_hole) == pytest.approx(analysis.area_km2(ccw) - analysis.area_km2(Polygon(hole)))
    # parts wound in opposite directions still add up
    other = [(63, 25), (64, 25), (64, 26), (63, 26)]
    two = MultiPolygon([Polygon(hole), Polygon(other[::-1])])
    assert analysis.area_km2(two) == pytest.approx(analysis.area_km2(Polygon(hole)) + analysis.area_km2(Polygon(other)))


@pytest.mark.parametrize(
    "measured, reported, expected",
    [
        (110.0, 100.0, 10.0),
        (90.0, 100, -10.0),
        (5.0, None, None),
        (5.0, float("nan"), None),
        (5.0, 0, None),
    ],
)
def test_pct_diff(measured, reported, expected):
    got = analysis.pct_diff(measured, reported)
    assert got == (pytest.approx(expected) if expected is not None else None)


# --- distance to the border against a brute force ---------------------------------------------


def brute_force_km(point: Point, line, step_deg: float = 0.002) -> float:
    """Minimum geodesic distance from point to the vertices of the densified line."""
    coords = shapely.get_coordinates(shapely.segmentize(line, step_deg))
    n = len(coords)
    _, _, dist = Geod(ellps="WGS84").inv(np.full(n, point.x), np.full(n, point.y), coords[:, 0], coords[:, 1])
    return float(np.min(dist)) / 1000


PLACES = {
    "Zahedan": Point(60.8629, 29.4963),
    "Mirjaveh": Point(61.45, 29.0147),
    "Gwadar": Point(62.3225, 25.1264),
    "Quetta": Point(66.975, 30.1798),
    "Mashkel": Point(63.05, 27.95),
    "Chabahar": Point(60.643, 25.2919),
    "Gulf of Oman": Point(61.4, 24.9),
}


def test_distance_to_border_agrees_with_brute_force(layers):
    border = layers["border"]
    points = gpd.GeoSeries([*PLACES.values(), None, Point()], crs="EPSG:4326")
    got = analysis.distance_to_border_km(points, border)
    assert np.isnan(got[-2]) and np.isnan(got[-1])
    line = analysis.border_line(border)
    for name, km in zip(PLACES, got[:-2], strict=True):
        expected = brute_force_km(PLACES[name], line)
        # the brute force overestimates by at most half a vertex spacing (~0.1 km)
        assert km == pytest.approx(expected, abs=0.15), name
    assert got[list(PLACES).index("Mirjaveh")] < 5
    assert got[list(PLACES).index("Quetta")] > 400


def test_distance_of_all_missing_points_is_all_nan(layers):
    points = gpd.GeoSeries([None, None], crs="EPSG:4326")
    assert np.isnan(analysis.distance_to_border_km(points, layers["border"])).all()


def test_distance_to_a_meridian_is_the_latitude_free_geodesic():
    line = LineString([(61, 20), (61, 35)])
    points = gpd.GeoSeries([Point(62, 27.5), Point(61, 30)], crs="EPSG:4326")
    got = analysis.distance_to_line_km(points, line)
    _, _, expected = Geod(ellps="WGS84").inv(62, 27.5, 61, 27.5)
    assert got[0] == pytest.approx(expected / 1000, rel=2e-3)
    assert got[1] == pytest.approx(0, abs=1e-6)


# --- figures the shipped data must reproduce (issue 2) ----------------------------------------


@pytest.fixture(scope="module")
def measures(layers):
    return analysis.measures_table(layers).set_index("measure")


@pytest.mark.parametrize(
    "measure, reported, tolerance_pct",
    [
        ("Area of Balochistan", 347_190, 5),
        ("Area of Sistan and Baluchestan", 180_726, 5),
        ("Pakistan–Iran border length", 909, 15),
        ("Unbuilt Pakistani pipeline section", 781, 15),
    ],
)
def test_shipped_data_agrees_with_the_world(measures, measure, reported, tolerance_pct):
    row = measures.loc[measure]
    assert row["reported"] == reported
    assert abs(row["measured"] - reported) / reported * 100 <= tolerance_pct
    assert row["within_tolerance"]


def test_the_generalised_border_comes_out_shorter(measures):
    # 1:10m data cuts corners: shorter than reported, by about a tenth
    assert -12 < measures.loc["Pakistan–Iran border length", "diff_pct"] < -8


def test_segment_lengths_report_measured_against_reported(layers):
    table = analysis.segment_lengths(layers["pipeline"])
    assert table.columns.tolist() == ["id", "name", "section", "status", "reported_km", "measured_km", "diff_pct"]
    p3 = table.set_index("id").loc["P3"]
    assert p3["reported_km"] == 81
    assert p3["measured_km"] == pytest.approx(analysis.length_km(layers["pipeline"].geometry.iloc[2]))
    assert p3["diff_pct"] == pytest.approx((p3["measured_km"] - 81) / 81 * 100)


def test_unbuilt_pakistani_section_counts_only_unbuilt_pakistani_segments():
    lines = gpd.GeoDataFrame(
        {
            "section": ["Pakistan", "Pakistan", "Iran", "Pakistan"],
            "status": ["not built", "not built", "not built", "built"],
        },
        geometry=[
            LineString([(0, 0), (0, 1)]),
            LineString([(0, 1), (0, 2)]),
            LineString([(1, 0), (1, 5)]),
            LineString([(2, 0), (2, 5)]),
        ],
        crs="EPSG:4326",
    )
    assert analysis.unbuilt_pakistani_pipeline_km(lines) == pytest.approx(2 * 110.57, abs=0.1)


def test_point_country_check_on_a_small_case():
    countries = gpd.GeoDataFrame(
        {"id": ["PAK", "IRN"]},
        geometry=[Polygon([(62, 24), (70, 24), (70, 30), (62, 30)]), Polygon([(55, 24), (62, 24), (62, 30), (55, 30)])],
        crs="EPSG:4326",
    )
    points = gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "d", "e"], "country": ["PAK", "PAK", "PAK;IRN", "IRN", "IRN"]},
        geometry=[Point(65, 27), Point(60, 27), Point(60, 27), Point(50, 20), None],
        crs="EPSG:4326",
    )
    check = analysis.point_country_check(points, countries).set_index("id")
    assert check["agrees"].to_dict() == {"a": True, "b": False, "c": True, "d": False}
    assert check.loc["b", "in_country"] == "IRN"
    assert pd.isna(check.loc["d", "in_country"])


# --- golden output ----------------------------------------------------------------------------


def incidents_with_border_distance() -> gpd.GeoDataFrame:
    """The small incident fixture with each incident's distance to the (simplified) border."""
    incidents, _ = load_file(GOOD / "incidents_small.geojson", s.INCIDENTS)
    border, _ = load_file(GOOD / "border_small.geojson", s.BORDER)
    out = incidents[["id", "geometry"]].copy()
    out.insert(1, "distance_to_border_km", analysis.distance_to_border_km(incidents.geometry, border))
    return out


def read_golden() -> gpd.GeoDataFrame:
    gdf = read_geojson(GOLDEN)
    gdf["distance_to_border_km"] = pd.to_numeric(gdf["distance_to_border_km"]).astype("float64")
    return gdf[["id", "distance_to_border_km", "geometry"]]


def test_incident_distances_match_the_golden_file():
    result = incidents_with_border_distance()
    if UPDATE_GOLDEN:
        feats = [
            feature(
                {
                    "id": r.id,
                    "distance_to_border_km": None
                    if np.isnan(r.distance_to_border_km)
                    else float(r.distance_to_border_km),
                },
                r.geometry,
                6,
            )
            for r in result.itertuples()
        ]
        write_feature_collection(GOLDEN, feats, name="incidents_distance_to_border")
        pytest.skip("golden file rewritten; check the diff and commit it")
    assert_geodataframe_equal(result, read_golden(), check_less_precise=True)
    # the unlocated incident has no distance, and the order of the rest is what a map reader expects
    km = result.set_index("id")["distance_to_border_km"]
    assert np.isnan(km["S-4"])
    assert km["S-5"] < km["S-3"] < km["S-1"]
