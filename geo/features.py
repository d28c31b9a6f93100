"""Which features have a place on the map: the one "located" test of the project (pure)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def has_point(geoms) -> np.ndarray:
    """Boolean array: which geometries are there and not empty (a GeoSeries, an array, a list)."""
    values = geoms.to_numpy() if hasattr(geoms, "to_numpy") else np.asarray(geoms, dtype=object)
    return ~(shapely.is_missing(values) | shapely.is_empty(values))


def located(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Boolean array: which features have a drawable point (not missing, not empty)."""
    return has_point(gdf.geometry)
