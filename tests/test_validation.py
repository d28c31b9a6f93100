"""Every validation rule, each with a small bad file under tests/data/bad/ and a pinned message.

The messages must name the file, the feature (index and id) and the problem.
"""

import re

import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point

from geo import schema as s
from geo.loading import load_file, read_geojson
from geo.validation import LayerValidationError, validate
from tests.conftest import TEST_DATA

BAD = TEST_DATA / "bad"
GOOD_INCIDENTS = TEST_DATA / "good" / "incidents_small.geojson"


def pinned(*parts: str) -> str:
    """A regex matching the literal parts in this order (across lines)."""
    return r"[\s\S]*".join(re.escape(p) for p in parts)


def refused(name: str, schema=s.INCIDENTS) -> LayerValidationError:
    with pytest.raises(LayerValidationError) as info:
        load_file(BAD / name, schema)
    return info.value


# --- CRS -------------------------------------------------------------------------------------


def test_null_crs_member_is_refused():
    with pytest.raises(LayerValidationError, match=pinned("crs_null.geojson: 1 problem(s) found", "no CRS")):
        load_file(BAD / "crs_null.geojson", s.INCIDENTS)


def test_geodataframe_without_crs_is_refused():
    gdf = read_geojson(GOOD_INCIDENTS).set_crs(None, allow_override=True)
    assert gdf.crs is None
    with pytest.raises(LayerValidationError, match=pinned("field_survey.gpkg: 1 problem(s)", "no CRS")):
        validate(gdf, s.INCIDENTS, "field_survey.gpkg")


def test_geojson_without_crs_member_is_wgs84_by_rfc7946():
    gdf, report = load_file(GOOD_INCIDENTS, s.INCIDENTS)
    assert gdf.crs.to_epsg() == 4326
    assert report.notes == []


def test_projected_crs_with_known_epsg_is_reprojected():
    # Panjgur (64.092 E, 26.966 N) written in UTM zone 41N metres
    gdf, report = load_file(BAD / "crs_utm41n.geojson", s.INCIDENTS)
    assert gdf.crs.to_epsg() == 4326
    pt = gdf.geometry.iloc[0]
    assert pt.x == pytest.approx(64.092, abs=1e-6)
    assert pt.y == pytest.approx(26.966, abs=1e-6)
    assert report.notes == ["crs_utm41n.geojson: reprojected from projected CRS EPSG:32641 to EPSG:4326"]


def test_projected_geodataframe_is_reprojected():
    gdf = read_geojson(GOOD_INCIDENTS).to_crs("EPSG:32641")
    out, report = validate(gdf, s.INCIDENTS, "survey.gpkg")
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[1].equals_exact(Point(64.092, 26.966), 1e-7)
    assert "reprojected from projected CRS EPSG:32641" in report.notes[0]


def test_unknown_crs_name_is_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "crs_unknown.geojson: 1 problem(s)",
            "unknown CRS 'urn:ogc:def:crs:EPSG::999999': cannot tell where the coordinates are",
        ),
    ):
        load_file(BAD / "crs_unknown.geojson", s.INCIDENTS)


# --- coordinates and geometry -----------------------------------------------------------------


def test_coordinates_out_of_range_are_refused():
    # UTM metres in a file that claims (by saying nothing) to be longitude/latitude
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "coords_out_of_range.geojson",
            "feature 0 (id 'T-1'): coordinates out of range",
            "is the file in a projected CRS without saying so?",
        ),
    ):
        load_file(BAD / "coords_out_of_range.geojson", s.INCIDENTS)


def test_swapped_lat_lon_is_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "coords_swapped.geojson",
            "feature 0 (id 'T-1'): coordinates look swapped: (26.9660, 64.0920)",
            "GeoJSON order is [longitude, latitude]",
        ),
    ):
        load_file(BAD / "coords_swapped.geojson", s.INCIDENTS)


def test_point_outside_the_region_is_kept_with_a_warning():
    gdf, report = load_file(BAD / "outside_region.geojson", s.INCIDENTS)
    assert len(gdf) == 1
    assert report.warnings == [
        "outside_region.geojson: feature 0 (id 'T-1'): lies outside the region this "
        "layer covers (longitude 40..80, latitude 15..45)"
    ]


def test_bow_tie_polygon_is_repaired_and_reported():
    gdf, report = load_file(BAD / "provinces_bowtie.geojson", s.PROVINCES)
    geom = gdf.geometry.iloc[0]
    assert geom.is_valid
    assert geom.geom_type == "MultiPolygon" and len(geom.geoms) == 2
    # the two triangles of the bow tie, 1 square degree each
    assert geom.area == pytest.approx(2.0)
    assert report.notes == [
        "provinces_bowtie.geojson: feature 0 (id 'PK.XX'): invalid geometry "
        "(Self-intersection[62 27]) repaired with make_valid"
    ]


def test_unrepairable_polygon_is_refused():
    # all three corners on one line: make_valid can only make a line of it
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "provinces_collapsed.geojson", "feature 0 (id 'PK.XX'): invalid geometry", "that cannot be repaired safely"
        ),
    ):
        load_file(BAD / "provinces_collapsed.geojson", s.PROVINCES)


