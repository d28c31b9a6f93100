"""Incidents and fatalities per grid cell: the small frame a map draws at low zoom.

A cell is ``cell_deg`` degrees square: column ``floor(lon / cell_deg)``, row ``floor(lat / cell_deg)``
(the cells of ST_SnapToGrid with its origin half a cell off). The PostGIS store computes the same
frame in SQL (geo.store.postgis); this is the pandas form every store has.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.features import has_point

CELL_COLUMNS = ("cell_x", "cell_y", "lon", "lat", "incidents", "fatalities")


def check_cell(cell_deg: float) -> float:
    """A usable cell size in degrees (0 < size <= 90)."""
    cell = float(cell_deg)
    if not (0 < cell <= 90):
        raise ValueError(f"grid cell size must be between 0 and 90 degrees, got {cell_deg}")
    return cell


def cell_frame(cell_x, cell_y, incidents, fatalities, cell_deg: float) -> pd.DataFrame:
    """The aggregate frame from per-cell arrays, sorted by cell; lon/lat are the cell centres."""
    out = pd.DataFrame(
        {
            "cell_x": np.asarray(cell_x, dtype="int64"),
            "cell_y": np.asarray(cell_y, dtype="int64"),
            "incidents": np.asarray(incidents, dtype="int64"),
            "fatalities": np.asarray(fatalities, dtype="int64"),
        }
    )
    out["lon"] = (out["cell_x"] + 0.5) * cell_deg
    out["lat"] = (out["cell_y"] + 0.5) * cell_deg
    return out[list(CELL_COLUMNS)].sort_values(["cell_x", "cell_y"]).reset_index(drop=True)


def grid_counts(gdf: gpd.GeoDataFrame, cell_deg: float) -> pd.DataFrame:
    """Incidents and fatalities (best estimate, missing as 0) per cell; rows without a location are left out."""
    cell = check_cell(cell_deg)
    geom = gdf.geometry
    located = has_point(geom)
    pts = geom[located]
    fatal = gdf["fatalities_best"][located].astype("Float64").fillna(0).astype("int64").to_numpy()
    frame = pd.DataFrame(
        {
            "cell_x": np.floor(pts.x.to_numpy() / cell).astype("int64"),
            "cell_y": np.floor(pts.y.to_numpy() / cell).astype("int64"),
            "fatalities": fatal,
        }
    )
    grouped = frame.groupby(["cell_x", "cell_y"], sort=True).agg(
        incidents=("fatalities", "size"), fatalities=("fatalities", "sum")
    )
    idx = grouped.index
    return cell_frame(
        idx.get_level_values(0), idx.get_level_values(1), grouped["incidents"], grouped["fatalities"], cell
    )
