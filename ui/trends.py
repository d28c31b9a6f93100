"""The Trends page's way to the incidents: geo.trends.query_cells over this session's datasets,
through ui.queries' engine, cached by dataset version, filter and periods (a rerun for a click asks
the store nothing). A session's own import is asked through its own engine, never cached for others.
"""

from __future__ import annotations

import streamlit as st

from geo.filters import IncidentFilter
from geo.trends import Period, TrendCells, query_cells
from ui import queries


@st.cache_data(show_spinner=False, max_entries=16)
def _shared(location: str, version: str, key: str, _where: queries.Scope, _args) -> TrendCells:
    flt, current, baseline, hidden = _args
    return query_cells(queries.engine(_where), _where.names, flt, current, baseline, hidden)


def trend_cells(flt: IncidentFilter, current: Period, baseline: Period) -> TrendCells:
    """Per-fine-cell counts of the two periods for this session's incidents (its import, else the
    datasets chosen in the sidebar)."""
    where = queries.scope()
    if where.own:
        return query_cells(queries.engine(where), where.names, flt, current, baseline)
    hidden = queries.hidden()
    key = repr((where.names, flt, current, baseline, hidden))
    return _shared(where.location, where.version, key, where, (flt, current, baseline, hidden))
