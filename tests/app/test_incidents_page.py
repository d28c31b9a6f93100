"""AppTest of the incidents explorer, started from app.py: figures, table, selection and exports
follow the shared sidebar filters (set by widget key)."""

import io
import json
import zipfile
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from geo import incident_stats
from geo.filters import IncidentFilter, apply_filter
from geo.importers import import_file
from geo.loading import load_layer
from geo.near import distance_km
from tests.app_helpers import ROOT, built_once_per_filter, open_page
from ui.data import Loaded
from views import charts, incident_table

APP = str(ROOT / "app.py")
PAGE = "pages/incidents.py"


@pytest.fixture(scope="module")
def incidents():
    return load_layer("incidents")[0]


@pytest.fixture
def downloads(monkeypatch):
    """file name -> the deferred callable of the page's latest download button of that name."""
    captured: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured


def start() -> AppTest:
    return open_page(PAGE)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at: AppTest) -> pd.DataFrame:
    return next(d for d in at.dataframe if (d.key or "").startswith("incidents_table")).value


def zipped(downloads, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(downloads["pkir-incidents.zip"]())) as zf:
        return zf.read(name).decode("utf-8")


def csv_rows(downloads) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(zipped(downloads, "pkir-incidents.csv")))


def test_page_shows_figures_table_and_exports_for_all_incidents(incidents, downloads):
    at = start()
    assert at.title[0].value == "Incidents explorer"
    h = incident_stats.headline(incidents)
    m = metrics(at)
    assert m["Events"] == str(len(incidents)) == str(h.events)
    assert m["Fatalities"] == str(h.fatalities)
    assert m["Killed: security forces"] == str(h.by_side["security forces"])
    assert m["Killed: civilians"] == str(h.by_side["civilians"])
    assert m["Not located exactly"].startswith(f"{h.approximate} of {h.events}")
    by_precision = next(c.value for c in at.caption if c.value.startswith("By location precision"))
    assert " · ".join(f"{p} {n}" for p, n in h.by_precision) in by_precision
    assert len(table(at)) == len(incidents)
    assert [b.label for b in at.download_button] == [f"CSV ({h.events})", f"GeoJSON ({h.events})"]
    assert {b.key for b in at.download_button} == {"download_incidents_csv", "download_incidents_geojson"}
    assert len(csv_rows(downloads)) == len(incidents)


def test_country_filter_changes_figures_table_and_exports(incidents, downloads):
    at = start()
    at.multiselect(key="filter_countries").set_value(["IRN"])
    at.run()
    assert not at.exception
    expected = apply_filter(incidents, IncidentFilter(countries=("IRN",)))
    h = incident_stats.headline(expected)
    assert 0 < h.events < len(incidents)
    m = metrics(at)
    assert (m["Events"], m["Fatalities"]) == (str(h.events), str(h.fatalities))
    rows = table(at)
    assert sorted(rows["id"]) == sorted(expected["id"])
    assert all("Iran" in c.split(" + ") for c in rows["country"])  # named, not coded
    assert at.download_button(key="download_incidents_csv").label == f"CSV ({h.events})"
    exported = csv_rows(downloads)
    assert sorted(exported["id"]) == sorted(expected["id"])
    geo = json.loads(downloads["pkir-incidents.geojson"]())
    assert sorted(f["properties"]["id"] for f in geo["features"]) == sorted(expected["id"])
    assert geo["attribution"]["filters"] == "countries: Iran"


def test_keyword_fatalities_and_dates_narrow_the_table_and_csv(incidents, downloads):
    at = start()
    at.text_input(key="filter_keyword").set_value("Jaish")
    at.number_input(key="filter_min_fatalities").set_value(10)
    at.date_input(key="filter_dates").set_value((date(2023, 1, 1), date(2024, 3, 31)))
    at.run()
    assert not at.exception
    f = IncidentFilter(date_from=date(2023, 1, 1), date_to=date(2024, 3, 31), keyword="Jaish", min_fatalities=10)
    expected = apply_filter(incidents, f)
    assert len(expected) >= 1
    rows = table(at)
    assert sorted(rows["id"]) == sorted(expected["id"])
    assert (rows["fatalities"] >= 10).all()
    assert rows["date"].between(pd.Timestamp("2023-01-01"), pd.Timestamp("2024-03-31")).all()
    assert metrics(at)["Events"] == str(len(expected))
    text = zipped(downloads, "CITATION.txt")
    assert "filters: dates 2023-01-01 to 2024-03-31; at least 10 fatalities; keyword “Jaish”" in text
    assert sorted(csv_rows(downloads)["id"]) == sorted(expected["id"])


