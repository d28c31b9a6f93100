"""Small maps for the pipeline and the markets pages, built from the border map's layers.

Offline by construction: no tiles, the shipped layers only, Leaflet served by the app
(asset_base). The result is a views.map.build.BuiltMap, so ui.map_panel.show_map draws it and
reports clicks the same way as on the main map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis import distance_to_border_km
from geo.catalog import LAYERS
from views.infrastructure import route_nodes, towns_near_route
from views.map._compat.folium import AssetMap
from views.map.assets import DEFAULT_ASSET_BASE, map_assets
from views.map.build import BuiltMap, region_bounds
from views.map.elements import FeatureLayer, Legend, Runtime, Sync
from views.map.layers import feature_layer
from views.map.legend import small_legend

PIPELINE_LAYERS = ("countries", "provinces", "border", "pipeline", "towns")
MARKET_LAYERS = ("countries", "provinces", "border", "power_line", "towns", "crossings", "markets")
# the markets, crossings and power line lie in this box, (south, west), (north, east); it reaches
# further east so that the legend (bottom right) covers no site
MARKETS_BOUNDS = [[24.9, 60.5], [29.7, 65.6]]
TOWNS_NEAR_ROUTE_KM = 10.0
ON_BORDER_KM = 5.0  # a route end point this close to the border is not labelled: the border line shows it
# a full-width map at 1280 px is about this wide; Leaflet keeps the centre when the frame is resized
MAP_WIDTH_PX = 800
LABEL_ROOM_DEG = 2.5  # room east of the route for the last label (labels are drawn to the right)


def _legend(layer_ids: Sequence[str], town_text: str) -> Legend:
    # open unless it would cover more than a quarter of the map (a phone), as on the border map
    return Legend(small_legend(layer_ids, {"towns": town_text}), open_min_width=0)


def fit_zoom(bounds: list[list[float]], size_px: tuple[int, int]) -> float:
    """The Web Mercator zoom (in quarter steps) at which bounds fit a map of size_px."""
    (south, west), (north, east) = bounds
    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    zx = math.log2(size_px[0] * 360.0 / (256.0 * max(east - west, 1e-6)))
    zy = math.log2(size_px[1] * 2 * math.pi / (256.0 * max(merc(north) - merc(south), 1e-9)))
    return math.floor(min(zx, zy) * 4) / 4


PAGE_MAP_ELEMENTS = (Runtime, Legend, FeatureLayer, Sync)  # what a page's own map (and Trends') holds


def _base_map(bounds: list[list[float]], asset_base: str, height: int, standalone: bool) -> folium.Map:
    """A tile-less map centred on bounds; height is the frame's height in pixels."""
    centre = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)
    # zoom set from the size rather than fitBounds: st_folium sizes the frame after Leaflet has started
    js, css = map_assets(PAGE_MAP_ELEMENTS, asset_base)
    m = AssetMap(
        js=js,
        css=css,
        location=centre,
        zoom_start=fit_zoom(bounds, (MAP_WIDTH_PX, height)),  # folium says int; Leaflet takes 5.25
        tiles=None,
        min_zoom=3,
        max_zoom=14,
        control_scale=True,
        height=f"{height}px" if standalone else "100%",
    )
    m.options.update(minZoom=3, maxZoom=14, zoomSnap=0.25, zoomDelta=0.5)
    Runtime().add_to(m)
    return m


def _assemble(
    m: folium.Map, layers: Mapping[str, gpd.GeoDataFrame | None], order: Sequence[str], standalone: bool
) -> BuiltMap:
    groups, counts = [], {}
    for layer_id in order:
        gdf = layers.get(layer_id)
        if gdf is None:
            continue
        element = feature_layer(layer_id, gdf, "offline")
        group = folium.FeatureGroup(name=LAYERS[layer_id].title)
        element.add_to(group)
        groups.append(group)
        counts[layer_id] = element.count
    sync = folium.FeatureGroup(name="Selection")
    Sync(list(counts), None, offline=True).add_to(sync)
    groups.append(sync)
    if standalone:
        for group in groups:
            group.add_to(m)
    return BuiltMap(m, groups, {"basemap": "offline", "layers": counts, "visible": list(counts)})


