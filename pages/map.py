"""Border map: every layer on one map, layer toggles, click a feature for its full record."""

from __future__ import annotations

import streamlit as st

from geo.catalog import LAYERS, border_map_layers
from geo.settings import settings
from ui import data, duplicates, queries, url_state
from ui.assets import ensure_assets
from ui.data import Loaded
from ui.figure_downloads import figure_downloads
from ui.filters import current_filter, explain_empty
from ui.map_panel import full_window_layout, incidents_for_map, show_map
from ui.play import map_play
from ui.record_panel import look_up, record_panel
from ui.safe_text import safe
from ui.selection import map_selection, pick_list
from ui.shell import ensure_app_shell
from ui.sidebar import page_controls
from views.map.basemaps import BASEMAPS, default_basemap
from views.map.build import build_map, region_bounds

ensure_app_shell()

FIND = "map_find"
PICK_LIMIT = 3000  # the "find an incident" list is offered up to this many filtered incidents

asset_base = ensure_assets()
loaded = data.load_all()
problem = queries.problem()  # the session's incidents are asked from the store, not taken from the layers
loaded["incidents"] = Loaded("incidents", None, None, problem)
data.show_errors(loaded)
layers = {layer_id: res.gdf for layer_id, res in loaded.items()}
have_incidents = problem is None
selection = map_selection()

with page_controls():
    st.markdown("**Map layers**")
    visible = [
        layer_id
        for layer_id in border_map_layers()
        if st.checkbox(
            LAYERS[layer_id].title,
            value=url_state.layer_on(layer_id),
            key=f"map_layer_{layer_id}",
            disabled=layers.get(layer_id) is None and not (layer_id == "incidents" and have_incidents),
        )
    ]
    basemap_ids = list(BASEMAPS)
    basemap = st.selectbox(
        "Basemap",
        basemap_ids,
        index=basemap_ids.index(url_state.basemap_or(default_basemap(settings().offline))),
        format_func=lambda b: BASEMAPS[b].label,
        key="map_basemap",
        help="Offline draws only the shipped layers and needs no network. The online maps "
        "load tiles from OpenStreetMap or Esri. PKIR_OFFLINE=1 makes offline the default.",
    )


selection.follow_link()  # ?incident=ID (a shared link or another page's link)


f = current_filter()
focus = selection.focus
# the time control's window is the date filter; the map draws it from the period's incidents
play = map_play(f)
shown = incidents_for_map(play.filter, region_bounds(layers), counted=f) if have_incidents else None
built = build_map(
    layers,
    visible=visible,
    basemap=basemap,
    focus=selection.focus,
    focus_seq=selection.focus_seq,
    asset_base=asset_base,
    source=shown.source if shown else None,
    cells=shown.cells if shown else None,
    follow=shown.follow if shown and "incidents" in visible else None,  # the browser reports views beyond it
    payload_beside=True,
    legend_clear_of=".st-key-map_record",  # the record panel below lies over the map's right side
    incident_total=queries.total() if have_incidents else None,
    categories=list(queries.choices().categories) if have_incidents else None,
    focus_record=look_up(*focus) if focus and focus[0] == "incidents" else None,
    features={lid: data.layer_features(lid, basemap) for lid in visible if lid != "incidents"},
    play_period=play.period,
    play_window=play.window,
)
matched = queries.count(queries.query(f)) if have_incidents else 0

full_window_layout()
with st.container(key="map_head"):
    title, find = st.columns([3, 2], vertical_alignment="bottom")
with title:
    st.title("Border map")
    if have_incidents:
        total = queries.total()
        drawn = queries.located(f) if matched else 0
        unlocated = matched - drawn
        following = shown is not None and shown.view is not None and "incidents" in visible
        line = (
            f"**{drawn:,} of {total:,} incidents shown**"
            if "incidents" in visible
            else f"**Incidents layer is off** ({drawn:,} of {total:,} would be shown)"
        )
        if unlocated:
            line += f" · {unlocated:,} more match the filters but have no location and are not drawn"
        shown_once, treated = duplicates.counted(drawn, f, located=True)
        if treated and not following:
            line = line.replace(f"**{drawn:,} of", f"**{shown_once:,} of", 1) + f" · {treated}"
        if following and shown.cells is not None:
            line = (
                f"**{drawn:,} of {total:,} incidents match: shown as cells**, {shown.in_view:,} of them in and "
                f"around this view (the map draws up to {queries.point_limit():,} one by one); zoom in to see "
                "single incidents"
            )
        elif following:
            line = (
                f"**{shown.in_view:,} of {drawn:,} matching incidents drawn, those in and around this view** "
                f"(of {total:,}; the map draws up to {queries.point_limit():,} one by one); zoom out for cells"
            )
        st.markdown(line + safe("  \nFilters: {}", current_filter().describe()))
with find:
    if have_incidents and 0 < matched <= PICK_LIMIT:
        ordered = queries.rows(queries.query(f, columns=("id", "date_start", "title")))
        labels = {
            str(i): f"{d:%Y-%m-%d} · {t}" if hasattr(d, "strftime") else str(t)
            for i, d, t in zip(ordered["id"], ordered["date_start"], ordered["title"], strict=True)
        }
        pick_list(  # a pick centres the map on it and names it in the URL
            "Find an incident",
            [("incidents", i) for i in labels],
            selection,
            FIND,
            describe=lambda p: labels[p[1]],
            centre=True,
            placeholder="Find an incident…",
            label_visibility="collapsed",
            help="Lists the incidents that match the filters",
        )
    elif matched:
        st.caption(f"{matched:,} incidents match the filters: narrow them to pick one from a list.")

with st.container(key="map_empty"):  # always there: a note coming or going must not move (remount) the map
    # not for a time window with no incident: the control says so, and the map must not jump down
    if have_incidents and queries.total() and not matched and play.window is None:
        explain_empty(f)

with st.container(key="map_frame"):
    clicked = show_map(built, selected=selection.feature)
if clicked:
    selection.select(*clicked)
if shown is not None and shown.cells is not None and "incidents" in visible:
    st.caption(
        f"More incidents match than the map draws one by one ({queries.point_limit():,}), so it shows them as "
        f"{shown.cells.count:,} cells of {shown.cells.view.cell:g}° with their counts: darker holds more. Zoom in "
        "(or click a cell) to see single incidents; a market, crossing, pipeline segment or town opens its record."
    )
else:
    st.caption(
        "Click an incident, market, crossing, pipeline segment or town for its full record. Colour: category · "
        "size: fatalities · ring or dashed ring: approximate location · numbered circle: several incidents in "
        "one place. The legend on the map explains every symbol."
    )

selected = selection.feature
record_panel(  # over the map's right side (ui/map_page.css), a sheet under it on a phone
    selection.feature,
    key="map_record",
    drawn_by=f,
    map_link_shown=False,
    scroll=False,
    border=False,
    close=selection.clear,
    missing=safe("No {} feature with id “{}” in the data.", LAYERS[selected[0]].title.lower(), selected[1])
    if selected
    else None,
)
selection.shown(True)  # the panel speaks of the selection even when the filters hide it or the data lack it

with page_controls():
    st.markdown("**Publish**")
    figure_downloads(layers, visible, queries.reader(queries.query(f)) if have_incidents else None, f)
