"""scripts.build_districts on small fixtures (tests/data/districts) shaped like the two sources."""

from __future__ import annotations

import json
import os

import geopandas as gpd
import pytest
import shapely

from geo.catalog import DATA_DIR
from geo.loading import load_file
from geo.schema import DISTRICTS
from scripts import build_districts as bd
from tests.conftest import TEST_DATA

FIX = TEST_DATA / "districts"
IRAN = FIX / "iran_counties.geojson"
PAK = FIX / "pakistan_districts.geojson"
COUNTS = FIX / "pakistan_counts.csv"


@pytest.fixture(scope="module")
def built():
    return {r["id"]: r for r in bd.build(IRAN, PAK, COUNTS)}


def test_keeps_only_the_study_area_units_with_normalised_fields(built):
    assert sorted(built) == ["IRN.SB.east", "IRN.SB.north", "IRN.SB.west", "PAK.BA.alpha", "PAK.BA.beta"]
    west = built["IRN.SB.west"]
    assert (west["name"], west["name_local"], west["country"], west["province"]) == (
        "West",
        "غرب",
        "IRN",
        "Sistan and Baluchestan",
    )
    assert west["source_id"] == "osm:relation/101" and west["wikidata"] == "Q1"
    assert west["population"] is None and west["population_year"] is None
    assert "OpenStreetMap" in west["licence"] and "ODbL" in west["licence"]
    assert west["sources"][0]["url"] == "https://www.openstreetmap.org/relation/101"


def test_census_populations_are_summed_over_a_units_districts(built):
    assert (built["PAK.BA.alpha"]["population"], built["PAK.BA.alpha"]["population_year"]) == (1000, 2023)
    assert built["PAK.BA.beta"]["population"] == 200 + 300  # ba_beta and ba_beta_east
    assert built["PAK.BA.beta"]["province"] == "Balochistan" and built["PAK.BA.beta"]["country"] == "PAK"


def test_pakistans_units_carry_the_map_unit_id_and_both_attributions(built):
    beta = built["PAK.BA.beta"]
    assert beta["source_id"] == "ba_beta" and beta["population_year"] == 2023
    assert "Boundaries: geoBoundaries (ODbL), rebuilt to 2023 census districts" in beta["licence"]
    assert "Source: Pakistan Bureau of Statistics, Census 2023" in beta["licence"]
    assert beta["sources"][0]["url"].startswith("https://github.com/shehroz-iqbal/pakistan-district-data/blob/")


def test_a_census_district_without_a_shape_is_reported(tmp_path, capsys):
    out = tmp_path / "districts.geojson"
    args = ["--pakistan", str(PAK), "--out", str(out)]
    assert bd.main([*args, "--pakistan-counts", str(COUNTS)]) == 0
    assert "census districts of Balochistan without a shape: none" in capsys.readouterr().out
    counts = tmp_path / "district_counts.csv"
    counts.write_text(COUNTS.read_text(encoding="utf-8") + "ba_delta,BA,10.0,70.0,60.0\n", encoding="utf-8")
    assert bd.main([*args, "--pakistan-counts", str(counts)]) == 0
    assert "census districts of Balochistan without a shape: ba_delta" in capsys.readouterr().out


def test_pakistans_polygons_are_cut_where_they_overlap_irans(tmp_path):
    doc = json.loads(PAK.read_text(encoding="utf-8"))
    alpha = next(f for f in doc["features"] if f["properties"]["map_unit_id"] == "ba_alpha")
    alpha["geometry"] = shapely.geometry.mapping(shapely.box(61.5, 27.2, 64.0, 27.8))  # 0.5 x 0.6 inside East
    src = tmp_path / "districts_2023.geojson"
    src.write_text(json.dumps(doc), encoding="utf-8")
    records = {r["id"]: r["geometry"] for r in bd.build(IRAN, src, COUNTS)}
    iran = shapely.union_all([g for k, g in records.items() if k.startswith("IRN.")])
    assert records["PAK.BA.alpha"].area == pytest.approx(2.5 * 0.6 - 0.5 * 0.6, abs=1e-6)
    assert records["PAK.BA.alpha"].intersection(iran).area < 1e-9
    assert records["PAK.BA.alpha"].union(iran).area == pytest.approx(iran.area + 1.2, abs=1e-6)  # no gap left
    assert records["PAK.BA.beta"].area == pytest.approx(1.0, abs=1e-6)  # untouched


def test_without_counts_the_population_is_left_empty():
    records = bd.build(None, PAK, None)
    assert {r["id"]: r["population"] for r in records} == {"PAK.BA.alpha": None, "PAK.BA.beta": None}


