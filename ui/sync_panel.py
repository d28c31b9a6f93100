"""The Import page's "Update from the API": editors update a kept dataset that came from an API
(geo.sync), with progress and the report; viewers are told who may."""

from __future__ import annotations

import streamlit as st

from geo.settings import settings
from geo.store.base import StoreError
from geo.store.shipped import ShippedOnly
from geo.sync import run
from geo.sync.age import age_text
from geo.sync.http import SyncError
from ui import access, datasets
from ui.safe_text import safe

KEYS = {"pick": "sync_pick", "update": "sync_update"}
_REPORT = "_sync_report"


def _synced(store) -> dict[str, dict]:
    """The kept datasets of this store that came from an API ({} when it cannot say)."""
    if isinstance(store, ShippedOnly):
        return {}
    try:
        kept = set(store.names())
        return {n: s for n, s in run.synced(store).items() if n in kept}
    except (StoreError, OSError, ValueError):
        return {}


def update_section() -> None:
    """Draw the section when a kept dataset came from an API (nothing otherwise)."""
    store = datasets.store()
    synced = _synced(store)
    if not synced:
        return
    st.subheader("Update from the API")
    if not access.can_change_data():
        st.info(access.refusal())
        return
    infos = {i.name: i for i in store.list()}

    def label(name: str) -> str:
        what = "ACLED" if synced[name].get("source") == "acled" else "UCDP"
        age = age_text(infos[name]) if name in infos else ""
        return f"{name} ({what}{', ' + age if age else ''})"

    name = st.selectbox("Kept dataset from an API", sorted(synced), format_func=label, key=KEYS["pick"])
    if st.button("Update now", key=KEYS["update"], type="primary"):
        bar = st.progress(0.0, text="Starting")
        try:
            report = run.update(
                store, name, settings(), progress=lambda share, text: bar.progress(min(max(share, 0.0), 1.0), text=text)
            )
        except (SyncError, StoreError, OSError) as exc:
            st.session_state[_REPORT] = ("error", [" ".join(str(exc).split())])
        else:
            st.session_state[_REPORT] = ("success", report.lines())
        bar.empty()
        st.rerun()  # the sidebar then shows the new row count and age
    outcome = st.session_state.pop(_REPORT, None)
    if outcome is not None:
        kind, lines = outcome
        if kind == "error":
            st.error(safe("Not updated: {}", lines[0]))
        else:
            st.success(safe("Updated. {}", lines[0]))
            if len(lines) > 1:
                st.text("\n".join(lines[1:]))  # plain text: no Markdown
