"""AppTest: the shipped UCDP GED events are offered beside the curated ones, not shown at first, and counted."""

from __future__ import annotations

import pytest
import streamlit as st

from geo.store.base import SHIPPED
from geo.store.shipped import UCDP_NAME
from geo.store.workspace import WORKSPACE_ENV
from tests.app_helpers import PAGES, open_page

pytestmark = pytest.mark.app
CHOSEN = "datasets_chosen"
UCDP_ROWS = 6416


@pytest.fixture(autouse=True)
def workspace(tmp_path, settings_env):
    """A workspace of its own: no earlier choice of datasets."""
    settings_env.setenv(WORKSPACE_ENV, str(tmp_path / "workspace"))
    st.cache_resource.clear()
    st.cache_data.clear()


def events(at) -> int:
    return int(next(m for m in at.metric if m.label == "Events").value.replace(",", ""))


def test_the_chooser_offers_the_ucdp_events_with_their_count_and_shows_the_curated_ones_first():
    at = open_page("pages/incidents.py")
    chooser = at.multiselect(key=CHOSEN)
    assert chooser.value == [SHIPPED]  # first view: the curated events only (geo/data/README.md says why)
    assert f"UCDP GED 22.1 events (shipped, {UCDP_ROWS:,})" in chooser.options
    curated = events(at)
    chooser.set_value([SHIPPED, UCDP_NAME]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert events(at) == curated + UCDP_ROWS
    at.multiselect(key=CHOSEN).set_value([UCDP_NAME]).run()
    assert events(at) == UCDP_ROWS


def test_the_sources_page_gives_the_ucdp_licence_and_citation():
    at = open_page("pages/sources.py")
    tables = [t.value for t in at.table]
    shipped = next(t for t in tables if "Shipped dataset" in t.columns)
    row = shipped[shipped["File"].str.contains("ucdp", regex=False)].iloc[0]
    assert row["Rows"] == f"{UCDP_ROWS:,}" and row["Shown"] == "no"
    assert "CC BY 4" in row["Licence"] and "Sundberg" in row["Attribution"] and "22" in row["Attribution"]
    assert any("UCDP GED events (shipped)" in c.value for c in at.caption)
    assert any(e.label.startswith("UCDP GED 22.1 events: source, licence, citation") for e in at.expander)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/sources.py"])
def test_every_page_runs_with_the_ucdp_events_shown(page):
    at = open_page(page)
    at.multiselect(key=CHOSEN).set_value([SHIPPED, UCDP_NAME]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error], page
