"""The one wrapper around st_folium: stable key, only click events rerun the page.

Layers reach the browser as st_folium's dynamic feature groups, so toggling one, changing a
filter or the basemap redraws them on the same Leaflet map: its position and zoom are kept.
Panning and zooming do not rerun the script (bounds, zoom and center are not returned). A click
is identified by the clicked feature's own properties (layer, id), returned as last_active_drawing.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from geo.filters import IncidentFilter
from ui.assets import publish_json
from ui.data import per_session, session_incidents_label
from views.map.build import BuiltMap, clicked_feature
from views.map.layers import IncidentSource, incident_source

MAP_KEY = "border_map"
RETURNED_OBJECTS = ("last_object_clicked", "last_active_drawing")
_PREVIOUS = "map_panel_previous_click"
PAGE_CSS = Path(__file__).resolve().parent / "map_page.css"


def full_window_layout() -> None:
    """The border map page's layout: the map fills the window, the record lies over its side."""
    st.html(PAGE_CSS)


def incidents_for_map(incidents: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, filt: IncidentFilter) -> IncidentSource:
    """The drawn incidents, prepared once per (incident data, filter) in this session.

    Files under static/ are served to anyone, so only the data-folder layer (public already) may
    be published there when large (see ui.assets.publish_json); incidents imported in this
    session always travel inline through the map component, to this session only.
    """
    public = session_incidents_label() is None
    publish = publish_json if public else None
    return per_session(
        "map_incident_source", incidents, (filt, public), lambda: incident_source(shown, publish=publish), keep=4
    )


def show_map(built: BuiltMap, *, key: str = MAP_KEY, height: int = 640) -> tuple[str, str] | None:
    """Draw the map; return (layer id, feature id) when a feature was clicked since the last run."""
    value = st_folium(
        built.map,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=list(RETURNED_OBJECTS),
        feature_group_to_add=built.groups,
        center=list(built.center) if built.center else None,
        zoom=built.zoom,
    )
    return new_click(value, key)


def new_click(value, key: str = MAP_KEY) -> tuple[str, str] | None:
    """The clicked feature when the component's value changed since the previous run, else None.

    st_folium keeps returning the last click on every rerun; only a change is a new click.
    """
    value = value if isinstance(value, dict) else {}
    snapshot = (repr(value.get("last_object_clicked")), clicked_feature(value))
    previous = st.session_state.get(_PREVIOUS + key)
    st.session_state[_PREVIOUS + key] = snapshot
    if previous is not None and snapshot == previous:
        return None
    return clicked_feature(value)
