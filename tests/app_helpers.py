"""Paths and the start of a page shared by the AppTests."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def open_page(page: str | None = None, timeout: float = 60) -> AppTest:
    """Run app.py (its default page is the map), then switch to page, e.g. "pages/sources.py".
    Fails when a run raises."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def built_once_per_filter(page: str, built: list) -> None:
    """Open page and rerun it: what `built` counts was built once; a new filter builds it once more.

    What other tests asked of the shipped incidents is cached for every session, so it is dropped first.
    """
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page(page)
    at.run()
    assert len(built) == 1
    at.multiselect(key="filter_countries").set_value(["IRN"]).run()
    assert not at.exception and len(built) == 2


def without_own_scripts(html_text: str) -> str:
    """The HTML with the app's own page scripts (ui/js/*.js, run by ui.page_scripts) taken out.

    What is left is what the page built from data, for tests that no script came from the data.
    """
    from ui.page_scripts import JS_DIR

    for script in JS_DIR.glob("*.js"):
        html_text = html_text.replace(f"<script>{script.read_text(encoding='utf-8')}</script>", "")
    return html_text


# every page of the app, as app.py's navigation lists them
PAGES = [
    "pages/map.py",
    "pages/incidents.py",
    "pages/trends.py",
    "pages/chronology.py",
    "pages/pipeline.py",
    "pages/markets.py",
    "pages/sources.py",
    "pages/import_data.py",
    "pages/duplicates.py",
]
