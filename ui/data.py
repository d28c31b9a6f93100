"""Cached layer loading for the app. A broken layer is reported, never fatal."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from geo.catalog import LAYERS, data_dir
from geo.districts import district_choices
from geo.loading import layer_file, layer_path, load_layer
from geo.near import WHOLE_LAYERS, target_choices
from geo.validation import LayerValidationError, ValidationReport
from ui.safe_text import safe
from views.map.layers import features_of


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
    """A catalogued layer as shipped ("incidents": the curated events' file; a page asks for the
    session's incidents through ui.queries)."""
    layer = LAYERS[layer_id]
    folder = str(layer_path(layer).parent)
    return _load(layer_id, folder, _mtime(layer_id))


@st.cache_resource(show_spinner=False, max_entries=64)
def _features(layer_id: str, folder: str, mtime: tuple[int, int], basemap: str) -> list | None:
    loaded = _load(layer_id, folder, mtime)
    return features_of(layer_id, loaded.gdf, basemap) if loaded.gdf is not None else None


def layer_features(layer_id: str, basemap: str) -> list | None:
    """A shipped layer's map features on a basemap, made once per file version (read-only, shared)."""
    return _features(layer_id, str(layer_path(LAYERS[layer_id]).parent), _mtime(layer_id), basemap)


NEAR_LAYERS = tuple(sorted({*WHOLE_LAYERS.values(), "pipeline"}))  # the layers Near's targets come from


@st.cache_data(show_spinner=False, max_entries=8)
def _near_choices(folder: str, versions: tuple) -> list[tuple[str, str]]:
    return target_choices(folder)


def near_choices() -> list[tuple[str, str]]:
    """The Near filter's targets and labels (geo.near.target_choices), again when a layer file changes."""
    return _near_choices(str(data_dir()), tuple(_mtime(k) for k in NEAR_LAYERS))


@st.cache_data(show_spinner=False, max_entries=8)
def _district_choices(folder: str, version: tuple[int, int]) -> list[tuple[str, str]]:
    return district_choices(folder)


def districts_offered() -> list[tuple[str, str]]:
    """The District filter's (id, label) pairs (geo.districts.district_choices), again when the file changes."""
    return _district_choices(str(data_dir()), _mtime("districts"))


def load_all() -> dict[str, Loaded]:
    """Every catalogued layer for this session."""
    return {layer_id: load(layer_id) for layer_id in LAYERS}


def show_errors(results: dict[str, Loaded]) -> None:
    """One clear error box per layer that could not be loaded, the reasons as literal text below it."""
    for res in results.values():
        if res.error:
            st.error(safe("Layer **{}** was not loaded and is left out.", LAYERS[res.layer_id].title))
            st.code(res.error, language=None, wrap_lines=True)
