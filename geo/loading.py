"""Read a layer file into a validated GeoDataFrame in EPSG:4326."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TypeGuard

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.errors import GeometryTypeError
from shapely.geometry import shape

from geo.catalog import LAYERS, Layer, data_dir
from geo.schema import LayerSchema
from geo.validation import LayerValidationError, ValidationReport, validate

WGS84 = "EPSG:4326"
# The most a layer (or imported) file may hold: parsing takes many times the file's size in memory.
MAX_FILE_BYTES = 256 * 2**20


def _refused(source: str, why: str) -> LayerValidationError:
    return LayerValidationError(source, [why])


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n:,} bytes"


def _check_kind(source: str, st_mode: int, size: int, cap: int) -> None:
    if stat.S_ISDIR(st_mode):
        raise _refused(source, "is a folder, not a file")
    if not stat.S_ISREG(st_mode):
        raise _refused(source, "is not a regular file (a pipe, socket or device): refused")
    if size > cap:
        raise _refused(source, f"is {_size(size)}, over the {_size(cap)} limit for a file read here")


def checked_file(path: str | Path, folder: str | Path | None = None, cap: int | None = None) -> Path:
    """path resolved, if it is a regular file of at most cap bytes (and inside folder when given).

    Anything else (missing, a link that leads out of the folder, a folder, a pipe or device, too
    large) raises LayerValidationError naming the file; nothing is opened.
    """
    path = Path(path)
    source = path.name
    cap = MAX_FILE_BYTES if cap is None else cap
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError as exc:
        raise _refused(source, f"file not found: {path}") from exc
    except (OSError, RuntimeError) as exc:  # a link loop, a path through a file, no permission
        raise _refused(source, f"cannot be opened: {getattr(exc, 'strerror', None) or exc}") from exc
    if folder is not None and not resolved.is_relative_to(Path(folder).resolve()):
        raise _refused(source, "is a link that leads outside the data folder: refused")
    try:
        info = resolved.stat()
    except OSError as exc:
        raise _refused(source, f"cannot be opened: {exc.strerror or exc}") from exc
    _check_kind(source, info.st_mode, info.st_size, cap)
    return resolved


@contextlib.contextmanager
def _opened(path: str | Path, folder: str | Path | None, cap: int) -> Iterator:
    """The open file (binary) of a file that passes checked_file, opened without blocking or following a last link."""
    resolved = checked_file(path, folder, cap)
    source = Path(path).name
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(resolved, flags)
    except PermissionError as exc:
        raise _refused(source, "cannot be read: permission denied") from exc
    except OSError as exc:  # swapped for a link or removed since the check
        raise _refused(source, f"cannot be opened: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        _check_kind(source, info.st_mode, info.st_size, cap)
        yield fh


def read_bytes(path: str | Path, folder: str | Path | None = None, cap: int | None = None) -> bytes:
    """The bytes of a file that passes checked_file, read without blocking or following a last link."""
    cap = MAX_FILE_BYTES if cap is None else cap
    source = Path(path).name
    with _opened(path, folder, cap) as fh:
        try:
            data = fh.read(cap + 1)
        except OSError as exc:
            raise _refused(source, f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > cap:
        raise _refused(source, f"grew past the {_size(cap)} limit for a file read here")
    return data


def file_digest(path: str | Path, folder: str | Path | None = None, cap: int | None = None) -> str:
    """Hex SHA-256 of a file that passes the same checks as read_bytes, read a megabyte at a time."""
    cap = MAX_FILE_BYTES if cap is None else cap
    source = Path(path).name
    digest, size = hashlib.sha256(), 0
    with _opened(path, folder, cap) as fh:
        try:
            while block := fh.read(2**20):
                size += len(block)
                if size > cap:
                    raise _refused(source, f"grew past the {_size(cap)} limit for a file read here")
                digest.update(block)
        except OSError as exc:
            raise _refused(source, f"cannot be read: {exc.strerror or exc}") from exc
    return digest.hexdigest()


GZ_SUFFIX = ".geojson.gz"  # a shipped dataset too large for git as plain text (geo/data/README.md)


def gunzip_capped(raw: bytes, source: str, cap: int | None = None) -> bytes:
    """The gzip data unpacked, refusing more than cap bytes unpacked (a small file may unpack huge)."""
    cap = MAX_FILE_BYTES if cap is None else cap
    unpack = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = unpack.decompress(raw, cap + 1)
    except zlib.error as exc:
        raise _refused(source, f"is not readable gzip data: {exc}") from exc
    if len(out) > cap or unpack.unconsumed_tail:
        raise _refused(source, f"unpacks to more than the {_size(cap)} limit for a file read here")
    if not unpack.eof:
        raise _refused(source, "is cut short: the gzip data ends early")
    return out


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed in JSON")


def _crs_from_member(doc: dict, source: str) -> CRS | None:
    """The legacy GeoJSON "crs" member; RFC 7946 files have none and are WGS84."""
    if "crs" not in doc:
        return CRS.from_user_input(WGS84)
    member = doc["crs"]
    if member is None:
        return None
    try:
        name = member["properties"]["name"]
    except (TypeError, KeyError) as exc:
        raise LayerValidationError(source, [f"unreadable 'crs' member {member!r}"]) from exc
    if name in ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "CRS84"):
        return CRS.from_user_input(WGS84)
    try:
        return CRS.from_user_input(name)
    except CRSError as exc:
        raise LayerValidationError(source, [f"unknown CRS {name!r}: cannot tell where the coordinates are"]) from exc


def _plain_point(raw) -> TypeGuard[dict]:
    """A GeoJSON Point with exactly two plain numbers (the common case, read fast)."""
    if not isinstance(raw, dict) or raw.get("type") != "Point":
        return False
    c = raw.get("coordinates")
    return isinstance(c, list) and len(c) == 2 and all(type(v) in (int, float) for v in c)


def share_texts_in(value, memo: dict):
    """value with every text inside it replaced by the first equal text seen (lists and dicts changed in place)."""
    if type(value) is str:
        return memo.setdefault(value, value)
    if type(value) is list:
        for i, item in enumerate(value):
            value[i] = share_texts_in(item, memo)
    elif type(value) is dict:
        for key, item in value.items():
            value[key] = share_texts_in(item, memo)
    return value


def shared_texts(col: pd.Series) -> pd.Series:
    """A column of texts (and missing values) as Python objects, each distinct text one object, None for missing."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    values = np.array([*uniques.tolist(), None], dtype=object)  # code -1 (missing) takes the last: None
    return pd.Series(values[codes], index=col.index, dtype=object)


