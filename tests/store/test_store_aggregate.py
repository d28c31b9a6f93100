"""The per-cell aggregate (store.aggregate), on every implementation, against the pandas form."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.filters import IncidentFilter
from geo.store.aggregate import CELL_COLUMNS, grid_counts
from geo.store.base import SHIPPED, DatasetNotFound, reference_query


def test_grid_counts_by_hand():
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame(
        {"fatalities_best": pd.array([1, None, 4, 2], dtype="Int64")},
        geometry=[Point(61.2, 27.9), Point(61.4, 27.6), Point(62.6, 27.1), None],
        crs="EPSG:4326",
    )
    got = grid_counts(gdf, 0.5)
    assert list(got.columns) == list(CELL_COLUMNS)
    assert got[["cell_x", "cell_y", "incidents", "fatalities"]].values.tolist() == [[122, 55, 2, 1], [125, 54, 1, 4]]
    assert got[["lon", "lat"]].values.tolist() == [[61.25, 27.75], [62.75, 27.25]]


@pytest.mark.parametrize(
    ("flt", "bbox", "cell"),
    [
        (None, None, 0.5),
        (IncidentFilter(categories=("attack", "bombing/IED"), min_fatalities=1), None, 0.25),
        (IncidentFilter(date_from=date(2010, 1, 1), keyword="quetta"), (60.0, 26.0, 67.0, 31.0), 1.0),
    ],
    ids=["all", "filtered", "filter and box"],
)
def test_aggregate_counts_what_a_read_returns(store, synthetic, flt, bbox, cell):
    gdf, source = synthetic
    store.save("kept", gdf, source)
    got = store.aggregate("kept", flt, bbox, cell_deg=cell)
    want = grid_counts(reference_query(gdf, flt, bbox), cell)
    assert len(want) > 1
    pd.testing.assert_frame_equal(got, want)
    assert got["incidents"].sum() == reference_query(gdf, flt, bbox).geometry.notna().sum()


def test_aggregate_over_several_datasets_counts_a_shared_id_once(store, synthetic):
    gdf, source = synthetic
    store.save("a", gdf.iloc[:100], replace(source, file_hash="a" * 64))
    store.save("b", gdf.iloc[80:200], replace(source, file_hash="b" * 64))
    got = store.aggregate(["a", "b"], cell_deg=0.5)
    want = grid_counts(gdf.iloc[:200], 0.5)
    pd.testing.assert_frame_equal(got, want)
    with_shipped = store.aggregate([SHIPPED, "a"], cell_deg=0.5)
    assert with_shipped["incidents"].sum() == len(store.read([SHIPPED, "a"]).dropna(subset=["geometry"]))
    with pytest.raises(DatasetNotFound, match="nope"):
        store.aggregate(["a", "nope"])
    with pytest.raises(ValueError, match="cell size"):
        store.aggregate("a", cell_deg=0)
    assert np.issubdtype(got["incidents"].dtype, np.integer)
