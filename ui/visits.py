"""Which page a run shows, and whether the session has just come to it from another page.

Streamlit clears the address's parameters when the user goes to another page, so a page that
finds no ?incident= cannot tell Back to its plain address (close the record) from a visit to
another page and back (keep it open) without knowing this.
"""

from __future__ import annotations

import streamlit as st

_LAST = "_visits_last_page"
_ARRIVED = "_visits_arrived"


def arrive(page: str) -> None:
    """Note that this run shows page (its URL path); called once a run, before the page runs."""
    st.session_state[_ARRIVED] = st.session_state.get(_LAST) != page
    st.session_state[_LAST] = page


def arrived() -> bool:
    """True when this run is the first of a visit to its page (a session's first run included)."""
    return bool(st.session_state.get(_ARRIVED, True))
