"""The shipped layers in geo/data: valid, sourced, located where they say, and consistent."""

import itertools
import re
from urllib.parse import urlparse

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from geo import analysis
from geo.catalog import DATA_DIR, LAYERS
from geo.schema import DATE_PRECISION, LOCATION_PRECISION

# A10 (Iranian naval delegation at the Pakistan Naval Academy) is placed at Manora island,
# Karachi, with low confidence. At 1:10m Natural Earth draws no Manora: the point falls in
# the sea just off Pakistan's generalised coastline. It is correct as data; the outline is
# too coarse. Every other located point must fall inside the country it names.
IN_THE_SEA_AT_1_10M = {"PKIR-A10": "PAK"}


@pytest.mark.parametrize("layer_id", list(LAYERS))
def test_layer_loads_without_any_validation_remark(loaded_layers, layer_id):
    gdf, report = loaded_layers[layer_id]
    assert len(gdf) > 0
    assert (report.notes, report.warnings, report.rejected) == ([], [], [])
    assert gdf.crs.to_epsg() == 4326


@pytest.mark.parametrize("layer_id", list(LAYERS))
def test_every_feature_has_an_http_source_and_a_location_precision(layers, layer_id):
    gdf = layers[layer_id]
    for fid, sources, precision in zip(gdf["id"], gdf["sources"], gdf["location_precision"], strict=True):
        schemes = [urlparse(src["url"]).scheme for src in sources]
        assert schemes and all(sch in ("http", "https") for sch in schemes), fid
        assert precision in LOCATION_PRECISION, fid


@pytest.mark.parametrize(
    "layer_id, date_col",
    [
        ("incidents", "date_start"),
        ("markets", "opened"),
        ("crossings", "opened"),
        ("pipeline", "date"),
        ("power_line", "date"),
    ],
)
def test_dated_features_say_how_precise_the_date_is(layers, layer_id, date_col):
    gdf = layers[layer_id]
    dated = gdf[gdf[date_col].notna()]
    assert len(dated) > 0
    bad = dated[~dated["date_precision"].isin(DATE_PRECISION)]
    assert bad.empty, bad["id"].tolist()


def test_every_incident_is_dated(layers):
    inc = layers["incidents"]
    assert inc["date_start"].notna().all() and inc["date_end"].notna().all()
    assert (inc["date_end"] >= inc["date_start"]).all()


@pytest.mark.parametrize("layer_id", list(LAYERS))
def test_unlocated_features_are_exactly_those_without_geometry(layers, layer_id):
    gdf = layers[layer_id]
    unlocated = (gdf["location_precision"] == "unlocated").to_numpy()
    no_geometry = shapely.is_missing(gdf.geometry.to_numpy())
    assert (unlocated == no_geometry).all()
    if not LAYERS[layer_id].schema.allow_unlocated:
        assert not unlocated.any()


@pytest.mark.parametrize("layer_id", list(LAYERS))
def test_ids_are_unique(layers, layer_id):
    ids = layers[layer_id]["id"]
    assert ids.is_unique, ids[ids.duplicated()].tolist()


@pytest.mark.parametrize("layer_id", ["incidents", "towns"])
def test_points_lie_in_the_country_they_name(layers, layer_id):
    check = analysis.point_country_check(layers[layer_id], layers["countries"])
    disagree = check[~check["agrees"]]
    assert set(disagree["id"]) == set(IN_THE_SEA_AT_1_10M) & set(layers[layer_id]["id"])


def test_manora_point_is_offshore_but_within_two_km_of_pakistan(layers):
    check = analysis.point_country_check(layers["incidents"], layers["countries"]).set_index("id")
    assert check.loc["PKIR-A10", "country"] == "PAK"
    assert pd.isna(check.loc["PKIR-A10", "in_country"])  # in no country polygon
    countries = layers["countries"].set_index("id")
    inc = layers["incidents"]
    a10 = inc.loc[inc["id"] == "PKIR-A10", "geometry"]
    km = analysis.distance_to_line_km(a10, countries.loc["PAK", "geometry"].boundary)[0]
    assert 0 < km < 2.0


def test_points_in_the_two_provinces_fall_inside_their_polygons(layers):
    provinces = layers["provinces"][["name", "geometry"]]
    for layer_id in ("incidents", "towns"):
        gdf = layers[layer_id]
        gdf = gdf[gdf.geometry.notna() & gdf["admin1"].isin(provinces["name"])]
        joined = gpd.sjoin(gdf[["id", "admin1", "geometry"]], provinces, how="left", predicate="within")
        wrong = joined[joined["admin1"] != joined["name"]]
        # Konarak sits on the coast: inside Iran's 1:10m outline, 90 m outside the province's
        # (the admin-1 and admin-0 files are different Natural Earth editions).
        assert set(wrong["id"]) <= {"T-konarak"}, wrong[["id", "admin1", "name"]]


def test_phase_two_markets_and_katagar_are_unlocated_not_invented(layers):
    markets = layers["markets"].set_index("id")
    for mid in ("M4", "M5", "M6"):
        assert markets.loc[mid, "location_precision"] == "unlocated"
        assert markets.loc[mid, "geometry"] is None
        assert "not name" in markets.loc[mid, "location_note"]
    assert markets.loc[["M1", "M2", "M3"], "geometry"].notna().all()
    assert len(markets) == 6  # the six markets of the 2021 agreement
    crossings = layers["crossings"].set_index("id")
    assert crossings.loc["X6", "name"] == "Katagar"
    assert crossings.loc["X6", "location_precision"] == "unlocated" and crossings.loc["X6", "geometry"] is None


