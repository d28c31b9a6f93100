"""The kept-dataset interface: list, read with a filter, save, remove.

Two implementations share it: files in a workspace folder (geo.store.embedded, the default) and a
PostGIS database (team mode). Both show the shipped curated incidents as the read-only dataset
"shipped" (GeoJSON in git), and the other shipped datasets of geo.store.shipped.SHIPPED_SETS (the
UCDP GED events) beside it, read-only too, so the app reads everything one way.

An implementation stores *kept* datasets; this base class adds the shipped one, checks names and
frames, and joins several datasets. A read's filter means what geo.incidents.criteria says (each
criterion's pandas mask, with its DuckDB and PostGIS SQL beside it); a bbox keeps the rows whose
point lies inside it (edges included, rows without a point left out); columns is the SELECT list
(id and geometry always come back).

geo.filters.filter_mask is the reference; ``reference_query`` below applies it with the bbox, and
the store test suite checks each implementation against it.
"""

from __future__ import annotations

import builtins
import hashlib
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.filters import IncidentFilter, filter_mask
from geo.incidents.codec import repeated
from geo.incidents.schema import COLUMNS, INCIDENTS, KEY

SHIPPED = "shipped"
RESERVED = {"ucdp ged (shipped)"}  # the other shipped datasets' names (geo.store.shipped.SHIPPED_SETS), casefolded
MAX_NAME = 80
BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)
SAVE_MODES = ("replace", "merge")


class StoreError(Exception):
    """A store operation was refused; the message says why in one line."""


class WorkspaceError(StoreError):
    """The workspace cannot be used as it is on disk; the message names the workspace and the problem."""


class LockTimeout(StoreError, TimeoutError):
    """Another writer held the store's write lock longer than a writer waits."""


class DatasetNotFound(StoreError):
    """No dataset of that name is kept."""


class ReadOnlyDataset(StoreError):
    """The shipped dataset cannot be saved over or removed."""


class InvalidDataset(StoreError, ValueError):
    """The frame handed to save() is not a usable incident layer."""


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class SourceInfo:
    """Where a saved dataset came from: the caller's part of the manifest entry."""

    file_name: str
    file_hash: str  # SHA-256 of the source file's bytes: the same file is never kept twice
    format: str  # e.g. "ACLED", "UCDP GED", "CSV", "spatial"
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    licence: str = ""
    attribution: str = ""

    @classmethod
    def from_file(cls, path: str | Path, format: str, rows_read: int, rows_accepted: int, **extra) -> SourceInfo:
        """Fill name and hash from the file itself; rejected = read - accepted unless given."""
        extra.setdefault("rows_rejected", max(rows_read - rows_accepted, 0))
        return cls(Path(path).name, file_sha256(path), format, rows_read, rows_accepted, **extra)


@dataclass(frozen=True)
class DatasetInfo:
    """One manifest entry: a dataset's name, source, import time, size and version."""

    name: str
    source: SourceInfo
    imported_at: str  # ISO 8601 UTC of the last save that changed rows
    rows: int  # rows kept now (after updates by source id)
    version: str  # changes whenever the rows change; caches key on it
    read_only: bool = False
    history: tuple[dict, ...] = field(default=())  # one entry per save that changed rows

    def to_dict(self) -> dict:
        """Plain JSON-ready form (the embedded manifest, a PostGIS jsonb column)."""
        out = asdict(self)
        out["history"] = list(self.history)
        return out

    @classmethod
    def from_dict(cls, raw: dict) -> DatasetInfo:
        """The inverse of to_dict; unknown keys (from a newer version) are ignored."""
        src_keys = {f.name for f in fields(SourceInfo)}
        source = SourceInfo(**{k: v for k, v in raw["source"].items() if k in src_keys})
        keys = {f.name for f in fields(cls)} - {"source", "history"}
        return cls(
            source=source, history=tuple(raw.get("history") or ()), **{k: v for k, v in raw.items() if k in keys}
        )


@dataclass(frozen=True)
class SaveReport:
    """What a save did, counted by source id."""

    dataset: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: str = ""  # non-empty: nothing was written, and why (e.g. the same file is already kept)
    version: str = ""

    def summary(self) -> str:
        """One plain line for the page or the command line."""
        if self.skipped:
            return f"{self.dataset}: nothing changed ({self.skipped})"
        return (
            f"{self.dataset}: {self.added} added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged"
        )


def check_name(name: str) -> str:
    """A dataset name as kept (stripped, NFC); refuse empty, over-long, control characters, "shipped".

    NFC: the same name typed with composed or decomposed accents is one dataset, not two that look alike.
    """
    if not isinstance(name, str) or not name.strip():
        raise StoreError("a dataset needs a name")
    name = unicodedata.normalize("NFC", name.strip())
    if len(name) > MAX_NAME:
        raise StoreError(f"dataset name is {len(name)} characters long; at most {MAX_NAME}")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise StoreError("dataset name contains a control character")
    if name.casefold() == SHIPPED:
        raise ReadOnlyDataset(f"'{SHIPPED}' is the shipped curated dataset; choose another name")
    if name.casefold() in RESERVED:
        raise ReadOnlyDataset(f"'{name}' is the name of a shipped dataset; choose another name")
    return name


