"""The Trends page's way to the incidents: geo.trends.query_cells (districts) and query_hexagons over
this session's datasets, through ui.queries' engine, cached by dataset version, filter, periods and
resolution (a rerun for a click asks the store nothing). A session's own import is asked through
its own engine, never cached for others.
"""

from __future__ import annotations

import streamlit as st

from geo.filters import IncidentFilter
from geo.trends import Period, TrendCounts, query_cells, query_hexagons
from ui import queries


@st.cache_data(show_spinner=False, max_entries=16)
def _shared(location: str, version: str, key: str, _where: queries.Scope, _args) -> TrendCounts:
    flt, current, baseline, hidden, resolution = _args
    if resolution is None:
        return query_cells(queries.engine(_where), _where.names, flt, current, baseline, hidden)
    return query_hexagons(queries.engine(_where), _where.names, flt, current, baseline, resolution, hidden)


def _counts(flt: IncidentFilter, current: Period, baseline: Period, resolution: int | None) -> TrendCounts:
    where = queries.scope()
    if where.own:
        if resolution is None:
            return query_cells(queries.engine(where), where.names, flt, current, baseline)
        return query_hexagons(queries.engine(where), where.names, flt, current, baseline, resolution)
    hidden = queries.hidden()
    key = repr((where.names, flt, current, baseline, hidden, resolution))
    return _shared(where.location, where.version, key, where, (flt, current, baseline, hidden, resolution))


def trend_cells(flt: IncidentFilter, current: Period, baseline: Period) -> TrendCounts:
    """Per-district counts of the two periods for this session's incidents (its import, else the
    datasets chosen in the sidebar)."""
    return _counts(flt, current, baseline, None)


def trend_hexagons(flt: IncidentFilter, current: Period, baseline: Period, resolution: int) -> TrendCounts:
    """Per-H3-hexagon counts of the two periods at this resolution, likewise."""
    return _counts(flt, current, baseline, int(resolution))
