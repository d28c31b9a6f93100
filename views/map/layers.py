"""What each layer sends to the browser: GeoJSON features with style and escaped tooltip, or,
for incidents, a compact binary column buffer (21 bytes an incident before base64)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.catalog import LAYERS
from geo.features import located
from geo.geojson_io import geometry_to_json
from geo.grades import grade_of
from geo.incidents.codec import typed
from geo.schema import INCIDENT_CATEGORIES, UNGRADED
from views.map.elements import FeatureLayer
from views.map.styles import (
    category_colour,
    esc,
    fatality_radius,
    grade_ring,
    js_json,
    path_style,
    point_symbol,
    precision_level,
)

DETAIL_LIMIT = 5000  # up to this many incidents, each one's id and tooltip travel with it
UNKNOWN_FATALITIES = 65535
# a missing date as days since 1970: no window's [from, to] ever overlaps [NO_START, NO_END]
NO_START, NO_END = np.iinfo(np.int32).max, np.iinfo(np.int32).min
DAY_NS = 86_400 * 10**9


class _Blank(dict):
    def __missing__(self, key):
        return ""


def tooltip_html(layer_id: str, props: Mapping) -> str:
    """Escaped tooltip for a non-incident feature: its name and one line of context."""
    layer = LAYERS[layer_id]
    drawing = layer.drawing
    name = props.get("name") or props.get("title") or props.get("id")
    if drawing.labels and layer.kind == "point":
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


def feature_layer(layer_id: str, gdf: gpd.GeoDataFrame, basemap: str, features: list | None = None) -> FeatureLayer:
    """A non-incident layer as a FeatureLayer; properties carry layer and id (the click's identity).

    features: the layer's features_of(...) when the caller keeps them (ui.data does, per layer file
    and basemap); made here otherwise.
    """
    layer = LAYERS[layer_id]
    made = features if features is not None else features_of(layer_id, gdf, basemap)
    return FeatureLayer(
        layer_id,
        made,
        interactive=layer.drawing.interactive,
        labels=layer.drawing.labels and layer.kind == "point",
        attribution=layer.drawing.attribution,
        offline_fill=path_style(layer_id, {}, "offline").get("fillOpacity") if layer.kind == "polygon" else None,
        title=layer.one or layer.title,
    )


def features_of(layer_id: str, gdf: gpd.GeoDataFrame, basemap: str) -> list[dict]:
    layer = LAYERS[layer_id]
    features: list[dict] = []
    for props, geom in zip(gdf.drop(columns="geometry").to_dict("records"), gdf.geometry, strict=True):
        geometry = geometry_to_json(geom)
        if geometry is None:
            continue  # unlocated market or crossing: listed in its record, not drawn
        fp: dict = {"layer": layer_id, "id": str(props.get("id")), "tip": tooltip_html(layer_id, props)}
        if layer.kind == "point":
            fp["sym"] = point_symbol(layer_id, props)
        else:
            fp["style"] = path_style(layer_id, props, basemap)
        features.append({"type": "Feature", "geometry": geometry, "properties": fp})
    if layer.drawing.labels and layer.kind == "point":
        where = [tuple(f["geometry"]["coordinates"]) for f in features]
        for f, side in zip(features, label_sides(where), strict=True):
            f["properties"]["label"] = side
    return features


def _date_text(start: pd.Series, end: pd.Series) -> list[str]:
    s = pd.to_datetime(start, errors="coerce").dt.strftime("%Y-%m-%d").fillna("date unknown")
    e = pd.to_datetime(end, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    return [a if not b or a == b else f"{a} to {b}" for a, b in zip(s, e, strict=True)]


def _categories() -> list[str]:
    return [c for c in INCIDENT_CATEGORIES if c != "other"] + ["other"]


def _tip(title: str, date: str, category: str, killed: int, fid: str, grade: str = "") -> str:
    meta = f"{date} &middot; {category}" + (f" &middot; {killed} killed" if killed > 0 else "")
    meta += f" &middot; {grade}" if grade else ""
    return (
        f'<div class="pkir-tip-title">{title}</div><div class="pkir-tip-meta">{meta}</div>'
        f'<div class="pkir-tip-id">{fid}</div>'
    )


def _coded(values: np.ndarray, code, missing: int) -> np.ndarray:
    """uint8 codes of values: code(value) worked out once per distinct value; missing for NA."""
    found, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    table = np.array([code(u) for u in uniques] + [missing], dtype=np.uint8)
    return table[found]  # NA is -1: the last entry


def _texts(values: np.ndarray) -> np.ndarray:
    """values as str objects, the frame's own where they already are (numpy's own str type would
    copy every id at 4 bytes a character: 4.4 MB for 100k ids, kept with every payload)."""
    if all(type(v) is str for v in values):
        return values
    return np.array([str(v) for v in values], dtype=object)


def _points(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of every row, NaN where it has no point: from lon/lat columns (a store's query)
    or from the geometry."""
    if "lon" in incidents.columns and "lat" in incidents.columns:
        return incidents["lon"].to_numpy(dtype=float), incidents["lat"].to_numpy(dtype=float)
    if not len(incidents):
        return np.zeros(0), np.zeros(0)
    mask = located(incidents)
    geoms = incidents.geometry.to_numpy()
    lon, lat = np.full(len(incidents), np.nan), np.full(len(incidents), np.nan)
    lon[mask], lat[mask] = shapely.get_x(geoms[mask]), shapely.get_y(geoms[mask])
    return lon, lat