def check_columns(columns: Sequence[str] | None) -> list[str] | None:
    """The requested columns in schema order with id first; None means all. Unknown names refused."""
    if columns is None:
        return None
    unknown = [c for c in columns if c not in COLUMNS and c != "geometry"]
    if unknown:
        raise StoreError(f"unknown incident column(s): {', '.join(map(str, unknown))}")
    wanted = set(columns) | {KEY}
    return [c for c in COLUMNS if c in wanted]


def check_frame(incidents: gpd.GeoDataFrame, name: str) -> None:
    """Refuse what cannot be a validated incident layer: missing columns, bad CRS, missing or repeated ids."""
    if not isinstance(incidents, gpd.GeoDataFrame):
        raise InvalidDataset(f"{name}: expected a GeoDataFrame, got {type(incidents).__name__}")
    missing = [f.name for f in INCIDENTS.fields if f.required and f.name not in incidents.columns]
    if missing:
        raise InvalidDataset(f"{name}: missing incident column(s): {', '.join(missing)}")
    if incidents.crs is None or incidents.crs.to_epsg() != 4326:
        raise InvalidDataset(f"{name}: coordinates must be in EPSG:4326 (got {incidents.crs})")
    ids = incidents[KEY]
    if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        raise InvalidDataset(f"{name}: every incident needs an id (the source's event id)")
    dup = ids[repeated(ids)]
    if len(dup):
        raise InvalidDataset(f"{name}: id '{dup.iloc[0]}' occurs more than once ({len(dup)} repeated ids)")


def in_bbox(gdf: gpd.GeoDataFrame, bbox: BBox) -> np.ndarray:
    """Rows whose point lies inside the box (edges included); rows without geometry are out."""
    minx, miny, maxx, maxy = bbox
    geom = gdf.geometry
    located = (geom.notna() & ~geom.is_empty).to_numpy()
    x = np.full(len(gdf), np.nan)
    y = np.full(len(gdf), np.nan)
    x[located], y[located] = geom[located].x.to_numpy(), geom[located].y.to_numpy()
    with np.errstate(invalid="ignore"):
        return located & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)


def reference_query(
    gdf: gpd.GeoDataFrame, flt: IncidentFilter | None = None, bbox: BBox | None = None
) -> gpd.GeoDataFrame:
    """The rows a read must return, computed in pandas: the meaning every implementation follows."""
    keep = np.ones(len(gdf), dtype=bool)
    if flt is not None:
        keep &= filter_mask(gdf, flt)
    if bbox is not None:
        keep &= in_bbox(gdf, bbox)
    return gdf[keep]


