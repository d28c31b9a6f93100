"""The pipeline and markets page maps: offline, the right layers, unlocated sites left out."""

import re

import pytest

from geo import maps, sitemaps


@pytest.fixture(scope="module")
def pipeline_html(layers):
    built = sitemaps.pipeline_map(layers, standalone=True, asset_base="/app/static/vendor")
    return built, maps.map_html(built)


@pytest.fixture(scope="module")
def markets_html(layers):
    built = sitemaps.markets_map(layers, standalone=True, asset_base="/app/static/vendor")
    return built, maps.map_html(built)


def _external(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)


def test_maps_load_nothing_from_outside(pipeline_html, markets_html):
    for _, html in (pipeline_html, markets_html):
        assert _external(html) == []
        assert '<script src="/app/static/vendor/leaflet.js">' in html
        assert "tile.openstreetmap" not in html and "cdn." not in html


def test_pipeline_map_layers_and_labels(pipeline_html):
    built, html = pipeline_html
    assert built.summary["layers"] == {"countries": 3, "provinces": 2, "border": 1, "pipeline": 4, "towns": 6}
    assert sorted(built.summary["labels"]) == sorted(
        ["Iranshahr", "Rask", "Gwadar", "Asaluyeh", "Border zero point", "Nawabshah"])
    # built, claimed built and not built are drawn differently (the catalogue's styles)
    assert html.count('"dashArray":"10 8"') == 2 and html.count('"dashArray":"2 6"') == 1
    assert "gas pipeline: claimed built" in html and "Pakistan\\u2013Iran border" in html


def test_route_labels_prefer_towns_over_end_points(layers):
    labels = sitemaps.route_labels(layers["pipeline"], layers["towns"])
    assert labels["name"].str.lower().is_unique
    assert labels.set_index("name").loc["Gwadar", "id"] == "T-gwadar"
    assert labels.set_index("name").loc["Nawabshah", "id"].startswith("route-node-")
    assert list(sitemaps.route_labels(layers["pipeline"], None)["name"]) == [
        "Asaluyeh", "Iranshahr", "Border zero point", "Gwadar", "Nawabshah"]


def test_markets_map_draws_only_located_sites(markets_html):
    built, html = markets_html
    assert built.summary["layers"]["markets"] == 3  # M4-M6 have no location
    assert built.summary["layers"]["crossings"] == 5  # X6 has no location
    assert built.summary["layers"]["power_line"] == 3
    assert "markets|M1" in html and "markets|M4" not in html and "crossings|X6" not in html
    assert "market: partly operating" in html and "Polan\\u2013Gabd power line" in html


def test_groups_are_handed_to_st_folium_when_not_standalone(layers):
    built = sitemaps.markets_map(layers)
    names = [g.layer_name for g in built.groups]
    assert names[-1] == "Selection" and "Border markets" in names
    assert "markets|M1" not in maps.map_html(built)  # the features travel in the groups, not the static map