def test_empty_geometry_is_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "geometry_empty.geojson",
            "feature 0 (id 'T-1'): has an empty geometry",
            "set location_precision to 'unlocated'",
        ),
    ):
        load_file(BAD / "geometry_empty.geojson", s.INCIDENTS)


def test_missing_geometry_of_a_located_incident_is_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned("geometry_missing.geojson", "feature 0 (id 'T-1'): has no geometry (set location_precision"),
    ):
        load_file(BAD / "geometry_missing.geojson", s.INCIDENTS)


def test_missing_geometry_in_a_layer_without_unlocated_features_is_refused():
    err = refused("towns_geometry_missing.geojson", s.TOWNS)
    assert err.problems == ["feature 0 (id 'T-test'): has no geometry"]
    assert str(err).startswith("towns_geometry_missing.geojson: 1 problem(s) found")


def test_unreadable_geometry_is_refused():
    with pytest.raises(
        LayerValidationError, match=pinned("geometry_unreadable.geojson", "feature 0 (id 'T-1'): unreadable geometry")
    ):
        load_file(BAD / "geometry_unreadable.geojson", s.INCIDENTS)


def test_unlocated_feature_with_a_geometry_is_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "unlocated_with_geometry.geojson", "feature 0 (id 'T-1'): is marked 'unlocated' but has a geometry"
        ),
    ):
        load_file(BAD / "unlocated_with_geometry.geojson", s.INCIDENTS)


def test_wrong_geometry_type_is_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "geometry_wrong_type.geojson",
            "feature 0 (id 'T-1'): geometry type LineString is not allowed here (expected Point)",
        ),
    ):
        load_file(BAD / "geometry_wrong_type.geojson", s.INCIDENTS)


# --- properties -------------------------------------------------------------------------------


def test_missing_required_property_is_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned("property_missing.geojson: 1 problem(s)", "missing required property 'title'"),
    ):
        load_file(BAD / "property_missing.geojson", s.INCIDENTS)


def test_null_required_property_is_refused():
    err = refused("property_null.geojson")
    assert err.problems == ["feature 1 (id 'T-2'): property 'title' is empty but required"]


def test_wrong_types_are_refused_one_message_each():
    err = refused("types_wrong.geojson")
    assert err.problems == [
        "feature 0 (id 'T-1'): property 'fatalities_best': expected a whole number, got str 'three'",
        "feature 1 (id 'T-2'): property 'fatalities_security': expected a whole number, got 1.5",
        "feature 2 (id 'T-3'): property 'fatalities_militants': expected a count of zero or more, got -2",
        "feature 3 (id 'T-4'): property 'actors': expected a list of text, got 'Pakistan Army'",
        "feature 4 (id 'T-5'): property 'alt_lat': expected a number, got str '26.97'",
    ]
    assert str(err).startswith("types_wrong.geojson: 5 problem(s) found:")


def test_bad_sources_are_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "sources_bad.geojson: 3 problem(s)",
            "feature 0 (id 'T-1'): property 'sources': expected a non-empty list of sources",
            "feature 1 (id 'T-2'): property 'sources': source 0 url 'javascript:alert(1)' is not an http(s) URL",
            "feature 2 (id 'T-3'): property 'sources': source 0 has no url",
        ),
    ):
        load_file(BAD / "sources_bad.geojson", s.INCIDENTS)


def test_value_outside_the_vocabulary_is_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "choice_bad.geojson: 2 problem(s)",
            "feature 0 (id 'T-1'): property 'category': 'skirmish' is not one of: attack, bombing/IED",
            "feature 1 (id 'T-2'): property 'location_precision': 'roughly here' is not one of: exact",
        ),
    ):
        load_file(BAD / "choice_bad.geojson", s.INCIDENTS)


def test_duplicate_ids_are_refused():
    err = refused("ids_duplicate.geojson")
    assert err.problems == ["feature 2 (id 'T-1'): duplicate id 'T-1' (also used by feature 0)"]


def test_ids_of_the_wrong_type_are_reported_not_crashed_on():
    gdf = read_geojson(GOOD_INCIDENTS)
    gdf["id"] = [["a"], ["a"], "S-3", "S-4", "S-5", 6]
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "feature 0 (id '['a']'): property 'id': expected text, got list ['a']",
            "feature 1 (id '['a']'): duplicate id '['a']' (also used by feature 0)",
            "feature 5 (id '6'): property 'id': expected text, got int 6",
        ),
    ):
        validate(gdf, s.INCIDENTS, "ids.geojson")


def test_unparseable_dates_are_refused():
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "dates_unparseable.geojson: 3 problem(s)",
            "feature 0 (id 'T-1'): property 'date_start': '2023-13-45' is not a date (expected YYYY-MM-DD)",
            "feature 1 (id 'T-2'): property 'date_start': '12/07/2023' is not a date (expected YYYY-MM-DD)",
            # Python would read 20230712 as a date; pandas later would not: refused up front
            "feature 2 (id 'T-3'): property 'date_end': '20230712' is not a date (expected YYYY-MM-DD)",
        ),
    ):
        load_file(BAD / "dates_unparseable.geojson", s.INCIDENTS)


