"""An import's accepted rows held compactly until they are used: the stored form, texts in Arrow.

A GeoDataFrame of Python objects costs about 50 bytes of overhead for every text, 250 for every
row's sources (a list holding a dict) and 220 for every point; a narrow CSV row is about 120
bytes, so the usual frame is eight times the file. Here every text column is one Arrow buffer,
lists and sources are the JSON text the store keeps (geo.incidents.codec.to_flat) and points are
two float columns; `stored` gives the frame a store saves, `expand` the usual frame a page uses.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from geo.incidents.codec import from_flat, to_flat
from geo.incidents.schema import GEOMETRY

ARROW_TEXT = pd.ArrowDtype(pa.string())
LON, LAT = "__lon__", "__lat__"  # incidents are points (or unlocated: NaN)


def compact(incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Validated incidents in the stored form, texts in Arrow buffers, points as longitude/latitude."""
    flat = to_flat(incidents)
    geoms = flat.geometry.to_numpy()
    out = {}
    nulls = None  # one all-missing text array for every column no row fills
    for name in flat.columns:
        col = flat[name]
        if name == GEOMETRY:
            continue
        if col.dtype != object:
            out[name] = col
            continue
        values = col.to_numpy()
        if np.equal(values, None).all():  # type: ignore[call-overload]  # numpy stubs refuse None
            nulls = pa.nulls(len(values), pa.string()) if nulls is None else nulls
            out[name] = pd.Series(pd.array(nulls, dtype=ARROW_TEXT), index=col.index)
        else:
            out[name] = pd.Series(pd.array(values, dtype=ARROW_TEXT), index=col.index)
    out[LON], out[LAT] = shapely.get_x(geoms), shapely.get_y(geoms)  # NaN where there is no point
    return pd.DataFrame(out, index=flat.index, copy=False)


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Compact parts one after the other, column by column (Arrow columns are chained, not copied);
    a text or Int64 column no row fills is one array shared by all such columns."""
    if len(parts) == 1:
        return parts.pop()
    n, out, empty = sum(map(len, parts)), {}, {}
    for name in parts[0].columns:
        cols = [part[name] for part in parts]
        kind = str(cols[0].dtype)
        if kind in (str(ARROW_TEXT), "Int64") and all(col.isna().all() for col in cols):
            if kind not in empty:
                empty[kind] = (
                    pd.array(pa.nulls(n, pa.string()), dtype=ARROW_TEXT)
                    if kind == str(ARROW_TEXT)
                    else pd.array(np.full(n, np.nan), dtype="Int64")
                )
            out[name] = pd.Series(empty[kind], copy=False)
        else:
            out[name] = pd.concat(cols, ignore_index=True)
    parts.clear()
    return pd.DataFrame(out, copy=False)


def stored(flat: pd.DataFrame) -> gpd.GeoDataFrame:
    """The frame a store saves (geo.incidents.codec.to_flat leaves it as it is)."""
    lon, lat = flat[LON].to_numpy(), flat[LAT].to_numpy()
    points = shapely.points(lon, lat)
    points[np.isnan(lon) | np.isnan(lat)] = None
    frame = pd.DataFrame({name: flat[name] for name in flat.columns if name not in (LON, LAT)}, copy=False)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, index=flat.index), crs="EPSG:4326", copy=False)


def expand(flat: pd.DataFrame) -> gpd.GeoDataFrame:
    """The usual incident frame (texts as Python strings, lists and sources as lists and dicts)."""
    return from_flat(stored(flat))
