"""The baseline for bench.bench_scale: a plain folium GeoJson layer of the same incidents in st_folium.

One circle marker per incident with a tooltip (title) and a popup (id), Leaflet served locally
(offline, like the app). Run by bench_scale from a temporary folder (PKIR_DATA_DIR set); not part
of the app.
"""

from __future__ import annotations

import os
from pathlib import Path

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

BASE = "/app/static/vendor"


@st.cache_resource
def incidents() -> gpd.GeoDataFrame:
    """The incidents file of PKIR_DATA_DIR, located rows, the three columns the layer shows."""
    gdf = gpd.read_file(Path(os.environ["PKIR_DATA_DIR"]) / "incidents.geojson", columns=["id", "title"])
    return gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]


st.set_page_config(layout="wide")
# folium's own defaults, served locally: Leaflet, and jQuery for the popups (the app needs neither)
folium.Map.default_js = [("leaflet", f"{BASE}/leaflet.js"), ("jquery", f"{BASE}/jquery.min.js")]
folium.Map.default_css = [("leaflet_css", f"{BASE}/leaflet.css")]
gdf = incidents()
m = folium.Map(location=[28.5, 64.5], zoom_start=6, tiles=None, max_zoom=18)
folium.GeoJson(
    gdf,
    marker=folium.CircleMarker(radius=5, fill=True),
    tooltip=folium.GeoJsonTooltip(fields=["title"]),
    popup=folium.GeoJsonPopup(fields=["id"]),
).add_to(m)
st.write(f"{len(gdf):,} incidents, plain folium GeoJson")
st_folium(m, key="naive", height=640, use_container_width=True, returned_objects=["last_active_drawing"])
