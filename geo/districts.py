"""Place incidents in districts by their point, never by their free-text admin2.

An incident whose point is only approximate (a district's or province's centre, "near" a place)
is still counted in the district its point falls in, but flagged, so that a table or a map can
say how many of a district's incidents are placed only roughly.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.catalog import data_dir
from geo.countries import country_name
from geo.features import has_point
from geo.loading import load_layer
from geo.validation import LayerValidationError

# Precisions whose point lies in the incident's own district: the site itself or the town named.
# Every other value (near, approximate, district, province, border area, ...) and a missing one
# may put the point in a neighbouring district, so the placement is flagged approximate.
PLACED_BY_POINT = frozenset({"exact", "town"})
DISTRICT_ID = "district_id"
APPROXIMATE = "district_approximate"


def district_index(points: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """For each point, the position of the first polygon that contains or touches it, else -1.

    Vectorised: the points go into an STRtree and each polygon queries it once, so shapely
    prepares the few polygons rather than the many points (several times faster at 100k points).
    A point on a border shared by two polygons goes to the one listed first.
    """
    out = np.full(len(points), -1, dtype=np.int64)
    usable = has_point(points)
    if not usable.any() or len(polygons) == 0:
        return out
    where = np.flatnonzero(usable)
    poly, pt = shapely.STRtree(points[where]).query(polygons, predicate="intersects")
    if len(pt):
        order = np.lexsort((poly, pt))  # by point, then by polygon position
        pt, poly = pt[order], poly[order]
        first = np.r_[True, pt[1:] != pt[:-1]]
        out[where[pt[first]]] = poly[first]
    return out


def approximate_placement(precision: pd.Series | None, n: int) -> np.ndarray:
    """True where the location precision does not place the point in its own district."""
    if precision is None:
        return np.ones(n, dtype=bool)
    return ~precision.isin(PLACED_BY_POINT).to_numpy()


def assign_districts(incidents: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """The district of every incident by its point, and whether that placement is approximate.

    Returns a frame with the incidents' index and two columns: district_id (the district's id,
    None for an incident outside every district or without a point) and district_approximate
    (True unless location_precision is "exact" or "town").
    """
    if incidents.crs is not None and districts.crs is not None and incidents.crs != districts.crs:
        incidents = incidents.to_crs(districts.crs)
    found = district_index(incidents.geometry.to_numpy(), districts.geometry.to_numpy())
    ids = np.append(districts["id"].to_numpy(dtype=object), np.array([None], dtype=object))  # -1 takes the None
    precision = incidents["location_precision"] if "location_precision" in incidents.columns else None
    return pd.DataFrame(
        {
            DISTRICT_ID: pd.Series(ids[found], index=incidents.index, dtype=object),  # None stays None
            APPROXIMATE: pd.Series(approximate_placement(precision, len(incidents)), index=incidents.index),
        }
    )


def district_counts(incidents: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per district (every one, in the layer's order): incidents placed in it, how many of them only
    approximately, their fatalities (fatalities_best, missing counted as 0) and incidents per
    100,000 people where the district has a population (NaN where it has none)."""
    placed = assign_districts(incidents, districts)
    deaths = incidents["fatalities_best"] if "fatalities_best" in incidents.columns else pd.Series(0, incidents.index)
    frame = pd.DataFrame(
        {
            "district": placed[DISTRICT_ID],
            "approximate": placed[APPROXIMATE].astype("int64"),
            "fatalities": pd.to_numeric(deaths, errors="coerce").fillna(0).astype("int64"),
        }
    )
    grouped = frame.dropna(subset=["district"]).groupby("district")
    ids = pd.Index(districts["id"], name="id")
    out = pd.DataFrame(
        {
            "incidents": grouped.size().reindex(ids, fill_value=0).astype("int64"),
            "approximate": grouped["approximate"].sum().reindex(ids, fill_value=0).astype("int64"),
            "fatalities": grouped["fatalities"].sum().reindex(ids, fill_value=0).astype("int64"),
        },
        index=ids,
    )
    population = pd.to_numeric(districts.set_index("id")["population"], errors="coerce").astype("float64")
    out["population"] = population.reindex(ids)
    out["per_100k"] = out["incidents"] / out["population"].where(out["population"] > 0) * 100_000
    return out


class UnknownDistrict(ValueError):
    """A district id that the shipped districts layer does not have."""


def _shipped(folder: str) -> gpd.GeoDataFrame:
    """The districts layer of a data folder (read each time: callers that ask often hold it)."""
    try:
        return load_layer("districts", folder)[0]
    except (LayerValidationError, OSError) as exc:
        raise UnknownDistrict("District: the districts layer cannot be read") from exc


def shipped_districts(folder: str | Path | None = None) -> gpd.GeoDataFrame:
    """The shipped districts (geo/data/districts.geojson, or that of another data folder)."""
    return _shipped(str(Path(folder or data_dir()).resolve()))


def district_geometry(district_id: str, folder: str | Path | None = None):
    """The polygon of a shipped district (UnknownDistrict for an id the layer does not have)."""
    layer = shipped_districts(folder)
    hit = layer[layer["id"].astype(str) == str(district_id)]
    if hit.empty or hit.geometry.iloc[0] is None:
        raise UnknownDistrict(f"District: no shipped district has the id {district_id!r}")
    return hit.geometry.iloc[0]


def district_box(district_id: str, folder: str | Path | None = None) -> tuple[float, float, float, float] | None:
    """The lon/lat box of a shipped district's polygon, None for an id the layer does not have."""
    try:
        west, south, east, north = district_geometry(district_id, folder).bounds
        return float(west), float(south), float(east), float(north)
    except UnknownDistrict:
        return None


def district_label(district_id: str, folder: str | Path | None = None) -> str:
    """How the filter line names a district: "Chabahar (Iran)"; the id itself when it is unknown."""
    try:
        layer = shipped_districts(folder)
    except UnknownDistrict:
        return str(district_id)
    hit = layer[layer["id"].astype(str) == str(district_id)]
    if hit.empty:
        return str(district_id)
    row = hit.iloc[0]
    return f"{row['name']} ({country_name(str(row['country']))})"


def district_choices(folder: str | Path | None = None) -> list[tuple[str, str]]:
    """Every shipped district as (id, label), by label; none when the layer cannot be read."""
    try:
        layer = shipped_districts(folder)
    except UnknownDistrict:
        return []
    pairs = [(str(i), district_label(str(i), folder)) for i in layer["id"]]
    return sorted(pairs, key=lambda p: p[1])


def in_district(points: gpd.GeoSeries, district_id: str, folder: str | Path | None = None, polygon=None) -> np.ndarray:
    """Which points lie in (or on the border of) the district; rows without a point never do.

    An unknown id matches nothing (a stale filter keeps no incident rather than every one).
    polygon: the district's, when the caller has read it already (district_geometry)."""
    if polygon is None:
        try:
            polygon = district_geometry(district_id, folder)
        except UnknownDistrict:
            return np.zeros(len(points), dtype=bool)
    geoms = points.to_numpy()
    usable = has_point(geoms)
    out = np.zeros(len(points), dtype=bool)
    out[usable] = shapely.intersects(polygon, geoms[usable])
    return out
