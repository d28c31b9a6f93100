"""The pipeline and markets page maps: offline, the right layers, unlocated sites left out."""

import re

import pytest

from views.map import build as maps
from views.map import page_maps


@pytest.fixture(scope="module")
def pipeline_html(layers):
    built = page_maps.pipeline_map(layers, standalone=True, asset_base="/app/static/vendor")
    return built, maps.map_html(built)


@pytest.fixture(scope="module")
def markets_html(layers):
    built = page_maps.markets_map(layers, standalone=True, asset_base="/app/static/vendor")
    return built, maps.map_html(built)


def ref(layer_id: str, feature_id: str) -> str:
    """How a drawn feature names itself in the page's GeoJSON (what a click returns)."""
    return f'"layer":"{layer_id}","id":"{feature_id}"'


def _external(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)


def test_maps_load_nothing_from_outside(pipeline_html, markets_html):
    for _, html in (pipeline_html, markets_html):
        assert _external(html) == []
        assert '<script src="/app/static/vendor/leaflet.js">' in html
        assert "tile.openstreetmap" not in html and "cdn." not in html


def test_pipeline_map_layers_and_labels(pipeline_html):
    built, html = pipeline_html
    assert built.summary["layers"] == {"countries": 3, "provinces": 2, "border": 1, "pipeline": 4, "towns": 4}
    assert sorted(built.summary["labels"]) == ["Asaluyeh", "Gwadar", "Iranshahr", "Nawabshah"]
    # built, claimed built and not built are drawn differently (the catalogue's styles)
    assert html.count('"dashArray":"10 8"') == 2 and html.count('"dashArray":"2 6"') == 1
    assert "gas pipeline: claimed built" in html and "Pakistan\\u2013Iran border" in html


def test_route_labels_prefer_towns_over_end_points(layers):
    labels = page_maps.route_labels(layers["pipeline"], layers["towns"], layers["border"])
    assert "Border zero point" not in set(labels["name"])  # on the border line, which is drawn
    assert labels["name"].str.lower().is_unique
    assert labels.set_index("name").loc["Gwadar", "id"] == "T-gwadar"
    assert labels.set_index("name").loc["Nawabshah", "id"].startswith("route-node-")
    assert list(page_maps.route_labels(layers["pipeline"], None)["name"]) == [
        "Asaluyeh",
        "Iranshahr",
        "Border zero point",
        "Gwadar",
        "Nawabshah",
    ]
    wider = page_maps.route_labels(layers["pipeline"], layers["towns"], within_km=25)
    assert "Rask" in set(wider["name"])


def test_fit_zoom():
    # 360 degrees of longitude fill 256 px at zoom 0, so 45 degrees fill 32 px, and 512 px at zoom 4
    assert page_maps.fit_zoom([[-1, 0], [1, 45]], (512, 10_000)) == 4.0
    assert page_maps.fit_zoom([[-1, 0], [1, 45]], (511, 10_000)) == 3.75
    # the pipeline route, about 20 degrees wide with its margins, fits 800 px at zoom 5.75
    assert page_maps.fit_zoom([[24.7, 52.2], [27.9, 71.3]], (800, 380)) == 5.75


def test_the_maps_open_at_a_zoom_that_shows_everything(pipeline_html, markets_html):
    # limited by the route's width, and by the markets box's height (480 px)
    assert pipeline_html[0].map.options["zoom"] == 5.75 and markets_html[0].map.options["zoom"] == 6.75


def test_markets_map_draws_only_located_sites(markets_html):
    built, html = markets_html
    assert built.summary["layers"]["markets"] == 3  # M4-M6 have no location
    assert built.summary["layers"]["crossings"] == 5  # X6 has no location
    assert built.summary["layers"]["power_line"] == 3
    assert ref("markets", "M1") in html and ref("markets", "M4") not in html and ref("crossings", "X6") not in html
    assert "market: partly operating" in html and "Polan\\u2013Gabd power line" in html


def test_groups_are_handed_to_st_folium_when_not_standalone(layers):
    built = page_maps.markets_map(layers)
    names = [g.layer_name for g in built.groups]
    assert names[-1] == "Selection" and "Border markets" in names
    assert ref("markets", "M1") not in maps.map_html(built)  # the features travel in the groups, not the static map
