"""The embedded store: kept datasets as files in one workspace folder, plus a JSON manifest.

    WORKSPACE/manifest.json          {"format": 1, "datasets": {name: entry + "file"}}
    WORKSPACE/datasets/<version>.parquet  one immutable file per dataset version (GeoParquet)
    WORKSPACE/.lock                  writers take it (fcntl.flock), readers never wait

A save writes the new version's file (temporary file, fsync, rename), then the manifest the same
way, then deletes the old file: a writer killed at any point leaves the last manifest and every
file it names whole. Saves and removals hold the lock from reading the manifest to writing it,
so two sessions saving at once both land.

Nothing on disk is trusted: the manifest is checked field by field (geo.store.manifest), a
dataset's file must carry the store's own name for its version and be a regular file inside
datasets/ (never a link), its columns must have the types the store writes, and only files of the
store's own naming are ever deleted.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import shapely

from geo.files import write_atomic
from geo.filters import IncidentFilter
from geo.incidents import criteria
from geo.incidents.codec import compare, filter_columns, from_flat, to_flat
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
    WorkspaceError,
    already_kept,
    reference_query,
)
from geo.store.manifest import IN_DATASETS, MANIFEST_FORMAT, MANIFEST_TMP, check_manifest, tidy
from geo.store.shipped import ShippedIncidents
from geo.store.workspace import (
    default_workspace,
    locked,
    open_beside,
    prepare,
    read_json,
    real_folder,
    world_writable,
    write_json,
)

MANIFEST = "manifest.json"
READ_RETRIES = 5
# what a damaged or foreign dataset file raises while it is read and converted
READ_ERRORS = (OSError, ValueError, TypeError, KeyError, pa.ArrowException, shapely.errors.ShapelyError)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_version() -> str:
    return f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"


def _missing(name: str, entry: dict) -> str:
    """Why a dataset whose file is gone cannot be read or updated."""
    return f"dataset '{name}': its file {entry['file']} is missing from the workspace; remove it and keep it again"


@contextlib.contextmanager
def _damaged(name: str, entry: dict) -> Iterator[None]:
    """Turn what a damaged or foreign dataset file raises into one StoreError naming the dataset and file."""
    try:
        yield
    except (FileNotFoundError, StoreError):
        raise
    except READ_ERRORS as exc:
        where = "field 'geometry': " if isinstance(exc, shapely.errors.ShapelyError) else ""
        raise StoreError(
            f"dataset '{name}' ({entry['file']}): {where}cannot be read ({type(exc).__name__}: {exc})"
        ) from exc


class EmbeddedStore(IncidentStore):
    """Kept datasets in a workspace folder (default: PKIR_WORKSPACE or the user's data directory)."""

    def __init__(self, folder: str | Path | None = None, file_format: str = formats.DEFAULT, shipped=None):
        super().__init__(shipped if shipped is not None else ShippedIncidents())
        self.folder = prepare(Path(folder) if folder is not None else default_workspace())
        self.backend = formats.BACKENDS[file_format]

    @property
    def location(self) -> str:
        """The workspace folder."""
        return str(self.folder)

    def warning(self) -> str:
        """What is unsafe about the workspace though it works (others may write into it), or ""."""
        return world_writable(self.folder)

    # ---- manifest

    def _manifest(self) -> dict:
        """The manifest, checked field by field (StoreError naming the dataset and field otherwise)."""
        path = self.folder / MANIFEST
        try:
            doc = read_json(path, {"format": MANIFEST_FORMAT, "datasets": {}})
        except ValueError as exc:
            raise WorkspaceError(str(exc)) from exc
        return check_manifest(doc, str(path), tuple(b.suffix for b in formats.BACKENDS.values()))

    @property
    def _datasets(self) -> Path:
        """The datasets/ folder, checked to be a folder of its own (not a link) each time it is used."""
        folder = self.folder / "datasets"
        real_folder(folder, "the workspace's datasets folder")
        return folder

    def file_of(self, name: str) -> Path:
        """The current file of a kept dataset, as the manifest names it (DatasetNotFound when unknown):
        what a query engine reads. A save replaces it, so ask again for each read."""
        entry = self._manifest()["datasets"].get(name)
        if entry is None:
            raise DatasetNotFound(f"no dataset named '{name}'")
        return self._datasets / Path(entry["file"]).name

    def _kept_infos(self) -> list[DatasetInfo]:
        return [DatasetInfo.from_dict(entry) for entry in self._manifest()["datasets"].values()]

    # ---- read

    def _read_kept(
        self, name: str, flt: IncidentFilter | None, bbox: BBox | None, columns: list[str] | None
    ) -> gpd.GeoDataFrame:
        fetch = filter_columns(columns, criteria.reads(flt))
        missing = set()
        for _attempt in range(READ_RETRIES):
            entry = self._manifest()["datasets"].get(name)
            if entry is None:
                raise DatasetNotFound(f"no dataset named '{name}'")
            if entry["file"] in missing:  # named again after it was found missing: not a writer's replacement
                raise StoreError(_missing(name, entry))
            try:
                gdf = self._read_version(name, entry, fetch, flt, bbox)
                break
            except FileNotFoundError:  # a writer replaced this version after we read the manifest
                missing.add(entry["file"])
        else:
            raise StoreError(f"dataset '{name}' kept changing while it was read; try again")
        gdf = reference_query(gdf, flt, bbox)  # what the backend could not push down
        if columns is not None:
            absent = {c: None for c in columns if c not in gdf.columns}  # kept before the field existed
            gdf = (gdf.assign(**absent) if absent else gdf)[[*columns, gdf.geometry.name]]
        return gdf.reset_index(drop=True)

    @contextlib.contextmanager
    def _version_file(self, entry: dict) -> Iterator:
        """The open dataset file the entry names: a regular file in datasets/, never through a link."""
        fd = open_beside(self._datasets / Path(entry["file"]).name)  # FileNotFoundError passes
        with os.fdopen(fd, "rb") as fh:
            yield fh

    def _read_flat(
        self, name: str, entry: dict, columns: list[str] | None, flt: IncidentFilter | None, bbox: BBox | None
    ) -> gpd.GeoDataFrame:
        """A version's stored rows; StoreError naming the dataset (and field) when the file is not the store's."""
        backend = formats.by_suffix(entry["file"])
        with self._version_file(entry) as fh, _damaged(name, entry):
            problems = formats.check_columns(backend, fh)
            if problems:
                raise StoreError(f"dataset '{name}' ({entry['file']}): {problems[0]}")
            fh.seek(0)
            return backend.read(fh, columns, flt, bbox)

    def _read_version(
        self, name: str, entry: dict, columns: list[str] | None, flt: IncidentFilter | None, bbox: BBox | None
    ) -> gpd.GeoDataFrame:
        """A dataset version's rows as geo.loading types them."""
        flat = self._read_flat(name, entry, columns, flt, bbox)
        with _damaged(name, entry):
            return from_flat(flat)

    # ---- write

    def _write_version(self, flat: gpd.GeoDataFrame, version: str) -> str:
        name = f"{version}{self.backend.suffix}"
        write_atomic(self._datasets / name, lambda tmp: self.backend.write(flat, tmp))
        return f"datasets/{name}"

    def _publish(self, doc: dict) -> None:
        """Write the manifest, then delete the store's own files it no longer names (old versions, leftovers).

        Only regular files whose names the store gives are deleted: versions and temporary files in
        datasets/, a killed writer's temporary manifest beside the manifest; links, folders and
        anything else stay as they are.
        """
        write_json(self.folder / MANIFEST, doc)
        named = {Path(entry["file"]).name for entry in doc["datasets"].values()}
        tidy(self._datasets, IN_DATASETS, named)
        tidy(self.folder, MANIFEST_TMP, set())

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
            try:
                old = new.iloc[0:0] if entry is None else self._read_flat(name, entry, None, None, None)
            except FileNotFoundError as exc:  # under the lock nobody replaces it: it is gone
                raise StoreError(_missing(name, entry)) from exc
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
            self._publish(doc)
        return SaveReport(name, added, changed, removed, unchanged, version=version)

    def _remove_kept(self, name: str) -> None:
        with locked(self.folder):
            doc = self._manifest()
            entry = doc["datasets"].pop(name, None)
            if entry is None:
                raise DatasetNotFound(f"no dataset named '{name}'")
            self._publish(doc)
