"""The stored form of an incident frame: one plain typed column per schema field.

Lists (actors) and lists of objects (sources) become JSON text, so GeoParquet, GeoPackage and a
PostGIS table (jsonb) all hold the same values and QGIS shows them as text. ``to_flat`` and
``from_flat`` are inverses for any validated incident frame.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.geojson_io import json_value
from geo.schema import INCIDENTS

FIELDS = {f.name: f for f in INCIDENTS.fields}
JSON_COLUMNS = tuple(f.name for f in INCIDENTS.fields if f.kind in ("str_list", "sources"))
DATE_COLUMNS = tuple(INCIDENTS.date_fields)
INT_COLUMNS = tuple(f.name for f in INCIDENTS.fields if f.kind == "int")
FLOAT_COLUMNS = tuple(f.name for f in INCIDENTS.fields if f.kind == "float")
BOOL_COLUMNS = tuple(f.name for f in INCIDENTS.fields if f.kind == "bool")
GEOMETRY = "geometry"


def _json_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return json.dumps(json_value(value), ensure_ascii=False, separators=(",", ":"))


def _text(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return json_value(value) if not isinstance(value, str) else value


def _flat_column(name: str, col: pd.Series) -> pd.Series:
    if name in JSON_COLUMNS:
        return pd.Series([_json_text(v) for v in col], index=col.index, dtype=object)
    if name in DATE_COLUMNS:
        return pd.to_datetime(col).astype("datetime64[us]")
    if name in INT_COLUMNS:
        return col.astype("Int64")
    if name in FLOAT_COLUMNS:
        return pd.to_numeric(col, errors="coerce").astype("float64")
    if name in BOOL_COLUMNS:
        return col.astype("boolean")
    return pd.Series([_text(v) for v in col], index=col.index, dtype=object)


def to_flat(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Schema columns in order (absent optional ones as nulls), typed for storage; extra columns dropped."""
    out = {}
    n = len(incidents)
    for name in FIELDS:
        col = incidents[name] if name in incidents.columns else pd.Series([None] * n, index=incidents.index)
        out[name] = _flat_column(name, col)
    geom = incidents.geometry.to_crs("EPSG:4326").values
    return gpd.GeoDataFrame(pd.DataFrame(out), geometry=gpd.GeoSeries(geom, index=incidents.index), crs="EPSG:4326")


def _loads(text):
    return json.loads(text) if isinstance(text, str) else None


def from_flat(flat: pd.DataFrame) -> gpd.GeoDataFrame:
    """The columns present, typed as geo.loading loads an incident layer (lists, None for missing)."""
    out = {}
    for name in flat.columns:
        if name == GEOMETRY or name not in FIELDS:
            continue
        col = flat[name]
        if name in JSON_COLUMNS:
            out[name] = pd.Series([_loads(v) for v in col], index=col.index, dtype=object)
        elif name in DATE_COLUMNS:
            out[name] = pd.to_datetime(col).astype("datetime64[us]")
        elif name in INT_COLUMNS:
            out[name] = col.astype("Int64")
        elif name in FLOAT_COLUMNS:
            out[name] = col.astype("float64")
        else:  # text and bool: Python objects with None for missing, as the GeoJSON reader gives
            obj = col.astype(object)
            out[name] = obj.where(pd.notna(obj), None)
    geom = flat[GEOMETRY] if GEOMETRY in flat.columns else gpd.GeoSeries([None] * len(flat), index=flat.index)
    frame = pd.DataFrame(out, index=flat.index)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geom, index=flat.index), crs="EPSG:4326").reset_index(
        drop=True
    )


def row_hashes(flat: gpd.GeoDataFrame) -> pd.Series:
    """A 64-bit hash of every stored row (all columns and the geometry), indexed by id."""
    values = pd.DataFrame(flat.drop(columns=GEOMETRY))
    values[GEOMETRY] = shapely.to_wkb(np.asarray(flat.geometry.values), hex=True)
    hashes = pd.util.hash_pandas_object(values.astype(object).where(values.notna(), None), index=False)
    return pd.Series(hashes.to_numpy(), index=flat["id"].to_numpy())


def diff_ids(old: pd.Series, new: pd.Series) -> tuple[int, int, int, int]:
    """(added, changed, removed, unchanged) between two row_hashes series."""
    common = old.index.intersection(new.index)
    same = int((old.loc[common].to_numpy() == new.loc[common].to_numpy()).sum())
    return len(new.index.difference(old.index)), len(common) - same, len(old.index.difference(new.index)), same


def filter_columns(columns: Sequence[str] | None, flt_needed: Sequence[str]) -> list[str] | None:
    """The stored columns a read must fetch: those asked plus those the filter looks at."""
    if columns is None:
        return None
    wanted = set(columns) | set(flt_needed)
    return [c for c in FIELDS if c in wanted]
