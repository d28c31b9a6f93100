"""Keep an import's result in the store: the one path for the CLI (--keep) and the Import page."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.incidents.compact import stored
from geo.store.base import IncidentStore, SaveReport, SourceInfo, file_sha256


def most_common(gdf: gpd.GeoDataFrame, column: str) -> str:
    """The most frequent non-empty value of a column ("" when none): a dataset's licence or name."""
    if column not in gdf.columns:
        return ""
    values = gdf[column].dropna().astype(str)
    values = values[values.str.strip() != ""]
    return str(values.mode().iloc[0]) if len(values) else ""


def source_of(
    result, file_name: str, file_hash: str, licence: str | None = None, attribution: str | None = None
) -> SourceInfo:
    """The manifest's source part for an importer's result (geo.importers.ImportResult)."""
    incidents = result.flat
    return SourceInfo(
        file_name,
        file_hash,
        result.format,
        result.rows_read,
        len(incidents),
        len(result.rejected),
        most_common(incidents, "licence") if licence is None else licence,
        most_common(incidents, "dataset") if attribution is None else attribution,
    )


def keep_import(store: IncidentStore, name: str, path: str | Path, result, mode: str = "replace") -> SaveReport:
    """Save an import of the file at path under name (updating rows by source id when it is kept already)."""
    path = Path(path)
    return store.save(name, stored(result.flat), source_of(result, path.name, file_sha256(path)), mode=mode)
