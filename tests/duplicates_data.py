"""Two kept datasets holding the same events (issue 24): a UCDP GED file imported as a user would,
and a second source's copy of half of it (ids changed, points moved, dates a day off)."""

from __future__ import annotations

import math
import random
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from bench.bench_import import make_ucdp
from geo.importers import import_file
from geo.store import open_store
from geo.store.base import SourceInfo


def ucdp_and_copy(folder: Path, n: int = 200, seed: int = 1) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, set]:
    """(UCDP rows, the copy, {(ucdp id, copy id)}): every even row copied as "COPY-<n>", moved up to
    2 km, its dates a day later for every third."""
    path = Path(folder) / "ucdp.csv"
    make_ucdp(path, n, seed=seed)
    ucdp = import_file(path, None).incidents
    rnd = random.Random(seed)
    copy = ucdp.iloc[::2].copy()
    truth = set()
    for i in copy.index:
        old = copy.at[i, "id"]
        copy.at[i, "id"] = f"COPY-{old.split('-')[-1]}"
        truth.add((old, copy.at[i, "id"]))
        p, r, t = copy.at[i, "geometry"], 2.0 * math.sqrt(rnd.random()), rnd.uniform(0, 2 * math.pi)
        lat = p.y + r * math.sin(t) / 111.2
        copy.at[i, "geometry"] = Point(p.x + r * math.cos(t) / (111.2 * math.cos(math.radians(p.y))), lat)
    shift = pd.to_timedelta([1 if k % 3 == 0 else 0 for k in range(len(copy))], unit="D")
    for col in ("date_start", "date_end"):
        copy[col] = (pd.to_datetime(copy[col]) + shift).dt.strftime("%Y-%m-%d").to_numpy()
    copy["dataset"] = "Another source"
    return ucdp, gpd.GeoDataFrame(copy, geometry="geometry", crs="EPSG:4326"), truth


def keep(workspace: Path, name: str, incidents: gpd.GeoDataFrame, file: Path) -> None:
    """Keep incidents in the workspace under name (as the import command does)."""
    file.write_text(f"{name} {len(incidents)}\n", encoding="utf-8")
    source = SourceInfo.from_file(file, "UCDP GED", len(incidents), len(incidents))
    open_store(str(workspace)).save(name, incidents, source, mode="replace")
