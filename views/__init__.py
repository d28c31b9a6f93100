"""Presentation built from geo results: folium maps, Altair charts, record HTML (no Streamlit)."""
