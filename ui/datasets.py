"""Kept datasets in the app: which are shown (a sidebar chooser, remembered in the workspace),
removing one (with a confirmation), reading them (cached by dataset version and filter) and the
Import page's "Keep this dataset" section.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.incidents.compact import stored
from geo.settings import settings
from geo.store import DATABASE_SCHEMES, open_store
from geo.store.base import SHIPPED, IncidentStore, StoreError, problem_line
from geo.store.imports import most_common, source_of
from geo.store.shipped import SHIPPED_SETS, ShippedIncidents, ShippedOnly
from geo.store.workspace import default_workspace, read_json, write_json
from geo.sync.age import age_text
from ui import access
from ui.data import SESSION_INCIDENTS
from ui.safe_text import safe
from ui.shipped_cache import DiskKeeper

CHOICE_FILE = "choice.json"
KEYS = {
    "chosen": "datasets_chosen",
    "remove_pick": "datasets_remove_pick",
    "remove": "datasets_remove",
    "remove_yes": "datasets_remove_yes",
    "remove_no": "datasets_remove_no",
    "keep_name": "keep_name",
    "keep_mode": "keep_mode",
    "keep_licence": "keep_licence",
    "keep_attribution": "keep_attribution",
    "keep_button": "keep_button",
}
_PENDING_REMOVE = "_datasets_pending_remove"
_NEXT_CHOICE = "_datasets_next_choice"  # set after the chooser was drawn; applied before it is drawn next
_FLASH = "_datasets_flash"
SHIPPED_LABELS = {k.name: k.label for k in SHIPPED_SETS}  # how the chooser names each shipped dataset
KEEP_MODES = {
    "Replace the kept rows with this file (rows it no longer has are removed)": "replace",
    "Add and update rows only (a partial or newer extract)": "merge",
}


def location() -> str:
    """Which store this server uses now (tests change the settings between runs)."""
    return settings().store_location


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_at(location: str) -> IncidentStore:
    return open_store(location, shipped=ShippedIncidents(keeper=DiskKeeper()))


STORE_PROBLEMS = (StoreError, OSError, ValueError)  # what a store that cannot be opened or listed raises


def store() -> IncidentStore:
    """The store of this server: PKIR_DATABASE_URL, else the workspace (PKIR_WORKSPACE).

    A store that cannot be opened or listed (a broken or unreadable workspace) is replaced by
    ShippedOnly: the curated events stay shown and its problem says, in one line, what is wrong.
    """
    return usable(location())


def usable(where: str) -> IncidentStore:
    """The store at where when it opens and lists, else the shipped-only stand-in naming its problem."""
    try:
        opened = _store_at(where)
        if not where.startswith(DATABASE_SCHEMES):  # a workspace is checked on every use (a file read);
            opened.list()  # a database is asked only what the page needs (its errors are reported where met)
    except STORE_PROBLEMS as exc:
        return _stand_in(where, problem_line(where, exc))
    return opened


@st.cache_resource(show_spinner=False, max_entries=4)
def _stand_in(where: str, problem: str) -> ShippedOnly:
    """The shipped-only store for a store that cannot be used, kept while its problem stays the same."""
    return ShippedOnly(where, problem, ShippedIncidents(keeper=DiskKeeper()))


def store_notice() -> tuple[str, str]:
    """("error" or "warning", one line) about the store in use, or ("", "") when all is well."""
    current = store()
    if isinstance(current, ShippedOnly):
        kind = "database" if current.location.startswith(DATABASE_SCHEMES) else "workspace"
        return "error", f"The {kind} cannot be used, so only the curated events are shown: {current.problem}"
    warning = getattr(current, "warning", None)
    text = warning() if warning else ""
    return ("warning", text) if text else ("", "")


# ---------------------------------------------------------------- the choice


def _choice_path() -> Path:
    return default_workspace() / CHOICE_FILE


def saved_choice() -> list[str]:
    """The datasets last chosen on this workspace (the shipped ones when nothing was chosen yet)."""
    if access.team_mode():  # a replica keeps nothing on its disk: each session starts from the shipped one
        return [SHIPPED]
    try:
        names = read_json(_choice_path(), {}).get("shown")
    except (ValueError, StoreError):  # unreadable, a link, a folder: start from the shipped dataset
        names = None
    return [str(n) for n in names] if isinstance(names, list) else [SHIPPED]


def save_choice(names: list[str]) -> None:
    """Remember the chosen datasets for the next session (a folder that cannot be written is not fatal)."""
    if access.team_mode() or isinstance(store(), ShippedOnly):  # never write into a workspace refused
        return
    try:
        _choice_path().parent.mkdir(parents=True, exist_ok=True)
        write_json(_choice_path(), {"shown": list(names)})
    except OSError:
        pass


def chosen() -> list[str]:
    """The datasets this session shows, in the chooser's order, dropping any no longer kept."""
    available = store().names()
    if _NEXT_CHOICE in st.session_state:
        names = list(st.session_state[_NEXT_CHOICE])
    elif KEYS["chosen"] in st.session_state:
        names = list(st.session_state[KEYS["chosen"]])
    else:
        names = saved_choice()
    names = [n for n in names if n in available]
    return names or ([SHIPPED] if SHIPPED in available else available[:1])


def _on_choice_change() -> None:
    save_choice(list(st.session_state[KEYS["chosen"]]))


def _choose_next(names: list[str]) -> None:
    """Show these datasets from the next run on (the chooser widget cannot be changed once drawn)."""
    st.session_state[_NEXT_CHOICE] = names
    save_choice(names)


def _label(info) -> str:
    shipped = SHIPPED_LABELS.get(info.name) if info.read_only else None
    if shipped:
        return f"{shipped} (shipped, {info.rows:,})"
    return f"{info.name} ({info.rows:,})"


