"""A realistic imported dataset for page tests: UCDP GED and ACLED-shaped files (bench.bench_import's
generators), read by the importers as a user's upload would be, both kept together."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd

from bench.bench_import import make_acled, make_ucdp
from geo.catalog import DATA_DIR, LAYERS
from geo.geojson_io import gdf_to_features, write_feature_collection
from geo.importers import import_file


def realistic_incidents(folder: Path, ucdp: int = 3000, acled: int = 1000) -> gpd.GeoDataFrame:
    """UCDP rows over 1989–2024 and ACLED rows over 2010–2024 in Pakistan, imported and joined."""
    frames = []
    for name, n, make in (("ucdp.csv", ucdp, make_ucdp), ("acled.csv", acled, make_acled)):
        path = Path(folder) / name
        make(path, n)
        result = import_file(path, None)
        assert result.count == n, result.rejected[:3]
        frames.append(result.incidents)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326")


def realistic_data_dir(folder: Path, incidents: gpd.GeoDataFrame) -> Path:
    """A folder usable as PKIR_DATA_DIR: the shipped layers, with these incidents as the incidents layer."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for layer in LAYERS.values():
        if layer.id != "incidents":
            shutil.copyfile(DATA_DIR / layer.file, folder / layer.file)
    write_feature_collection(folder / LAYERS["incidents"].file, gdf_to_features(incidents), name="incidents")
    return folder
