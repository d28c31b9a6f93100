"""A broken layer file is named in an error box; every page keeps running with the rest."""

import shutil

import pytest

from geo.catalog import DATA_DIR, DATA_DIR_ENV, LAYERS
from tests.app_helpers import PAGES, open_page

# which pages read which layer (the sources page reads them all)
READS = {
    "incidents": {"pages/map.py", "pages/incidents.py", "pages/chronology.py", "pages/sources.py"},
    "markets": {"pages/map.py", "pages/markets.py", "pages/sources.py"},
}


@pytest.fixture(params=["incidents", "markets"])
def broken(request, tmp_path, settings_env):
    for layer in LAYERS.values():
        shutil.copy(DATA_DIR / layer.file, tmp_path / layer.file)
    (tmp_path / LAYERS[request.param].file).write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    settings_env.setenv(DATA_DIR_ENV, str(tmp_path))
    return request.param


@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_a_broken_layer_and_names_it(broken, page):
    at = open_page(page)  # fails on any exception
    errors = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.code)
    if page in READS[broken]:
        assert LAYERS[broken].file in errors, errors
        assert "not valid JSON" in errors
    assert at.title, "the page stopped before its title"
