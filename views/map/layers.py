"""What each layer sends to the browser: GeoJSON features with style and escaped tooltip, or,
for incidents, compact column arrays (100,000 of them stay usable)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.catalog import LAYERS
from geo.features import located
from geo.schema import INCIDENT_CATEGORIES
from views.map.elements import FeatureLayer
from views.map.styles import (
    category_colour,
    esc,
    fatality_radius,
    js_json,
    path_style,
    point_symbol,
    precision_level,
)

INLINE_LIMIT = 5000  # above this many incidents, st_folium is given a URL to fetch them from (if it can)


class _Blank(dict):
    def __missing__(self, key):
        return ""


def _round(coords, digits: int = 5):
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), digits) for c in coords]
        return [_round(c, digits) for c in coords]
    return coords


def _geometry(geom) -> dict | None:
    if geom is None or geom.is_empty:
        return None
    doc = shapely.geometry.mapping(geom)
    return {"type": doc["type"], "coordinates": _round(doc["coordinates"])}


def tooltip_html(layer_id: str, props: Mapping) -> str:
    """Escaped tooltip for a non-incident feature: its name and one line of context."""
    drawing = LAYERS[layer_id].drawing
    name = props.get("name") or props.get("title") or props.get("id")
    if drawing.labels:
        return esc(name)
    context = drawing.tooltip.format_map(_Blank({k: v for k, v in props.items() if v is not None}))
    meta = f'<div class="pkir-tip-meta">{esc(context)}</div>' if context.strip(" ·") else ""
    return f'<div class="pkir-tip-title">{esc(name)}</div>{meta}<div class="pkir-tip-id">{esc(props.get("id"))}</div>'


def label_sides(points: list[tuple[float, float]], reach_deg: float = 0.3) -> list[str]:
    """'left' for a label that would run into a neighbour's point or label on its right (another
    point within reach_deg east and about as far north or south), else 'right'."""
    sides = []
    for lon, lat in points:
        crowded = any(0 < olon - lon <= reach_deg and abs(olat - lat) <= reach_deg / 2 for olon, olat in points)
        sides.append("left" if crowded else "right")
    return sides


def feature_layer(layer_id: str, gdf: gpd.GeoDataFrame, basemap: str) -> FeatureLayer:
    """A non-incident layer as a FeatureLayer; properties carry layer and id (the click's identity)."""
    layer = LAYERS[layer_id]
    features = []
    for props, geom in zip(gdf.drop(columns="geometry").to_dict("records"), gdf.geometry, strict=True):
        geometry = _geometry(geom)
        if geometry is None:
            continue  # unlocated market or crossing: listed in its record, not drawn
        fp: dict = {"layer": layer_id, "id": str(props.get("id")), "tip": tooltip_html(layer_id, props)}
        if layer.kind == "point":
            fp["sym"] = point_symbol(layer_id, props)
        else:
            fp["style"] = path_style(layer_id, props, basemap)
        features.append({"type": "Feature", "geometry": geometry, "properties": fp})
    if layer.drawing.labels:
        where = [tuple(f["geometry"]["coordinates"]) for f in features]
        for f, side in zip(features, label_sides(where), strict=True):
            f["properties"]["label"] = side
    return FeatureLayer(
        layer_id,
        features,
        interactive=layer.drawing.interactive,
        labels=layer.drawing.labels,
        attribution=layer.drawing.attribution,
        offline_fill=path_style(layer_id, {}, "offline").get("fillOpacity") if layer.kind == "polygon" else None,
    )


def _date_text(start: pd.Series, end: pd.Series) -> list[str]:
    s = pd.to_datetime(start, errors="coerce").dt.strftime("%Y-%m-%d").fillna("date unknown")
    e = pd.to_datetime(end, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    return [a if not b or a == b else f"{a} to {b}" for a, b in zip(s, e, strict=True)]


def incident_payload(incidents: gpd.GeoDataFrame) -> dict:
    """Column arrays of the located incidents, strings escaped (what the browser receives).

    category holds an index into categories and colours; precision a drawing level (0-2);
    fatalities -1 when unknown.
    """
    gdf = incidents[located(incidents)] if len(incidents) else incidents
    categories = [c for c in INCIDENT_CATEGORIES if c != "other"] + ["other"]
    index = {c: i for i, c in enumerate(categories)}

    def col(name, default=None):
        return gdf[name] if name in gdf.columns else pd.Series(default, index=gdf.index)

    geoms = gdf.geometry.to_numpy()
    fat = pd.to_numeric(col("fatalities_best").astype("object"), errors="coerce").to_numpy(dtype=float)
    return {
        "id": [str(v) for v in col("id")],
        "lat": np.round(shapely.get_y(geoms), 5).tolist(),
        "lon": np.round(shapely.get_x(geoms), 5).tolist(),
        "radius": fatality_radius(fat).tolist(),
        "fatalities": np.where(np.isfinite(fat), fat, -1).astype(int).tolist(),
        "category": [index.get(str(c), index["other"]) for c in col("category")],
        "precision": [precision_level(p) for p in col("location_precision")],
        "title": [esc(t) for t in col("title", "")],
        "date": [esc(d) for d in _date_text(col("date_start"), col("date_end"))],
        "categories": [esc(c) for c in categories],
        "colours": [category_colour(c) for c in categories],
    }


@dataclass(frozen=True)
class IncidentSource:
    """The incidents the browser draws: inline JSON, or a URL it fetches (large sets).

    key is a hash of the content: the browser keeps the Leaflet layer built for a key and reuses
    it when only other layers, the basemap or the selection change.
    """

    key: str
    count: int
    data_json: str | None = None
    url: str | None = None


def incident_source(incidents: gpd.GeoDataFrame, publish=None, inline_limit: int = INLINE_LIMIT) -> IncidentSource:
    """Build the incident payload; above inline_limit hand it to publish(key, json) -> URL if given.

    publish may return None (e.g. a read-only install): the data then goes inline.
    """
    payload = incident_payload(incidents)
    text = js_json(payload)
    key = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    count = len(payload["id"])
    if publish is not None and count > inline_limit:
        url = publish(key, text)
        if url:
            return IncidentSource(key, count, None, url)
    return IncidentSource(key, count, text, None)
