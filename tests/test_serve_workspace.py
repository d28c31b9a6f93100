"""ui.serve's warm-up with a workspace that cannot be used (issue 21, item 5): the server still
starts with the curated events, and the pages name the problem."""

import streamlit as st

import ui.data
import ui.serve
from geo.store.embedded import EmbeddedStore
from geo.store.workspace import WORKSPACE_ENV


def test_warm_starts_with_the_curated_events_when_the_manifest_is_a_folder(tmp_path, settings_env):
    folder = tmp_path / "ws"
    EmbeddedStore(folder)
    (folder / "manifest.json").mkdir()
    settings_env.setenv(WORKSPACE_ENV, str(folder))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        assert ui.serve.warm() > 0  # no traceback before Streamlit starts
        loaded = ui.data.load("incidents")
        assert loaded.error is None and len(loaded.gdf) > 0
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
