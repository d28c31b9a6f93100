"""Small browser-side actions the page asks for: scroll a record into view, fold the phone sidebar.

The JavaScript lives in ui/js/*.js; st.html runs it in the page (not in an iframe). A script
runs when its element is new, so each call carries a token (what changed) in the markup.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

import streamlit as st

JS_DIR = Path(__file__).resolve().parent / "js"
_LAST_PAGE = "_page_scripts_last_page"
_LAST_SCROLL = "_page_scripts_last_scroll"


@cache
def _script(name: str) -> str:
    return (JS_DIR / name).read_text(encoding="utf-8")


def _run(where, name: str, marker: str) -> None:
    where.html(f"{marker}<script>{_script(name)}</script>", unsafe_allow_javascript=True, width="content")


def scroll_into_view(key: str, token: str) -> None:
    """Scroll the container with this key into view once per new token (e.g. the record's id)."""
    if st.session_state.get(_LAST_SCROLL + key) == token:
        return
    st.session_state[_LAST_SCROLL + key] = token
    marker = (
        f'<span class="pkir-scroll-target" data-key="{html.escape(key, quote=True)}" '
        f'data-token="{html.escape(token, quote=True)}"></span>'
    )
    _run(st, "scroll_into_view.js", marker)


def forget_scroll(key: str) -> None:
    """Nothing is open in this container any more: the next record opened scrolls again."""
    st.session_state.pop(_LAST_SCROLL + key, None)


def close_sidebar_after_page_change(page_id: str) -> None:
    """On a phone, fold the sidebar once the reader has chosen another page in it."""
    last = st.session_state.get(_LAST_PAGE)
    st.session_state[_LAST_PAGE] = page_id
    if last is not None and last != page_id:
        marker = f'<span class="pkir-page-changed" data-page="{html.escape(page_id, quote=True)}"></span>'
        _run(st.sidebar, "close_sidebar_on_phone.js", marker)
