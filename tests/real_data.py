"""A realistic imported dataset for page tests: UCDP GED and ACLED-shaped files (bench.bench_import's
generators), read by the importers as a user's upload would be, both kept together."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from bench.bench_import import make_acled, make_ucdp
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
