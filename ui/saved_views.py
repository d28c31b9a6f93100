"""The sidebar's "Share this view": Copy link, and named saved views (save, open, delete).

Copy link and the name to save under are a small components-v2 element (ui/js/view_link.js):
it reads the page's address in the browser, map centre and zoom included, which the server
does not know between reruns. A saved view is the URL's parameters, checked by the codec when
saved and again when opened. Views are kept in the workspace, or in team mode (PKIR_DATABASE_URL)
in the database, shared by every replica (geo.store.saved_views); there, saving and deleting
need the same right as changing data (ui.access), and anyone may open them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

from geo.store.base import StoreError
from geo.store.saved_views import SavedViewError, views_of
from geo.store.workspace import default_workspace
from ui import access, datasets, url_state
from ui.safe_text import safe
from ui.url_codec import NAMES, decode, encode

HERE = Path(__file__).resolve().parent
KEYS = {"link": "share_link", "pick": "saved_view_pick", "open": "saved_view_open", "delete": "saved_view_delete"}
_FLASH = "_saved_views_flash"
MARKUP = (
    '<div class="pkir-share">'
    '<div class="pkir-row"><button type="button" class="pkir-copy">Copy link</button>'
    '<span class="pkir-status" role="status"></span></div>'
    '<input class="pkir-url" type="text" readonly hidden aria-label="Link to this view">'
    '<div class="pkir-row pkir-save-row"><input class="pkir-name" type="text" maxlength="80" '
    'placeholder="Name this view" aria-label="Name of the view to save">'
    '<button type="button" class="pkir-save">Save view</button></div>'
    "</div>"
)


@cache
def _component():
    js = (HERE / "js" / "view_link.js").read_text(encoding="utf-8")
    css = (HERE / "css" / "view_link.css").read_text(encoding="utf-8")
    return st.components.v2.component("pkir_view_link", html=MARKUP, css=css, js=js)


def shelf():
    """Where this server keeps saved views (the team database, or the workspace), or None when a
    team server cannot reach its database (a replica keeps nothing on its disk)."""
    found = views_of(datasets.store(), default_workspace())
    return None if access.team_mode() and not found.shared else found


def can_save(where) -> bool:
    """May this session save and delete views there? Shared views need the right to change data."""
    return where is not None and (not where.shared or access.can_change_data())


def canonical(params: dict) -> tuple[dict[str, list[str]], list[str]]:
    """params as the codec reads them now (dropped values named), the selected incident kept."""
    state, dropped = decode(params, url_state.choices(with_data=True))
    out = encode(state, url_state.choices())
    return {k: v if isinstance(v, list) else [v] for k, v in out.items()}, dropped


def _save(where, request) -> None:
    if not isinstance(request, dict):
        return
    found = request.get("params")
    raw: dict = found if isinstance(found, dict) else {}
    params, dropped = canonical({k: v for k, v in raw.items() if k in NAMES})
    params.update({k: [v] for k, v in url_state.other_params(raw).items()})  # a page's own (url_state.page_param)
    try:
        name = where.save(str(request.get("name") or ""), params, user=access.current_user())
    except SavedViewError as exc:
        st.session_state[_FLASH] = ("error", safe("{}", exc))
    except (OSError, ValueError, StoreError) as exc:
        st.session_state[_FLASH] = ("error", safe("The view could not be saved: {}", exc))
    else:
        extra = safe(" (left out: {})", "; ".join(dropped)) if dropped else ""
        st.session_state[_FLASH] = ("success", safe("Saved the view “{}”.", name) + extra)


def _open(views: dict) -> None:
    name = st.session_state.get(KEYS["pick"])
    if name in views:
        url_state.open_view(views[name])


def _delete(where) -> None:
    name = st.session_state.get(KEYS["pick"])
    try:
        gone = where.delete(name) if name else False
    except (OSError, ValueError, StoreError) as exc:
        st.session_state[_FLASH] = ("error", safe("The view could not be deleted: {}", exc))
        return
    if gone:
        st.session_state[_FLASH] = ("success", safe("Deleted the view “{}”.", name))


def sidebar() -> None:
    """Draw "Share this view" in the sidebar (after the filters)."""
    where = shelf()
    writable = can_save(where)
    with st.sidebar:
        st.markdown("**Share this view**")
        result = _component()(
            key=KEYS["link"],
            data={"names": {"c": "c", "z": "z"}, "canSave": writable},
            on_save_change=lambda: None,
        )
        request = getattr(result, "save", None)
        if request and writable:
            _save(where, request)
        flash = st.session_state.pop(_FLASH, None)
        if flash:
            getattr(st, flash[0])(flash[1])
        if where is None:
            st.caption("Saved views are kept in the team database, which cannot be used now. Use Copy link.")
            return
        try:
            views = where.list()
        except (OSError, ValueError, StoreError) as exc:
            st.caption(safe("Saved views cannot be read: {}", exc))
            return
        if not views:
            return
        with st.expander(f"Saved views ({len(views)})"):
            if st.session_state.get(KEYS["pick"]) not in views:
                st.session_state[KEYS["pick"]] = next(iter(views))
            st.selectbox("Saved view", list(views), key=KEYS["pick"], label_visibility="collapsed")
            left, right = st.columns(2)
            left.button("Open", key=KEYS["open"], icon=":material/open_in_browser:", on_click=_open, args=(views,))
            if writable:
                right.button("Delete", key=KEYS["delete"], icon=":material/delete:", on_click=_delete, args=(where,))
            elif where.shared:
                st.caption("Saving and deleting shared views needs the right to change data.")
