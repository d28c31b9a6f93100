"""Cached layer loading for the app. A broken layer is reported, never fatal."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from geo.catalog import LAYERS
from geo.loading import layer_path, load_layer
from geo.validation import LayerValidationError, ValidationReport


@dataclass(frozen=True)
class Loaded:
    """A layer as loaded: the frame and its report, or the error that kept it out."""

    layer_id: str
    gdf: gpd.GeoDataFrame | None
    report: ValidationReport | None
    error: str | None


def _mtime(layer_id: str) -> float:
    try:
        return layer_path(LAYERS[layer_id]).stat().st_mtime
    except OSError:
        return 0.0


@st.cache_resource(show_spinner=False, max_entries=64)
def _load(layer_id: str, folder: str, mtime: float) -> Loaded:
    """Keyed by layer id, data folder and file time, so an edited file is read again.

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
    """One clear error box per layer that could not be loaded."""
    for res in results.values():
        if res.error:
            st.error(f"Layer **{LAYERS[res.layer_id].title}** was not loaded and is left out.\n\n```\n{res.error}\n```")


def incidents_or_stop() -> gpd.GeoDataFrame:
    """The session's incidents; when they could not be loaded, say why and end the page there."""
    loaded = load("incidents")
    if loaded.gdf is None:
        show_errors({"incidents": loaded})
        st.stop()
    return loaded.gdf


def per_session(name: str, source, key, compute, keep: int = 2):
    """compute() once per (source object, key) in this session; the last `keep` results are kept.

    For work on the (large) incident set that only changes with the data or the filter, so a
    rerun for a click or a toggle does not repeat it. The entry holds on to source, so its id
    cannot be reused by a newly loaded frame while the entry lives.
    """
    memo: dict = st.session_state.setdefault(f"_per_session_{name}", {})
    entry = memo.get((id(source), key))
    if entry is None or entry[0] is not source:
        while len(memo) >= keep:
            memo.pop(next(iter(memo)))
        entry = memo[(id(source), key)] = (source, compute())
    return entry[1]
