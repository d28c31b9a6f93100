"""views.map._compat.folium against the installed folium (requirements.txt pins folium>=0.19,<0.21):
a map names its own assets without touching folium's classes; children() lists what was added."""

from __future__ import annotations

import folium

from geo._compat import in_range
from views.map._compat import folium as shim
from views.map.assets import map_assets
from views.map.build import BORDER_MAP_ELEMENTS


def test_the_installed_folium_is_the_one_the_shim_was_written_for():
    assert folium.__version__ == shim.VERSION
    assert in_range(shim.VERSION, shim.SUPPORTED)


def test_a_map_loads_its_own_assets_and_nothing_from_a_cdn():
    js, css = map_assets(BORDER_MAP_ELEMENTS, "/base")
    m = shim.AssetMap(js=js, css=css, tiles=None, location=(28, 64))
    page = m.get_root().render()
    scripts = [f'<script src="{url}">' for _, url in js]
    assert all(s in page for s in scripts)
    assert [page.index(s) for s in scripts] == sorted(page.index(s) for s in scripts)  # Leaflet, bridge.js, ...
    assert all(f'href="{url}"' in page for _, url in css)
    assert "cdn" not in page.lower() and "https://" not in page


def test_no_class_is_patched():
    """Another map built afterwards still has folium's own defaults: the assets are the instance's."""
    before = list(folium.Map.default_js)
    shim.AssetMap(js=[("x", "/x.js")], css=[], tiles=None)
    assert folium.Map.default_js == before
    assert any("leaflet" in url for _, url in folium.Map().default_js)
    assert shim.AssetMap(js=[("x", "/x.js")], css=[], tiles=None).default_js == [("x", "/x.js")]


def test_children_are_the_added_elements_in_order():
    group = folium.FeatureGroup(name="g")
    first, second = folium.Marker((1, 2)), folium.CircleMarker((3, 4))
    first.add_to(group)
    second.add_to(group)
    assert shim.children(group) == [first, second]
    assert shim.children(folium.FeatureGroup(name="empty")) == []
