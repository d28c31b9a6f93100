"""views/map/static/bridge.js against the installed streamlit-folium and Leaflet (requirements.txt
pins streamlit-folium>=0.25,<0.28 and xstatic-leaflet>=1.9,<2): the private names it reads are
still there, and views/map/_compat/bridge.py checks the versions."""

from __future__ import annotations

import re
import warnings
from importlib import metadata, resources
from pathlib import Path

import pytest

from geo._compat import in_range
from views.map._compat import bridge
from views.map.assets import STATIC_DIR, asset_files, map_assets
from views.map.build import BORDER_MAP_ELEMENTS

BRIDGE = (STATIC_DIR / "bridge.js").read_text(encoding="utf-8")


def _frontend_js() -> str:
    build = Path(str(resources.files("streamlit_folium"))) / "frontend" / "build" / "static" / "js"
    return "".join(p.read_text(encoding="utf-8") for p in build.glob("main*.js"))


def test_the_installed_versions_are_those_bridge_js_was_written_for():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        versions = bridge.check()
    for name, spec in bridge.SUPPORTED.items():
        assert versions[name] is not None and in_range(versions[name], spec), (name, versions[name])


def test_another_version_warns(monkeypatch):
    real = metadata.version
    monkeypatch.setattr(
        "geo._compat.metadata.version", lambda name: "0.28.0" if name == "streamlit-folium" else real(name)
    )
    with pytest.warns(RuntimeWarning, match=r"streamlit-folium 0\.28\.0 is installed; views/map/static/bridge\.js"):
        bridge.check()


@pytest.mark.parametrize(
    "name",
    [
        "__GLOBAL_DATA__",
        "returned_objects",
        "lat_lng_clicked",
        "previous_data",
        "wrap_longitude",
        "last_active_drawing",
    ],
)
def test_st_folium_keeps_what_bridge_js_reads(name):
    """bridge.js reads and writes these fields of st_folium's frame global; its frontend must too."""
    assert name in BRIDGE
    assert name in _frontend_js(), f"streamlit-folium's frontend no longer has {name}"


def test_st_folium_speaks_the_message_bridge_js_posts():
    assert "streamlit:setComponentValue" in BRIDGE
    assert '"streamlit:setComponentValue"' in _frontend_js()


def test_leaflet_keeps_the_private_members_bridge_js_uses():
    leaflet = asset_files()["leaflet.js"].read_text(encoding="utf-8")
    # the keyboard handler binds its own _onMouseDown to the container's mousedown (so including one
    # replaces it), and a map says it animates a zoom by _animatingZoom
    assert re.search(r"mousedown:this\._onMouseDown", leaflet)
    assert "_animatingZoom=!0" in leaflet and "_animatingZoom=!1" in leaflet
    assert "_controlCorners" in leaflet and "_controlCorners" in BRIDGE


def test_bridge_js_loads_after_leaflet_and_before_the_map_code():
    names = [name for name, _ in map_assets(BORDER_MAP_ELEMENTS)[0]]
    assert names[:3] == ["leaflet_js", "bridge_js", "pkir_js"]
    assert "bridge.js" in asset_files()
