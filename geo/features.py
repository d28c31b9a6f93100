"""Which features have a place on the map (pure; used by the map and the pages)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def located(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Boolean array: which features have a drawable point (not missing, not empty)."""
    geoms = gdf.geometry.to_numpy()
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
