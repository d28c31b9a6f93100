"""The embedded store: kept datasets as files in one workspace folder, plus a JSON manifest.

    WORKSPACE/manifest.json          {"format": 1, "datasets": {name: entry + "file"}}
    WORKSPACE/datasets/<id>.parquet  one immutable file per dataset version (GeoParquet)
    WORKSPACE/.lock                  writers take it (fcntl.flock), readers never wait

A save writes the new version's file (temporary file, fsync, rename), then the manifest the same
way, then deletes the old file: a writer killed at any point leaves the last manifest and every
file it names whole. Saves and removals hold the lock from reading the manifest to writing it,
so two sessions saving at once both land.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.filters import IncidentFilter
from geo.store import formats
from geo.store.base import (
    KEY,
    BBox,
    DatasetInfo,
    DatasetNotFound,
    IncidentStore,
    SaveReport,
    SourceInfo,
    StoreError,
    already_kept,
    filter_fields,
    reference_query,
)
from geo.store.columns import compare, filter_columns, from_flat, to_flat
from geo.store.workspace import TMP_PREFIX, default_workspace, locked, prepare, read_json, write_atomic, write_json

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
READ_RETRIES = 5


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_version() -> str:
    return f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"


class EmbeddedStore(IncidentStore):
    """Kept datasets in a workspace folder (default: PKIR_WORKSPACE or the user's data directory)."""

    def __init__(self, folder: str | Path | None = None, file_format: str = formats.DEFAULT, shipped=None):
        super().__init__(shipped)
        self.folder = prepare(Path(folder) if folder is not None else default_workspace())
        self.backend = formats.BACKENDS[file_format]

    @property
    def location(self) -> str:
        """The workspace folder."""
        return str(self.folder)

    # ---- manifest

    def _manifest(self) -> dict:
        try:
            doc = read_json(self.folder / MANIFEST, {"format": MANIFEST_FORMAT, "datasets": {}})
        except ValueError as exc:
            raise StoreError(str(exc)) from exc
        if doc.get("format", MANIFEST_FORMAT) > MANIFEST_FORMAT:
            raise StoreError(f"{self.folder / MANIFEST} was written by a newer version of the app")
        doc.setdefault("datasets", {})
        return doc

    def _kept_infos(self) -> list[DatasetInfo]:
        return [DatasetInfo.from_dict(entry) for entry in self._manifest()["datasets"].values()]

    # ---- read

    def _read_kept(
        self, name: str, flt: IncidentFilter | None, bbox: BBox | None, columns: list[str] | None
    ) -> gpd.GeoDataFrame:
        fetch = filter_columns(columns, filter_fields(flt))
        for _attempt in range(READ_RETRIES):
            entry = self._manifest()["datasets"].get(name)
            if entry is None:
                raise DatasetNotFound(f"no dataset named '{name}'")
            try:
                flat = self.backend.read(self.folder / entry["file"], fetch, flt, bbox)
                break
            except FileNotFoundError:  # a writer replaced this version after we read the manifest
                continue
        else:
            raise StoreError(f"dataset '{name}' kept changing while it was read; try again")
        gdf = reference_query(from_flat(flat), flt, bbox)  # what the backend could not push down
        if columns is not None:
            gdf = gdf[[*columns, gdf.geometry.name]]
        return gdf.reset_index(drop=True)

    # ---- write

    def _write_version(self, flat: gpd.GeoDataFrame, version: str) -> str:
        rel = f"datasets/{version}{self.backend.suffix}"
        write_atomic(self.folder / rel, lambda tmp: self.backend.write(flat, tmp))
        return rel

    def _publish(self, doc: dict, drop: list[str]) -> None:
        """Write the manifest, then delete files no longer named by it (old versions, crash leftovers)."""
        write_json(self.folder / MANIFEST, doc)
        named = {entry["file"] for entry in doc["datasets"].values()}
        for rel in drop:
            if rel not in named:
                (self.folder / rel).unlink(missing_ok=True)
        for path in (self.folder / "datasets").iterdir():
            if f"datasets/{path.name}" not in named:
                path.unlink(missing_ok=True)
        for path in self.folder.glob(TMP_PREFIX + "*"):  # a manifest a killed writer did not finish
            path.unlink(missing_ok=True)

    def _save_kept(self, name: str, incidents: gpd.GeoDataFrame, source: SourceInfo, mode: str) -> SaveReport:
        new = to_flat(incidents).reset_index(drop=True)
        with locked(self.folder):
            doc = self._manifest()
            infos = [DatasetInfo.from_dict(e) for e in doc["datasets"].values()]
            reason = already_kept(infos, name, source)
            if reason:
                return SaveReport(
                    name, unchanged=len(new), skipped=reason, version=doc["datasets"].get(name, {}).get("version", "")
                )
            entry = doc["datasets"].get(name)
            old = new.iloc[0:0] if entry is None else self.backend.read(self.folder / entry["file"], None, None, None)
            added, changed, removed, unchanged, _ = compare(old, new)
            if mode == "merge":
                removed = 0
                kept_old = old[~old[KEY].isin(new[KEY])]
                rows = gpd.GeoDataFrame(pd.concat([kept_old, new], ignore_index=True), crs="EPSG:4326")
            else:
                rows = new
            history = list(entry.get("history", [])) if entry else []
            history.append(
                {
                    "at": _now(),
                    "file": source.file_name,
                    "mode": mode,
                    "added": added,
                    "changed": changed,
                    "removed": removed,
                }
            )
            if entry is not None and not (added or changed or removed):
                version, rel, imported_at = entry["version"], entry["file"], entry["imported_at"]
            else:
                version = _new_version()
                rel, imported_at = self._write_version(rows, version), _now()
            info = DatasetInfo(name, source, imported_at, len(rows), version, history=tuple(history[-50:]))
            doc["datasets"][name] = info.to_dict() | {"file": rel}
            self._publish(doc, [entry["file"]] if entry else [])
        return SaveReport(name, added, changed, removed, unchanged, version=version)

    def _remove_kept(self, name: str) -> None:
        with locked(self.folder):
            doc = self._manifest()
            entry = doc["datasets"].pop(name, None)
            if entry is None:
                raise DatasetNotFound(f"no dataset named '{name}'")
            self._publish(doc, [entry["file"]])
