"""Geodesic measures on the WGS84 ellipsoid: areas, lengths, distances to the border."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer

from geo.features import has_point

GEOD = Geod(ellps="WGS84")
# Equidistant conic fitted to the region: used only to find the nearest point on a line;
# the distance itself is then measured geodesically.
REGION_CRS = CRS.from_proj4("+proj=eqdc +lat_0=28 +lon_0=62 +lat_1=25 +lat_2=32 +datum=WGS84 +units=m")
_TO_REGION = Transformer.from_crs("EPSG:4326", REGION_CRS, always_xy=True)
_FROM_REGION = Transformer.from_crs(REGION_CRS, "EPSG:4326", always_xy=True)

PAKISTAN_PIPELINE_REPORTED_KM = 781.0


def area_km2(geom) -> float:
    """Geodesic area of a (multi)polygon in km², whatever the orientation of its rings."""
    # pyproj sums signed ring areas: holes subtract only when wound against their shell
    return abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))[0]) / 1e6


def length_km(geom) -> float:
    """Geodesic length of a (multi)line in km."""
    return GEOD.geometry_length(geom) / 1000.0


def located_lonlat(points: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(which points are located, their longitudes, their latitudes): missing and empty points left out."""
    geoms = points.to_numpy()
    ok = has_point(geoms)
    return ok, shapely.get_x(geoms[ok]), shapely.get_y(geoms[ok])


def distance_to_line_km(points: gpd.GeoSeries, line) -> np.ndarray:
    """Geodesic distance in km from each point (EPSG:4326) to the nearest point of line.

    Missing or empty points give NaN. Vectorised: fine for 100,000 points.
    """
    ok, x, y = located_lonlat(points)
    out = np.full(len(ok), np.nan)
    if not ok.any():
        return out
    px, py = _TO_REGION.transform(x, y)
    line_m = shapely.transform(line, lambda c: np.column_stack(_TO_REGION.transform(c[:, 0], c[:, 1])))
    proj_pts = shapely.points(px, py)
    nearest = shapely.line_interpolate_point(line_m, shapely.line_locate_point(line_m, proj_pts))
    nlon, nlat = _FROM_REGION.transform(shapely.get_x(nearest), shapely.get_y(nearest))
    _, _, dist = GEOD.inv(x, y, nlon, nlat)
    out[ok] = np.asarray(dist) / 1000.0
    return out


def border_line(border: gpd.GeoDataFrame):
    """The Pakistan–Iran border as one (multi)line geometry."""
    return shapely.line_merge(shapely.union_all(border.geometry.to_numpy()))


def distance_to_border_km(points: gpd.GeoSeries, border: gpd.GeoDataFrame) -> np.ndarray:
    """Geodesic distance in km from each point to the nearest point of the border."""
    return distance_to_line_km(points, border_line(border))


def pct_diff(measured: float, reported: float | None) -> float | None:
    """Percentage by which measured differs from reported; None without a reported figure."""
    if reported is None or pd.isna(reported) or not reported:
        return None
    return (measured - reported) / reported * 100.0


def province_areas(provinces: gpd.GeoDataFrame) -> pd.DataFrame:
    """Geodesic area of each province beside the area reported for it."""
    rows = [
        {"id": r.id, "name": r.name, "measured_km2": area_km2(r.geometry), "reported_km2": r.area_reported_km2}
        for r in provinces.itertuples()
    ]
    df = pd.DataFrame(rows)
    df["diff_pct"] = [pct_diff(m, r) for m, r in zip(df.measured_km2, df.reported_km2, strict=True)]
    return df


def segment_lengths(lines: gpd.GeoDataFrame) -> pd.DataFrame:
    """Reported against geodesic length for each segment of a line layer (pipeline, power line)."""
    df = pd.DataFrame(
        {
            "id": lines["id"],
            "name": lines["name"],
            "section": lines["section"],
            "status": lines["status"],
            "reported_km": lines["length_reported_km"],
            "measured_km": [length_km(g) for g in lines.geometry],
        }
    )
    df["diff_pct"] = [pct_diff(m, r) for m, r in zip(df.measured_km, df.reported_km, strict=True)]
    return df


def unbuilt_pakistani_pipeline_km(pipeline: gpd.GeoDataFrame) -> float:
    """Geodesic length of the pipeline segments on Pakistan's side that were never built."""
    sel = pipeline[(pipeline["section"] == "Pakistan") & (pipeline["status"] == "not built")]
    return float(sum(length_km(g) for g in sel.geometry))


def measures_table(layers: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """The headline checks of the shipped data against figures the world reports."""
    rows = []
    for r in province_areas(layers["provinces"]).itertuples():
        rows.append(("Area of " + r.name, "km²", r.measured_km2, r.reported_km2, 5.0))
    border = layers["border"]
    rows.append(
        (
            "Pakistan–Iran border length",
            "km",
            length_km(border_line(border)),
            float(border["length_reported_km"].iloc[0]),
            15.0,
        )
    )
    rows.append(
        (
            "Unbuilt Pakistani pipeline section",
            "km",
            unbuilt_pakistani_pipeline_km(layers["pipeline"]),
            PAKISTAN_PIPELINE_REPORTED_KM,
            15.0,
        )
    )
    df = pd.DataFrame(rows, columns=["measure", "unit", "measured", "reported", "tolerance_pct"])
    df["diff_pct"] = [pct_diff(m, r) for m, r in zip(df.measured, df.reported, strict=True)]
    df["within_tolerance"] = df["diff_pct"].abs() <= df["tolerance_pct"]
    return df


def point_country_check(points: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> pd.DataFrame:
    """Which country polygon each point falls in, against its 'country' property."""
    located = points[~points.geometry.isna()]
    joined = gpd.sjoin(
        located[["id", "country", "geometry"]],
        countries[["id", "geometry"]].rename(columns={"id": "in_country"}),
        how="left",
        predicate="within",
    )
    joined["agrees"] = [
        bool(isinstance(c, str) and isinstance(i, str) and i in c.split(";"))
        for c, i in zip(joined["country"], joined["in_country"], strict=True)
    ]
    return pd.DataFrame(joined.drop(columns=["geometry", "index_right"]))
