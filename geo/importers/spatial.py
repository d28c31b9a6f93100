"""GeoJSON, GeoPackage and KML: properties mapped to the incident schema, optional ones filled
with nulls, KML Name/Description as title/description; a file of several layers says so."""

from __future__ import annotations

import json
import math
import tempfile
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.importers.build import Collector
from geo.importers.result import ImportFormatError
from geo.loading import read_geojson
from geo.schema import INCIDENTS
from geo.validation import LayerValidationError

# common property names of other tools -> the schema's
ALIASES = {
    "name": "title",
    "description": "description",
    "date": "date_start",
    "begin": "date_start",
    "end": "date_end",
    "timestamp": "date_start",
    "fatalities": "fatalities_best",
    "source_url": "url",
}
_XML_REFUSED = (b"<!DOCTYPE", b"<!ENTITY")


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _refuse_xml_entities(path: Path) -> None:
    tail, found = b"", False
    with path.open("rb") as fh:  # the whole file: a long comment must not hide a DOCTYPE
        while (chunk := fh.read(1 << 20)) and not found:
            window = (tail + chunk).upper()
            found = any(tag in window for tag in _XML_REFUSED)
            tail = chunk[-16:]
    if found:
        raise ImportFormatError(
            f"{path.name}: refused: the file declares a DOCTYPE or entities, which can make a reader fetch "
            "other files or expand without end (XXE, 'billion laughs'); remove the DOCTYPE and import again"
        )


def _read_json(path: Path) -> gpd.GeoDataFrame:
    try:
        return read_geojson(path)
    except LayerValidationError as exc:
        first = exc.problems[0] if exc.problems else str(exc)
        if "not a GeoJSON FeatureCollection" not in first:
            raise ImportFormatError(f"{path.name}: {' '.join(first.split())}") from exc
    doc = json.loads(path.read_text(encoding="utf-8"))  # it parsed above: only its shape was wrong
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        with tempfile.TemporaryDirectory() as tmp:
            wrapped = Path(tmp) / path.name
            wrapped.write_text(json.dumps({"type": "FeatureCollection", "features": [doc]}), encoding="utf-8")
            return _read_json(wrapped)
    what = "a JSON array" if isinstance(doc, list) else f"a JSON {type(doc).__name__}"
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        raise ImportFormatError(f"{path.name}: a FeatureCollection whose 'features' is not a list")
    if isinstance(doc, dict):
        what = f"a GeoJSON {doc.get('type')!s}" if "type" in doc else "a JSON object without 'type'"
    raise ImportFormatError(f"{path.name}: not a GeoJSON FeatureCollection or Feature (it is {what})")


def read(path: Path, layer: str | None) -> tuple[gpd.GeoDataFrame, list[str], str | None]:
    """The file as a GeoDataFrame, the layers it holds and the one read."""
    if not path.is_file():
        raise ImportFormatError(f"{path.name}: no such file" if not path.exists() else f"{path.name}: not a file")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        return _read_json(path), [], None
    if suffix in (".kml", ".gpx", ".xml", ".gml"):
        _refuse_xml_entities(path)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL's errors are many; all mean the same to the user
        raise ImportFormatError(f"{path.name}: cannot read it as a spatial file ({_one_line(exc)[:200]})") from exc
    if layer is not None and layer not in layers:
        raise ImportFormatError(f"{path.name}: no layer {layer!r} (layers: {', '.join(layers)})")
    chosen = layer or (layers[0] if layers else None)
    try:
        gdf = gpd.read_file(path, layer=chosen)
    except Exception as exc:
        raise ImportFormatError(f"{path.name}: cannot read layer {chosen!r} ({_one_line(exc)[:200]})") from exc
    return gdf, layers, chosen


def _json_list(value, kind: str):
    """Lists that GeoPackage/KML stored as text come back as lists."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            pass
    if kind == "str_list":
        return [p.strip() for p in text.split(";") if p.strip()]
    if kind == "sources" and text.lower().startswith(("http://", "https://")):
        return [{"outlet": None, "url": text, "date": None}]
    return value


def _plain(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()[:10]
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()  # numpy scalar
    return value


def _refuse_outlines(gdf: gpd.GeoDataFrame, name: str, source_of: dict[str, list[str]]) -> None:
    """A file of areas or lines only (district outlines, roads) is not a file of events: one line says so."""
    kinds = gdf.geometry.dropna().geom_type
    kinds = kinds[~gdf.geometry.dropna().is_empty]
    if kinds.empty or kinds.isin(["Point"]).any():
        return
    counts = kinds.value_counts()
    what = ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
    dated = "date_start" in source_of and gdf[source_of["date_start"]].notna().any(axis=None)
    dates = "" if dated else ", and none has a date"
    raise ImportFormatError(
        f"{name}: its {len(kinds):,} features are areas or lines ({what}), not events{dates}. An incident is a "
        "point (or has no location) with a date: import a file of events, not of outlines."
    )


def to_collector(gdf: gpd.GeoDataFrame, name: str, collector: Collector) -> None:
    """Each feature as a record (aliases mapped, missing optional properties null) into collector."""
    columns = {c: c for c in gdf.columns if c != gdf.geometry.name}
    lower = {c.lower(): c for c in columns}
    fields = {f.name: f for f in INCIDENTS.fields}
    source_of: dict[str, list[str]] = {}
    for f in fields:
        if f in columns:
            source_of[f] = [f]
        elif f in lower:
            source_of[f] = [lower[f]]
    for alias, target in ALIASES.items():
        if target in fields and alias in lower and lower[alias] not in source_of.get(target, []):
            source_of.setdefault(target, []).append(lower[alias])
    url_col = lower.get("url") or lower.get("source_url") or lower.get("link")
    stem = Path(name).stem
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")
        collector.notes.append(f"{name}: reprojected to EPSG:4326")
    elif gdf.crs is None:
        raise ImportFormatError(f"{name}: no CRS: the file does not say which coordinate system it uses")
    _refuse_outlines(gdf, name, source_of)
    collector.geoms = []
    records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    for pos, (props, geom) in enumerate(zip(records, gdf.geometry, strict=True)):
        rec = {
            f: next((v for c in cols if (v := _plain(props.get(c))) is not None), None) for f, cols in source_of.items()
        }
        for f in ("actors", "sources"):
            rec[f] = _json_list(rec.get(f), fields[f].kind)
        rec.setdefault("actors", [])
        rec["actors"] = rec.get("actors") or []
        if not rec.get("sources") and url_col and isinstance(props.get(url_col), str):
            rec["sources"] = _json_list(props[url_col].strip(), "sources")
        rec["id"] = rec.get("id") if rec.get("id") not in (None, "") else f"{stem}-{pos}"
        rec["title"] = rec.get("title") or rec.get("place") or f"Feature {pos} of {name}"
        rec["description"] = rec.get("description") or rec["title"]
        rec["category"] = rec.get("category") or "other"
        rec["location_precision"] = rec.get("location_precision") or "approximate"
        for d in ("date_start", "date_end"):
            rec[d] = "" if rec.get(d) is None else str(rec[d])
        point = geom is not None and not geom.is_empty and geom.geom_type == "Point"
        collector.add(pos, f"id '{rec['id']}'", rec, geom.y if point else None, geom.x if point else None)
        collector.geoms.append(geom)
    collector.rows_read = len(gdf)
