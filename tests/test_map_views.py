"""views.map: the map rendered to HTML (no browser): layers, styles, escaping, bounds, offline assets."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from folium.template import _to_escaped_json
from shapely.geometry import Point

from geo.catalog import LAYER_ORDER, LAYERS
from geo.schema import CATEGORY, OTHER_CATEGORY
from views.map import build as maps
from views.map.basemaps import BASEMAPS, default_basemap
from views.map.build import build_map, clicked_feature, map_html, region_bounds
from views.map.elements import IncidentLayer, Sync, TileFailureNote
from views.map.layers import feature_layer, incident_payload, incident_source, label_sides, tooltip_html
from views.map.legend import legend_html
from views.map.styles import fatality_radius, js_json

EVIL_TITLE = "<script>alert(\"x\")</script> `${document.cookie}` 'q'"
EVIL_ID = "EV<b>IL|1"


def evil_incidents() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": [EVIL_ID, "OK-1"],
            "title": [EVIL_TITLE, "An ordinary clash"],
            "category": ["attack", "<img src=x onerror=alert(2)>"],
            "date_start": pd.to_datetime(["2024-01-16", "2024-02-01"]),
            "date_end": pd.to_datetime(["2024-01-18", "2024-02-01"]),
            "location_precision": ["exact", "district"],
            "fatalities_best": pd.array([12, None], dtype="Int64"),
            "description": ["</script><script>alert(3)</script>", "fine"],
            "sources": [[{"outlet": "x", "url": "javascript:alert(4)", "date": None}], []],
        },
        geometry=[Point(62.0, 27.0), Point(63.0, 26.5)],
        crs="EPSG:4326",
    )


def scripts(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", page, flags=re.IGNORECASE)


def element(built, cls):
    return next(c for g in built.groups for c in g._children.values() if isinstance(c, cls))


def layer_data(built, layer_id: str) -> dict:
    for g in built.groups:
        for child in g._children.values():
            if getattr(child, "layer_id", None) == layer_id:
                return json.loads(child.data_json)
    raise AssertionError(f"layer {layer_id} not drawn")


@pytest.fixture(scope="module")
def full(layers):
    built = build_map(layers, standalone=True)
    return built, map_html(built)


def test_every_layer_is_a_named_group_in_drawing_order(layers):
    built = build_map(layers)
    names = [g.layer_name for g in built.groups]
    assert names == [LAYERS[i].title for i in LAYER_ORDER] + ["Selection"]
    assert built.summary["visible"] == list(LAYER_ORDER)


def test_counts_follow_the_data(layers):
    built = build_map(layers)
    inc = layers["incidents"]
    unlocated = int(inc.geometry.isna().sum())
    assert built.summary["incidents_total"] == len(inc)
    assert built.summary["incidents_drawn"] == len(inc) - unlocated
    assert built.summary["incidents_unlocated"] == unlocated > 0
    # unlocated markets (named by no source) are listed in records but not drawn
    assert built.summary["layers"]["markets"] == int(layers["markets"].geometry.notna().sum())
    assert built.summary["layers"]["towns"] == len(layers["towns"])


def test_toggles_choose_the_groups(layers):
    built = build_map(layers, visible=["border", "markets"])
    assert [g.layer_name for g in built.groups] == [LAYERS["border"].title, LAYERS["markets"].title, "Selection"]
    assert "incidents" not in built.summary["layers"]


def test_filtered_incidents_are_what_is_drawn(layers):
    few = layers["incidents"].head(5)
    built = build_map(layers, incidents=few)
    payload = json.loads(element(built, IncidentLayer).data_json)
    assert set(payload["id"]) == set(few.loc[few.geometry.notna(), "id"])
    assert built.summary["incidents_total"] == len(layers["incidents"])


def test_pipeline_built_and_unbuilt_are_drawn_differently(layers):
    data = layer_data(build_map(layers), "pipeline")
    status = dict(zip(layers["pipeline"]["id"], layers["pipeline"]["status"], strict=True))
    styles = {status[f["properties"]["id"]]: f["properties"]["style"] for f in data["features"]}
    assert styles["built"].get("dashArray") is None
    assert styles["not built"]["dashArray"] and styles["not built"]["color"] != styles["built"]["color"]
    assert styles["claimed built"]["dashArray"] != styles["not built"]["dashArray"]


def test_markets_by_status_and_crossings_by_kind(layers):
    markets = layer_data(build_map(layers), "markets")["features"]
    colours = {f["properties"]["sym"]["color"] for f in markets}
    assert colours <= set(LAYERS["markets"].style.values()) and len(colours) >= 2
    crossings = layer_data(build_map(layers), "crossings")["features"]
    assert {f["properties"]["sym"]["shape"] for f in crossings} == {"diamond"}
    assert {f["properties"]["sym"]["shape"] for f in markets} == {"square"}


def test_incident_style_category_size_and_precision():
    payload = incident_payload(evil_incidents())
    assert payload["colours"][payload["category"][0]] == CATEGORY["attack"].colour
    assert payload["colours"][payload["category"][1]] == OTHER_CATEGORY.colour  # unknown category
    assert list(payload["precision"]) == [0, 2]  # exact drawn solid, district as a dashed ring
    assert payload["radius"][0] > payload["radius"][1] == fatality_radius([None])[0]
    assert list(fatality_radius([0, 1, 10, 100, 10_000])) == sorted(fatality_radius([0, 1, 10, 100, 10_000]))
    assert fatality_radius([10_000])[0] == 22


def test_frame_is_the_border_region(layers, full):
    (south, west), (north, east) = region_bounds(layers)
    assert 24 < south < 26 and 58 < west < 60 and 31 < north < 33 and 69 < east < 71
    # the first view is fitted to it (by pkir.js, once the frame has its size)
    frame = r"\[\[24\.89\d*, 58\.77\d*\], \[32\.06\d*, 70\.25\d*\]\]"
    assert re.search(rf"PKIR\.init\(\w+, \S+, {frame}, (null|\"[^\"]*\")\)", full[1])  # then the panel's selector
    assert region_bounds({}) == [[24.5, 58.5], [32.5, 70.5]]


def test_offline_map_has_no_tiles_and_no_outside_url(full):
    page = full[1]
    assert "L.tileLayer" not in page
    assert not re.findall(r"https?://", page), "no URL of any host in the offline map"
    assert '<script src="/app/static/vendor/leaflet.js">' in page
    assert '<script src="/app/static/vendor/incidents.js">' in page
    assert '<script src="/app/static/vendor/play.js">' in page and "PKIR.playInit(" in page  # the time control
    assert '<link rel="stylesheet" href="/app/static/vendor/play.css"/>' in page
    assert 'PKIR.playState({"period":null,"window":null})' in page  # a map on its own: the incidents' period
    assert "jquery" not in page and "markercluster" not in page  # unused: each script is one more round trip
    assert '<link rel="stylesheet" href="/app/static/vendor/leaflet.css"/>' in page
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "fontawesome"):
        assert cdn not in page


@pytest.mark.parametrize("basemap", [b for b in BASEMAPS if b != "offline"])
def test_online_basemaps_are_tile_groups_with_attribution(layers, basemap):
    built = build_map(layers, basemap=basemap, standalone=True)
    page = map_html(built)
    provider = BASEMAPS[basemap].provider
    assert built.groups[0].layer_name.startswith("Basemap")
    assert "L.tileLayer" in page and provider.build_url().split("{")[0] in page
    assert _to_escaped_json(provider.html_attribution) in page  # the provider's own credit line
    assert not provider.requires_token()
    # scripts and styles still come from the app, only tiles go out
    assert not re.findall(r'(?:src|href)="https?://', page)
    # a failure to load tiles is explained on the map, pointing to the offline basemap
    assert "PKIR.tileFailure(" in page and js_json(TileFailureNote.TEXT) in page
    assert "offline drawing" in TileFailureNote.TEXT and len(TileFailureNote.TEXT) < 80  # one short line


def test_default_basemap_follows_the_offline_setting():
    assert default_basemap(True) == "offline" and default_basemap(False) == "light"
    with pytest.raises(TypeError, match="settings"):  # the environment itself is always truthy: refused
        default_basemap({"PKIR_OFFLINE": "0"})


def test_data_strings_reach_the_map_only_as_inert_text(layers):
    clean = map_html(build_map(layers, incidents=evil_incidents().iloc[1:], standalone=True))
    page = map_html(build_map(layers, incidents=evil_incidents(), standalone=True))
    assert len(scripts(page)) == len(scripts(clean)), "no script element came from the data"
    for raw in ("<script>alert", "</script><script>", "<img src=x", "`${document", "javascript:alert", "<b>"):
        assert raw not in page
    payload = incident_payload(evil_incidents())
    assert payload["tip"][0].startswith(
        '<div class="pkir-tip-title">'
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#96;${document.cookie}&#96; &#x27;q&#x27;</div>"
    )
    assert "EV&lt;b&gt;IL|1" in payload["tip"][0]
    assert payload["categories"][payload["category"][1]] == "other"


def test_js_json_cannot_close_a_script():
    text = js_json({"a": "</script><!-- '&"})
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text
    assert json.loads(text) == {"a": "</script><!-- '&"}


def test_legend_explains_every_symbol_and_is_escaped():
    legend = legend_html(["attack", "<i>made-up</i>"])
    for text in (
        "attack",
        "Size = fatalities",
        "Location precision",
        "gas pipeline: not built",
        "gas pipeline: built",
        "market: planned",
        "official crossing",
        "town",
        "border",
    ):
        assert text in legend
    assert "&lt;i&gt;made-up&lt;/i&gt;" in legend and "<i>" not in legend


def test_a_click_is_identified_by_the_features_own_properties(layers):
    """st_folium returns the clicked feature (last_active_drawing); its properties name it."""
    markets = json.loads(feature_layer("markets", layers["markets"], "offline").data_json)["features"]
    props = next(f["properties"] for f in markets if f["properties"]["id"] == "M1")
    assert clicked_feature({"last_active_drawing": {"type": "Feature", "properties": props}}) == ("markets", "M1")
    evil = {"type": "Feature", "properties": {"layer": "incidents", "id": EVIL_ID}}
    assert clicked_feature({"last_active_drawing": evil}) == ("incidents", EVIL_ID)
    assert "Mand" in html.unescape(tooltip_html("markets", {"id": "M1", "name": "Mand – Pishin"}))
    nolayer = {"type": "Feature", "properties": {"layer": "nolayer", "id": "x"}}
    assert clicked_feature({"last_active_drawing": nolayer}) is None
    assert clicked_feature({"last_active_drawing": {"type": "Feature", "properties": {}}}) is None
    assert clicked_feature(None) is None and clicked_feature({}) is None


def test_focus_highlights_and_centres_a_located_feature(layers):
    built = build_map(layers, focus=("incidents", "PKIR-A02"), focus_seq=3)
    row = layers["incidents"].set_index("id").loc["PKIR-A02"]
    assert built.summary["focus"] == "incidents|PKIR-A02"
    assert built.center == pytest.approx((row.geometry.y, row.geometry.x)) and built.zoom == 9
    sync = element(built, Sync)
    assert sync.focus["seq"] == 3
    unlocated = layers["incidents"].loc[layers["incidents"].geometry.isna(), "id"].iloc[0]
    assert build_map(layers, focus=("incidents", unlocated)).center is None
    assert build_map(layers, focus=("incidents", "NO-SUCH-ID")).summary["focus"] is None
    # a focused incident on a hidden layer is not highlighted
    assert build_map(layers, visible=["border"], focus=("incidents", "PKIR-A02")).summary["focus"] is None


def test_large_sets_are_clustered_and_travel_without_ids():
    n = maps.CLUSTER_THRESHOLD + 1
    gdf = gpd.GeoDataFrame(
        {
            "id": [f"S{i}" for i in range(n)],
            "title": ["t"] * n,
            "category": ["attack"] * n,
            "date_start": pd.Timestamp("2020-01-01"),
            "date_end": pd.Timestamp("2020-01-01"),
            "location_precision": ["town"] * n,
            "fatalities_best": pd.array([1] * n, dtype="Int64"),
        },
        geometry=[Point(60 + i / n, 27) for i in range(n)],
        crs="EPSG:4326",
    )
    built = build_map({"incidents": gdf})
    assert built.summary["clustered"] is True
    assert json.loads(element(built, IncidentLayer).options_json)["radius"] > 10

    src = incident_source(gdf, details=False)
    assert incident_source(gdf, details=False).key == src.key  # same content, same key: the layer is reused
    page = map_html(build_map({"incidents": gdf}, source=src, standalone=True))
    assert src.data_json in page and '"S0"' not in page  # large sets: rows, not ids, in the page


def test_town_labels_turn_left_when_a_neighbour_sits_to_their_right(layers):
    assert label_sides([(61.45, 29.01), (61.58, 28.95), (63.0, 26.0)]) == ["left", "right", "right"]
    assert label_sides([(61.0, 29.0), (61.1, 29.5)]) == ["right", "right"]  # far north: no clash
    towns = feature_layer("towns", layers["towns"], "offline")
    sides = {f["properties"]["label"] for f in json.loads(towns.data_json)["features"]}
    assert sides == {"left", "right"}


def test_a_layers_features_are_made_once_per_file_version_at_the_edge(tmp_path, settings_env):
    """ui.data keeps each shipped layer's features per file version and basemap (no memo in views/)."""
    import shutil

    from geo.catalog import DATA_DIR, LAYERS
    from geo.settings import DATA_DIR_ENV
    from ui import data

    for layer in LAYERS.values():
        shutil.copyfile(DATA_DIR / layer.file, tmp_path / layer.file)
    settings_env.setenv(DATA_DIR_ENV, str(tmp_path))
    first = data.layer_features("markets", "offline")
    assert data.layer_features("markets", "offline") is first
    path = tmp_path / LAYERS["markets"].file
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["name"] = "Renamed market"
    path.write_text(json.dumps(doc), encoding="utf-8")
    again = data.layer_features("markets", "offline")
    assert again is not first and any("Renamed market" in f["properties"]["tip"] for f in again)


def test_single_source_claimed_and_disputed_incidents_carry_the_verification_ring():
    gdf = pd.concat([evil_incidents()] * 3, ignore_index=True)
    gdf["grade"] = ["claimed", "disputed", "single source", "confirmed", None, "corroborated"]
    payload = incident_payload(gdf)
    # precision level in the low bits, the ring (styles.GRADE_RING = 4) on top, as incidents.js reads them
    assert list(payload["precision"]) == [0 | 4, 2 | 4, 0 | 4, 2, 0, 2]
    assert [p & 3 for p in payload["precision"]] == [0, 2] * 3
    assert "&middot; claimed</div>" in payload["tip"][0] and "ungraded" not in payload["tip"][4]
    legend = legend_html(["attack"])
    assert "<h4>Verification</h4>" in legend and "single source, claimed, disputed (dark outer ring)" in legend
    js = (Path(__file__).resolve().parents[1] / "views" / "map" / "static" / "incidents.js").read_text(encoding="utf-8")
    assert "& 4" in js and "PRECISION_TEXT[d.prec[i] & 3]" in js