def test_end_before_start_is_refused():
    err = refused("dates_reversed.geojson")
    assert err.problems == ["feature 0 (id 'T-1'): date_end 2023-07-01 is before date_start 2023-07-12"]


def test_infinite_number_is_refused_as_invalid_json():
    with pytest.raises(
        LayerValidationError, match=pinned("number_infinite.geojson", "not valid JSON: Infinity is not allowed in JSON")
    ):
        load_file(BAD / "number_infinite.geojson", s.INCIDENTS)


def test_infinite_number_in_a_geodataframe_is_refused():
    gdf = read_geojson(GOOD_INCIDENTS)
    gdf["fatalities_best"] = [float("inf"), 2, 9, None, 0, None]
    gdf["alt_lat"] = [None, float("-inf"), None, None, None, None]
    with pytest.raises(
        LayerValidationError,
        match=pinned(
            "feature 0 (id 'S-1'): property 'fatalities_best': expected a whole number, got inf",
            "feature 1 (id 'S-2'): property 'alt_lat': expected a finite number, got -inf",
        ),
    ):
        validate(gdf, s.INCIDENTS, "inf.geojson")


# --- whole files ------------------------------------------------------------------------------


def test_invalid_json_is_refused():
    with pytest.raises(LayerValidationError, match=pinned("not_json.geojson: 1 problem(s)", "not valid JSON: ")):
        load_file(BAD / "not_json.geojson", s.INCIDENTS)


def test_not_a_feature_collection_is_refused():
    with pytest.raises(
        LayerValidationError, match=pinned("not_featurecollection.geojson", "not a GeoJSON FeatureCollection")
    ):
        load_file(BAD / "not_featurecollection.geojson", s.INCIDENTS)


def test_missing_file_is_refused():
    with pytest.raises(LayerValidationError, match=pinned("nowhere.geojson", "file not found")):
        load_file(BAD / "nowhere.geojson", s.INCIDENTS)


def test_empty_feature_collection_gives_an_empty_layer_with_its_columns(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    gdf, report = load_file(path, s.INCIDENTS)
    assert len(gdf) == 0
    assert set(s.INCIDENTS.field_names()) <= set(gdf.columns)
    assert report.warnings == ["empty.geojson: the layer has no features"]


def test_long_problem_lists_are_cut_short():
    err = LayerValidationError("x.geojson", [f"feature {n}: bad" for n in range(25)])
    text = str(err)
    assert text.startswith("x.geojson: 25 problem(s) found:")
    assert "- feature 19: bad" in text and "feature 20: bad" not in text
    assert text.endswith("- ... and 5 more problems")
    assert len(err.problems) == 25


# --- warnings and partial loading -------------------------------------------------------------


def test_fatalities_out_of_order_warn_but_load():
    gdf, report = load_file(BAD / "fatalities_order.geojson", s.INCIDENTS)
    assert len(gdf) == 1
    assert report.warnings == [
        "fatalities_order.geojson: feature 0 (id 'T-1'): fatalities low/best/high "
        "5/3/4 are not in order low <= best <= high"
    ]


def test_drop_keeps_good_features_and_lists_rejected_ones():
    with pytest.raises(LayerValidationError):
        load_file(BAD / "mixed_for_drop.geojson", s.INCIDENTS)
    gdf, report = load_file(BAD / "mixed_for_drop.geojson", s.INCIDENTS, on_error="drop")
    assert gdf["id"].tolist() == ["T-1", "T-3"]
    assert list(gdf.index) == [0, 1]
    assert len(report.rejected) == 2
    assert report.rejected[0].startswith(
        "mixed_for_drop.geojson: feature 1 (id 'T-2'): property 'category': 'skirmish' is not one of"
    )
    assert report.rejected[1].startswith("mixed_for_drop.geojson: feature 3 (id 'T-4'): coordinates look swapped")


def test_drop_still_raises_on_structural_problems():
    with pytest.raises(LayerValidationError, match="missing required property 'title'"):
        load_file(BAD / "property_missing.geojson", s.INCIDENTS, on_error="drop")


def test_validated_layer_has_typed_columns():
    gdf, _ = load_file(GOOD_INCIDENTS, s.INCIDENTS)
    assert str(gdf["date_start"].dtype).startswith("datetime64")
    assert str(gdf["fatalities_best"].dtype) == "Int64"
    assert gdf["fatalities_best"].isna().tolist() == [False, False, False, True, False, True]
    unlocated = gdf["location_precision"] == "unlocated"
    assert gdf.geometry[unlocated].isna().all()
    assert shapely.is_valid(gdf.geometry[~unlocated].to_numpy()).all()


def test_validate_does_not_change_its_input():
    gdf = read_geojson(BAD / "crs_utm41n.geojson")
    before = gdf.copy()
    validate(gdf, s.INCIDENTS, "crs_utm41n.geojson")
    assert gdf.crs.to_epsg() == 32641
    assert_geodataframe_equal(gdf, before)
