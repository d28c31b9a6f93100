"""The files every map loads, all served by the app (never a CDN): vendor libraries and pkir.js/css."""

from __future__ import annotations

from pathlib import Path

from views.map._compat import bridge

DEFAULT_ASSET_BASE = "/app/static/vendor"
# file name as served -> (xstatic package, file inside its data folder)
VENDOR_FILES: dict[str, tuple[str, str]] = {
    "leaflet.js": ("leaflet", "leaflet.js"),
    "leaflet.css": ("leaflet", "leaflet.css"),
    "images/layers.png": ("leaflet", "images/layers.png"),
    "images/layers-2x.png": ("leaflet", "images/layers-2x.png"),
    "images/marker-icon.png": ("leaflet", "images/marker-icon.png"),
    "images/marker-icon-2x.png": ("leaflet", "images/marker-icon-2x.png"),
    "images/marker-shadow.png": ("leaflet", "images/marker-shadow.png"),
}
# the map's own browser code, served beside the vendor files
STATIC_DIR = Path(__file__).resolve().parent / "static"
OWN_FILES = ("bridge.js", "pkir.js", "incidents.js", "cells.js", "view_url.js", "play.js", "pkir.css", "play.css")


def asset_files() -> dict[str, Path]:
    """Every file the maps load, by name as served -> where it is on disk (xstatic packages, static/)."""
    import xstatic.pkg.leaflet as leaflet

    bridge.check()  # bridge.js reads streamlit-folium's and Leaflet's private parts
    roots = {"leaflet": Path(leaflet.BASE_DIR)}
    vendor = {name: roots[package] / source for name, (package, source) in VENDOR_FILES.items()}
    return {**vendor, **{name: STATIC_DIR / name for name in OWN_FILES}}


def vendor_js(base: str = DEFAULT_ASSET_BASE) -> list[tuple[str, str]]:
    """folium-style (name, url) script list: Leaflet, bridge.js (the only code using st_folium's and
    Leaflet's private parts), then pkir.js, incidents.js, cells.js, view_url.js, play.js.

    Nothing else: the maps use no folium popups (jQuery) and no marker clustering (the incident
    layer groups on its own canvas), and every script is one more round trip before the map draws.
    """
    return [
        ("leaflet", f"{base}/leaflet.js"),
        ("pkir_bridge", f"{base}/bridge.js"),
        ("pkir", f"{base}/pkir.js"),
        ("pkir_incidents", f"{base}/incidents.js"),
        ("pkir_cells", f"{base}/cells.js"),
        ("pkir_view_url", f"{base}/view_url.js"),
        ("pkir_play", f"{base}/play.js"),
    ]


def vendor_css(base: str = DEFAULT_ASSET_BASE) -> list[tuple[str, str]]:
    """folium-style (name, url) stylesheet list, the map's own last."""
    return [
        ("leaflet_css", f"{base}/leaflet.css"),
        ("pkir_css", f"{base}/pkir.css"),
        ("pkir_play_css", f"{base}/play.css"),
    ]
