"""AppTest of the Verification filter (issue 24): the sidebar widget narrows the explorer's table,
figures and exports, the view link keeps it, Reset clears it, and the monthly chart splits by grade."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer
from tests.app_helpers import APP, open_page

PAGE = "pages/incidents.py"
KEY = "filter_grades"


@pytest.fixture(scope="module")
def incidents():
    return load_layer("incidents")[0]


@pytest.fixture
def downloads(monkeypatch):
    captured: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured


def table(at: AppTest) -> pd.DataFrame:
    return next(d for d in at.dataframe if (d.key or "").startswith("incidents_table")).value


def test_the_verification_filter_narrows_table_figures_and_exports(incidents, downloads):
    at = open_page(PAGE)
    widget = at.multiselect(key=KEY)
    assert widget.label == "Verification" and widget.options[:2] == ["Confirmed", "Corroborated"]
    assert set(table(at)["grade"]) == {"confirmed", "corroborated", "single source", "claimed", "disputed"}
    widget.set_value(["claimed", "disputed"]).run()
    assert not at.exception
    expected = apply_filter(incidents, IncidentFilter(grades=("claimed", "disputed")))
    assert 0 < len(expected) < len(incidents)
    rows = table(at)
    assert sorted(rows["id"]) == sorted(expected["id"])
    assert set(rows["grade"]) == {"claimed", "disputed"}
    assert {m.label: m.value for m in at.metric}["Events"] == str(len(expected))
    assert any(r"verification\: claimed\, disputed" in c.value for c in at.caption)  # Markdown-escaped
    with zipfile.ZipFile(io.BytesIO(downloads["pkir-incidents.zip"]())) as zf:
        exported = pd.read_csv(io.StringIO(zf.read("pkir-incidents.csv").decode("utf-8")))
    assert sorted(exported["id"]) == sorted(expected["id"]) and set(exported["grade"]) == {"claimed", "disputed"}
    assert list(at.query_params["grade"]) == ["claimed", "disputed"]  # the view link keeps it

    at.button(key="filter_reset").click().run()
    assert at.multiselect(key=KEY).value == [] and len(table(at)) == min(len(incidents), 200)


def test_a_link_with_grades_opens_filtered_and_an_unknown_grade_is_named():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["grade"] = ["disputed", "rumoured"]
    at.run()
    assert not at.exception
    assert at.multiselect(key=KEY).value == ["disputed"]
    assert any("rumoured" in w.value and "no such verification grade" in w.value for w in at.warning)


def test_the_monthly_chart_splits_by_verification():
    at = open_page(PAGE)
    assert any(h.value == "Per month, by country" for h in at.subheader)
    at.toggle(key="explorer_split_by_grade").set_value(True).run()
    assert not at.exception
    assert any(h.value == "Per month, by verification" for h in at.subheader)
