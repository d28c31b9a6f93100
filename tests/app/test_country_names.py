"""Countries outside the built-in few are named in the sidebar filter and the explorer (issue 11):
a data folder whose incidents include Palestine (PSE) and Kenya (KEN)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from geo.catalog import DATA_DIR_ENV, LAYERS
from tests.app_helpers import APP
from tests.hostile.folders import shipped_copy


@pytest.fixture(scope="module")
def far_countries(tmp_path_factory):
    """The shipped layers, with the first incident in Palestine and the second in Kenya and Iran."""
    folder = shipped_copy(tmp_path_factory.mktemp("countries") / "data")
    path = folder / LAYERS["incidents"].file
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["country"] = "PSE"
    doc["features"][1]["properties"]["country"] = "KEN;IRN"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture
def explorer(far_countries, settings_env) -> AppTest:
    settings_env.setenv(DATA_DIR_ENV, str(far_countries))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/incidents.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_country_filter_names_every_country(explorer):
    options = explorer.multiselect(key="filter_countries").options
    assert "Palestine (PSE)" in options
    assert "Kenya (KEN)" in options
    assert "Pakistan (PAK)" in options and "Iran (IRN)" in options


def test_the_explorer_names_every_country(explorer):
    by_country = next(d.value for d in explorer.dataframe if "Country" in d.value.columns)
    names = set(by_country["Country"])
    assert {"Palestine", "Kenya + Iran", "Pakistan"} <= names, names
    assert not {"PSE", "KEN", "KEN + IRN"} & names


def test_the_monthly_chart_names_every_country(explorer):
    (chart,) = explorer.get("vega_lite_chart")
    (dataset,) = chart.proto.datasets
    names = set(pa.ipc.open_stream(dataset.data.data).read_all().column("country_name").to_pylist())
    assert {"Palestine", "Kenya + Iran"} <= names, names


def test_a_far_country_can_be_picked(explorer):
    explorer.multiselect(key="filter_countries").set_value(["KEN"]).run()
    assert not explorer.exception
    assert {m.label: m.value for m in explorer.metric}["Events"] == "1"
