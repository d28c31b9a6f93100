"""A query's rows (geo.store.query: lon/lat columns) as the incident frame records and exports use."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.store.query import POINT


def incident_frame(rows: pd.DataFrame) -> gpd.GeoDataFrame:
    """rows with a point geometry (None where lon/lat is missing) instead of lon/lat, in EPSG:4326."""
    props = rows.drop(columns=[c for c in POINT if c in rows.columns])
    if not set(POINT) <= set(rows.columns):
        return gpd.GeoDataFrame(props, geometry=gpd.GeoSeries([None] * len(rows), index=rows.index), crs="EPSG:4326")
    lon = rows["lon"].to_numpy(dtype=float)
    lat = rows["lat"].to_numpy(dtype=float)
    points = np.asarray(gpd.points_from_xy(lon, lat), dtype=object)
    points[~(np.isfinite(lon) & np.isfinite(lat))] = None
    return gpd.GeoDataFrame(props, geometry=gpd.GeoSeries(points, index=rows.index), crs="EPSG:4326")