def test_no_match_says_so_and_exports_nothing():
    at = start()
    at.text_input(key="filter_keyword").set_value("no-such-word-anywhere")
    at.run()
    assert not at.exception
    assert metrics(at)["Events"] == "0"
    assert any("No events match" in i.value for i in at.info)
    # no empty files to download and no "By location precision: ." with nothing after it
    assert not at.get("download_button")
    assert not [c.value for c in at.caption if c.value.startswith("By location precision")]


def _select(at: AppTest, incident_id: str) -> None:
    frame = next(d for d in at.dataframe if (d.key or "").startswith("incidents_table"))
    pos = frame.value.index[frame.value["id"] == incident_id][0]
    at.session_state[frame.key] = {"selection": {"rows": [int(pos)], "columns": [], "cells": []}}
    at.run()
    assert not at.exception


def _record_ids(at: AppTest) -> list[str]:
    return [m.value.split('data-id="')[1].split('"')[0] for m in at.get("html") if 'class="pkir-record"' in m.value]


def test_selecting_a_row_shows_the_record_and_a_map_link():
    at = start()
    assert _record_ids(at) == []
    _select(at, "PKIR-C12")
    assert _record_ids(at) == ["PKIR-C12"]
    record = next(m.value for m in at.get("html") if 'class="pkir-record"' in m.value)
    assert "Sabz Koh" in record and "Distance to border" in record
    assert "[:material/map: Show on map](./?incident=PKIR-C12)" in [m.value for m in at.markdown]
    # a filter that keeps the incident keeps the record; one that drops it removes it
    at.multiselect(key="filter_countries").set_value(["PAK"]).run()
    assert _record_ids(at) == ["PKIR-C12"]
    at.multiselect(key="filter_countries").set_value(["IRN"]).run()
    assert _record_ids(at) == []


def test_unlocated_record_has_no_map_link():
    at = start()
    _select(at, "PKIR-A05")  # arrest announced, no place
    assert _record_ids(at) == ["PKIR-A05"]
    assert not any("Show on map" in m.value for m in at.markdown)
    assert any("not on the map" in c.value for c in at.caption)


def test_page_works_on_imported_incidents(downloads):
    imported = import_file(ROOT / "tests" / "data" / "import" / "acled_new.csv").incidents
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["session_incidents"] = Loaded("incidents", imported, None, None)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert metrics(at)["Events"] == str(len(imported))
    assert sorted(table(at)["id"]) == sorted(imported["id"])
    assert sorted(csv_rows(downloads)["id"]) == sorted(imported["id"])


def test_a_rerun_with_the_same_filter_asks_the_store_nothing_new(monkeypatch):
    """The figures are answered once per dataset version and filter (one cache, at the edge):
    a rerun for a click asks the store nothing; a new filter asks again."""
    import streamlit as st

    from geo.store.engine import DuckEngine

    asked = []
    for name in ("rows", "count", "aggregate", "summary", "choices"):
        original = getattr(DuckEngine, name)
        monkeypatch.setattr(
            DuckEngine, name, lambda self, q, *a, _o=original, _n=name: asked.append((_n, q.filter)) or _o(self, q, *a)
        )
    st.cache_data.clear()
    at = start()
    first = len(asked)
    assert first > 0
    at.run()
    assert len(asked) == first
    at.multiselect(key="filter_countries").set_value(["IRN"]).run()
    assert not at.exception
    assert any(f.countries == ("IRN",) for _, f in asked[first:])
    expected = apply_filter(load_layer("incidents")[0], IncidentFilter(countries=("IRN",)))
    assert metrics(at)["Events"] == str(len(expected))


def test_location_figure_and_its_breakdown_use_different_words(incidents):
    """The metric of non-exact locations is not called "approximate", which is one of the
    precision values it sums (51 "approximate" beside "approximate 17" read as a contradiction)."""
    at = start()
    h = incident_stats.headline(incidents)
    labels = [m.label for m in at.metric]
    assert not [label for label in labels if "pproximate" in label]
    breakdown = dict(h.by_precision)
    assert h.approximate == sum(n for p, n in breakdown.items() if p != "exact")


@pytest.fixture(scope="module")
def many(incidents):
    """255 incidents (the shipped ones five times, ids made unique): two pages of the table."""
    copies = [incidents.assign(id=incidents["id"] + f"-{k}") for k in range(5)]
    return gpd.GeoDataFrame(pd.concat(copies, ignore_index=True), geometry="geometry", crs=incidents.crs)


def start_with(gdf) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["session_incidents"] = Loaded("incidents", gdf, None, None)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    return at


