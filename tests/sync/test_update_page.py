"""AppTest of the Import page's "Update now" on a dataset kept from an API, for an editor and a
viewer, and of the sidebar saying how old each dataset is."""

from __future__ import annotations

import re

import pytest
import streamlit as st

from geo.sync import run
from tests.app_helpers import open_page
from tests.sync.conftest import snapshot
from tests.sync.fake_api import PASSWORD, USER, acled_row

pytestmark = pytest.mark.app
NAME = "ACLED border"


@pytest.fixture
def kept(store, api):
    """A dataset kept by a first ACLED sync against the fake API (3 rows), then 2 new rows at ACLED."""
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(3)]
    run.sync_acled(store, NAME, ["Pakistan"], username=USER, password=PASSWORD, api_url=api.url)
    api.acled_rows += [acled_row(5, 2000), acled_row(6, 2001)]
    st.cache_resource.clear()
    st.cache_data.clear()
    return store


def ages(at) -> str:
    """The sidebar's line of dataset ages, Markdown escapes taken out."""
    return " ".join(c.value.replace("\\", "") for c in at.sidebar.caption)


def test_an_editor_updates_a_synced_dataset_and_sees_the_report(kept, api):
    at = open_page("pages/import_data.py")
    assert f"{NAME} (3)" in at.multiselect(key="datasets_chosen").options
    assert re.search(rf"{re.escape(NAME)}: synced \S.* ago", ages(at)), ages(at)  # from the history's newest save
    assert at.selectbox(key="sync_pick").value == NAME
    at.button(key="sync_update").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (done,) = at.success
    assert done.value.replace("\\", "").startswith(
        "Updated. ACLED border: 3 row(s) from the ACLED API"
    )  # rows at timestamp >= 1002
    assert any("saved: ACLED border: 2 added, 0 changed, 0 removed, 1 unchanged" in t.value for t in at.text)
    assert len(kept.read(NAME)) == 5
    assert f"{NAME} (5)" in at.multiselect(key="datasets_chosen").options  # the sidebar drawn after the update


def test_a_failed_update_says_why_in_one_line_and_changes_nothing(kept, api):
    before = snapshot(kept, NAME)
    api.no_access = True
    at = open_page("pages/import_data.py")
    at.button(key="sync_update").click().run()
    assert not at.exception
    (error,) = at.error
    assert error.value.replace("\\", "").startswith("Not updated: this ACLED account has no API access")
    assert snapshot(kept, NAME) == before


def test_a_viewer_cannot_update(kept, api, settings_env):
    settings_env.setenv("PKIR_EDITORS", "ana@desk.example")  # guarded; this anonymous visitor is no editor
    settings_env.delenv("PKIR_AUTH_HEADER", raising=False)
    before, asked = snapshot(kept, NAME), len(api.log)
    at = open_page("pages/import_data.py")
    assert not [b for b in at.button if b.key == "sync_update"]
    assert any("nobody can sign in" in i.value for i in at.info), [i.value for i in at.info]
    assert snapshot(kept, NAME) == before and len(api.log) == asked  # no request reached the API


def test_without_a_synced_dataset_the_section_is_not_drawn(store):
    at = open_page("pages/import_data.py")
    assert not [b for b in at.button if b.key == "sync_update"]
    assert not (store.folder / "sync").exists()  # opening the page writes nothing


def test_hostile_text_from_the_api_and_the_name_reaches_the_page_escaped(store, api):
    from tests.hostile.payloads import PAYLOADS, alive_in_markdown

    name = PAYLOADS["md_link"]
    api.acled_rows = [acled_row(0, 1000, notes=PAYLOADS["md_image"], location=PAYLOADS["autolinks"])]
    run.sync_acled(store, name, ["Pakistan"], username=USER, password=PASSWORD, api_url=api.url)
    api.acled_rows.append(acled_row(1, 2000, event_id_cnty=PAYLOADS["directives"], latitude="95"))  # rejected
    st.cache_resource.clear()
    st.cache_data.clear()
    at = open_page("pages/import_data.py")
    at.button(key="sync_update").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (done,) = at.success
    assert "1 rejected" in done.value.replace("\\", "")
    assert any("evil.example" in t.value for t in at.text)  # the rejected row, named, as plain text
    for element in [*at.success, *at.error, *at.info, *at.warning, *at.markdown, *at.caption]:
        assert not alive_in_markdown(element.value), element.value