def empty_incidents(columns: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """A frame with no rows and the requested columns (all when None)."""
    cols = list(columns) if columns is not None else list(COLUMNS)
    return gpd.GeoDataFrame(
        pd.DataFrame({c: pd.Series(dtype=object) for c in cols}), geometry=gpd.GeoSeries([], crs="EPSG:4326")
    )


class IncidentStore(ABC):
    """Kept incident datasets plus the shipped curated one (read-only, named "shipped").

    Implementations provide the four ``_kept`` methods over their own storage; the public methods
    here are the same for every implementation.
    """

    def __init__(self, shipped):
        """shipped: the curated dataset's reader (geo.store.shipped.ShippedIncidents, which the
        implementations give); its siblings() are the other shipped datasets (UCDP GED), read from
        the same data folder."""
        self.shipped = shipped
        siblings = getattr(shipped, "siblings", None)
        self.also_shipped = siblings() if siblings else {}

    def shipped_frame(self, name: str) -> gpd.GeoDataFrame | None:
        """The rows of a shipped dataset by name (validated, shared: copy before changing); None for another name."""
        if name == SHIPPED:
            return self.shipped.read()
        other = self.also_shipped.get(name)
        return other.read() if other is not None else None

    def _shipped_infos(self) -> list[DatasetInfo]:
        infos = [self.shipped.info(), *(s.info() for s in self.also_shipped.values())]
        return [i for i in infos if i is not None]

    # ---- what an implementation provides

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the kept datasets live (a folder or a database URL); geo.store.open_store accepts it."""

    @abstractmethod
    def _kept_infos(self) -> list[DatasetInfo]:
        """Manifest entries of the kept datasets."""

    @abstractmethod
    def _read_kept(
        self, name: str, flt: IncidentFilter | None, bbox: BBox | None, columns: list[str] | None
    ) -> gpd.GeoDataFrame:
        """One kept dataset's rows passing the filter and bbox, with the columns asked (all when None)."""

    @abstractmethod
    def _save_kept(self, name: str, incidents: gpd.GeoDataFrame, source: SourceInfo, mode: str) -> SaveReport:
        """Create or update a kept dataset by source id, atomically."""

    @abstractmethod
    def _remove_kept(self, name: str) -> None:
        """Remove a kept dataset (DatasetNotFound when there is none)."""

    # ---- the interface

    def list(self) -> list[DatasetInfo]:
        """Every dataset: the shipped ones first (those whose files are there), then the kept ones by name."""
        kept = sorted(self._kept_infos(), key=lambda i: i.name.casefold())
        return self._shipped_infos() + kept

    def names(self) -> builtins.list[str]:  # "list" here is the method above
        """The names of every dataset, in list() order."""
        return [i.name for i in self.list()]

    def info(self, name: str) -> DatasetInfo:
        """One dataset's manifest entry."""
        for item in self.list():
            if item.name == name:
                return item
        raise DatasetNotFound(f"no dataset named '{name}'")

    def version_key(self, names: Sequence[str]) -> str:
        """A string that changes when any of these datasets changes (for caches)."""
        infos = {i.name: i for i in self.list()}
        return "|".join(f"{n}@{infos[n].version}" if n in infos else f"{n}@missing" for n in names)

    def read(
        self,
        names: str | Sequence[str],
        flt: IncidentFilter | None = None,
        bbox: BBox | None = None,
        columns: Sequence[str] | None = None,
    ) -> gpd.GeoDataFrame:
        """Rows of one or several datasets passing the filter and bbox, only the columns asked.

        Columns come in schema order, id first, geometry last, typed as geo.loading loads them.
        When datasets share an id, the one named first wins; ``attrs["duplicates_dropped"]``
        counts the rows left out for that.
        """
        names = [names] if isinstance(names, str) else list(names)
        cols = check_columns(columns)
        kept = {i.name for i in self._kept_infos()}
        parts = []
        for name in dict.fromkeys(names):
            if name == SHIPPED or name in self.also_shipped:
                part = reference_query(self.shipped_frame(name), flt, bbox)
                part = part[[*cols, part.geometry.name]] if cols is not None else part
            elif name in kept:
                part = self._read_kept(name, flt, bbox, cols)
            else:
                raise DatasetNotFound(f"no dataset named '{name}'")
            parts.append(part)
        if not parts:
            return empty_incidents(cols)
        out = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        out = gpd.GeoDataFrame(out, geometry=out.geometry.name, crs="EPSG:4326")
        before = len(out)
        out = out[~out[KEY].duplicated()].reset_index(drop=True)
        out.attrs["duplicates_dropped"] = before - len(out)
        return out

    def aggregate(
        self,
        names: str | Sequence[str],
        flt: IncidentFilter | None = None,
        bbox: BBox | None = None,
        cell_deg: float = 0.5,
    ) -> pd.DataFrame:
        """Incidents and fatalities per grid cell of the rows read() would return (geo.store.aggregate).

        Columns cell_x, cell_y, lon, lat (cell centre), incidents, fatalities; a store may compute it
        where the data is (PostGIS does, in SQL).
        """
        from geo.store.aggregate import check_cell, grid_counts

        check_cell(cell_deg)
        return grid_counts(self.read(names, flt, bbox, columns=["fatalities_best"]), cell_deg)

    def save(self, name: str, incidents: gpd.GeoDataFrame, source: SourceInfo, mode: str = "replace") -> SaveReport:
        """Keep a validated incident frame under a name, updating an existing one by source id.

        mode "replace": the dataset becomes these rows (ids no longer present count as removed);
        "merge": these rows are added or updated, the others stay. Saving the file already kept
        (same hash) changes nothing and says so.
        """
        name = check_name(name)
        if mode not in SAVE_MODES:
            raise StoreError(f"unknown save mode '{mode}'; use one of {', '.join(SAVE_MODES)}")
        check_frame(incidents, name)
        return self._save_kept(name, incidents, source, mode)

    def remove(self, name: str) -> None:
        """Remove a kept dataset and its rows."""
        if name == SHIPPED or name in self.also_shipped:
            raise ReadOnlyDataset(f"the shipped dataset '{name}' cannot be removed")
        self._remove_kept(unicodedata.normalize("NFC", name) if isinstance(name, str) else name)


def already_kept(infos: Sequence[DatasetInfo], name: str, source: SourceInfo) -> str:
    """Why a save of this file would change nothing ("" when it would): the same bytes are kept.

    Implementations call it while holding their write lock, so two sessions cannot both miss it.
    """
    for info in infos:
        if source.file_hash and info.source.file_hash == source.file_hash:
            if info.name == name:
                return f"{source.file_name} is already kept with the same content"
            return f"{source.file_name} is already kept, as '{info.name}'"
    return ""


def problem_line(location: str, exc: BaseException) -> str:
    """One line naming a store's location and what is wrong with it (the location once)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if location in text else f"{location}: {text}"
