"""The one wrapper around st_folium: stable key, only click events rerun the page.

Layers reach the browser as st_folium's dynamic feature groups, so toggling one, changing a
filter or the basemap redraws them on the same Leaflet map: its position and zoom are kept.
Panning and zooming do not rerun the script (bounds, zoom and center are not returned). A click
is identified by the clicked feature's own properties (layer, id), returned as last_active_drawing;
for large incident sets the browser knows an incident only by its row in the drawn payload
("#row@key"), and the row is turned back into its id here, from this session's own payloads.
"""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo.filters import IncidentFilter
from ui import queries, url_state
from ui.play import take_window
from ui.selection import map_selection
from views.map.build import BuiltMap, clicked_feature
from views.map.elements import IncidentLayer, Sync, ViewInUrl
from views.map.layers import IncidentSource

MAP_KEY = "border_map"
URL_VIEW_PARAMS = ("c", "z")  # ui.url_codec's names for the centre and the zoom
RETURNED_OBJECTS = ("last_object_clicked", "last_active_drawing")
_PREVIOUS = "map_panel_previous_click"
_SOURCES = "map_panel_sources"  # payload key -> IncidentSource, the last few drawn in this session
KEEP_SOURCES = 4
PAGE_CSS = Path(__file__).resolve().parent / "map_page.css"


def full_window_layout() -> None:
    """The border map page's layout: the map fills the window, the record lies over its side."""
    st.html(PAGE_CSS)


def incidents_for_map(filt: IncidentFilter) -> IncidentSource:
    """The drawn incidents (ui.queries.map_source), remembered in this session to turn a row the
    browser reports back into an id.

    They travel inline with the map (a compact binary payload): no session's data is a file.
    """
    source = queries.map_source(filt)
    kept: dict = st.session_state.setdefault(_SOURCES, {})
    kept.pop(source.key, None)
    kept[source.key] = source
    while len(kept) > KEEP_SOURCES:
        kept.pop(next(iter(kept)))
    return source


def resolve_row(feature: tuple[str, str] | None) -> tuple[str, str] | None:
    """("incidents", "#row@key") -> ("incidents", id) from this session's payloads; other features
    unchanged; None for a row no payload of this session has."""
    if not feature or feature[0] != "incidents" or not feature[1].startswith("#"):
        return feature
    row, _, key = feature[1][1:].partition("@")
    source = st.session_state.get(_SOURCES, {}).get(key)
    incident_id = source.id_of(row) if source is not None else None
    return ("incidents", incident_id) if incident_id is not None else None


def _tell_selection(built: BuiltMap, key: str) -> None:
    """Tell the incident layer which incident is selected: a click this run is about to report
    (the browser already highlights it, by row) or else the page's selection; and the map whether
    anything is selected (nothing: the record was closed, the highlight goes)."""
    pending = _pending_click(st.session_state.get(key), key)
    selected = pending if pending is not None else map_selection().feature
    incident_id = selected[1] if selected and selected[0] == "incidents" else None
    for layer in _incident_layers(built):
        layer.select(incident_id)
    for sync in _children(built, Sync):
        sync.select(selected is not None)


def _children(built: BuiltMap, kind: type) -> list:
    return [c for g in built.groups for c in g._children.values() if isinstance(c, kind)]


def _incident_layers(built: BuiltMap) -> list[IncidentLayer]:
    return _children(built, IncidentLayer)


def _payload_beside(built: BuiltMap, key: str) -> None:
    """Put the incidents' payload in the page, in a hidden element of its own, before the map.

    The map's script then names it by key (static/incidents.js reads it from the page). Streamlit
    does not send an element again while it is unchanged (its message cache), so a rerun for a
    click or the selection sends the map's few kilobytes, not the payload again.
    """
    for layer in _incident_layers(built):
        if layer.beside:
            with st.container(key=f"{key}_payload"):
                markup = _payload_markup(layer.source.key, layer.source)
                st.html(f"<style>.st-key-{key}_payload {{ display: none; }}</style>{markup}")


@st.cache_data(show_spinner=False, max_entries=4)
def _payload_markup(key: str, _source: IncidentSource) -> str:
    """The hidden element holding a payload, made once per payload (key: a hash of its content;
    escaping megabytes takes a while)."""
    return (
        f'<div class="pkir-payload" hidden data-key="{html.escape(key, quote=True)}" '
        f'data-json="{html.escape(_source.data_json, quote=True)}"></div>'
    )


def show_map(built: BuiltMap, *, key: str = MAP_KEY, height: int = 640) -> tuple[str, str] | None:
    """Draw the map; return (layer id, feature id) when a feature was clicked since the last run."""
    _tell_selection(built, key)
    _payload_beside(built, key)
    center, zoom = built.center, built.zoom
    if key == MAP_KEY:  # the border map: its view lives in the address (ui.url_state)
        ViewInUrl(*URL_VIEW_PARAMS).add_to(built.map)
        url_state.map_shown()
        asked = url_state.map_view()
        if center is None and asked is not None:
            center, zoom = asked
    value = st_folium(
        built.map,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=list(RETURNED_OBJECTS),
        feature_group_to_add=built.groups,
        center=list(center) if center else None,
        zoom=zoom,
        on_change=partial(take_window, key),  # a window the time control rests on becomes the date filter
    )
    return new_click(value, key)


def _snapshot(value) -> tuple:
    value = value if isinstance(value, dict) else {}
    return repr(value.get("last_object_clicked")), clicked_feature(value)


def _pending_click(value, key: str) -> tuple[str, str] | None:
    """The clicked feature when the component's value changed since the previous run, else None
    (nothing is recorded: new_click does that)."""
    previous = st.session_state.get(_PREVIOUS + key)
    if previous is not None and _snapshot(value) == previous:
        return None
    return resolve_row(clicked_feature(value if isinstance(value, dict) else {}))


def new_click(value, key: str = MAP_KEY) -> tuple[str, str] | None:
    """The clicked feature when the component's value changed since the previous run, else None.

    st_folium keeps returning the last click on every rerun; only a change is a new click.
    """
    found = _pending_click(value, key)
    st.session_state[_PREVIOUS + key] = _snapshot(value)
    return found
