"""Reading and writing GeoJSON files as plain feature collections.

Writes are atomic (geo.files.write_atomic) so a failed write never leaves a half-written
layer behind.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import mapping

from geo.files import write_atomic
from geo.values import is_missing


def round_coords(obj: Any, ndigits: int = 5) -> Any:
    """Round a coordinate, or every one in a GeoJSON geometry's nested lists (~1 m at 5 digits):
    the one rounding of the project (written layers, exports, the map's features)."""
    if isinstance(obj, (list, tuple)):
        return [round_coords(o, ndigits) for o in obj]
    if isinstance(obj, float):
        return round(obj, ndigits)
    return obj


def geometry_to_json(geom, ndigits: int = 5) -> dict | None:
    """A shapely geometry as a GeoJSON mapping with rounded coordinates (None stays None)."""
    if geom is None or geom.is_empty:
        return None
    m = mapping(geom)
    return {"type": m["type"], "coordinates": round_coords(m["coordinates"], ndigits)}


def feature(properties: dict, geom, ndigits: int = 5) -> dict:
    """A GeoJSON Feature dict with JSON-safe properties and rounded coordinates."""
    return {"type": "Feature", "properties": properties, "geometry": geometry_to_json(geom, ndigits)}


def write_feature_collection(path: str | Path, features: list[dict], **members: Any) -> None:
    """Write a FeatureCollection atomically; extra top-level members (e.g. name) are kept."""
    path = Path(path)
    doc = {"type": "FeatureCollection", **members, "features": features}
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
    write_atomic(path, text + "\n")


def json_value(value: Any) -> Any:
    """A property value as plain JSON: dates as ISO strings, missing values as null."""
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if is_missing(value):
        return None
    if isinstance(value, datetime):  # pd.Timestamp too
        value = pd.Timestamp(value)
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
        return None if is_missing(value) else value
    return value


def gdf_to_features(gdf, ndigits: int = 6) -> list[dict]:
    """GeoJSON features of a loaded layer (geometry column excluded from properties)."""
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    rows = gdf[columns].to_dict("records")
    return [
        feature({k: json_value(v) for k, v in row.items()}, geom, ndigits)
        for row, geom in zip(rows, gdf.geometry, strict=True)
    ]
