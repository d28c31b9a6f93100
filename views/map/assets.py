"""The files every map loads, all served by the app (never a CDN): vendor libraries and pkir.js/css."""

from __future__ import annotations

from collections.abc import Iterable
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


def map_assets(kinds: Iterable[type], base: str = DEFAULT_ASSET_BASE) -> tuple[list, list]:
    """folium-style (name, url) scripts and stylesheets of a map that may hold elements of these
    kinds: Leaflet's, then each kind's own (`scripts`, `styles`: views.map.elements.PkirElement),
    in order, each once.

    A map loads what it may hold, not only what one run holds: a rerun adds elements to the
    frame without reloading it. Nothing else: no folium popups (jQuery), no marker clustering.
    """
    js = {"leaflet.js": None}
    css = {"leaflet.css": None}
    for kind in kinds:
        js |= dict.fromkeys(getattr(kind, "scripts", ()))
        css |= dict.fromkeys(getattr(kind, "styles", ()))
    return [(_asset_name(n), f"{base}/{n}") for n in js], [(_asset_name(n), f"{base}/{n}") for n in css]


def _asset_name(file: str) -> str:
    return file.replace(".", "_").replace("/", "_")  # "bridge.js" -> "bridge_js": folium's key in the header
