"""Streamlit glue: cached loaders, the shared sidebar, the map wrapper, offline assets."""
