"""Cached layer loading for the app. A broken layer is reported, never fatal."""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from geo.catalog import LAYERS
from geo.loading import layer_file, layer_path, load_layer
from geo.validation import LayerValidationError, ValidationReport
from ui.safe_text import safe


@dataclass(frozen=True)
class Loaded:
    """A layer as loaded: the frame and its report, or the error that kept it out."""

    layer_id: str
    gdf: gpd.GeoDataFrame | None
    report: ValidationReport | None
    error: str | None


def _mtime(layer_id: str) -> tuple[int, int]:
    """(time, size) of the layer's file, read again when either changes; (0, 0) when it is refused."""
    try:
        info = layer_file(LAYERS[layer_id]).stat()
    except (LayerValidationError, OSError):
        return 0, 0
    return info.st_mtime_ns, info.st_size


@st.cache_resource(show_spinner=False, max_entries=64)
def _load(layer_id: str, folder: str, mtime: tuple[int, int]) -> Loaded:
    """Keyed by layer id, data folder and file time and size, so an edited file is read again.

    Returned objects are shared between sessions: treat them as read-only.
    """
    try:
        gdf, report = load_layer(layer_id, folder)
    except LayerValidationError as exc:
        return Loaded(layer_id, None, None, str(exc))
    except Exception as exc:  # unreadable file: say so, keep the app running
        return Loaded(layer_id, None, None, f"{LAYERS[layer_id].file}: {type(exc).__name__}: {exc}")
    return Loaded(layer_id, gdf, report, None)


SESSION_INCIDENTS = "session_incidents"


def use_session_incidents(gdf: gpd.GeoDataFrame | None, label: str = "") -> None:
    """Make every page of this session use these incidents (None goes back to the shipped ones)."""
    if gdf is None:
        st.session_state.pop(SESSION_INCIDENTS, None)
    else:
        st.session_state[SESSION_INCIDENTS] = Loaded("incidents", gdf, None, None)
        st.session_state[SESSION_INCIDENTS + "_label"] = label


def session_incidents_label() -> str | None:
    """What the session's imported incidents are, or None when the shipped layer is in use."""
    if st.session_state.get(SESSION_INCIDENTS) is None:
        return None
    return st.session_state.get(SESSION_INCIDENTS + "_label", "imported incidents")


def load(layer_id: str) -> Loaded:
    """A layer for this session (incidents: this session's import, else the datasets chosen in the sidebar)."""
    if layer_id == "incidents":
        if st.session_state.get(SESSION_INCIDENTS) is not None:
            return st.session_state[SESSION_INCIDENTS]
        from ui.datasets import load_incidents  # ui.datasets builds on this module

        return load_incidents()
    layer = LAYERS[layer_id]
    folder = str(layer_path(layer).parent)
    return _load(layer_id, folder, _mtime(layer_id))


def load_all() -> dict[str, Loaded]:
    """Every catalogued layer for this session."""
    return {layer_id: load(layer_id) for layer_id in LAYERS}


def show_errors(results: dict[str, Loaded]) -> None:
    """One clear error box per layer that could not be loaded, the reasons as literal text below it."""
    for res in results.values():
        if res.error:
            st.error(safe("Layer **{}** was not loaded and is left out.", LAYERS[res.layer_id].title))
            st.code(res.error, language=None, wrap_lines=True)


def incidents_or_stop() -> gpd.GeoDataFrame:
    """The session's incidents; when they could not be loaded, say why and end the page there."""
    loaded = load("incidents")
    if loaded.gdf is None:
        show_errors({"incidents": loaded})
        st.stop()
    return loaded.gdf


def _is_sessions_own(source) -> bool:
    """True for this session's imported incidents: work on them stays in the session."""
    own = st.session_state.get(SESSION_INCIDENTS)
    return own is not None and own.gdf is source


@st.cache_resource(show_spinner=False)
def _shared_memo() -> tuple[threading.Lock, OrderedDict]:
    """Work on frames shared by every session (shipped and kept datasets), kept once for all."""
    return threading.Lock(), OrderedDict()


SHARED_KEEP = 24  # results of work on shared frames kept for every session


def per_session(name: str, source, key, compute, keep: int = 2):
    """compute() once per (source object, key); the last results are kept.

    For work on the (large) incident set that only changes with the data or the filter, so a
    rerun for a click or a toggle, or a new session on the same datasets, does not repeat it.
    Work on this session's own import stays in its session (the last `keep`); work on frames
    every session shares (loaded through the cached readers) is kept once for all sessions: a
    session can only reach an entry by holding the very frame it was made from, so nothing of one
    session's data reaches another. Results may be shared: treat them as read-only. An entry
    holds on to source, so its id cannot be reused by a newly loaded frame while the entry lives.
    """
    if _is_sessions_own(source):
        memo: dict = st.session_state.setdefault(f"_per_session_{name}", {})
        limit, lock = keep, None
    else:
        lock, memo = _shared_memo()
        limit = SHARED_KEEP
    entry_key = (name, id(source), key)
    with lock or nullcontext():
        entry = memo.get(entry_key)
        if entry is not None and entry[0] is source:
            if lock:
                memo.move_to_end(entry_key)
            return entry[1]
    result = compute()
    with lock or nullcontext():
        memo.pop(entry_key, None)
        while len(memo) >= limit:
            memo.pop(next(iter(memo)))
        memo[entry_key] = (source, result)
    return result
