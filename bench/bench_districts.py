"""Placing N incidents in the shipped districts, measured: geo.districts.assign_districts against
a plain geopandas sjoin of the same points, and geo.districts.district_counts (printed, never asserted).

    python -m bench.bench_districts [--n 100000] [--repeat 3]

The points are spread uniformly over the districts' bounding box (so some fall outside every
district) with location precisions drawn from the schema's vocabulary; 1% have no point.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely

from geo.districts import DISTRICT_ID, assign_districts, district_counts
from geo.loading import load_layer
from geo.schema import LOCATION_PRECISION


def synthetic_points(districts: gpd.GeoDataFrame, n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """n incidents' points and precisions over the districts' bounding box (1% without a point)."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = districts.total_bounds
    points = shapely.points(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n))
    points[rng.random(n) < 0.01] = None
    precision = rng.choice(np.array(LOCATION_PRECISION, dtype=object), n)
    return gpd.GeoDataFrame({"location_precision": precision}, geometry=points, crs="EPSG:4326")


def best_of(repeat: int, fn) -> tuple[float, object]:
    """The shortest wall time of repeat calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    districts, _ = load_layer("districts")
    incidents = synthetic_points(districts, args.n)
    ours, placed = best_of(args.repeat, lambda: assign_districts(incidents, districts))
    located = incidents[incidents.geometry.notna()]
    sjoin, _ = best_of(
        args.repeat, lambda: gpd.sjoin(located, districts[["id", "geometry"]], how="left", predicate="intersects")
    )
    counted, _ = best_of(args.repeat, lambda: district_counts(incidents, districts))
    inside = int(placed[DISTRICT_ID].notna().sum())
    print(f"{len(districts)} districts, {args.n:,} incidents ({inside:,} inside a district), best of {args.repeat}")
    print(f"assign_districts (STRtree):  {ours:.3f} s")
    print(f"district_counts (per district): {counted:.3f} s")
    print(f"geopandas sjoin (reference): {sjoin:.3f} s")


if __name__ == "__main__":
    main()
