"""Reading and writing GeoJSON files as plain feature collections.

Writes are atomic (temporary file, then rename) so a failed write never leaves a
half-written layer behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from shapely.geometry import mapping


def round_coords(obj: Any, ndigits: int = 5) -> Any:
    """Round every coordinate in a GeoJSON geometry mapping (~1 m at 5 digits)."""
    if isinstance(obj, (list, tuple)):
        return [round_coords(o, ndigits) for o in obj]
    if isinstance(obj, float):
        return round(obj, ndigits)
    return obj


def geometry_to_json(geom, ndigits: int = 5) -> dict | None:
    """A shapely geometry as a GeoJSON mapping with rounded coordinates (None stays None)."""
    if geom is None:
        return None
    m = mapping(geom)
    return {"type": m["type"], "coordinates": round_coords(m["coordinates"], ndigits)}


def feature(properties: dict, geom, ndigits: int = 5) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry_to_json(geom, ndigits)}


def write_feature_collection(path: str | Path, features: list[dict], **members: Any) -> None:
    """Write a FeatureCollection atomically; extra top-level members (e.g. name) are kept."""
    path = Path(path)
    doc = {"type": "FeatureCollection", **members, "features": features}
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
