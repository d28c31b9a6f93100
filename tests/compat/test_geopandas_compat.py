"""geo._compat.geopandas against the installed geopandas (requirements.txt pins geopandas>=1.0,<2):
its chunks and its "geo" metadata are what GeoDataFrame.to_parquet writes."""

from __future__ import annotations

import json

import geopandas as gpd
import pyarrow.parquet as pq
from shapely.geometry import Point

from geo._compat import geopandas as shim
from geo._compat import in_range


def _frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "n": [1, 2, 3]},
        geometry=[Point(61.5, 25.1), Point(62.0, 27.3), None],
        crs="EPSG:4326",
    )


def test_the_installed_geopandas_is_the_one_the_shim_was_written_for():
    assert gpd.__version__ == shim.VERSION
    assert in_range(shim.VERSION, shim.SUPPORTED)
    assert shim.CHUNKED, "geopandas.io.arrow no longer has the private parts the chunked writer uses"


def test_a_chunk_is_the_table_to_parquet_writes(tmp_path):
    frame = _frame()
    frame.to_parquet(tmp_path / "whole.parquet", index=False, write_covering_bbox=True)
    written = pq.read_table(tmp_path / "whole.parquet")
    chunk = shim.to_arrow(frame, write_covering_bbox=True)
    assert chunk.schema.names == written.schema.names == ["id", "n", "geometry", "bbox"]
    assert chunk.to_pylist() == written.to_pylist()


def test_the_metadata_is_the_one_to_parquet_writes(tmp_path):
    frame = _frame()
    frame.to_parquet(tmp_path / "whole.parquet", index=False, write_covering_bbox=True)
    written = json.loads(pq.read_schema(tmp_path / "whole.parquet").metadata[b"geo"])
    ours = json.loads(shim.geo_metadata(frame, write_covering_bbox=True))
    assert ours == written
    assert ours["columns"]["geometry"]["bbox"] == [61.5, 25.1, 62.0, 27.3]
    assert "covering" in ours["columns"]["geometry"]


def test_without_the_bbox_column_the_metadata_has_no_covering():
    assert "covering" not in json.loads(shim.geo_metadata(_frame(), write_covering_bbox=False))["columns"]["geometry"]
    assert shim.to_arrow(_frame(), write_covering_bbox=False).schema.names == ["id", "n", "geometry"]