def test_the_grid_holds_one_page_and_the_next_page_shows_the_next_rows(many):
    at = start_with(many)
    newest = incident_table.table_rows(many)["id"].tolist()
    assert len(newest) == 255 > incident_table.PAGE_SIZE
    assert table(at)["id"].tolist() == newest[: incident_table.PAGE_SIZE]
    assert any(c.value == "Rows 1–200 of 255" for c in at.caption)
    at.number_input(key="explorer_page").increment().run()
    assert not at.exception
    assert table(at)["id"].tolist() == newest[incident_table.PAGE_SIZE :]
    assert any(c.value == "Rows 201–255 of 255" for c in at.caption)
    # another order starts again on page 1
    at.selectbox(key="explorer_sort").set_value("deadliest").run()
    assert at.number_input(key="explorer_page").value == 1
    rows = table(at)
    assert len(rows) == incident_table.PAGE_SIZE
    assert rows["fatalities"].iloc[0] == many["fatalities_best"].max()
    assert rows["fatalities"].fillna(-1).is_monotonic_decreasing


def test_selecting_a_row_on_page_two_opens_that_record(many):
    at = start_with(many)
    at.number_input(key="explorer_page").set_value(2).run()
    wanted = incident_table.table_rows(many)["id"].iloc[incident_table.PAGE_SIZE + 3]
    assert wanted not in table(at)["id"].iloc[:3].tolist()
    _select(at, wanted)
    assert _record_ids(at) == [wanted]
    # the record stays while the user goes back to page 1, where its row is not
    at.number_input(key="explorer_page").set_value(1).run()
    assert wanted not in table(at)["id"].tolist()
    assert _record_ids(at) == [wanted]


def test_a_rerun_with_the_same_filter_reuses_the_chart(monkeypatch):
    """The monthly chart is built once per filter, not on every rerun."""
    built = []
    original = charts.monthly_chart
    monkeypatch.setattr(charts, "monthly_chart", lambda *a: built.append(a) or original(*a))
    built_once_per_filter(PAGE, built)


def test_a_link_opens_its_incident_and_the_url_follows_the_record_shown():
    """Issue 20 item 5: the explorer ignored ?incident= and kept a stale one while showing another record."""
    at = start()
    at.query_params["incident"] = "PKIR-C12"
    at.run()
    assert not at.exception
    assert _record_ids(at) == ["PKIR-C12"]
    _select(at, "PKIR-A02")
    assert _record_ids(at) == ["PKIR-A02"]
    assert at.query_params["incident"] == "PKIR-A02"
    at.multiselect(key="filter_countries").set_value(["IRN"]).run()  # filters the record out
    assert _record_ids(at) == [] and "incident" not in at.query_params


def test_a_link_to_an_incident_the_filters_hide_says_so():
    at = start()
    at.multiselect(key="filter_countries").set_value(["IRN"]).run()
    at.query_params["incident"] = "PKIR-C12"
    at.run()
    assert _record_ids(at) == []
    assert any("not among the events the filters show" in i.value for i in at.info)


def test_table_cells_end_in_an_ellipsis_instead_of_being_cut(incidents):
    """Issue 20 item 11: long Place cells were cut off unmarked; place and province now share a column."""
    at = start()
    rows = table(at).set_index("id")
    long_place = incidents.loc[incidents["place"].str.len() > 72].iloc[0]
    cell = rows.loc[long_place["id"], "place"]
    assert cell.endswith("…") and len(cell) <= 72 and long_place["place"].startswith(cell[:-1])
    short = incidents.loc[incidents["place"].str.len() < 30].iloc[0]
    if short["id"] in rows.index:
        assert rows.loc[short["id"], "place"] == f"{short['place']} · {short['admin1']}"
    assert rows["title"].str.len().max() <= 88
    _select(at, long_place["id"])
    record = next(m.value for m in at.get("html") if 'class="pkir-record"' in m.value)
    assert long_place["place"].split(",")[0] in record  # the record keeps the full place


def test_the_table_shows_the_distance_to_the_border_and_under_near_to_the_target(incidents, downloads):
    at = start()
    rows = table(at)
    assert "km_to_target" not in rows.columns
    by_id = incidents.set_index("id")
    located = rows[rows["km_to_border"].notna()]
    assert len(located) > 0
    want = distance_km(gpd.GeoSeries(by_id.loc[located["id"], "geometry"].to_numpy(), crs=4326), "border")
    assert located["km_to_border"].tolist() == [round(float(v), 1) for v in want]
    at.selectbox(key="filter_near").set_value("market:M1").run()
    at.number_input(key="filter_near_km").set_value(60).run()
    assert not at.exception
    rows = table(at)
    expected = apply_filter(incidents, IncidentFilter(near="market:M1", near_km=60))
    assert sorted(rows["id"]) == sorted(expected["id"])
    assert rows["km_to_target"].between(0, 60).all()
    assert "km_to_target" in zipped(downloads, "pkir-incidents.csv").splitlines()[0]


def test_the_headline_splits_the_events_by_verification_grade():
    at = open_page("pages/incidents.py")
    line = next(c.value for c in at.caption if c.value.startswith("By verification:"))
    assert "confirmed 10" in line and "disputed 4" in line and line.index("confirmed") < line.index("disputed")
