"""Shared fixtures for the geo tests: the shipped layers, loaded once per session.

The loaded GeoDataFrames are shared between tests: copy before changing one.
"""

from pathlib import Path

import pytest

from geo.catalog import DATA_DIR, LAYERS
from geo.loading import load_layer

TEST_DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def loaded_layers():
    """{layer id: (GeoDataFrame, ValidationReport)} for every catalogue layer in geo/data."""
    return {layer_id: load_layer(layer_id, DATA_DIR) for layer_id in LAYERS}


@pytest.fixture(scope="session")
def layers(loaded_layers):
    """{layer id: GeoDataFrame} for every catalogue layer in geo/data."""
    return {layer_id: gdf for layer_id, (gdf, _) in loaded_layers.items()}