def test_simplification_drops_wiggles_but_keeps_one_shared_border():
    raw = {r["id"]: r["geometry"] for r in bd.iran_counties(IRAN)}
    built = {r["id"]: r["geometry"] for r in bd.build(IRAN, None, None)}
    assert shapely.get_num_coordinates(built["IRN.SB.west"]) < shapely.get_num_coordinates(raw["IRN.SB.west"]) / 3
    west, east, north = built["IRN.SB.west"], built["IRN.SB.east"], built["IRN.SB.north"]
    assert all(g.is_valid for g in built.values())
    # no overlap, no gap: the pieces add up to their union, which has no hole
    union = shapely.union_all([west, east, north])
    assert union.area == pytest.approx(west.area + east.area + north.area, rel=1e-9)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    # each shared border kept whole: 61°E up to the bowed 28°N line, and that line on both sides
    assert west.intersection(east).length == pytest.approx(1.0015, abs=2e-4)
    assert north.intersection(west).length + north.intersection(east).length == pytest.approx(2.0, abs=2e-3)


def test_the_built_file_validates_as_the_districts_layer(tmp_path, capsys):
    out = tmp_path / "districts.geojson"
    assert (
        bd.main(["--iran", str(IRAN), "--pakistan", str(PAK), "--pakistan-counts", str(COUNTS), "--out", str(out)]) == 0
    )
    assert "5 districts (PAK 2, IRN 3)" in capsys.readouterr().out
    gdf, report = load_file(out, DISTRICTS)
    assert (report.notes, report.warnings, report.rejected) == ([], [], [])
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 5
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    # the written file is what build() made, in the same order
    expected = gpd.GeoDataFrame(bd.build(IRAN, PAK, COUNTS), crs="EPSG:4326")
    assert list(gdf["id"]) == list(expected["id"])
    assert gdf.geometry.geom_equals_exact(expected.geometry, tolerance=1e-9).all()


def test_nothing_to_build_is_one_line(tmp_path, capsys):
    assert bd.main(["--out", str(tmp_path / "x.geojson")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "not built: give --iran and/or --pakistan: nothing to build"
    assert not (tmp_path / "x.geojson").exists()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: None, "file not found"),
        (lambda p: p.write_text("{not json", encoding="utf-8"), "not a readable JSON file"),
        (lambda p: p.write_text('{"type": "Feature"}', encoding="utf-8"), "not a GeoJSON FeatureCollection"),
        (lambda p: p.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8"), "no county"),
    ],
)
def test_an_unusable_iran_file_is_named_in_one_line(tmp_path, capsys, make, expected):
    src = tmp_path / "IR-11.all.geojson"
    make(src)
    out = tmp_path / "out.geojson"
    assert bd.main(["--iran", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(f"not built: {src}: ") and expected in err
    assert not out.exists()


def test_a_county_without_an_english_name_is_named(tmp_path, capsys):
    doc = json.loads(IRAN.read_text(encoding="utf-8"))
    del doc["features"][1]["properties"]["tags"]["name:en"]
    src = tmp_path / "IR-11.all.geojson"
    src.write_text(json.dumps(doc), encoding="utf-8")
    assert bd.main(["--iran", str(src), "--out", str(tmp_path / "out.geojson")]) == 2
    assert "feature 1 (OSM relation 102): no English name (tag name:en)" in capsys.readouterr().err


def test_a_bad_population_names_the_row(tmp_path, capsys):
    counts = tmp_path / "district_counts.csv"
    counts.write_text(COUNTS.read_text(encoding="utf-8").replace("200.0", "n/a"), encoding="utf-8")
    assert bd.main(["--pakistan", str(PAK), "--pakistan-counts", str(counts), "--out", str(tmp_path / "o")]) == 2
    assert f"{counts}: row 3: pop_total 'n/a' is not a number" in capsys.readouterr().err


def test_a_failed_build_leaves_the_previous_file_whole(tmp_path):
    out = tmp_path / "districts.geojson"
    assert bd.main(["--iran", str(IRAN), "--out", str(out)]) == 0
    before = out.read_bytes()
    assert bd.main(["--iran", str(tmp_path / "missing.geojson"), "--out", str(out)]) == 2
    assert out.read_bytes() == before


SOURCES = ("PKIR_IRAN_COUNTIES", "PKIR_PAKISTAN_DISTRICTS", "PKIR_PAKISTAN_COUNTS")


@pytest.mark.skipif(
    not all(os.environ.get(v) for v in SOURCES),
    reason="set PKIR_IRAN_COUNTIES, PKIR_PAKISTAN_DISTRICTS and PKIR_PAKISTAN_COUNTS to the fetched IR-11.all.geojson, "
    "districts_2023.geojson and district_counts.csv to check the shipped layer against them",
)
def test_the_shipped_layer_is_what_the_builder_makes_from_the_fetched_files(tmp_path):
    out = tmp_path / "districts.geojson"
    iran, pakistan, counts = (os.environ[v] for v in SOURCES)
    assert bd.main(["--iran", iran, "--pakistan", pakistan, "--pakistan-counts", counts, "--out", str(out)]) == 0
    assert out.read_bytes() == (DATA_DIR / "districts.geojson").read_bytes()
