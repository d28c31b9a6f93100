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


def two_kept_workspace(tmp_path: Path, settings_env) -> tuple[Path, set]:
    """A workspace keeping a UCDP file and a second source's copy of half of it, both shown, with
    this server's settings pointed at it (no database, no access control) and Streamlit's caches
    cleared: (the workspace, the true pairs)."""
    import json

    import streamlit as st

    from geo.store.base import SHIPPED
    from geo.store.workspace import WORKSPACE_ENV
    from ui.datasets import CHOICE_FILE

    ucdp, copy, truth = ucdp_and_copy(tmp_path, 40)
    ws = tmp_path / "workspace"
    keep(ws, "UCDP GED", ucdp, tmp_path / "a.txt")
    keep(ws, "Other source", copy, tmp_path / "b.txt")
    (ws / CHOICE_FILE).write_text(json.dumps({"shown": [SHIPPED, "UCDP GED", "Other source"]}), encoding="utf-8")
    settings_env.setenv(WORKSPACE_ENV, str(ws))
    for name in ("PKIR_DATABASE_URL", "PKIR_AUTH_HEADER", "PKIR_EDITORS"):
        settings_env.delenv(name, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    return ws, truth
