"""Serve Leaflet and the map's own pkir.js/css from the app itself.

At start-up the files are copied (not symlinked: Streamlit answers HTTP 400 for a symlink) from
the xstatic PyPI packages and views/map/static/ into static/vendor/, which Streamlit serves at /app/static/vendor/
because .streamlit/config.toml sets server.enableStaticServing. Every map of the app is an
AssetMap naming those URLs (views.map._compat.folium), so none loads folium's CDN defaults.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import streamlit as st

from geo.files import write_atomic
from views.map.assets import asset_files

APP_ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = APP_ROOT / "static"
VENDOR_DIR = STATIC_DIR / "vendor"


def copy_vendor_files(target: Path = VENDOR_DIR) -> list[Path]:
    """Copy the vendor files into target when missing or different; return those (re)written."""
    written = []
    for name, source in asset_files().items():
        dest = target / name
        if dest.is_file() and not dest.is_symlink() and filecmp.cmp(source, dest, shallow=False):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(dest, source.read_bytes())  # a concurrent reader never sees half a file
        written.append(dest)
    return written


def static_url(relative: str) -> str:
    """URL of a file under static/ as the browser sees it (honours server.baseUrlPath)."""
    prefix = (st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(p for p in (prefix, "app/static", relative.strip("/")) if p)


def asset_base() -> str:
    """URL under which the vendor files are served."""
    return static_url("vendor")


@st.cache_resource(show_spinner=False)
def _install(base: str) -> str:
    copy_vendor_files()
    return base


def ensure_assets() -> str:
    """Copy the vendor files once per server process and return their base URL (the maps name
    their own scripts under it: views.map._compat.folium.AssetMap)."""
    return _install(asset_base())
