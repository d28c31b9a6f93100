"""The sidebar's order: a page's own controls first, then the shared incident filters.

app.py reserves a slot above the filters on every run; a page writes its controls into it, so
controls such as the map's layer toggles are in view without scrolling past the filters.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# Shows a "wide_…" keyed container only on wide screens and a "narrow_…" one only on phones
NARROW_SCREENS_CSS = Path(__file__).resolve().parent / "css" / "narrow_screens.css"
_SLOT = "_page_sidebar_slot"


def reserve_page_controls() -> None:
    """Make the slot (call before the filters are drawn)."""
    st.session_state[_SLOT] = st.sidebar.container()


def page_controls():
    """The slot reserved for this run, or the sidebar when the page runs without app.py."""
    return st.session_state.get(_SLOT) or st.sidebar
