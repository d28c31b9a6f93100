"""The "Near" filter's targets: which shipped features a target names, and geodesic distances to them.

A target is a short string: "border", "pipeline:built", "pipeline:claimed built",
"pipeline:not built", "power_line", "crossings", "markets", "crossing:<id>" or "market:<id>".
Its geometry comes from the shipped layers of the data folder (geo.loading.load_layer), lines
densified to about 1 km so that a straight segment on the ellipsoid (PostGIS geography) and in
the region's projection (geo.analysis) are the same line to within metres.

Nothing here is cached: each call reads the layers it needs (about 30 ms a layer). Callers that
ask often hold the answer: the embedded engine its connection's shapes (geo.store.point_tests),
the pages the sidebar's choices (ui.data), both opened and cached at the edge.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from geo.analysis import GEOD, REGION_CRS, located_lonlat
from geo.catalog import data_dir
from geo.features import has_point
from geo.loading import load_layer
from geo.validation import LayerValidationError

PIPELINE_STATUSES = ("built", "claimed built", "not built")
WHOLE_LAYERS = {"border": "border", "power_line": "power_line", "crossings": "crossings", "markets": "markets"}
ONE_OF = {"crossing": "crossings", "market": "markets"}
DENSIFY_DEGREES = 0.01  # about 1 km at these latitudes
_TO_REGION = Transformer.from_crs("EPSG:4326", REGION_CRS, always_xy=True)
_FROM_REGION = Transformer.from_crs(REGION_CRS, "EPSG:4326", always_xy=True)


class UnknownTarget(ValueError):
    """A Near target that names nothing in the shipped layers."""


def _layer(layer_id: str, folder: str) -> gpd.GeoDataFrame:
    """A shipped layer of a data folder; UnknownTarget when it cannot be read (the pages name the
    broken layer themselves)."""
    try:
        return load_layer(layer_id, folder)[0]
    except (LayerValidationError, OSError) as exc:
        raise UnknownTarget(f"Near: the {layer_id} layer cannot be read") from exc


def _features(target: str, folder: str) -> gpd.GeoDataFrame:
    """The shipped features a target names (raises UnknownTarget)."""
    kind, _, value = target.partition(":")
    if target in WHOLE_LAYERS:
        return _layer(WHOLE_LAYERS[target], folder)
    if kind == "pipeline" and value in PIPELINE_STATUSES:
        pipeline = _layer("pipeline", folder)
        return pipeline[pipeline["status"] == value]
    if kind in ONE_OF and value:
        layer = _layer(ONE_OF[kind], folder)
        hit = layer[layer["id"].astype(str) == value]
        if len(hit):
            return hit
    raise UnknownTarget(f"Near: no shipped feature is named {target!r}")


def _geometry(target: str, folder: str):
    """The target's features as one geometry, lines densified (UnknownTarget without one)."""
    features = _features(target, folder)
    geom = shapely.union_all(features.geometry.to_numpy())
    if geom.is_empty:
        raise UnknownTarget(f"Near: {target!r} has no geometry in the shipped layers")
    return shapely.segmentize(geom, DENSIFY_DEGREES)


def target_geometry(target: str, folder: str | Path | None = None):
    """The target's geometry in EPSG:4326 (lines densified), from the data folder's layers."""
    return _geometry(target, str(Path(folder or data_dir()).resolve()))


def search_box(target: str, km: float, folder: str | Path | None = None) -> tuple[float, float, float, float]:
    """A lon/lat box holding every point within km of the target (generous: an index prefilter, not the test)."""
    return box_around(target_geometry(target, folder), km)


def box_around(geometry, km: float) -> tuple[float, float, float, float]:
    """search_box for a target's geometry already read."""
    minx, miny, maxx, maxy = geometry.bounds
    dy = km / 110.5 * 1.05 + 0.01
    widest = min(89.0, max(abs(miny), abs(maxy)) + dy)
    dx = km / (111.3 * np.cos(np.radians(widest))) * 1.05 + 0.01
    return minx - dx, max(-90.0, miny - dy), maxx + dx, min(90.0, maxy + dy)


def target_label(target: str, folder: str | Path | None = None) -> str:
    """How the filter line names a target ("the Pakistan–Iran border", "crossing Taftan – Mirjaveh", ...)."""
    kind, _, value = target.partition(":")
    fixed = {
        "border": "the Pakistan–Iran border",
        "power_line": "the power line",
        "crossings": "any crossing",
        "markets": "any market",
    }
    if target in fixed:
        return fixed[target]
    if kind == "pipeline":
        return f"the gas pipeline ({value})"
    if kind in ONE_OF:
        try:
            names = _features(target, str(Path(folder or data_dir()).resolve()))["name"]
        except UnknownTarget:
            return f"{kind} {value}"
        return f"{kind} {names.iloc[0]}"
    return target


def target_choices(folder: str | Path | None = None) -> list[tuple[str, str]]:
    """Every target the sidebar offers, as (target, label): the fixed ones, then each crossing and
    market (reads five layers: the pages ask ui.data.near_choices, cached by their files' version)."""
    return list(_choices(str(Path(folder or data_dir()).resolve())))


