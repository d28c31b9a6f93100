"""What the pages ask about incidents, answered by the store's query engine (geo.store.query).

Pages never hold the incident set: they ask for what they show (a page of rows, a count, an
aggregate, a record, the map's payload columns). This module is the one cache in front of the
store: the engine per (store, datasets, version), each answer per (version, query). A session's
own import (the Import page's "use in this session") is answered by an engine kept in that
session only, and its answers are never cached across sessions.

    q = queries.query(flt, columns=("id", "title"), limit=50)
    queries.page(q).rows, queries.count(q), queries.aggregate(q, "month"), queries.record(incident_id)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.filters import IncidentFilter
from geo.incidents.codec import incident_frame
from geo.settings import settings
from geo.store import open_queries
from geo.store.base import SHIPPED
from geo.store.query import MAP_COLUMNS, Choices, IncidentQuery, Page
from geo.validation import LayerValidationError
from ui import datasets
from ui.data import SESSION_INCIDENTS, Loaded, show_errors
from views.map.cells import CellSet, ViewBox
from views.map.layers import DETAIL_LIMIT, IncidentSource, incident_source

OWN = "imported in this session"  # the dataset name a session's own import goes by in its queries
_OWN_ENGINE = "_queries_own_engine"  # (the import's frame, its engine) in the session
_OWN_MAP = "_queries_own_map"  # (the import's frame, the query, its map payload) in the session
TIP_COLUMNS = ("title", "date_start", "date_end")  # what a tooltip shows, sent with small sets
# the map draws at most this many incidents one by one: the canvas takes a million in the browser
# (bench/README.md, "A million incidents"); more would hold hundreds of megabytes in the server
MAP_POINT_LIMIT = 1_000_000
WORLD = (-180.0, -90.0, 180.0, 90.0)  # a box every located incident is in
HIDDEN = "_queries_hidden"  # ids every query leaves out: "hide probable duplicates" (ui.duplicates)


@dataclass(frozen=True)
class Scope:
    """What this session's queries are over: the store, the datasets and their version."""

    location: str
    names: tuple[str, ...]
    version: str
    own: bool


def scope() -> Scope:
    """The session's datasets: its own import when it has one, else the sidebar's chosen datasets."""
    if st.session_state.get(SESSION_INCIDENTS) is not None:
        return Scope("", (OWN,), "", True)
    names = tuple(datasets.chosen())
    return Scope(datasets.location(), names, datasets.store().version_key(names), False)


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_engine(location: str, names: tuple[str, ...], version: str):
    """The engine over kept and shipped datasets, shared by every session on the same version."""
    return open_queries(datasets.usable(location), names)


def engine(where: Scope | None = None):
    """The query engine for this session's datasets."""
    where = where or scope()
    if not where.own:
        return _shared_engine(where.location, where.names, where.version)
    frame = st.session_state[SESSION_INCIDENTS].gdf
    held = st.session_state.get(_OWN_ENGINE)
    if held is None or held[0] is not frame:  # a new import: a new engine (the old one is let go)
        held = (frame, open_queries(datasets.store(), (OWN,), frames={OWN: frame}))
        st.session_state[_OWN_ENGINE] = held
    return held[1]


def hidden() -> tuple[str, ...] | None:
    """The incidents this session hides as probable duplicates (None: none hidden)."""
    return st.session_state.get(HIDDEN) or None


def query(flt: IncidentFilter | None = None, *, hide: bool = True, **parts) -> IncidentQuery:
    """An IncidentQuery over this session's datasets (parts: bbox, columns, order, limit, offset, ids),
    leaving out the probable duplicates the sidebar hides unless hide is False."""
    return IncidentQuery(scope().names, flt or IncidentFilter(), hidden=hidden() if hide else None, **parts)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(location: str, version: str, kind: str, key: str, _q: IncidentQuery, _args: tuple):
    return getattr(_shared_engine(location, _q.datasets, version), kind)(_q, *_args)


def _ask(kind: str, q: IncidentQuery, *args):
    """engine.kind(q, *args), cached by dataset version and query unless the data is the session's own."""
    where = scope()
    if where.own or q.datasets != where.names:
        return getattr(engine(where), kind)(q, *args)
    return _cached(where.location, where.version, kind, repr((q, args)), q, args)


def count(q: IncidentQuery) -> int:
    """How many incidents the query matches."""
    return _ask("count", q)


def rows(q: IncidentQuery) -> pd.DataFrame:
    """The query's rows (its columns, its order, its page)."""
    return _ask("rows", q)


def page(q: IncidentQuery) -> Page:
    """A page of rows and the query's total."""
    return _ask("page", q)


def aggregate(q: IncidentQuery, by, cell_deg: float = 0.5) -> pd.DataFrame:
    """Incidents and fatalities per cell, month, category, country (see geo.store.query)."""
    return _ask("aggregate", q, by, cell_deg)


def summary(q: IncidentQuery):
    """The headline sums of the matched incidents (geo.store.query.Summary)."""
    return _ask("summary", q)


def choices() -> Choices:
    """What the filters offer over this session's datasets (every row, no filter)."""
    return _ask("choices", query())


