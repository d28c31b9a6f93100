"""The border map: every layer in drawing order, the legend, the basemap, the selection.

build_map() returns the static map (Leaflet, the legend, the framing) and one
folium.FeatureGroup per drawn layer, so a Streamlit page can hand the groups to st_folium as
dynamic layers (toggling one then keeps the map's position and zoom). Render
build_map(..., standalone=True).map.get_root().render() for a self-contained HTML page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np

from geo.catalog import LAYERS, border_map_layers, frame_layer, incident_layer
from geo.features import located
from geo.schema import INCIDENT_CATEGORIES
from views.map._compat.folium import AssetMap
from views.map.assets import DEFAULT_ASSET_BASE, map_assets
from views.map.basemaps import BASEMAPS
from views.map.cells import CellLayer, CellSet, ViewFollow
from views.map.elements import (
    FeatureLayer,
    IncidentLayer,
    Legend,
    PlayControl,
    PlayState,
    Runtime,
    Sync,
    TileFailureNote,
    ViewInUrl,
)
from views.map.layers import IncidentSource, feature_layer, incident_source
from views.map.legend import legend_html
from views.map.styles import fatality_radius

CLUSTER_THRESHOLD = 2000  # above this many incidents, cluster nearby points, not only co-located ones
CHUNKED_THRESHOLD = 5000  # above this, a note on the map says the incidents are loading
# below this window width the legend starts folded: open, it covers a third of a 1366 px laptop's map
LEGEND_OPEN_MIN_PAGE = 1600
REGION_BOUNDS = ((24.5, 58.5), (32.5, 70.5))  # (south, west), (north, east): both provinces

# every kind of element the border map may hold, on any run: its files load with the frame (a rerun
# adds elements, e.g. cells or a view to follow, without reloading it)
BORDER_MAP_ELEMENTS = (
    Runtime,
    Legend,
    PlayControl,
    PlayState,
    FeatureLayer,
    TileFailureNote,
    IncidentLayer,
    CellLayer,
    ViewFollow,
    Sync,
    ViewInUrl,
)


@dataclass
class BuiltMap:
    """A folium map, its layer groups for st_folium, and what was drawn."""

    map: folium.Map
    groups: list[folium.FeatureGroup]
    summary: dict = field(default_factory=dict)
    center: tuple[float, float] | None = None  # where the page asked to look (a selected feature)
    zoom: float | None = None  # Leaflet zooms in quarter steps (zoomSnap)


def region_bounds(layers: Mapping[str, gpd.GeoDataFrame | None]) -> list[list[float]]:
    """[[south, west], [north, east]] of the study area (the catalogue's frame layer: the two
    provinces), or the fixed border region."""
    area = layers.get(frame_layer() or "")
    if area is not None and len(area):
        west, south, east, north = area.total_bounds
        if np.all(np.isfinite([west, south, east, north])):
            return [[float(south), float(west)], [float(north), float(east)]]
    (south, west), (north, east) = REGION_BOUNDS
    return [[south, west], [north, east]]


def _focus(
    layers: Mapping, incidents: gpd.GeoDataFrame | None, focus: tuple[str, str] | None, seq: int, record=None
) -> dict | None:
    """Where to highlight and centre for a (layer, id) request: a located point feature, or None.
    record: the focused feature's record when the page has it (incidents asked from a store)."""
    if not focus:
        return None
    layer_id, fid = focus
    if layer_id not in LAYERS or LAYERS[layer_id].kind != "point":
        return None
    if record is None or str(record.get("id")) != str(fid):
        gdf = incidents if LAYERS[layer_id].incidents and incidents is not None else layers.get(layer_id)
        rows = gdf[gdf["id"].astype(str) == str(fid)] if gdf is not None else None
        if rows is None or rows.empty or not located(rows).any():
            return None
        record = {**rows[located(rows)].iloc[0].to_dict(), "geometry": rows[located(rows)].geometry.iloc[0]}
    geom = record.get("geometry")
    if geom is None or geom.is_empty:
        return None
    fatal = record.get("fatalities_best")
    return {
        "layer": layer_id,
        "id": str(fid),
        "lat": float(geom.y),
        "lng": float(geom.x),
        "radius": int(fatality_radius([fatal])[0]) if "fatalities_best" in record else 8,
        "seq": seq,
    }


