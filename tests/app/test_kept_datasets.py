"""AppTest of kept datasets: keep an import, choose what is shown, remove one, a new session."""

from __future__ import annotations

import json

import pytest
import streamlit as st

from geo.importers import import_file
from geo.store.base import SHIPPED, SourceInfo
from geo.store.embedded import EmbeddedStore
from geo.store.shipped import SHIPPED_NAMES
from geo.store.workspace import WORKSPACE_ENV
from tests.app_helpers import ROOT, open_page

ACLED = ROOT / "tests" / "data" / "import" / "acled_new.csv"
CHOSEN = "datasets_chosen"
UCDP_LABEL = "UCDP GED 22.1 events (shipped, 6,416)"  # the other shipped dataset (geo/data/ucdp_ged.geojson.gz)


@pytest.fixture
def workspace(tmp_path, settings_env):
    """An empty workspace of its own for the app under test."""
    folder = tmp_path / "workspace"
    settings_env.setenv(WORKSPACE_ENV, str(folder))
    return folder


def restart() -> None:
    """What a server restart forgets: every cached store and read."""
    st.cache_resource.clear()
    st.cache_data.clear()


def keep_acled(name: str):
    at = open_page("pages/import_data.py")
    at.file_uploader(key="import_file").set_value((ACLED.name, ACLED.read_bytes(), "text/csv")).run()
    at.text_input(key="keep_name").set_value(name).run()
    at.button(key="keep_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_import_kept_on_the_import_page_is_shown_and_stays_after_a_restart(workspace):
    at = keep_acled("ACLED test")
    assert any("ACLED test" in s.value and "added" in s.value for s in at.success), [s.value for s in at.success]
    assert at.multiselect(key=CHOSEN).value == [SHIPPED, "ACLED test"]
    cats = at.multiselect(key="filter_categories").options
    assert "air/drone strike" in cats and "inauguration" in cats  # ACLED rows and the curated ones

    restart()
    again = open_page("pages/incidents.py")
    assert again.multiselect(key=CHOSEN).value == [SHIPPED, "ACLED test"]
    assert "air/drone strike" in again.multiselect(key="filter_categories").options
    assert json.loads((workspace / "choice.json").read_text())["shown"] == [SHIPPED, "ACLED test"]


def test_keeping_the_same_file_again_changes_nothing(workspace):
    keep_acled("ACLED test")
    at = keep_acled("ACLED again")
    assert any("nothing changed" in s.value and "ACLED test" in s.value for s in at.success)
    assert EmbeddedStore(workspace).names() == [*SHIPPED_NAMES, "ACLED test"]


def test_a_dataset_name_reaches_the_page_as_plain_text(workspace):
    at = keep_acled("[x](https://example.org/x) **bold**")
    messages = [s.value.replace("\u2060", "") for s in at.success]  # md_escape breaks autolinks with a word joiner
    assert any(r"\[x\]\(https\:\/\/example\.org\/x\) \*\*bold\*\*" in m for m in messages), messages


def kept_synthetic(workspace, name: str = "kept") -> EmbeddedStore:
    result = import_file(ACLED)
    store = EmbeddedStore(workspace)
    source = SourceInfo.from_file(ACLED, result.format, result.rows_read, len(result.incidents))
    store.save(name, result.incidents, source)
    return store


def test_the_chooser_decides_which_incidents_every_page_uses(workspace):
    kept_synthetic(workspace)
    at = open_page("pages/map.py")
    assert at.multiselect(key=CHOSEN).options == ["Curated events (shipped, 51)", UCDP_LABEL, "kept (3)"]
    assert at.multiselect(key=CHOSEN).value == [SHIPPED]
    at.multiselect(key=CHOSEN).set_value(["kept"]).run()
    cats = at.multiselect(key="filter_categories").options
    assert "air/drone strike" in cats and "inauguration" not in cats
    assert json.loads((workspace / "choice.json").read_text())["shown"] == ["kept"]
    at.multiselect(key=CHOSEN).set_value([]).run()  # nothing chosen: the curated events, not an empty app
    assert at.multiselect(key=CHOSEN).value == [SHIPPED]


def test_removing_a_dataset_asks_first(workspace):
    store = kept_synthetic(workspace)
    at = open_page("pages/map.py")
    at.multiselect(key=CHOSEN).set_value([SHIPPED, "kept"]).run()
    manifest = at.sidebar.dataframe[0].value
    assert manifest.iloc[0][["dataset", "rows", "source file", "format", "rows read", "rejected"]].tolist() == [
        "kept",
        3,
        ACLED.name,
        "ACLED",
        6,
        3,
    ]
    at.button(key="datasets_remove").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    at.button(key="datasets_remove_no").click().run()
    assert store.names() == [*SHIPPED_NAMES, "kept"]
    at.button(key="datasets_remove").click().run()
    at.button(key="datasets_remove_yes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.names() == [*SHIPPED_NAMES]
    assert at.multiselect(key=CHOSEN).options == ["Curated events (shipped, 51)", UCDP_LABEL]
    assert at.multiselect(key=CHOSEN).value == [SHIPPED]


def test_a_cached_answer_keys_on_the_query_and_the_dataset_version(workspace):
    from datetime import date

    from geo.filters import IncidentFilter
    from geo.store.base import reference_query
    from ui import datasets, queries

    store = kept_synthetic(workspace)
    restart()
    st.session_state.clear()
    datasets.save_choice([SHIPPED, "kept"])
    flt = IncidentFilter(date_from=date(2010, 1, 1), categories=("attack", "air/drone strike"))
    got = queries.rows(queries.query(flt, columns=("title",)))
    want = reference_query(store.read([SHIPPED, "kept"]), flt)
    assert list(got.columns) == ["id", "title"]
    assert sorted(got["id"]) == sorted(want["id"]) and len(got) > 1
    assert len(queries.rows(queries.query(IncidentFilter(), columns=("title",)))) > len(got)  # another query
    result = import_file(ACLED)
    changed = result.incidents.assign(category="attack")
    store.save("kept", changed, SourceInfo("v2.csv", "v2", "ACLED", 3, 3, 0))
    again = queries.rows(queries.query(flt, columns=("title",)))
    assert len(again) > len(got)  # a new version is asked, not the cache


def test_the_sources_page_lists_kept_datasets_with_their_licences(workspace):
    """Issue 20 item 11: the Sources and data page did not list kept datasets and their licences."""
    result = import_file(ACLED)
    store = EmbeddedStore(workspace)
    source = SourceInfo.from_file(
        ACLED, result.format, result.rows_read, len(result.incidents), licence="ACLED terms of use",
        attribution="ACLED, www.acleddata.com",
    )  # fmt: skip
    store.save("ACLED [Pakistan](https://example.org)", result.incidents, source)
    at = open_page("pages/sources.py")
    (table,) = [t for t in at.table if "Licence" in t.value.columns and "Dataset" in t.value.columns]
    row = table.value.iloc[0]
    assert row["Dataset"] == r"ACLED \[Pakistan\]\(https\:" + "\u2060" + r"\/\/example\.org\)"  # text, no link
    assert row["Licence"] == "ACLED terms of use" and "acleddata" in row["Attribution"]
    assert row["Rows"] == "3" and row["Shown"] == "no"


def test_the_sources_page_says_when_nothing_is_kept(workspace):
    at = open_page("pages/sources.py")
    assert any("No imported dataset is kept" in c.value for c in at.caption)
