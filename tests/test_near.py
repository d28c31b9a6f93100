"""The Near filter (geo.near, geo.filters): its count against an independent geodesic computation."""

from __future__ import annotations

import itertools
import shutil

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from bench.synthetic import make_incidents
from geo.analysis import distance_to_border_km
from geo.catalog import DATA_DIR, DATA_DIR_ENV
from geo.filters import IncidentFilter, filter_mask, why_empty
from geo.loading import load_layer
from geo.near import UnknownTarget, distance_columns, distance_km, search_box, target_choices

GEOD = Geod(ellps="WGS84")
SLACK_KM = 0.5  # points this close to the threshold may fall either way between two methods


@pytest.fixture(scope="module")
def points() -> gpd.GeoDataFrame:
    """The shipped incidents and 3,000 synthetic ones spread over both provinces."""
    shipped, _ = load_layer("incidents")
    synthetic = gpd.GeoDataFrame.from_features(make_incidents(3000, seed=7)["features"], crs="EPSG:4326")
    both = [shipped[["geometry"]], synthetic[["geometry"]]]
    return gpd.GeoDataFrame(geometry=np.concatenate([g.geometry.to_numpy() for g in both]), crs="EPSG:4326")


def _geodesic_vertices(features: gpd.GeoDataFrame) -> np.ndarray:
    """Every point of the features' lines, each segment densified along the geodesic every ~200 m."""
    out = []
    for part in shapely.get_parts(features.geometry.to_numpy()):
        coords = shapely.get_coordinates(part)
        out.append(coords)
        for (x0, y0), (x1, y1) in itertools.pairwise(coords):
            _, _, metres = GEOD.inv(x0, y0, x1, y1)
            out.append(np.array(GEOD.npts(x0, y0, x1, y1, int(metres // 200))).reshape(-1, 2))
    return np.concatenate(out)


def _independent_km(points: gpd.GeoDataFrame, features: gpd.GeoDataFrame) -> np.ndarray:
    """The shortest geodesic distance from each point to any vertex (brute force, pyproj only)."""
    vertices = _geodesic_vertices(features)
    x, y = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    best = np.full(len(x), np.inf)
    for vx, vy in vertices:
        _, _, metres = GEOD.inv(x, y, np.full(len(x), vx), np.full(len(x), vy))
        best = np.minimum(best, metres / 1000.0)
    return best


CASES = [
    ("border", 30, lambda: load_layer("border")[0]),
    ("pipeline:claimed built", 50, lambda: (p := load_layer("pipeline")[0])[p["status"] == "claimed built"]),
    ("power_line", 60, lambda: load_layer("power_line")[0]),
    ("crossings", 40, lambda: load_layer("crossings")[0]),
    ("market:M1", 120, lambda: (m := load_layer("markets")[0])[m["id"] == "M1"]),
]


@pytest.mark.parametrize(("target", "km", "features"), CASES, ids=[c[0] for c in CASES])
def test_the_near_filter_keeps_what_an_independent_geodesic_computation_keeps(points, target, km, features):
    kept = filter_mask(points, IncidentFilter(near=target, near_km=km))
    independent = _independent_km(points, features())
    assert 0 < kept.sum() < len(points)
    clear = np.abs(independent - km) > SLACK_KM
    assert (kept[clear] == (independent[clear] <= km)).all()
    assert abs(int(kept.sum()) - int((independent <= km).sum())) <= (~clear).sum()


def test_distances_agree_with_the_independent_computation(points):
    border = load_layer("border")[0]
    ours = distance_km(points.geometry, "border")
    np.testing.assert_allclose(ours, _independent_km(points, border), atol=0.3)


def test_an_incident_without_a_point_is_never_near():
    frame = gpd.GeoDataFrame(geometry=[None, shapely.Point(), shapely.Point(61.5, 29.0)], crs="EPSG:4326")
    kept = filter_mask(frame, IncidentFilter(near="border", near_km=200))
    assert kept.tolist() == [False, False, True]


def test_the_filter_line_names_the_target_and_the_distance():
    assert IncidentFilter(near="border", near_km=25).describe() == "within 25 km of the Pakistan–Iran border"
    line = IncidentFilter(keyword="attack", near="crossing:X1", near_km=12.5).describe()
    assert line == "keyword “attack”; within 12.5 km of crossing Taftan – Mirjaveh"


def test_why_empty_names_near_when_it_emptied_the_result(points):
    flt = IncidentFilter(near="crossing:X1", near_km=1)
    assert not filter_mask(points.iloc[:51], flt).any()
    assert why_empty(points.iloc[:51], flt).alone == ("within 1 km of crossing Taftan – Mirjaveh",)


def test_the_choices_name_every_crossing_and_market():
    choices = dict(target_choices())
    assert choices["crossing:X1"] == "crossing Taftan – Mirjaveh"
    assert choices["market:M2"] == "market Gabd – Rimdan"
    assert {"border", "pipeline:built", "pipeline:claimed built", "pipeline:not built", "power_line"} <= set(choices)


def test_an_unknown_target_is_one_clear_error(points):
    with pytest.raises(UnknownTarget, match=r"^Near: no shipped feature is named 'crossing:X99'$"):
        filter_mask(points, IncidentFilter(near="crossing:X99"))


@pytest.mark.parametrize(("target", "km", "features"), CASES, ids=[c[0] for c in CASES])
def test_the_search_box_holds_every_point_within_the_distance(points, target, km, features):
    minx, miny, maxx, maxy = search_box(target, km)
    near = filter_mask(points, IncidentFilter(near=target, near_km=km))
    x, y = points.geometry.x.to_numpy()[near], points.geometry.y.to_numpy()[near]
    assert ((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)).all()
    assert (points.geometry.x.between(minx, maxx) & points.geometry.y.between(miny, maxy)).sum() < len(points)


def test_the_border_distance_is_the_one_geo_analysis_measures(points):
    border = load_layer("border")[0]
    np.testing.assert_allclose(
        distance_km(points.geometry, "border"), distance_to_border_km(points.geometry, border), atol=0.05
    )


def test_a_broken_layer_leaves_its_targets_out_and_its_distances_empty(tmp_path, settings_env):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "markets.geojson").write_text("{not json", encoding="utf-8")
    (folder / "border.geojson").write_text("{not json", encoding="utf-8")
    offered = dict(target_choices(folder))
    assert "crossing:X1" in offered and "crossings" in offered
    assert not [t for t in offered if t.startswith("market") or t == "border"]
    settings_env.setenv(DATA_DIR_ENV, str(folder))
    frame = gpd.GeoSeries([shapely.Point(61.5, 29.0)], crs="EPSG:4326")
    assert distance_columns(frame, "crossing:X1")["km_to_border"] == [None]
    assert distance_columns(frame, "crossing:X1")["km_to_target"][0] > 0
