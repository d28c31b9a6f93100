"""The one codec of the incident table: the loaded frame <-> the stored form <-> a query's rows.

The stored form has one plain typed column per schema field. Lists (actors) and lists of objects
(sources) become JSON text, so GeoParquet, GeoPackage, Arrow and a PostGIS table (jsonb) all hold
the same values and QGIS shows them as text. ``to_flat`` and ``from_flat`` are inverses for any
validated incident frame; ``typed`` types stored values (Arrow, SQL rows) as a query returns them,
``incident_frame`` turns such rows (lon/lat) back into a frame with points.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.geojson_io import json_value
from geo.incidents.schema import (
    BOOL_COLUMNS,
    DATE_COLUMNS,
    FIELDS,
    FLOAT_COLUMNS,
    GEOMETRY,
    INT_COLUMNS,
    JSON_COLUMNS,
    POINT,
)


def _plain(value):
    """What json cannot encode by itself inside sources: dates, numpy scalars."""
    plain = json_value(value)
    if plain is value:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return plain


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_plain, allow_nan=False).encode


def _json_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if type(value) is list and not value:
        return "[]"  # one text for every empty list (most rows' actors)
    return _ENCODE(value)


def is_arrow_text(col: pd.Series) -> bool:
    """Is the column text held in Arrow (an import's compact frame, geo.incidents.compact)?"""
    return isinstance(col.dtype, pd.ArrowDtype) and pa.types.is_string(col.dtype.pyarrow_dtype)


def _json_texts(col: pd.Series) -> list:
    """_json_text of each value, once for each object: rows holding the very same list (an
    import's shared sources and actors) get one text, not equal copies."""
    values = col.tolist()
    texts: dict[int, str | None] = {}  # by id(): every value stays alive in `values` meanwhile
    out = []
    for value in values:
        key = id(value)
        if key not in texts:
            texts[key] = _json_text(value)
        out.append(texts[key])
    return out


def _text(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return json_value(value) if not isinstance(value, str) else value


def _flat_column(name: str, col: pd.Series) -> pd.Series:
    if is_arrow_text(col):
        return col  # stored text already (an import's compact frame, geo.incidents.compact)
    if name in JSON_COLUMNS:
        return pd.Series(_json_texts(col), index=col.index, dtype=object)
    if name in DATE_COLUMNS:
        return pd.to_datetime(col).astype("datetime64[us]")
    if name in INT_COLUMNS:
        return col.astype("Int64")
    if name in FLOAT_COLUMNS:
        return pd.to_numeric(col, errors="coerce").astype("float64")
    if name in BOOL_COLUMNS:
        return col.astype("boolean")
    if col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
        odd = col.isna().to_numpy() & ~np.equal(col.to_numpy(), None)  # type: ignore[call-overload]  # NaN or pd.NA, not None (numpy stubs refuse None)
        return col.where(~odd, None) if odd.any() else col  # already text: no per-value work, no copy
    return pd.Series([_text(v) for v in col], index=col.index, dtype=object)


def repeated(col: pd.Series) -> np.ndarray:
    """Per row: does an earlier row hold the same value? An Arrow text column is sorted (stably),
    which takes a tenth of the memory pandas' hashing of its texts does."""
    if not is_arrow_text(col):
        return col.duplicated(keep="first").to_numpy(dtype=bool) & col.notna().to_numpy(dtype=bool)
    texts = pa.array(col.array)
    if len(texts) < 2:
        return np.zeros(len(texts), dtype=bool)
    order = pc.sort_indices(texts).to_numpy()
    ordered = texts.take(order)
    same = pc.equal(ordered[1:], ordered[:-1]).fill_null(False).to_numpy(zero_copy_only=False)
    repeated = np.zeros(len(texts), dtype=bool)
    repeated[order[1:][same]] = True
    return repeated


def to_flat(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Schema columns in order (absent optional ones as nulls), typed for storage; extra columns dropped."""
    out = {}
    nulls = pd.Series(np.full(len(incidents), None, dtype=object), index=incidents.index)
    for name in FIELDS:
        out[name] = _flat_column(name, incidents[name] if name in incidents.columns else nulls)
    geom = gpd.GeoSeries(incidents.geometry.to_crs("EPSG:4326").values, index=incidents.index)
    frame = pd.DataFrame(out, copy=False)  # columns kept as they are: no consolidating copy
    return gpd.GeoDataFrame(frame, geometry=geom, crs="EPSG:4326", copy=False)


@contextlib.contextmanager
def no_gc():
    """Pause the cyclic garbage collector (nothing cyclic is built here; reference counting frees the rest)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def decode_json_column(col: pd.Series) -> pd.Series:
    """JSON text per row -> Python values, parsed as one JSON array (one C call, not one per row)."""
    texts = col.fillna("null").tolist()  # vectorised for Arrow-backed text; no per-row Python
    with no_gc():  # building 100k small lists and dicts would trigger many full collections
        values = json.loads("[" + ",".join(texts) + "]")
    return pd.Series(values, index=col.index, dtype=object)


def from_flat(flat: pd.DataFrame) -> gpd.GeoDataFrame:
    """The columns present, typed as geo.loading loads an incident layer (lists, None for missing)."""
    out = {}
    for name in flat.columns:
        if name == GEOMETRY or name not in FIELDS:
            continue
        col = flat[name]
        if name in JSON_COLUMNS:
            out[name] = decode_json_column(col)
        elif name in DATE_COLUMNS:
            out[name] = pd.to_datetime(col).astype("datetime64[us]")
        elif name in INT_COLUMNS:
            out[name] = col.astype("Int64")
        elif name in FLOAT_COLUMNS:
            out[name] = col.astype("float64")
        elif col.dtype == object:  # stored text: None already marks a missing value
            out[name] = col
        else:  # text and bool: Python objects with None for missing, as the GeoJSON reader gives
            out[name] = pd.Series(col.to_numpy(dtype=object, na_value=None), index=col.index, dtype=object)
    geom = flat[GEOMETRY] if GEOMETRY in flat.columns else gpd.GeoSeries([None] * len(flat), index=flat.index)
    frame = pd.DataFrame(out, index=flat.index)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geom, index=flat.index), crs="EPSG:4326").reset_index(
        drop=True
    )


def _differs(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Per row: do the two values differ (two missing values are equal)?"""
    if old.dtype == object and new.dtype == object:  # stored text: None is the only missing value
        a, b = old.to_numpy(), new.to_numpy()
        missing_a, missing_b = np.equal(a, None), np.equal(b, None)  # type: ignore[call-overload]  # numpy stubs refuse None
        both = ~missing_a & ~missing_b
        equal = np.zeros(len(a), dtype=bool)
        equal[both] = a[both] == b[both]
    else:
        missing_a, missing_b = old.isna().to_numpy(), new.isna().to_numpy()
        equal = old.eq(new).fillna(False).to_numpy(dtype=bool)
    return ~(equal | (missing_a & missing_b))


def compare(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> tuple[int, int, int, int, np.ndarray]:
    """(added, changed, removed, unchanged, changed mask over new) between two stored frames, by id."""
    old_ids, new_ids = pd.Index(old["id"]), pd.Index(new["id"])
    at_old = old_ids.get_indexer(new_ids)  # -1: not in old
    common = at_old >= 0
    a, b = old.iloc[at_old[common]].reset_index(drop=True), new[common].reset_index(drop=True)
    changed = np.zeros(len(b), dtype=bool)
    for name in FIELDS:
        if name in a.columns and name in b.columns:
            changed |= _differs(a[name], b[name])
    wkb_a = shapely.to_wkb(np.asarray(a.geometry.values))
    wkb_b = shapely.to_wkb(np.asarray(b.geometry.values))
    changed |= _differs(pd.Series(wkb_a, dtype=object), pd.Series(wkb_b, dtype=object))
    mask = np.zeros(len(new), dtype=bool)
    mask[np.flatnonzero(common)[changed]] = True
    added = int((~common).sum())
    removed = int((~old_ids.isin(new_ids)).sum())
    return added, int(changed.sum()), removed, int(common.sum() - changed.sum()), mask


def filter_columns(columns: Sequence[str] | None, flt_needed: Iterable[str]) -> list[str] | None:
    """The stored columns a read must fetch: those asked plus those the filter looks at."""
    if columns is None:
        return None
    wanted = set(columns) | set(flt_needed)
    return [c for c in FIELDS if c in wanted]


def typed(flat: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Stored values (Arrow, SQL or to_flat's frame) -> the types a query's rows have, these columns in order."""
    out = {}
    for name in columns:
        col = flat[name] if name in flat.columns else pd.Series([None] * len(flat), index=flat.index, dtype=object)
        if name in POINT or name in FLOAT_COLUMNS:
            out[name] = pd.to_numeric(col, errors="coerce").astype("float64")
        elif name in JSON_COLUMNS:
            texts = pd.Series(col.to_numpy(dtype=object, na_value=None), index=flat.index, dtype=object)
            out[name] = decode_json_column(texts)
        elif name in DATE_COLUMNS:
            out[name] = pd.to_datetime(col).astype("datetime64[us]")
        elif name in INT_COLUMNS:
            out[name] = pd.to_numeric(col).astype("Int64")
        elif name in BOOL_COLUMNS:
            values = col.astype("boolean").to_numpy(dtype=object, na_value=None)
            out[name] = pd.Series(values, index=flat.index, dtype=object)
        else:
            out[name] = pd.Series(col.to_numpy(dtype=object, na_value=None), index=flat.index, dtype=object)
    return pd.DataFrame(out, index=flat.index).reset_index(drop=True)


def point_columns(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of every row's point, NaN where a row has none or an empty one."""
    geom = gdf.geometry
    located = (geom.notna() & ~geom.is_empty).to_numpy()
    lon, lat = np.full(len(gdf), np.nan), np.full(len(gdf), np.nan)
    lon[located], lat[located] = geom[located].x.to_numpy(), geom[located].y.to_numpy()
    return lon, lat


def flat_rows(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """A loaded frame as stored values (to_flat), numbered from 0, without geometry."""
    return pd.DataFrame(to_flat(gdf).drop(columns=gdf.geometry.name)).reset_index(drop=True)


def incident_frame(rows: pd.DataFrame) -> gpd.GeoDataFrame:
    """A query's rows with a point geometry (None where lon/lat is missing) instead of lon/lat, in EPSG:4326."""
    props = rows.drop(columns=[c for c in POINT if c in rows.columns])
    if not set(POINT) <= set(rows.columns):
        return gpd.GeoDataFrame(props, geometry=gpd.GeoSeries([None] * len(rows), index=rows.index), crs="EPSG:4326")
    lon = rows["lon"].to_numpy(dtype=float)
    lat = rows["lat"].to_numpy(dtype=float)
    points = np.asarray(gpd.points_from_xy(lon, lat), dtype=object)
    points[~(np.isfinite(lon) & np.isfinite(lat))] = None
    return gpd.GeoDataFrame(props, geometry=gpd.GeoSeries(points, index=rows.index), crs="EPSG:4326")
