"""The one wrapper around st_folium: stable key, only click events rerun the page.

Layers reach the browser as st_folium's dynamic feature groups, so toggling one, changing a
filter or the basemap redraws them on the same Leaflet map: its position and zoom are kept.
Panning and zooming do not rerun the script (bounds, zoom and center are not returned), except
while the matching incidents are too many to draw one by one: then the browser reports a view the
drawn cells or incidents do not cover (views/map/cells.py), and the page draws that view. A click
is identified by the clicked feature's own properties (layer, id), returned as last_active_drawing;
for large incident sets the browser knows an incident only by its row in the drawn payload
("#row@key"), and the row is turned back into its id here, from this session's own payloads.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo.filters import IncidentFilter
from ui import queries, url_state
from ui.play import take_window
from ui.selection import Pick
from views.map._compat.folium import children
from views.map.build import BuiltMap, clicked_feature
from views.map.cells import CellSet, ViewBox, ViewFollow, first_view, reported_view
from views.map.elements import IncidentLayer, Sync, ViewInUrl
from views.map.layers import IncidentSource

MAP_KEY = "border_map"
URL_VIEW_PARAMS = ("c", "z")  # ui.url_codec's names for the centre and the zoom
RETURNED_OBJECTS = ("last_object_clicked", "last_active_drawing")
_PREVIOUS = "map_panel_previous_click"
_SOURCES = "map_panel_sources"  # payload key -> IncidentSource, the last few drawn in this session
_VIEW = "map_panel_view"  # the ViewBox of the map's view, as last reported by the browser
_TAKEN = "map_panel_view_taken"  # the last reported view taken (its properties' repr)
_URL_VIEW = "map_panel_url_view"  # the address's view (ui.url_state.map_view) the view was last taken from
KEEP_SOURCES = 4
PAGE_CSS = Path(__file__).resolve().parent / "css" / "map_page.css"


def full_window_layout() -> None:
    """The border map page's layout: the map fills the window, the record lies over its side."""
    st.html(PAGE_CSS)


@dataclass(frozen=True)
class MapIncidents:
    """What the map draws of the matching incidents: all of them (source), those of the view's box
    (source, view), or the view's box as cells (cells, view); in_view: how many lie in the box."""

    source: IncidentSource | None = None
    cells: CellSet | None = None
    view: ViewBox | None = None
    in_view: int | None = None

    @property
    def follow(self) -> ViewFollow | None:
        """What the browser is told the drawing covers (None: every matching incident is drawn)."""
        if self.view is None:
            return None
        zooms = (self.view.level, self.view.level + 1) if self.cells is not None else (0, None)
        return ViewFollow(self.view.box, zooms)


def incidents_for_map(
    filt: IncidentFilter, frame: list[list[float]], counted: IncidentFilter | None = None
) -> MapIncidents:
    """The matching incidents as the map draws them: every one when no more than
    ui.queries.point_limit() match; else those of the map's view, one by one when few enough lie
    there, otherwise as cells. frame: the region the map first shows, [[south, west], [north, east]];
    counted: the filter cells count by when it is not filt (the time control's window: the browser
    draws a window from single incidents itself, but cannot from cells).

    Drawn incidents are remembered in this session to turn a row the browser reports back into an
    id. They travel inline with the map (a compact binary payload): no session's data is a file.
    """
    if queries.drawable(filt):
        return MapIncidents(_remember(queries.map_source(filt)))
    view = _current_view(frame)
    in_view = queries.count(queries.query(filt, bbox=view.box))
    if in_view <= queries.point_limit():
        return MapIncidents(_remember(queries.map_source(filt, view.box)), None, view, in_view)
    cells = queries.map_cells(counted or filt, view)
    return MapIncidents(None, cells, view, cells.incidents)


def _current_view(frame: list[list[float]]) -> ViewBox:
    """The map's view: as the browser last reported it, unless the address named a view since
    (a link, a saved view), else the first view."""
    _take_view(MAP_KEY)
    asked = url_state.map_view()
    held = st.session_state.get(_VIEW)
    if held is None or (asked is not None and asked != st.session_state.get(_URL_VIEW)):
        held = first_view(frame, asked)
        st.session_state[_VIEW] = held
    st.session_state[_URL_VIEW] = asked
    return held


def _take_view(map_key: str) -> None:
    """A view the browser reported since the last run (st_folium's value, kept under the map's key)
    becomes the map's view; the same report seen again (a rerun for something else) changes nothing."""
    value = st.session_state.get(map_key)
    drawing = value.get("last_active_drawing") if isinstance(value, dict) else None
    props = drawing.get("properties") if isinstance(drawing, dict) else None
    view = reported_view(props)
    if view is not None and repr(props) != st.session_state.get(_TAKEN):
        st.session_state[_TAKEN] = repr(props)
        st.session_state[_VIEW] = view


def _remember(source: IncidentSource) -> IncidentSource:
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


def _tell_selection(built: BuiltMap, key: str, shown: Pick | None) -> None:
    """Tell the incident layer which incident is selected: a click this run is about to report
    (the browser already highlights it, by row) or else what this page shows (shown); and the map
    whether anything is selected (nothing: the record was closed, the highlight goes)."""
    pending = _pending_click(st.session_state.get(key), key)
    selected = pending if pending is not None else shown
    incident_id = selected[1] if selected and selected[0] == "incidents" else None
    for layer in _incident_layers(built):
        layer.select(incident_id)
    for sync in _children(built, Sync):
        sync.select(selected is not None)


def _children(built: BuiltMap, kind: type) -> list:
    return [c for g in built.groups for c in children(g) if isinstance(c, kind)]


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


def show_map(built: BuiltMap, *, selected: Pick | None, key: str = MAP_KEY, height: int = 640) -> Pick | None:
    """Draw the map; return (layer id, feature id) when a feature was clicked since the last run.
    selected: what this page shows as picked on this map (its Selection's feature), highlighted."""
    _tell_selection(built, key, selected)
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