def test_located_markets_and_crossings_are_near_the_border(layers):
    for layer_id in ("markets", "crossings"):
        gdf = layers[layer_id]
        km = analysis.distance_to_border_km(gdf.geometry, layers["border"])
        located = gdf.geometry.notna().to_numpy()
        assert (km[located] < 15).all(), list(zip(gdf["id"], km, strict=True))


def test_a02_records_both_versions_of_the_disputed_location(layers):
    inc = layers["incidents"].set_index("id")
    a02 = inc.loc["PKIR-A02"]
    assert "Sui" in a02["disputed"] and "Zhob" in a02["disputed"]
    assert "uses the ISPR location" in a02["disputed"]
    assert a02["place"] == "Sui area"
    assert a02["alt_place"].startswith("Zhob")
    # the alternative is Zhob town, where the garrison attack (A01) of the same day happened
    alt = Point(a02["alt_lon"], a02["alt_lat"])
    assert alt.equals_exact(inc.loc["PKIR-A01", "geometry"], 1e-4)
    assert alt.distance(a02["geometry"]) > 2  # degrees: the two versions are far apart


def test_provinces_keep_common_names_and_source_codes(layers):
    prov = layers["provinces"].set_index("name")
    assert set(prov.index) == {"Balochistan", "Sistan and Baluchestan"}
    assert prov.loc["Balochistan", "name_source"] == "Baluchistan"
    assert prov.loc["Balochistan", "code_hasc"] == "PK.BA"
    assert prov.loc["Sistan and Baluchestan", "code_hasc"] == "IR.SB"
    assert prov["adm1_code"].str.match(r"^(PAK|IRN)-\d+$").all()


def test_border_runs_from_the_afghan_tripoint_to_the_sea(layers):
    line = analysis.border_line(layers["border"])
    assert line.geom_type == "LineString"
    countries = layers["countries"].set_index("id")["geometry"]
    ends = gpd.GeoSeries([Point(line.coords[0]), Point(line.coords[-1])], crs="EPSG:4326")
    to_afghanistan = analysis.distance_to_line_km(ends, countries["AFG"].boundary)
    assert min(to_afghanistan) < 1.0  # one end at the tripoint with Afghanistan
    assert max(to_afghanistan) > 400  # the other at the coast, far from it
    # it is the shared edge: both countries' outlines run along all of it (within ~10 m)
    for iso3 in ("PAK", "IRN"):
        assert line.within(countries[iso3].boundary.buffer(1e-4))


@pytest.mark.parametrize("layer_id", ["pipeline", "power_line"])
def test_line_segments_are_ordered_and_join_up(layers, layer_id):
    gdf = layers[layer_id].sort_values("seq")
    assert gdf["seq"].tolist() == list(range(1, len(gdf) + 1))
    lines = gdf.geometry.tolist()
    for a, b in itertools.pairwise(lines):
        assert Point(a.coords[-1]).equals(Point(b.coords[0]))


def test_pipeline_statuses(layers):
    pipe = layers["pipeline"].set_index("id")
    assert pipe.loc["P1", "status"] == "built"
    assert pipe.loc["P2", "status"] == "claimed built"
    assert (pipe.loc[["P3", "P4"], "status"] == "not built").all()
    assert (pipe.loc[["P3", "P4"], "section"] == "Pakistan").all()
    assert pipe.loc[["P3", "P4"], "length_reported_km"].sum() == 781


def test_pipeline_milestones_are_unlocated_dated_events(layers):
    inc = layers["incidents"]
    milestones = inc[inc["category"] == "pipeline milestone"]
    assert len(milestones) > 0
    assert (milestones["location_precision"] == "unlocated").all()
    assert milestones["date_start"].notna().all()
    assert (milestones["track"] == "infrastructure & trade").all()


def test_fatalities_by_side_never_exceed_the_total(layers):
    inc = layers["incidents"]
    sides = inc[["fatalities_security", "fatalities_militants", "fatalities_civilians"]].sum(axis=1, min_count=1)
    both = inc["fatalities_best"].notna() & sides.notna()
    over = inc[both & (sides > inc["fatalities_best"])]
    assert over.empty, over["id"].tolist()


def test_data_readme_documents_every_layer():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)
    by_id = {sec.split(" — ", 1)[0]: sec for sec in sections[1:] if " — " in sec.splitlines()[0]}
    assert set(by_id) == set(LAYERS) | {"ucdp_ged"}  # ucdp_ged: a shipped dataset, not a map layer
    for layer_id, sec in by_id.items():
        assert layer_id not in LAYERS or sec.splitlines()[0] == f"{layer_id} — {LAYERS[layer_id].title}"
        for label in ("Source", "Licence", "Date", "Method", "Known limits"):
            m = re.search(rf"^- \*\*{label}:\*\* (.+)$", sec, flags=re.MULTILINE)
            assert m and m.group(1).strip(), (layer_id, label)
