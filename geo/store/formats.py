"""How one dataset version is written to and read from a file: GeoParquet or GeoPackage.

Each backend pushes down what its reader can (columns, dates, categories, fatalities, bbox); the
store applies the full filter afterwards, so the result does not depend on how much was pushed.
bench/bench_store.py measures both; DEFAULT is the one the numbers chose (bench/README.md).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio

from geo._compat import geopandas as gpd_compat
from geo.filters import IncidentFilter
from geo.incidents import criteria
from geo.incidents.schema import BOOL_COLUMNS, DATE_COLUMNS, FIELDS, FLOAT_COLUMNS, GEOMETRY, INT_COLUMNS

LAYER = "incidents"
PARQUET_CHUNK = 20_000  # rows converted to Arrow at a time when a dataset version is written


def _arrow_type(col: pd.Series, first: pa.DataType) -> pa.DataType:
    """A column's Arrow type over all rows, where the first chunk had only nulls to go by."""
    if not pa.types.is_null(first) or not col.notna().any():
        return first
    return pa.array(col[col.notna()].iloc[:1], from_pandas=True).type


def _write_parquet(flat: gpd.GeoDataFrame, path: Path) -> None:
    """The file to_parquet writes (zstd, covering bbox), converted to Arrow PARQUET_CHUNK rows at a time.

    An Arrow copy of the whole frame would cost about twice the imported file's size on top of
    the frame; this way a write holds one chunk's. Each chunk is a row group (a file of many
    rows is somewhat larger than one row group would make it); the file-level GeoParquet
    metadata (bbox, geometry types) is the whole frame's, as to_parquet writes it.
    """
    if not gpd_compat.CHUNKED or len(flat) <= PARQUET_CHUNK:
        flat.to_parquet(path, index=False, compression="zstd", write_covering_bbox=True)
        return
    chunks = (
        gpd_compat.to_arrow(flat.iloc[at : at + PARQUET_CHUNK], write_covering_bbox=True)
        for at in range(0, len(flat), PARQUET_CHUNK)
    )
    table = next(chunks)
    schema = pa.schema(
        [f.with_type(_arrow_type(flat[f.name], f.type)) if f.name in flat.columns else f for f in table.schema],
        metadata=table.schema.metadata | {b"geo": gpd_compat.geo_metadata(flat, write_covering_bbox=True)},
    )
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while table is not None:
            writer.write_table(table.cast(schema))
            table = None
            pa.default_memory_pool().release_unused()  # else mimalloc keeps every chunk's pages until the end
            table = next(chunks, None)


def _present(columns: list[str], names, fh) -> list[str]:
    """The asked columns a file has (one kept before a field existed lacks it: read as missing, e.g.
    "ungraded"); a file handle is rewound after its schema was read."""
    if hasattr(fh, "seek"):
        fh.seek(0)
    have = set(names)
    return [c for c in columns if c in have]


def _read_parquet(
    path: Path | BinaryIO, columns: list[str] | None, flt: IncidentFilter | None, bbox: tuple | None
) -> gpd.GeoDataFrame:
    cols = None if columns is None else [*_present(columns, pq.read_schema(path).names, path), GEOMETRY]
    gdf = gpd.read_parquet(path, columns=cols, filters=criteria.arrow_pushdown(flt), bbox=bbox)
    return gdf.reset_index(drop=True)


def _arrow_kind(kind: pa.DataType) -> str:
    """What an Arrow column holds, in the words check_columns uses."""
    checks = [
        (pa.types.is_null, "null"),
        (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t), "text"),
        (pa.types.is_boolean, "bool"),
        (pa.types.is_integer, "int"),
        (pa.types.is_floating, "float"),
        (lambda t: pa.types.is_timestamp(t) or pa.types.is_date(t), "date"),
        (lambda t: pa.types.is_binary(t) or pa.types.is_large_binary(t), "binary"),
    ]
    return next((word for test, word in checks if test(kind)), str(kind))


def _parquet_kinds(fh: BinaryIO) -> dict[str, str]:
    return {f.name: _arrow_kind(f.type) for f in pq.read_schema(fh)}