def _choices(folder: str) -> tuple[tuple[str, str], ...]:
    """The targets whose layers can be read (a broken layer's targets are left out)."""
    fixed = ["border", *(f"pipeline:{s}" for s in PIPELINE_STATUSES), "power_line", "crossings", "markets"]
    out = [(t, target_label(t, folder)) for t in fixed if _usable(t, folder)]
    for kind, layer_id in ONE_OF.items():
        with contextlib.suppress(UnknownTarget):
            layer = _layer(layer_id, folder)
            pairs = zip(layer["id"], layer["name"], strict=True)
            out += [(f"{kind}:{fid}", f"{kind} {name}") for fid, name in pairs if _usable(f"{kind}:{fid}", folder)]
    return tuple(out)


def _usable(target: str, folder: str) -> bool:
    """Whether the target has a geometry in the folder's layers."""
    try:
        _geometry(target, folder)
    except UnknownTarget:
        return False
    return True


def distance_km(points: gpd.GeoSeries, target: str, folder: str | Path | None = None, geometry=None) -> np.ndarray:
    """Geodesic distance in km from each point to the target (NaN for a missing or empty point);
    geometry: the target's, when the caller has read it already (target_geometry)."""
    parts = shapely.get_parts(geometry if geometry is not None else target_geometry(target, folder))
    best = np.full(len(points), np.inf)
    lines = [p for p in parts if p.geom_type == "LineString"]
    if lines:
        best = np.fmin(best, _distance_to_lines_km(points, lines))
    dots = [p for p in parts if p.geom_type == "Point"]
    if dots:
        best = np.fmin(best, _distance_to_points_km(points, dots))
    geoms = points.to_numpy()
    best[~has_point(geoms)] = np.nan
    return best


def _distance_to_lines_km(points: gpd.GeoSeries, lines: list) -> np.ndarray:
    """As geo.analysis.distance_to_line_km (the nearest point found in the region's projection, the
    distance measured on the ellipsoid), with the nearest segment found by an index: 100k points
    against a densified line of ~900 vertices in a fraction of a second, not seconds."""
    ok, x, y = located_lonlat(points)
    out = np.full(len(ok), np.nan)
    if not ok.any():
        return out
    projected = shapely.points(*_TO_REGION.transform(x, y))
    segments = np.concatenate([_segments(line) for line in lines])
    nearest = segments[shapely.STRtree(segments).query_nearest(projected, all_matches=False)[1]]
    foot = shapely.line_interpolate_point(nearest, shapely.line_locate_point(nearest, projected))
    lon, lat = _FROM_REGION.transform(shapely.get_x(foot), shapely.get_y(foot))
    _, _, metres = GEOD.inv(x, y, lon, lat)
    out[ok] = np.asarray(metres) / 1000.0
    return out


def _segments(line) -> np.ndarray:
    """The line's straight pieces, each a two-point line in the region's projection."""
    coords = shapely.get_coordinates(line)
    px, py = _TO_REGION.transform(coords[:, 0], coords[:, 1])
    ends = np.column_stack([px, py])
    return shapely.linestrings(np.stack([ends[:-1], ends[1:]], axis=1))


def _distance_to_points_km(points: gpd.GeoSeries, dots: list) -> np.ndarray:
    """Geodesic distance in km from each point to the nearest of dots (NaN where a point is missing)."""
    ok, x, y = located_lonlat(points)
    out = np.full(len(ok), np.nan)
    best = np.full(len(x), np.inf)
    for dot in dots:
        _, _, metres = GEOD.inv(x, y, np.full(len(x), dot.x), np.full(len(x), dot.y))
        best = np.minimum(best, np.asarray(metres) / 1000.0)
    out[ok] = best
    return out


def within_km(
    points: gpd.GeoSeries, target: str, km: float, folder: str | Path | None = None, geometry=None
) -> np.ndarray:
    """Which points lie within km of the target; a missing or empty point never does. Only the points
    inside the target's search_box are measured. geometry: the target's, when already read."""
    geometry = geometry if geometry is not None else target_geometry(target, folder)
    geoms = points.to_numpy()
    located = has_point(geoms)
    x, y = np.full(len(geoms), np.nan), np.full(len(geoms), np.nan)
    x[located], y[located] = shapely.get_x(geoms[located]), shapely.get_y(geoms[located])
    minx, miny, maxx, maxy = box_around(geometry, km)
    with np.errstate(invalid="ignore"):
        candidates = np.flatnonzero((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
    keep = np.zeros(len(geoms), dtype=bool)
    if len(candidates):
        keep[candidates] = distance_km(gpd.GeoSeries(geoms[candidates]), target, geometry=geometry) <= km
    return keep


def distance_columns(points: gpd.GeoSeries, target: str = "") -> dict[str, list]:
    """km_to_border and, with a target, km_to_target for each point: geodesic km to 0.1 km, None without a point."""
    out = {"km_to_border": _distance_or_nan(points, "border")}
    if target:
        out["km_to_target"] = _distance_or_nan(points, target)
    return {name: [None if np.isnan(v) else round(float(v), 1) for v in km] for name, km in out.items()}


def _distance_or_nan(points: gpd.GeoSeries, target: str) -> np.ndarray:
    """distance_km, or NaN throughout when the target's layer cannot be read."""
    try:
        return distance_km(points, target)
    except UnknownTarget:
        return np.full(len(points), np.nan)
