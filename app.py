"""Pakistan–Iran border dashboard: page set-up, navigation and the shared sidebar."""

from pathlib import Path

import streamlit as st

from geo.settings import SettingsError, settings
from ui import datasets, duplicates, saved_views, url_state
from ui.filters import sidebar_filters
from ui.page_scripts import close_sidebar_after_page_change
from ui.safe_text import safe
from ui.shell import run_page
from ui.sidebar import reserve_page_controls

ICON = Path(__file__).resolve().parent / "ui" / "icons" / "favicon.svg"
PAGE_CSS = Path(__file__).resolve().parent / "ui" / "css" / "page.css"

# The tab icon is a local file: a Material page_icon is fetched from fonts.gstatic.com (not offline)
st.set_page_config(page_title="Pakistan–Iran border dashboard", page_icon=ICON, layout="wide")
st.html(PAGE_CSS)  # less white space around the page, so the map gets the room
try:
    settings()
except SettingsError as exc:  # a bad PKIR_ variable: said in one line instead of a traceback on every page
    st.error(safe("This dashboard is not configured correctly: {}", exc))
    st.stop()

PAGES = [
    st.Page("pages/map.py", title="Border map", icon=":material/map:", default=True),
    st.Page("pages/incidents.py", title="Incidents explorer", icon=":material/table_chart:", url_path="incidents"),
    st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"),
    st.Page("pages/chronology.py", title="Chronology", icon=":material/timeline:", url_path="chronology"),
    st.Page("pages/pipeline.py", title="Gas pipeline", icon=":material/oil_barrel:", url_path="pipeline"),
    st.Page("pages/markets.py", title="Markets and crossings", icon=":material/storefront:", url_path="markets"),
    st.Page("pages/sources.py", title="Sources and data", icon=":material/menu_book:", url_path="sources"),
    st.Page("pages/import_data.py", title="Import incidents", icon=":material/upload_file:", url_path="import_data"),
    st.Page("pages/duplicates.py", title="Duplicates", icon=":material/difference:", url_path="duplicates"),
]

page = st.navigation(PAGES)
reserve_page_controls()
url_state.restore(page.url_path)  # a shared link's view, once per session
datasets.sidebar_chooser()
sidebar_filters()
saved_views.sidebar()  # Copy link, saved views
duplicates.sidebar_toggle()
close_sidebar_after_page_change(page.url_path)
run_page(page)
