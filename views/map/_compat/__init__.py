"""Shims over the map libraries' private parts: folium (Python) and, for bridge.js, streamlit-folium
and Leaflet (their versions are checked here, the code is views/map/static/bridge.js)."""