def route_labels(
    pipeline: gpd.GeoDataFrame,
    towns: gpd.GeoDataFrame | None,
    border: gpd.GeoDataFrame | None = None,
    within_km: float = TOWNS_NEAR_ROUTE_KM,
) -> gpd.GeoDataFrame:
    """Places to label along the route: the segments' named end points and the towns near it.

    A town and an end point of the same name are labelled once (the town, which has a record);
    an end point on the border is left to the border line.
    """
    rows = []
    if towns is not None and len(towns):
        near = towns_near_route(pipeline, towns, within_km)
        picked = towns[towns["id"].isin(near["id"])]
        rows += [{"id": r.id, "name": r.name, "geometry": r.geometry} for r in picked.itertuples()]
    named = {str(r["name"]).lower() for r in rows}
    nodes = route_nodes(pipeline)
    on_border = np.zeros(len(nodes), dtype=bool)
    if border is not None and len(border) and len(nodes):
        points = gpd.GeoSeries(gpd.points_from_xy(nodes["lon"], nodes["lat"]), crs="EPSG:4326")
        on_border = distance_to_border_km(points, border) <= ON_BORDER_KM
    for i, node in enumerate(nodes.itertuples()):
        if node.name.lower() not in named and not on_border[i]:
            rows.append(
                {
                    "id": f"route-node-{i + 1}",
                    "name": node.name,
                    "geometry": gpd.points_from_xy([node.lon], [node.lat])[0],
                }
            )
    frame = pd.DataFrame(rows, columns=["id", "name", "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _padded(bounds, pad: float) -> list[list[float]]:
    west, south, east, north = bounds
    return [[south - pad, west - pad], [north + pad, east + pad]]


def pipeline_map(
    layers: Mapping[str, gpd.GeoDataFrame | None],
    *,
    asset_base: str = DEFAULT_ASSET_BASE,
    standalone: bool = False,
    height: int = 380,
) -> BuiltMap:
    """The route (built, claimed built and unbuilt sections), the border, and the places it passes."""
    pipeline = layers.get("pipeline")
    bounds = _padded(pipeline.total_bounds, 0.4) if pipeline is not None and len(pipeline) else region_bounds(layers)
    bounds[1][1] += LABEL_ROOM_DEG
    m = _base_map(bounds, asset_base, height, standalone)
    _legend(("pipeline", "border", "towns"), "town or route end point").add_to(m)
    shown = dict(layers)
    if pipeline is not None:
        shown["towns"] = route_labels(pipeline, layers.get("towns"), layers.get("border"))
    built = _assemble(m, shown, PIPELINE_LAYERS, standalone)
    built.summary["labels"] = list(towns["name"]) if (towns := shown.get("towns")) is not None else []
    built.summary["height"] = height
    return built


def markets_map(
    layers: Mapping[str, gpd.GeoDataFrame | None],
    *,
    asset_base: str = DEFAULT_ASSET_BASE,
    standalone: bool = False,
    height: int = 480,
) -> BuiltMap:
    """Markets, crossings and the power line near the border; unlocated sites are not drawn."""
    m = _base_map(MARKETS_BOUNDS, asset_base, height, standalone)
    _legend(("markets", "crossings", "power_line", "border", "towns"), "town").add_to(m)
    shown = dict(layers)
    towns = layers.get("towns")
    if towns is not None and len(towns):
        (south, west), (north, east) = MARKETS_BOUNDS
        shown["towns"] = towns.cx[west:east, south:north]
    built = _assemble(m, shown, MARKET_LAYERS, standalone)
    built.summary["height"] = height
    return built
