"""The Trends page's choropleth: districts or H3 hexagons coloured by change class, offline.

Built like the other page maps (views.map.page_maps: no tiles, the shipped context layers, Leaflet
served by the app), so ui.map_panel.show_map draws it and reports a click on a district as
("districts", district id).
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.catalog import LAYERS
from geo.geojson_io import geometry_to_json
from geo.trends import CLASS_COLOURS, CLASSES, NO_EVENT_COLOUR, count_colours, count_labels
from views.map.assets import DEFAULT_ASSET_BASE
from views.map.build import BuiltMap, region_bounds
from views.map.elements import FeatureLayer, Legend, Sync
from views.map.layers import feature_layer
from views.map.legend import row, swatch_symbol
from views.map.page_maps import _base_map
from views.map.styles import esc

CONTEXT_LAYERS = ("countries", "provinces", "border")
HEXAGONS = "hexagons"  # the hexagon layer's id: not a catalogue layer, so a click on one selects nothing
SELECTED_OUTLINE = "#111111"
PAD_DEG = 0.3


def change_text(pct: float) -> str:
    """'+40 %', '-12 %', 'new' (no event in the baseline), '–' (none in either)."""
    if pd.isna(pct):
        return "–"
    if np.isinf(pct):
        return "new"
    return f"{pct:+.0f} %"


def _polygon(geom) -> dict | None:
    """GeoJSON of a shape; a plain polygon (every hexagon) by numpy, 4 decimals (about 10 m)."""
    if geom is not None and geom.geom_type == "Polygon" and not geom.interiors and not geom.is_empty:
        return {"type": "Polygon", "coordinates": [np.round(np.asarray(geom.exterior.coords), 4).tolist()]}
    return geometry_to_json(geom)


def _tip(name: str, klass: str, now: int, before: int, pct: float, approx: float) -> str:
    approx_text = "" if pd.isna(approx) else f" · {int(approx)} placed approximately"
    return (
        f'<div class="pkir-tip-title">{esc(name)}</div>'
        f'<div class="pkir-tip-meta">{esc(klass)} · {int(now)} now, {int(before)} before '
        f"({esc(change_text(pct))}){esc(approx_text)}</div>"
    )


def choropleth_features(
    table: gpd.GeoDataFrame, layer_id: str, names: pd.Series, selected: str | None, fills: list[str] | None = None
) -> list[dict]:
    """One GeoJSON feature per unit: its class colour (or its colour in fills), an escaped tooltip,
    layer and id for the click."""
    features = []
    columns = (table[c].to_numpy() for c in ("change_class", "current", "baseline", "change_pct", "approximate"))
    fills = fills if fills is not None else [CLASS_COLOURS[k] for k in table["change_class"]]
    rows = zip(table.index, table.geometry, names, fills, *columns, strict=True)
    for unit, geom, name, fill, klass, now, before, pct, approx in rows:
        geometry = _polygon(geom)
        if geometry is None:
            continue
        chosen = selected is not None and str(unit) == str(selected)
        style = {
            "color": SELECTED_OUTLINE if chosen else "#555555",
            "weight": 3 if chosen else 0.8,
            "fillColor": fill,
            "fillOpacity": 0.75,
        }
        tip = _tip(str(name), klass, now, before, pct, approx)
        props = {"layer": layer_id, "id": str(unit), "tip": tip, "style": style}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return features


def class_legend(title: str, note: str | None = None) -> str:
    """The change classes' colours, with the unit drawn and an optional note (all escaped)."""
    rows = [row(swatch_symbol("square", CLASS_COLOURS[c]), c) for c in CLASSES]
    extra = f'<div class="row"><span>{esc(note)}</span></div>' if note else ""
    return f"<details open><summary>Legend</summary><h4>{esc(title)}</h4>{''.join(rows)}{extra}</details>"


def count_legend(title: str, bounds: tuple[int, ...], note: str | None = None) -> str:
    """The count bins' colours (geo.trends.count_scale), "none" first, with the period and a note (escaped)."""
    colours = count_colours(bounds, bounds)
    rows = [row(swatch_symbol("square", NO_EVENT_COLOUR), "none")]
    rows += [row(swatch_symbol("square", c), label) for c, label in zip(colours, count_labels(bounds), strict=True)]
    extra = f'<div class="row"><span>{esc(note)}</span></div>' if note else ""
    return f"<details open><summary>Legend</summary><h4>{esc(title)}</h4>{''.join(rows)}{extra}</details>"


def _frame(table: gpd.GeoDataFrame) -> list[list[float]]:
    """[[south, west], [north, east]] of the units drawn, a little padded."""
    west, south, east, north = table.total_bounds
    return [[south - PAD_DEG, west - PAD_DEG], [north + PAD_DEG, east + PAD_DEG]]


def trends_map(
    layers: Mapping[str, gpd.GeoDataFrame | None],
    table: gpd.GeoDataFrame,
    *,
    unit: str = "districts",
    selected: str | None = None,
    legend_note: str | None = None,
    asset_base: str = DEFAULT_ASSET_BASE,
    standalone: bool = False,
    height: int = 520,
    fills: list[str] | None = None,
    legend: str | None = None,
) -> BuiltMap:
    """The map: countries, provinces, the units coloured by change class, the border on top.

    table: geo.trends.district_trends joined to the districts' geometry (unit "districts") or
    geo.trends.hexagon_trends (unit "hexagons"); selected: the district filtered to, outlined;
    fills and legend: another colouring than the change class (one fill per row of table, and its
    legend's HTML, e.g. count_legend), as the two periods side by side are drawn.
    """
    bounds = _frame(table) if unit == "districts" else region_bounds(layers)
    m = _base_map(bounds, asset_base, height, standalone)
    title = "Change by district" if unit == "districts" else "Change by hexagon (H3)"
    Legend(legend or class_legend(title, legend_note)).add_to(m)  # folded where it would cover much of the map
    groups, counts = [], {}
    layer_id = "districts" if unit == "districts" else HEXAGONS
    names = table["name"] if "name" in table.columns else pd.Series(table.index, index=table.index)
    for lid in (*CONTEXT_LAYERS[:2], layer_id, CONTEXT_LAYERS[2]):
        if lid == layer_id:
            chosen = selected if unit == "districts" else None
            features = choropleth_features(table, layer_id, names, chosen, fills)
            element = FeatureLayer(
                layer_id,
                features,
                title=LAYERS[layer_id].title if layer_id in LAYERS else title,
                attribution=LAYERS[layer_id].drawing.attribution if layer_id in LAYERS else None,
            )
        elif layers.get(lid) is not None:
            element = feature_layer(lid, layers[lid], "offline")
        else:
            continue
        group = folium.FeatureGroup(name=lid)
        element.add_to(group)
        groups.append(group)
        counts[lid] = element.count
    sync = folium.FeatureGroup(name="Selection")
    Sync(list(counts), None, offline=True).add_to(sync)
    groups.append(sync)
    if standalone:
        for group in groups:
            group.add_to(m)
    return BuiltMap(m, groups, {"basemap": "offline", "layers": counts, "visible": list(counts), "height": height})
