"""Border map: every layer on one map, layer toggles, click a feature for its full record."""

from __future__ import annotations

import os

import streamlit as st

from geo.catalog import LAYER_ORDER, LAYERS
from geo.features import located
from geo.filters import filter_mask
from geo.incident_stats import border_km
from geo.records import record_of
from ui import data
from ui.assets import ensure_assets
from ui.details import show_record
from ui.figure_downloads import figure_downloads
from ui.filters import current_filter, explain_empty
from ui.map_panel import full_window_layout, incidents_for_map, show_map
from ui.play import map_play
from ui.safe_text import safe
from ui.selection import map_selection
from ui.shell import ensure_app_shell
from ui.sidebar import page_controls
from views.map.basemaps import BASEMAPS, default_basemap
from views.map.build import build_map

ensure_app_shell()

FIND = "map_find"
PICK_LIMIT = 3000  # the "find an incident" list is offered up to this many filtered incidents

asset_base = ensure_assets()
loaded = data.load_all()
data.show_errors(loaded)
layers = {layer_id: res.gdf for layer_id, res in loaded.items()}
incidents = layers.get("incidents")
selection = map_selection()

with page_controls():
    st.markdown("**Map layers**")
    visible = [
        layer_id
        for layer_id in LAYER_ORDER
        if st.checkbox(
            LAYERS[layer_id].title,
            value=LAYERS[layer_id].default_on,
            key=f"map_layer_{layer_id}",
            disabled=layers.get(layer_id) is None,
        )
    ]
    basemap_ids = list(BASEMAPS)
    basemap = st.selectbox(
        "Basemap",
        basemap_ids,
        index=basemap_ids.index(default_basemap(os.environ)),
        format_func=lambda b: BASEMAPS[b].label,
        key="map_basemap",
        help="Offline draws only the shipped layers and needs no network. The online maps "
        "load tiles from OpenStreetMap or Esri. PKIR_OFFLINE=1 makes offline the default.",
    )


def picked_from_list() -> None:
    """'Find an incident': select it, centre the map on it, share it in the URL."""
    if st.session_state.get(FIND):
        selection.select("incidents", st.session_state[FIND], centre=True)


selection.follow_link()  # ?incident=ID (a shared link or another page's link)

shown = incidents
if incidents is not None:
    shown = incidents[filter_mask(incidents, current_filter())]
# the time control's window is the date filter; the map draws it from the period's incidents
play = map_play(current_filter())
drawn = (
    shown if incidents is None or play.filter == current_filter() else incidents[filter_mask(incidents, play.filter)]
)

source = incidents_for_map(incidents, drawn, play.filter) if incidents is not None else None
built = build_map(
    layers,
    visible=visible,
    basemap=basemap,
    incidents=drawn,
    focus=selection.focus,
    focus_seq=selection.focus_seq,
    asset_base=asset_base,
    source=source,
    payload_beside=True,
    legend_clear_of=".st-key-map_record",  # the record panel below lies over the map's right side
    play_period=play.period,
    play_window=play.window,
)

full_window_layout()
with st.container(key="map_head"):
    title, find = st.columns([3, 2], vertical_alignment="bottom")
with title:
    st.title("Border map")
    if incidents is not None:
        total, matched = len(incidents), len(shown)
        unlocated = int((~located(shown)).sum()) if matched else 0
        drawn = matched - unlocated
        line = (
            f"**{drawn:,} of {total:,} incidents shown**"
            if "incidents" in visible
            else f"**Incidents layer is off** ({drawn:,} of {total:,} would be shown)"
        )
        if unlocated:
            line += f" · {unlocated:,} more match the filters but have no location and are not drawn"
        st.markdown(line + safe("  \nFilters: {}", current_filter().describe()))
with find:
    if shown is not None and len(shown) and len(shown) <= PICK_LIMIT:
        ordered = shown.sort_values("date_start", ascending=False)
        labels = {
            str(i): f"{d:%Y-%m-%d} · {t}" if hasattr(d, "strftime") else str(t)
            for i, d, t in zip(ordered["id"], ordered["date_start"], ordered["title"], strict=True)
        }
        selected = selection.feature
        if selected and selected[0] == "incidents" and selected[1] in labels:
            st.session_state[FIND] = selected[1]
        elif selected is None or st.session_state.get(FIND) not in labels:
            st.session_state[FIND] = None  # closed, or not an incident listed: the box says nothing
        st.selectbox(
            "Find an incident",
            list(labels),
            format_func=labels.get,
            key=FIND,
            placeholder="Find an incident…",
            label_visibility="collapsed",
            help="Lists the incidents that match the filters",
            on_change=picked_from_list,
        )
    elif shown is not None and len(shown):
        st.caption(f"{len(shown):,} incidents match the filters: narrow them to pick one from a list.")

with st.container(key="map_empty"):  # always there: a note coming or going must not move (remount) the map
    # not for a time window with no incident: the control says so, and the map must not jump down
    if incidents is not None and len(incidents) and not len(shown) and play.window is None:
        explain_empty(incidents, current_filter())

with st.container(key="map_frame"):
    clicked = show_map(built)
if clicked:
    selection.select(*clicked)
st.caption(
    "Click an incident, market, crossing, pipeline segment or town for its full record. Colour: category · "
    "size: fatalities · ring or dashed ring: approximate location · numbered circle: several incidents in "
    "one place. The legend on the map explains every symbol."
)

selected = selection.feature
if selected:
    record = record_of(layers[selected[0]], selected[1]) if layers.get(selected[0]) is not None else None
    with st.container(key="map_record"):
        with st.container(key="map_record_bar", horizontal=True, horizontal_alignment="right"):
            st.button("Close", key="map_record_close", icon=":material/close:", on_click=selection.clear)
        if record is None:
            st.warning(safe("No {} feature with id “{}” in the data.", LAYERS[selected[0]].title.lower(), selected[1]))
        else:
            layer_id = selected[0]
            geom = record.get("geometry")
            point = LAYERS[layer_id].kind == "point"
            if layer_id == "incidents" and shown is not None and record["id"] not in set(shown["id"]):
                st.caption("This incident is hidden on the map by the current filters.")
            if point and (geom is None or geom.is_empty):
                st.caption("This feature has no location and is not drawn on the map.")
            show_record(layer_id, record, border_km=border_km(geom, layers.get("border")) if point else None)

with page_controls():
    st.markdown("**Publish**")
    figure_downloads(layers, visible, shown, current_filter())