def sidebar_chooser() -> None:
    """Draw the "Datasets shown" chooser and the remove control in the sidebar."""
    kind, notice = store_notice()
    if kind:
        getattr(st.sidebar, kind)(safe("{}", notice))
    try:
        infos = {i.name: i for i in store().list()}
    except STORE_PROBLEMS as exc:
        st.sidebar.error(safe("The kept datasets could not be listed: {}", exc))
        return
    current = chosen()
    st.session_state.pop(_NEXT_CHOICE, None)
    if st.session_state.get(KEYS["chosen"]) != current:
        st.session_state[KEYS["chosen"]] = current
    with st.sidebar:
        st.multiselect(
            "Datasets shown",
            list(infos),
            key=KEYS["chosen"],
            format_func=lambda n: _label(infos[n]) if n in infos else n,
            on_change=_on_choice_change,
            help="Kept datasets are saved in your workspace and stay after a restart.",
            placeholder="Curated events (shipped)",
        )
        if st.session_state.get(SESSION_INCIDENTS) is not None:
            st.caption("This session shows the file used on the Import page instead, until you go back there.")
        kept = [n for n in infos if not infos[n].read_only]
        ages = [(n, age_text(infos[n])) for n in kept]
        if ages:  # how old each kept dataset is: "synced 3 days ago", "kept 2 hours ago"
            st.caption(safe("{}", " · ".join(f"{n}: {age}" for n, age in ages if age)))
        access.sign_in_box()
        if kept:
            _kept_panel([infos[n] for n in kept])
        flash = st.session_state.pop(_FLASH, None)
        if flash:
            st.success(flash)


def manifest_rows(infos) -> pd.DataFrame:
    """The manifest of kept datasets as a table (plain text cells: st.dataframe renders no Markdown)."""
    return pd.DataFrame(
        [
            {
                "dataset": i.name,
                "rows": i.rows,
                "source file": i.source.file_name,
                "format": i.source.format,
                "kept at (UTC)": i.imported_at.replace("T", " ")[:16],
                "rows read": i.source.rows_read,
                "accepted": i.source.rows_accepted,
                "rejected": i.source.rows_rejected,
                "licence": i.source.licence,
                "attribution": i.source.attribution,
                "SHA-256": i.source.file_hash[:12],
            }
            for i in infos
        ]
    )


def _kept_panel(infos) -> None:
    kept = [i.name for i in infos]
    with st.expander("Kept datasets"):
        st.dataframe(manifest_rows(infos), hide_index=True, key="datasets_manifest")
        if not access.can_change_data():
            st.caption(access.refusal())
            return
        pending = st.session_state.get(_PENDING_REMOVE)
        if pending is not None and pending in kept:
            st.warning(safe("Remove “{}” and all its rows from the workspace? This cannot be undone.", pending))
            yes, no = st.columns(2)
            if yes.button("Yes, remove", key=KEYS["remove_yes"], type="primary"):
                st.session_state.pop(_PENDING_REMOVE, None)
                try:
                    store().remove(pending)
                except StoreError as exc:
                    st.error(safe("{}", exc))
                    return
                _choose_next([n for n in chosen() if n != pending] or [SHIPPED])
                st.session_state[_FLASH] = safe("Removed “{}”.", pending)
                st.rerun()
            if no.button("Cancel", key=KEYS["remove_no"]):
                st.session_state.pop(_PENDING_REMOVE, None)
                st.rerun()
            return
        pick = st.selectbox("Remove a kept dataset", kept, key=KEYS["remove_pick"])
        if st.button("Remove…", key=KEYS["remove"]):
            st.session_state[_PENDING_REMOVE] = pick
            st.rerun()


# ---------------------------------------------------------------- captions


def chosen_label() -> str:
    """What the chosen datasets are, for captions (plain text: escape before Markdown)."""
    return ", ".join("curated events" if n == SHIPPED else n for n in chosen())


# ---------------------------------------------------------------- the Import page


def keep_section(upload, result) -> None:
    """ "Keep this dataset": save an import's accepted rows into the workspace (or team database)."""
    if upload is None or result is None or not result.count:
        return
    st.subheader("Keep this dataset")
    if not access.can_change_data():
        st.info(access.refusal())
        return
    current = store()
    if isinstance(current, ShippedOnly):  # say so before the form, not after a click
        st.error(safe("Nothing can be kept now: {}", current.problem))
        return
    st.caption(
        safe(
            "Kept datasets are saved in your workspace ({}) and stay there after a restart; choose "
            "which are shown in the sidebar. ACLED rows stay in your workspace: they are never shipped.",
            store().location,
        )
    )
    incidents = result.flat  # compact (geo.incidents.compact)
    name = st.text_input("Dataset name", value=Path(upload.name).stem[:80], key=KEYS["keep_name"])
    mode = st.radio("If a dataset of this name is kept already", list(KEEP_MODES), key=KEYS["keep_mode"])
    licence = st.text_input("Licence", value=most_common(incidents, "licence"), key=KEYS["keep_licence"])
    attribution = st.text_input("Attribution", value=most_common(incidents, "dataset"), key=KEYS["keep_attribution"])
    if not st.button("Keep this dataset", key=KEYS["keep_button"], type="primary"):
        return
    digest = hashlib.sha256(upload.getvalue()).hexdigest()
    source = source_of(result, Path(upload.name).name, digest, licence, attribution)
    try:
        report = store().save(name, stored(incidents), source, mode=KEEP_MODES[mode])
    except StoreError as exc:
        st.error(safe("Not kept: {}", exc))
        return
    names = chosen()
    _choose_next(names if report.dataset in names else [*names, report.dataset])
    st.session_state[_FLASH] = safe("Kept. {}", report.summary())
    st.rerun()