def share_repeated_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Make equal texts in object columns one Python object (in place; values and dtypes unchanged).

    JSON parsing makes a new string for every cell, so 100,000 rows of "Pakistan" are 100,000
    objects; shared, they are one, and a column costs little more than its pointers.
    """
    memo: dict = {}
    geometry = frame.active_geometry_name if isinstance(frame, gpd.GeoDataFrame) else None
    for name in frame.columns:
        col = frame[name]
        if col.dtype != object or name == geometry:
            continue
        if pd.api.types.infer_dtype(col, skipna=True) == "string":  # only texts: hashed in C
            frame[name] = shared_texts(col)
        else:  # lists, dicts, mixed types: text by text, everything else kept as it is
            frame[name] = pd.Series([share_texts_in(v, memo) for v in col.tolist()], index=col.index, dtype=object)
    return frame


def read_geojson(path: str | Path, folder: str | Path | None = None) -> gpd.GeoDataFrame:
    """Parse a GeoJSON FeatureCollection, keeping list and object properties as Python values.

    Unlike GDAL this neither guesses dates nor turns lists into arrays, so validation sees
    exactly what the file says. With folder, the file must lie inside it (see checked_file).
    """
    path = Path(path)
    source = path.name
    raw = read_bytes(path, folder)
    if path.name.lower().endswith(GZ_SUFFIX):
        raw = gunzip_capped(raw, source)
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise LayerValidationError(source, [f"not valid JSON: {exc}"]) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise LayerValidationError(source, ["not a GeoJSON FeatureCollection (expected 'type' and a 'features' list)"])
    crs = _crs_from_member(doc, source)
    rows: list[dict] = []
    geoms: list = []  # shapely geometries, None where the point is built below
    problems: list[str] = []
    points: dict[int, list] = {}  # plain 2-D points, built in one vectorised call below
    for pos, feat in enumerate(doc["features"]):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            problems.append(f"feature {pos}: not a GeoJSON Feature")
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(f"feature {pos}: 'properties' is not an object")
            continue
        geom = feat.get("geometry")
        if _plain_point(geom):
            points[len(geoms)] = geom["coordinates"]
            geoms.append(None)
            rows.append(props)
            continue
        try:
            geoms.append(shape(geom) if geom else None)
        except (GeometryTypeError, ValueError, TypeError, KeyError, AttributeError) as exc:
            label = f"feature {pos} (id '{props['id']}')" if "id" in props else f"feature {pos}"
            problems.append(f"{label}: unreadable geometry: {exc}")
            continue
        rows.append(props)
    if problems:
        raise LayerValidationError(source, problems)
    for at, point in zip(
        points, shapely.points(np.array(list(points.values()), dtype=float).reshape(-1, 2)), strict=True
    ):
        geoms[at] = point
    # keep Python objects (lists, None) rather than pandas' inferred dtypes
    frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
    frame = frame.where(frame.notna(), None) if rows else frame
    del doc, rows
    share_repeated_text(frame)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def read_any(path: str | Path, folder: str | Path | None = None) -> gpd.GeoDataFrame:
    """GeoJSON (also gzipped, .geojson.gz) through read_geojson; other vector formats (GPKG, KML, ...) through GDAL."""
    path = Path(path)
    if path.suffix.lower() in (".geojson", ".json") or path.name.lower().endswith(GZ_SUFFIX):
        return read_geojson(path, folder)
    resolved = checked_file(path, folder)
    try:
        return gpd.read_file(resolved)
    except Exception as exc:
        raise LayerValidationError(path.name, [f"cannot read file: {exc}"]) from exc


def load_file(
    path: str | Path, schema: LayerSchema, on_error: str = "raise", folder: str | Path | None = None
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Read and validate one file against a schema (kept inside folder when given)."""
    path = Path(path)
    return validate(read_any(path, folder), schema, path.name, on_error=on_error)


def layer_path(layer: Layer, folder: str | Path | None = None) -> Path:
    """The file of a layer in folder (default: the data folder)."""
    return Path(folder or data_dir()) / layer.file


def layer_file(layer: Layer, folder: str | Path | None = None) -> Path:
    """The layer's file resolved, if it may be read or served (see checked_file), else LayerValidationError."""
    folder = Path(folder or data_dir())
    return checked_file(layer_path(layer, folder), folder)


def load_layer(layer_id: str, folder: str | Path | None = None) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Load a catalogue layer by id: validated, EPSG:4326, dates parsed."""
    if layer_id not in LAYERS:
        raise KeyError(f"unknown layer {layer_id!r}; known: {', '.join(LAYERS)}")
    layer = LAYERS[layer_id]
    folder = Path(folder or data_dir())
    return load_file(layer_path(layer, folder), layer.schema, folder=folder)
