"""Shared fixtures for the geo tests: the shipped layers, loaded once per session.

The loaded GeoDataFrames are shared between tests: copy before changing one.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from geo import settings as configured
from geo.catalog import DATA_DIR, LAYERS
from geo.loading import load_file, load_layer
from geo.schema import INCIDENTS
from geo.settings import WORKSPACE_ENV

TEST_DATA = Path(__file__).parent / "data"


def pytest_configure(config):
    """Kept datasets written by any test (AppTests, browser servers) go to a throwaway workspace."""
    config._pkir_workspace = tempfile.mkdtemp(prefix="pkir-test-workspace-")
    os.environ[WORKSPACE_ENV] = config._pkir_workspace


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_pkir_workspace", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _settings_of_this_test():
    """Every test starts and ends with the settings read again (none leak from another test)."""
    configured.reload()
    yield
    configured.reload()  # after monkeypatch has put the environment back


class SettingsEnv:
    """monkeypatch whose setenv and delenv read the process's settings again after each change."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self._monkeypatch = monkeypatch

    def __getattr__(self, name: str):
        return getattr(self._monkeypatch, name)  # setattr, chdir, ... as monkeypatch has them

    def setenv(self, name: str, value: str) -> None:
        self._monkeypatch.setenv(name, value)
        configured.reload()

    def delenv(self, name: str, raising: bool = True) -> None:
        self._monkeypatch.delenv(name, raising=raising)
        configured.reload()


@pytest.fixture
def settings_env(monkeypatch) -> SettingsEnv:
    """The one way a test changes the settings: settings_env.setenv / delenv (undone after the test)."""
    return SettingsEnv(monkeypatch)


@pytest.fixture(scope="session")
def loaded_layers():
    """{layer id: (GeoDataFrame, ValidationReport)} for every catalogue layer in geo/data."""
    return {layer_id: load_layer(layer_id, DATA_DIR) for layer_id in LAYERS}


@pytest.fixture(scope="session")
def layers(loaded_layers):
    """{layer id: GeoDataFrame} for every catalogue layer in geo/data."""
    return {layer_id: gdf for layer_id, (gdf, _) in loaded_layers.items()}


@pytest.fixture(scope="module")
def small():
    """tests/data/explore/incidents_small.geojson: six invented events of every track (its README)."""
    gdf, _ = load_file(Path(__file__).parent / "data" / "explore" / "incidents_small.geojson", INCIDENTS)
    return gdf