def epoch_days(values, missing: int, ceil: bool = False) -> np.ndarray:
    """Dates as int32 days since 1970-01-01, missing where unknown. A start is rounded up and an end
    down, so that [start, end] overlaps a whole-day window exactly when geo.filters matches it."""
    stamps = pd.to_datetime(pd.Series(values), errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)  # the local calendar day, as the data gives it
    ns = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    days = -(-ns // DAY_NS) if ceil else ns // DAY_NS
    return np.where(stamps.isna().to_numpy(), missing, days).astype("<i4")


def _located_dates(incidents: pd.DataFrame, name: str, mask: np.ndarray) -> np.ndarray:
    """A date column's located rows as the frame holds them (datetime64: no Timestamp objects made)."""
    if name not in incidents.columns:
        return np.full(int(mask.sum()), None, dtype=object)
    return incidents[name].to_numpy()[mask]


def incident_payload(incidents: pd.DataFrame | pa.Table, details: bool | None = None) -> dict:
    """Column arrays of the located incidents, in drawing order (what the browser receives).

    incidents: a frame, or the store's Arrow table of the map's columns (geo.store.query.MAP_COLUMNS):
    a large table is coded column by column in Arrow, never one Python object per incident.

    lon/lat float32; category an index into categories and colours; precision a drawing level
    (0-2) plus styles.GRADE_RING for a grade drawn ringed (single source, claimed, disputed); radius
    in pixels; fatalities -1 when unknown; start and end int32 days since 1970 (see
    epoch_days: the time control filters by them in the browser). With details (default: up to
    DETAIL_LIMIT incidents) also each one's id and an escaped tooltip; without, the browser
    knows an incident by its row and the server turns the row back into an id (see IncidentSource).
    """
    if isinstance(incidents, pa.Table):
        if details or (details is None and incidents.num_rows <= DETAIL_LIMIT):
            incidents = typed(incidents.to_pandas(), incidents.column_names)
        else:
            return _arrow_payload(incidents)
    points = _points(incidents)
    mask = np.isfinite(points[0]) & np.isfinite(points[1])
    categories = _categories()
    index = {c: i for i, c in enumerate(categories)}

    def col(name, default=None) -> np.ndarray:  # the located rows of a column, without copying the frame
        if name not in incidents.columns:
            return np.full(int(mask.sum()), default, dtype=object)
        return incidents[name].to_numpy(dtype=object)[mask]

    fat = pd.to_numeric(pd.Series(col("fatalities_best"), dtype=object), errors="coerce").to_numpy(dtype=float)
    cat_codes = _coded(col("category"), lambda c: index.get(str(c), index["other"]), index["other"])
    precision = _coded(col("location_precision"), precision_level, precision_level(None))
    precision |= _coded(col("grade"), grade_ring, 0)  # the verification ring (styles.GRADE_RING)
    payload = {
        "lon": points[0][mask].astype("<f4"),
        "lat": points[1][mask].astype("<f4"),
        "radius": fatality_radius(fat).astype(np.uint8),
        "fatalities": np.where(np.isfinite(fat), fat, -1).astype(np.int64),
        "category": cat_codes,
        "precision": precision,
        "start": epoch_days(_located_dates(incidents, "date_start", mask), NO_START, ceil=True),
        "end": epoch_days(_located_dates(incidents, "date_end", mask), NO_END),
        "ids": _texts(col("id")),
        "categories": [esc(c) for c in categories],
        "colours": [category_colour(c) for c in categories],
    }
    if details if details is not None else int(mask.sum()) <= DETAIL_LIMIT:
        labels = payload["categories"]
        dates = _date_text(pd.Series(col("date_start")), pd.Series(col("date_end")))
        payload["id"] = [str(v) for v in payload["ids"]]
        grades = [grade_of(g) for g in col("grade")]
        payload["tip"] = [
            _tip(esc(t), esc(d), labels[c], int(k), esc(i), esc(g) if g != UNGRADED else "")
            for t, d, c, k, i, g in zip(
                col("title", ""), dates, payload["category"], payload["fatalities"], payload["id"], grades, strict=True
            )
        ]
    return payload


def _arrow_payload(table: pa.Table) -> dict:
    """incident_payload without details, from an Arrow table (lon, lat and the map's columns)."""
    lon, lat = _arrow_floats(table, "lon"), _arrow_floats(table, "lat")
    mask = np.isfinite(lon) & np.isfinite(lat)
    if not mask.all():
        table, lon, lat = table.filter(pa.array(mask)), lon[mask], lat[mask]
    categories = _categories()
    index = {c: i for i, c in enumerate(categories)}
    fat = _arrow_floats(table, "fatalities_best")
    return {
        "lon": lon.astype("<f4"),
        "lat": lat.astype("<f4"),
        "radius": fatality_radius(fat).astype(np.uint8),
        "fatalities": np.where(np.isfinite(fat), fat, -1).astype(np.int64),
        "category": _arrow_coded(table, "category", lambda c: index.get(c, index["other"]), index["other"]),
        "precision": _arrow_coded(table, "location_precision", precision_level, precision_level(None))
        | _arrow_coded(table, "grade", grade_ring, 0),  # the verification ring (styles.GRADE_RING)
        "start": _arrow_days(table, "date_start", NO_START, ceil=True),
        "end": _arrow_days(table, "date_end", NO_END),
        "ids": pc.cast(table["id"], pa.string()).combine_chunks(),
        "categories": [esc(c) for c in categories],
        "colours": [category_colour(c) for c in categories],
    }


def _arrow_floats(table: pa.Table, name: str) -> np.ndarray:
    """A numeric column as float64, NaN where missing (or absent)."""
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    return pc.cast(table[name], pa.float64()).fill_null(np.nan).to_numpy()


def _arrow_coded(table: pa.Table, name: str, code, missing: int) -> np.ndarray:
    """uint8 codes of a text column: code(value) once per distinct value; missing for a null."""
    if name not in table.column_names:
        return np.full(table.num_rows, missing, dtype=np.uint8)
    encoded = pc.dictionary_encode(pc.cast(table[name], pa.string()).combine_chunks())
    lookup = np.array([code(v) for v in encoded.dictionary.to_pylist()] + [missing], dtype=np.uint8)
    return lookup[encoded.indices.fill_null(len(encoded.dictionary)).to_numpy()]


def _arrow_days(table: pa.Table, name: str, missing: int, ceil: bool = False) -> np.ndarray:
    """A date column as epoch_days does it (a start rounded up, an end down), from Arrow."""
    if name not in table.column_names:
        return np.full(table.num_rows, missing, dtype="<i4")
    micros = pc.cast(pc.cast(table[name], pa.timestamp("us")), pa.int64())
    present = pc.is_valid(micros).to_numpy(zero_copy_only=False)
    us = micros.fill_null(0).to_numpy()
    day_us = DAY_NS // 1000
    days = -(-us // day_us) if ceil else us // day_us
    return np.where(present, days, missing).astype("<i4")


@dataclass(frozen=True)
class BufferColumn:
    """One column of the incident buffer: its name in the browser (incidents.js: d.lon, ...), its
    little-endian dtype, and the incident_payload field it holds."""

    name: str
    dtype: str
    field: str


# The incident buffer, column after column: the one description of its bytes. encode_points packs
# by it and the payload sends it ("layout": name, typed-array kind, byte offset), by which
# incidents.js reads every column: 21 bytes an incident, each column aligned to its item size.
POINT_LAYOUT = (
    BufferColumn("lon", "<f4", "lon"),
    BufferColumn("lat", "<f4", "lat"),
    BufferColumn("fat", "<u2", "fatalities"),  # 65535 unknown, capped at 65534
    BufferColumn("cat", "u1", "category"),
    BufferColumn("rad", "u1", "radius"),
    BufferColumn("prec", "u1", "precision"),
    BufferColumn("start", "<i4", "start"),  # days since 1970
    BufferColumn("end", "<i4", "end"),
)
TYPED_ARRAYS = {"<f4": "Float32Array", "<u2": "Uint16Array", "u1": "Uint8Array", "<i4": "Int32Array"}


def _buffer_values(payload: dict, column: BufferColumn) -> np.ndarray:
    values = payload[column.field]
    if column.field == "fatalities":  # -1 (unknown) travels as the largest uint16
        values = np.where(values < 0, UNKNOWN_FATALITIES, np.minimum(values, UNKNOWN_FATALITIES - 1))
    return np.ascontiguousarray(values, dtype=column.dtype)


def encode_points(payload: dict) -> tuple[bytes, list[list]]:
    """The per-point columns as one little-endian buffer laid out by POINT_LAYOUT, and that layout
    for the browser: [name, typed-array kind, byte offset] a column. A column starts at the next
    multiple of its item size, so the browser views the buffer without copying."""
    parts: list[bytes] = []
    layout: list[list] = []
    at = 0
    for column in POINT_LAYOUT:
        size = np.dtype(column.dtype).itemsize
        pad = -at % size
        parts.append(b"\0" * pad)
        blob = _buffer_values(payload, column).tobytes()
        layout.append([column.name, TYPED_ARRAYS[column.dtype], at + pad])
        parts.append(blob)
        at += pad + len(blob)
    return b"".join(parts), layout


@dataclass(frozen=True, eq=False)
class IncidentSource:
    """The incidents the browser draws, as the JSON handed to PKIR.incidentLayer, and their ids.

    key is a hash of the content: the browser keeps the layer built for a key and reuses it when
    only other layers, the basemap or the selection change. ids (in drawing order) turn a row the
    browser reports back into an incident id, for sets too large to ship every id. They are kept
    as one Arrow text array (a few bytes an id), not a Python string per incident.
    """

    key: str
    count: int
    data_json: str
    ids: pa.StringArray

    def id_of(self, row) -> str | None:
        """The id of the incident drawn at this row, or None for a row this source does not have."""
        try:
            row = int(row)
        except (TypeError, ValueError):
            return None
        return self.ids[row].as_py() if 0 <= row < len(self.ids) else None

    def row_of(self, incident_id: str) -> int:
        """The row at which this incident is drawn, -1 if it is not drawn."""
        return pc.index(self.ids, str(incident_id)).as_py()


def incident_source(incidents: pd.DataFrame | pa.Table, details: bool | None = None) -> IncidentSource:
    """Build the incident payload once: points base64-encoded (see encode_points), ids and
    tooltips only for small sets. Everything goes inline (through the app's own connection):
    nothing of one session's data is served as a file."""
    payload = incident_payload(incidents, details)
    blob, layout = encode_points(payload)
    data = {
        "n": len(payload["ids"]),
        "b64": base64.b64encode(blob).decode("ascii"),
        "layout": layout,
        "categories": payload["categories"],
        "colours": payload["colours"],
    }
    if "id" in payload:
        data["id"], data["tip"] = payload["id"], payload["tip"]
    text = js_json(data)
    key = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    ids = payload["ids"]
    return IncidentSource(key, data["n"], text, ids if isinstance(ids, pa.Array) else pa.array(ids, type=pa.string()))
