"""The one record panel of every page: pick -> look up -> show -> scroll -> link.

    record_panel(selection.feature, key="explorer_record", flt=f)

What was picked (a layer id and a feature id, the page's ui.selection.Selection: a map click, a
table row, a list, a chart point, a link) is looked up one way (`look_up`: an incident is asked of
the store, any other feature read from its shipped layer), shown as escaped HTML (views.records
through st.html, never Markdown) in a container with the page's key, scrolled into view once per
new record, and a located incident gets the same "Show on map" link (the map page's URL with
?incident=ID) wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

import streamlit as st

from geo.catalog import LAYERS
from geo.filters import IncidentFilter
from geo.incident_stats import border_km
from geo.records import build_record, record_of
from geo.values import present
from ui import data, queries
from ui.links import map_link
from ui.page_scripts import forget_scroll, scroll_into_view
from ui.selection import INCIDENTS, Pick
from views.records import record_html

RECORD_CSS = Path(__file__).parent / "css" / "record.css"
NOT_ON_MAP = "This event has no location, so it is not on the map."
HIDDEN_ON_MAP = "This incident is hidden on the map by the current filters."
NOT_DRAWN = "This feature has no location and is not drawn on the map."


def look_up(layer_id: str, feature_id: str, flt: IncidentFilter | None = None) -> dict | None:
    """The picked feature's record (its properties and "geometry"), or None when there is none.

    An incident is asked of the store (with flt: only when it matches the filter); any other
    feature is read from its shipped layer."""
    if layer_id == INCIDENTS:
        return queries.record(feature_id, flt) if queries.problem() is None else None
    if layer_id not in LAYERS:
        return None
    return record_of(data.load(layer_id).gdf, feature_id)


def _point(geom) -> bool:
    return geom is not None and not getattr(geom, "is_empty", True) and getattr(geom, "geom_type", "") == "Point"


def render(layer_id: str, record: dict, *, distance: bool = True) -> None:
    """The record as escaped HTML (st.html parses no Markdown: no value can end the HTML block);
    distance: a point's geodesic distance to the Pakistan–Iran border as one of its rows."""
    geom = record.get("geometry")
    lat = lon = km = None
    if geom is not None and _point(geom):
        lat, lon = float(geom.y), float(geom.x)
        km = border_km(geom, data.load("border").gdf) if distance else None
    props = {k: v for k, v in record.items() if k != "geometry"}
    km = km if present(km) else None
    st.html(_css() + record_html(build_record(layer_id, props, border_km=km, lat=lat, lon=lon)))


@cache
def _css() -> str:
    return "<style>" + RECORD_CSS.read_text(encoding="utf-8") + "</style>"


def _located(record: dict) -> bool:
    geom = record.get("geometry")
    return geom is not None and not getattr(geom, "is_empty", True)


def record_panel(
    pick: Pick | None,
    *,
    key: str,
    flt: IncidentFilter | None = None,
    map_link_shown: bool = True,
    drawn_by: IncidentFilter | None = None,
    distance: bool = True,
    scroll: bool = True,
    border: bool = True,
    height: int | Literal["content"] = "content",
    close: Callable[[], None] | None = None,
    missing: str | None = None,
) -> dict | None:
    """Look the pick up and show its record in the container `key`; return the record (None: not found).

    flt: an incident is shown only when it matches it. map_link_shown: a located incident links to
    the border map ("Show on map"), an unlocated one says it is not on the map. drawn_by (the map
    page): say when the map's filter hides the record, or when it has no location. scroll: bring
    the panel into view once per new record. close: a Close button above the record. missing:
    what to say (our Markdown-safe text) when nothing is found; None shows nothing at all.
    """
    record = look_up(*pick, flt) if pick else None
    if pick is None or (record is None and missing is None and close is None):
        forget_scroll(key)
        return None
    layer_id, feature_id = pick
    with st.container(border=border, key=key, height=height):
        if close is not None:
            with st.container(key=f"{key}_bar", horizontal=True, horizontal_alignment="right"):
                st.button("Close", key=f"{key}_close", icon=":material/close:", on_click=close)
        if record is None:
            if missing:
                st.warning(missing)
        else:
            _notes(layer_id, feature_id, record, map_link_shown, drawn_by)
            render(layer_id, record, distance=distance)
    if scroll and record is not None:
        scroll_into_view(key, f"{layer_id}:{feature_id}")
    else:
        forget_scroll(key)
    return record


def _notes(layer_id: str, feature_id: str, record: dict, link: bool, drawn_by: IncidentFilter | None) -> None:
    """The lines above a record: its link to the map, or why the map does not show it."""
    incident = layer_id == INCIDENTS
    if drawn_by is not None:
        if incident and not queries.matches(str(record.get("id", feature_id)), drawn_by):
            st.caption(HIDDEN_ON_MAP)
        if LAYERS[layer_id].kind == "point" and not _located(record):
            st.caption(NOT_DRAWN)
    if link and incident:
        if _located(record):
            st.markdown(f"[:material/map: Show on map]({map_link(feature_id)})")
        else:
            st.caption(NOT_ON_MAP)
