"""The Trends page's one way to the incidents: geo.trends.query_cells over this session's datasets,
cached by dataset version, filter and periods (so a rerun for a click asks the store nothing).

The store answers the aggregates (DuckDB over the workspace's files, SQL in PostGIS); a session's own
import goes to the same engine as an in-memory frame. Rewire here when the query layer changes.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo.filters import IncidentFilter
from geo.store.base import StoreError
from geo.store.query import open_queries
from geo.trends import Period, TrendCells, query_cells
from ui.data import SESSION_INCIDENTS, per_session
from ui.datasets import _location, chosen, filter_key, store

SESSION_NAME = "imported"  # the name a session's own import goes by in the query engine


@st.cache_resource(show_spinner=False, max_entries=4)
def _engine(location: str, names: tuple[str, ...], version: str):
    """The query engine over these datasets at this version, opened once and shared (read-only)."""
    return open_queries(store(), names)


@st.cache_resource(show_spinner=False, max_entries=16)
def _shared(location: str, names: tuple[str, ...], version: str, flt: str, periods: str, _args) -> TrendCells:
    """Keyed by strings only (location, datasets and their version, filter, periods); shared, read-only."""
    flt_, current, baseline = _args
    return query_cells(_engine(location, names, version), names, flt_, current, baseline)


def trend_cells(flt: IncidentFilter, current: Period, baseline: Period) -> TrendCells:
    """Per-fine-cell counts of the two periods for this session's incidents (its import, else the
    datasets chosen in the sidebar)."""
    own = st.session_state.get(SESSION_INCIDENTS)
    if own is not None and own.gdf is not None:
        names = (SESSION_NAME,)
        engine = per_session(
            "trend_engine", own.gdf, None, lambda: open_queries(store(), names, {SESSION_NAME: own.gdf})
        )
        return per_session(
            "trend_cells",
            own.gdf,
            (flt, current, baseline),
            lambda: query_cells(engine, names, flt, current, baseline),
            keep=4,
        )
    names = tuple(chosen())
    periods = f"{current.label()}|{baseline.label()}"
    version = store().version_key(names)
    return _shared(_location(), names, version, filter_key(flt), periods, (flt, current, baseline))


def trend_cells_or_note(flt: IncidentFilter, current: Period, baseline: Period) -> tuple[TrendCells, str | None]:
    """trend_cells, and when the engine refuses a criterion (Near in the embedded engine), the
    counts without it and a one-line note saying so."""
    try:
        return trend_cells(flt, current, baseline), None
    except StoreError as exc:
        if not flt.near:
            raise
        note = f"Near is not applied on this page: {exc}."
        return trend_cells(replace(flt, near="", near_km=IncidentFilter.near_km), current, baseline), note