def span(q: IncidentQuery) -> tuple:
    """The first start date and the last end date of the incidents the query matches (None, None without)."""
    found = _ask("choices", q)
    return found.date_from, found.date_to


def total() -> int:
    """How many incidents the session's datasets hold."""
    return count(query())


def located(flt: IncidentFilter) -> int:
    """How many incidents matching flt have a point (and can be drawn)."""
    return count(query(flt, bbox=WORLD))


def frame(q: IncidentQuery) -> gpd.GeoDataFrame:
    """The query's rows as an incident frame (points as geometry), e.g. for an export or a figure."""
    return incident_frame(rows(q))


def record(incident_id: str, flt: IncidentFilter | None = None) -> dict | None:
    """One incident's record (properties and "geometry"), or None when no chosen dataset has it
    (or, with flt, when it does not match the filter, hidden duplicates included: without flt a
    record opens by its id whatever the sidebar hides)."""
    found = frame(query(flt, ids=(str(incident_id),), limit=1, hide=flt is not None))
    if found.empty:
        return None
    row = found.iloc[0]
    return {**row.drop(labels=["geometry"]).to_dict(), "geometry": row["geometry"]}


def matches(incident_id: str, flt: IncidentFilter) -> bool:
    """True when the incident is among those flt matches."""
    return count(query(flt, ids=(str(incident_id),))) > 0


def without_dates(q: IncidentQuery) -> IncidentQuery:
    """The same query over every date."""
    return replace(q, filter=replace(q.filter, date_from=None, date_to=None))


def shipped_shown() -> bool:
    """True when the curated events are among the datasets this session shows."""
    return SHIPPED in scope().names


def problem() -> str | None:
    """Why this session's incidents cannot be asked for (one line), or None when they can."""
    try:
        if not scope().names:  # not even the shipped file is there: its reader names the missing file
            datasets.store().shipped.read()
        total()
    except LayerValidationError as exc:  # the shipped file is broken: name it, as for any layer
        return str(exc)
    except datasets.STORE_PROBLEMS as exc:
        return _which_failed(exc)
    return None


def _which_failed(exc: Exception) -> str:
    """The error of the first chosen dataset that cannot be read alone, named, else exc's."""
    where = scope()
    for name in where.names if len(where.names) > 1 else ():
        try:
            engine(where).count(IncidentQuery((name,)))
        except datasets.STORE_PROBLEMS as alone:
            return f"dataset '{name}': {alone}"
    label = ", ".join(f"'{n}'" for n in where.names)
    return f"dataset {label}: {exc}" if len(where.names) == 1 else f"datasets {label}: {exc}"


def ready_or_stop() -> int:
    """The session's incident total; when they cannot be asked for, say why and end the page there."""
    reason = problem()
    if reason is not None:
        show_errors({"incidents": Loaded("incidents", None, None, reason)})
        st.stop()
    return total()


def reader(q: IncidentQuery):
    """A function reading the query's incident frame later, outside this run (a download handler):
    it holds the engine, not the session."""
    bound = engine()
    return lambda: incident_frame(bound.rows(q))


def point_limit() -> int:
    """How many incidents the map draws one by one at most (MAP_POINT_LIMIT; a test server may set
    a lower one, geo.settings)."""
    return settings().map_point_limit or MAP_POINT_LIMIT


def map_query(flt: IncidentFilter, bbox=WORLD) -> IncidentQuery:
    """What the map draws: the located incidents matching flt (in bbox), only the columns it draws
    (and the tooltips' texts when there are few enough to send them)."""
    details = count(query(flt, bbox=bbox)) <= DETAIL_LIMIT
    return query(flt, bbox=bbox, columns=MAP_COLUMNS + (TIP_COLUMNS if details else ()))


@st.cache_data(show_spinner=False, max_entries=16)
def _shared_map_source(location: str, version: str, key: str, _q: IncidentQuery) -> IncidentSource:
    return incident_source(_shared_engine(location, _q.datasets, version).table(_q))


def drawable(flt: IncidentFilter, bbox=WORLD) -> bool:
    """True when the incidents matching flt (in bbox) are few enough to draw one by one (point_limit)."""
    return count(query(flt, bbox=bbox)) <= point_limit()


def map_source(flt: IncidentFilter, bbox=WORLD) -> IncidentSource:
    """The map's incident payload for flt (in bbox), built once per dataset version, filter and box
    (nothing when more match than the map draws: it asks for cells instead, map_cells)."""
    if not drawable(flt, bbox):
        return incident_source(pd.DataFrame({c: [] for c in MAP_COLUMNS}))
    q, where = map_query(flt, bbox), scope()
    if not where.own:
        return _shared_map_source(where.location, where.version, repr(q), q)
    frame = st.session_state[SESSION_INCIDENTS].gdf
    held = st.session_state.get(_OWN_MAP)
    if held is None or held[0] is not frame or held[1] != q:
        held = (frame, q, incident_source(engine(where).table(q)))
        st.session_state[_OWN_MAP] = held
    return held[2]


def map_cells(flt: IncidentFilter, view: ViewBox) -> CellSet:
    """The incidents matching flt in the view's box as grid cells of the view's size (count and
    fatalities per cell, asked of the store as one aggregate)."""
    return CellSet(aggregate(query(flt, bbox=view.box), "cell", view.cell), view)
