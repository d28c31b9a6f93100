"""Make sure every page runs inside app.py (page set-up, navigation, shared sidebar).

A pages/ folder beside app.py makes Streamlit start in its old multipage mode: until app.py has
called st.navigation once in the server's life, a first visitor who opens a page's own URL
(a bookmark such as /incidents) gets that page run alone, with Streamlit's file-name navigation
and no shared filters. A page that finds itself run that way switches the mode off and reruns,
so app.py runs and routes to the same page (its url_path is the file's name).
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_shell() -> None:
    """Call first in every page: rerun through app.py when Streamlit ran this page alone."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
