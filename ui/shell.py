"""Make sure every page runs inside app.py (page set-up, navigation, shared sidebar).

Streamlit has no setting that turns its legacy multipage mode off: a folder named pages/ beside
app.py switches it on when the server starts, and only a call of st.navigation switches it off
(for the whole server). Until app.py has run once, a first visitor who opens a page's own URL
(a bookmark such as /incidents) gets that page file run alone, without the shared sidebar.

app.py runs the chosen page through run_page, which marks the run. A page that finds itself run
without that mark runs app.py in its place, in the same script run: app.py's st.navigation ends
the legacy mode and routes to this same page (the URL names it), and the page's own run stops
there. Being the same run, a click that caused it (a button, a table selection) is not lost.
Only public Streamlit API is used; tests/app/test_shell.py and the browser smoke test cover it.
"""

from __future__ import annotations

import runpy
import threading
from pathlib import Path

import streamlit as st

from ui import url_state, visits

APP = Path(__file__).resolve().parents[1] / "app.py"
_run = threading.local()  # a script run and the page it runs share one thread


def run_page(page) -> None:
    """Run the page st.navigation chose (called by app.py), marked as run inside the app."""
    _run.inside_app = True
    visits.arrive(page.url_path)
    try:
        page.run()
    finally:
        _run.inside_app = False
        url_state.write_back()  # the address names the view shown (also after st.stop or st.rerun)


def inside_app() -> bool:
    """True while app.py is running a page through run_page."""
    return getattr(_run, "inside_app", False)


def ensure_app_shell() -> None:
    """Call first in every page: when Streamlit ran this page file alone, run app.py instead."""
    if inside_app():
        return
    runpy.run_path(str(APP), run_name="__main__")
    st.stop()  # app.py has drawn this page inside the app; the lone run ends here