def _write_gpkg(flat: gpd.GeoDataFrame, path: Path) -> None:
    frame = flat.copy()
    for col in BOOL_COLUMNS:  # OGR has no nullable boolean from pandas: 0/1/NULL integers
        frame[col] = frame[col].astype("Int8")
    pyogrio.write_dataframe(frame, path, layer=LAYER, driver="GPKG", spatial_index=True)


def _read_gpkg(
    path: Path | BinaryIO, columns: list[str] | None, flt: IncidentFilter | None, bbox: tuple | None
) -> gpd.GeoDataFrame:
    if isinstance(path, Path) and not path.exists():
        raise FileNotFoundError(path)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non conformant file extension", category=RuntimeWarning)
        if columns is not None:
            columns = _present(columns, pyogrio.read_info(path, layer=LAYER)["fields"], path)
        gdf = pyogrio.read_dataframe(
            path, layer=LAYER, columns=columns, where=criteria.gpkg_pushdown(flt), bbox=bbox, use_arrow=True
        )
    for col in DATE_COLUMNS:
        if col in gdf.columns:
            gdf[col] = pd.to_datetime(gdf[col]).dt.tz_localize(None).astype("datetime64[us]")
    for col in BOOL_COLUMNS:
        if col in gdf.columns:
            gdf[col] = gdf[col].astype("Int8").astype("boolean")
    return gdf.rename_geometry(GEOMETRY) if gdf.geometry.name != GEOMETRY else gdf


def _numpy_kind(dtype: str) -> str:
    """What a column pyogrio describes holds (OGR keeps booleans as small integers)."""
    for prefix, word in (("int", "int"), ("float", "float"), ("datetime", "date"), ("bool", "bool")):
        if dtype.startswith(prefix):
            return word
    return "text" if dtype == "object" else dtype


def _gpkg_kinds(fh: BinaryIO) -> dict[str, str]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non conformant file extension", category=RuntimeWarning)
        info = pyogrio.read_info(fh, layer=LAYER)
    kinds = {str(n): _numpy_kind(str(d)) for n, d in zip(info["fields"], info["dtypes"], strict=True)}
    return kinds | {GEOMETRY: "binary"}  # OGR decodes the geometry itself, or fails on reading it


@dataclass(frozen=True)
class Backend:
    """One file format for dataset versions."""

    name: str
    suffix: str
    write: Callable[[gpd.GeoDataFrame, Path], None]
    read: Callable[[Path | BinaryIO, list[str] | None, IncidentFilter | None, tuple | None], gpd.GeoDataFrame]
    kinds: Callable[[BinaryIO], dict[str, str]]  # column -> "text", "int", "float", "date", "bool", "binary", "null"


BACKENDS = {
    "parquet": Backend("GeoParquet", ".parquet", _write_parquet, _read_parquet, _parquet_kinds),
    "gpkg": Backend("GeoPackage", ".gpkg", _write_gpkg, _read_gpkg, _gpkg_kinds),
}
DEFAULT = "parquet"


def by_suffix(file_name: str) -> Backend:
    """The backend that writes files of this name's suffix (the manifest check allows no other)."""
    return next(b for b in BACKENDS.values() if file_name.endswith(b.suffix))


def _expected(name: str) -> tuple[str, ...]:
    """The kinds a stored column may hold (besides "null", a column of no values)."""
    if name == GEOMETRY:
        return ("binary",)
    if name in DATE_COLUMNS:
        return ("date",)
    if name in INT_COLUMNS:
        return ("int",)
    if name in FLOAT_COLUMNS:
        return ("float", "int")
    if name in BOOL_COLUMNS:
        return ("bool", "int")
    return ("text",)


WORDS = {
    "text": "text",
    "int": "whole numbers",
    "float": "numbers",
    "date": "dates",
    "bool": "true/false",
    "binary": "WKB geometry",
}


def check_columns(backend: Backend, fh: BinaryIO) -> list[str]:
    """What is wrong with a dataset file's columns (types the store would not write), naming each field."""
    kinds = backend.kinds(fh)
    problems = [f"field '{n}' is missing" for n in ("id", GEOMETRY) if n not in kinds]
    for name, kind in kinds.items():
        if (name in FIELDS or name == GEOMETRY) and kind != "null" and kind not in _expected(name):
            want = " or ".join(WORDS[k] for k in _expected(name))
            problems.append(f"field '{name}' holds {WORDS.get(kind, kind)}, expected {want}")
    return problems
