"""geopandas' private GeoParquet writer parts (geopandas.io.arrow), used by geo.store.formats.

to_parquet converts a whole frame to Arrow at once; the store writes a large dataset version a
chunk at a time instead, with the file-level "geo" metadata to_parquet would write. Without
these parts (another geopandas) CHUNKED is False and the store calls to_parquet.
"""

from __future__ import annotations

import geopandas as gpd
import pyarrow as pa

from geo._compat import pinned

SUPPORTED = ">=1.0,<2"  # requirements.txt's pin; the parts below were read in geopandas 1.0-1.2
VERSION = pinned("geopandas", SUPPORTED, "geo._compat.geopandas")

try:
    from geopandas.io.arrow import _create_metadata, _encode_metadata, _geopandas_to_arrow
except ImportError:  # pragma: no cover - another geopandas
    CHUNKED = False
else:
    CHUNKED = True


def to_arrow(frame: gpd.GeoDataFrame, *, write_covering_bbox: bool) -> pa.Table:
    """frame as the Arrow table to_parquet(index=False) would write (WKB geometry, optional bbox)."""
    return _geopandas_to_arrow(frame, index=False, write_covering_bbox=write_covering_bbox)


def geo_metadata(frame: gpd.GeoDataFrame, *, write_covering_bbox: bool) -> bytes:
    """The GeoParquet "geo" metadata value to_parquet writes for the whole of frame (encoded JSON)."""
    return _encode_metadata(_create_metadata(frame, write_covering_bbox=write_covering_bbox))