def _present_categories(incidents: gpd.GeoDataFrame | None) -> list[str] | None:
    if incidents is None or "category" not in incidents.columns:
        return None
    seen = {str(c) for c in incidents["category"].unique()}
    return [c for c in INCIDENT_CATEGORIES if c in seen] + sorted(seen - set(INCIDENT_CATEGORIES))


def build_map(
    layers: Mapping[str, gpd.GeoDataFrame | None],
    *,
    visible: Iterable[str] | None = None,
    basemap: str = "offline",
    incidents: gpd.GeoDataFrame | None = None,
    focus: tuple[str, str] | None = None,
    focus_seq: int = 0,
    asset_base: str = DEFAULT_ASSET_BASE,
    standalone: bool = False,
    height: int | str = "100%",
    source: IncidentSource | None = None,
    payload_beside: bool = False,
    legend_clear_of: str | None = None,
    incident_total: int | None = None,
    categories: list[str] | None = None,
    focus_record: Mapping | None = None,
    features: Mapping[str, list] | None = None,
    play_period: tuple[int, int] | None = None,
    play_window: dict | None = None,
    cells: CellSet | None = None,
    follow: ViewFollow | None = None,
) -> BuiltMap:
    """The map and its layer groups.

    layers: loaded layers by id (None or missing = not available); incidents: the filtered
    incidents to draw (default: the incident layer); visible: ids to draw (None: all); focus: a
    (layer id, feature id) to highlight and centre on; focus_seq changes when the page asks
    again; source: the incidents already prepared (see incident_source; default: built inline
    from incidents); standalone: add the groups to the map itself (for an HTML file or a test) rather
    than returning them for st_folium's feature_group_to_add; payload_beside: the incidents'
    payload is not in the map's script: the page puts it beside the map (ui.map_panel), so that a
    rerun that changes only the selection does not send it again; legend_clear_of: a CSS selector
    of a panel the page may lay over the map (the legend moves out from under it, and the map
    pans a selected point feature out from under it). A page asking a store for its incidents
    passes source (the payload), incident_total (how many the datasets hold), categories (those
    present, for the legend) and focus_record (the focused incident's record) instead of frames.
    features: the other layers' features (views.map.layers.features_of) where the caller keeps them.
    play_period, play_window: the time control's period and the window the page holds (see ui.play
    and elements.PlayState). cells: the incidents as grid cells, drawn instead of source (a set too
    large to draw one by one); follow: what the drawn incidents cover, for the browser to report a
    view beyond it (views.map.cells.ViewFollow; None: nothing to follow).
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; known: {', '.join(BASEMAPS)}")
    order = border_map_layers()  # the catalogue's drawing order
    visible = set(order if visible is None else visible)
    all_incidents = layers.get(incident_layer() or "")
    incidents = all_incidents if incidents is None else incidents
    bounds = region_bounds(layers)
    center = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)

    js, css = map_assets(BORDER_MAP_ELEMENTS, asset_base)
    m = AssetMap(
        js=js,
        css=css,
        location=center,
        zoom_start=6,
        tiles=None,
        min_zoom=3,
        max_zoom=18,
        control_scale=True,
        prefer_canvas=False,
        height=height,
    )
    # with no tile layer on the map itself Leaflet knows no zoom range: the incident grouping needs one
    m.options.update(minZoom=3, maxZoom=18, zoomSnap=0.25, zoomDelta=0.5)
    Runtime(frame=bounds, panel=legend_clear_of).add_to(m)  # fits the first view once the frame has its size
    Legend(
        legend_html(categories if categories is not None else _present_categories(all_incidents)),
        clear_of=legend_clear_of,
        open_min_page=LEGEND_OPEN_MIN_PAGE,
    ).add_to(m)
    PlayControl(panel=legend_clear_of).add_to(m)

    groups: list[folium.FeatureGroup] = []
    summary: dict = {
        "basemap": basemap,
        "layers": {},
        "visible": [],
        "incidents_total": 0,
        "incidents_drawn": 0,
        "incidents_unlocated": 0,
        "clustered": False,
        "cells": None,
    }
    provider = BASEMAPS[basemap].provider
    if provider is not None:
        g = folium.FeatureGroup(name=f"Basemap: {BASEMAPS[basemap].label}")
        tiles = folium.TileLayer(tiles=provider, max_zoom=18, max_native_zoom=provider.get("max_zoom", 18))
        TileFailureNote().add_to(tiles)
        tiles.add_to(g)
        groups.append(g)

    for layer_id in order:
        gdf = layers.get(layer_id)
        asked = LAYERS[layer_id].incidents and (source is not None or cells is not None) and incidents is None
        if layer_id not in visible or (gdf is None and not asked):
            continue
        g = folium.FeatureGroup(name=LAYERS[layer_id].title)
        element: CellLayer | IncidentLayer | FeatureLayer
        if LAYERS[layer_id].incidents and cells is not None:
            element = CellLayer(cells)
            summary.update(
                incidents_total=incident_total if incident_total is not None else 0,
                cells=cells.count,
                cell_deg=cells.view.cell,
                cells_box=cells.view.box,
                incidents_in_cells=cells.incidents,
            )
        elif LAYERS[layer_id].incidents:
            shown = incidents if incidents is not None else None if asked or gdf is None else gdf.iloc[0:0]
            src = source if source is not None else incident_source(shown)
            n = src.count
            element = IncidentLayer(
                src,
                clustered_radius=45 if n > CLUSTER_THRESHOLD else 10,
                chunked=n > CHUNKED_THRESHOLD,
                beside=payload_beside and not standalone,
            )
            summary.update(
                incidents_total=incident_total if incident_total is not None else len(gdf) if gdf is not None else n,
                incidents_drawn=n,
                incidents_unlocated=int((~located(shown)).sum()) if shown is not None and len(shown) else 0,
                clustered=n > CLUSTER_THRESHOLD,
            )
        else:
            element = feature_layer(layer_id, gdf, basemap, (features or {}).get(layer_id))
        element.add_to(g)
        groups.append(g)
        summary["layers"][layer_id] = element.count
        summary["visible"].append(layer_id)

    focus_spec = _focus(layers, incidents, focus, focus_seq, focus_record)
    if focus_spec and focus_spec["layer"] not in summary["visible"]:
        focus_spec = None
    sync = folium.FeatureGroup(name="Selection")
    Sync(summary["visible"], focus_spec, offline=provider is None).add_to(sync)
    PlayState(play_period, play_window).add_to(sync)  # after the incident layer: the control sets its window
    follow = follow or ViewFollow()  # none: the browser reports no view
    follow.add_to(sync)
    summary["follow"] = follow.state
    groups.append(sync)
    summary["focus"] = f"{focus_spec['layer']}|{focus_spec['id']}" if focus_spec else None

    if standalone:
        for g in groups:
            g.add_to(m)
    built = BuiltMap(m, groups, summary)
    if focus_spec:
        built.center, built.zoom = (focus_spec["lat"], focus_spec["lng"]), 9
    return built


def map_html(built: BuiltMap) -> str:
    """The whole map as one HTML page (the groups must have been added: standalone=True)."""
    return built.map.get_root().render()


def clicked_feature(value: Mapping | None) -> tuple[str, str] | None:
    """(layer id, feature id) of the clicked feature from st_folium's return value, or None.

    Every drawn feature carries its layer and id as GeoJSON properties; st_folium returns the
    clicked one as last_active_drawing.
    """
    drawing = (value or {}).get("last_active_drawing")
    props = drawing.get("properties") if isinstance(drawing, Mapping) else None
    if not isinstance(props, Mapping):
        return None
    layer_id, feature_id = props.get("layer"), props.get("id")
    if layer_id not in LAYERS or feature_id is None:
        return None
    return str(layer_id), str(feature_id)
