"""Pakistan–Iran border dashboard: page set-up, navigation and the shared sidebar."""

import streamlit as st

from ui import data, datasets
from ui.filters import sidebar_filters
from ui.sidebar import reserve_page_controls

st.set_page_config(page_title="Pakistan–Iran border dashboard", page_icon="🗺️", layout="wide")
# Less white space around the page than Streamlit's default, so the map gets the room
st.html("<style>[data-testid='stMainBlockContainer'] { padding: 3rem 2rem 2rem; }</style>")

PAGES = [
    st.Page("pages/map.py", title="Border map", icon="🗺️", default=True),
    st.Page("pages/incidents.py", title="Incidents explorer", icon="📊", url_path="incidents"),
    st.Page("pages/chronology.py", title="Chronology", icon="🕰️", url_path="chronology"),
    st.Page("pages/pipeline.py", title="Gas pipeline", icon="🛢️", url_path="pipeline"),
    st.Page("pages/markets.py", title="Markets and crossings", icon="🏪", url_path="markets"),
    st.Page("pages/sources.py", title="Sources and data", icon="📚", url_path="sources"),
    st.Page("pages/import_data.py", title="Import incidents", icon="📥", url_path="import_data"),
]

page = st.navigation(PAGES)
reserve_page_controls()
datasets.sidebar_chooser()
sidebar_filters(data.load("incidents").gdf)
page.run()
