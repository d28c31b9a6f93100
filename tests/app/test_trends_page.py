"""The Trends page on the shipped data: its table counts what a plain geopandas computation counts,
its controls all run, and a district chosen there filters every page."""

from __future__ import annotations

import numpy as np
import pytest

from geo.districts import assign_districts, shipped_districts
from geo.filters import IncidentFilter, filter_mask
from geo.loading import load_layer
from geo.trends import baseline_period, change_class, current_period
from tests.app_helpers import open_page

PAGE = "pages/trends.py"


def _expected(period) -> dict[str, int]:
    """Shipped incidents overlapping the period, per district, placed by their own points."""
    incidents = load_layer("incidents")[0]
    kept = incidents[filter_mask(incidents, IncidentFilter(date_from=period.start, date_to=period.end))]
    placed = assign_districts(kept, shipped_districts())["district_id"].dropna()
    return placed.value_counts().to_dict()


def _table(at):
    return at.dataframe[0].value


def test_the_table_counts_each_district_as_geopandas_does():
    at = open_page(PAGE)
    incidents = load_layer("incidents")[0]
    lo, hi = incidents["date_start"].min().date(), incidents["date_end"].max().date()
    now = current_period((None, None), lo, hi)
    before = baseline_period(now, "previous")
    table = _table(at)
    districts = shipped_districts()
    assert len(table) == len(districts)
    names = dict(zip(districts["name"], districts["id"], strict=True))
    got_now = {names[n]: v for n, v in zip(table["District"], table["Now"], strict=True) if v}
    got_before = {names[n]: v for n, v in zip(table["District"], table["Before"], strict=True) if v}
    assert got_now == _expected(now) and sum(got_now.values()) > 0
    assert got_before == _expected(before) and sum(got_before.values()) > 0
    assert list(table["Class"]) == list(change_class(table["Now"], table["Before"]))
    assert set(table["Country"]) == {"IRN", "PAK"}


def test_a_pakistani_districts_rate_is_its_incidents_per_100000_residents():
    table = _table(open_page(PAGE))
    districts = shipped_districts().set_index("name")
    assert table.loc[table["Country"] == "PAK", "Per 100,000"].notna().all()  # every district has a population
    pak = table[(table["Country"] == "PAK") & (table["Now"] > 0)]
    assert len(pak) >= 1
    for name, now, rate in zip(pak["District"], pak["Now"], pak["Per 100,000"], strict=True):
        population = districts.loc[name, "population"]
        assert population > 0 and rate == pytest.approx(now / population * 100_000, abs=0.005), name
    iran = table[table["Country"] == "IRN"]
    assert iran["Per 100,000"].isna().all()  # no county population is shipped


def test_every_control_runs():
    at = open_page(PAGE)
    at.selectbox(key="trends_unit").set_value("hexagons").run()
    assert not at.exception
    for resolution in (4, 7):
        at.selectbox(key="trends_resolution").set_value(resolution).run()
        assert not at.exception
    at.selectbox(key="trends_compare").set_value("around").run()
    assert not at.exception
    at.selectbox(key="trends_window").set_value(365).run()
    assert not at.exception
    assert any("before" in m.value and "2024" in m.value for m in at.markdown)
    at.selectbox(key="trends_compare").set_value("year").run()
    assert not at.exception


def test_a_district_chosen_filters_every_page():
    at = open_page(PAGE)
    incidents = load_layer("incidents")[0]
    district = "IRN.SB.zahedan"
    expected = int(filter_mask(incidents, IncidentFilter(district=district)).sum())
    assert 0 < expected < len(incidents)
    at.selectbox(key="filter_district").set_value(district).run()
    assert not at.exception
    assert at.session_state["incident_filter"].district == district
    # the Trends page still compares every district (the chosen one is only outlined)
    assert len(_table(at)) == len(shipped_districts())
    at.switch_page("pages/incidents.py").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Events"] == str(expected)
    assert any("district Zahedan \\(Iran\\)" in c.value for c in at.caption)
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert at.selectbox(key="filter_district").value == district


def test_the_table_flags_approximate_placements():
    at = open_page(PAGE)
    table = _table(at)
    shares = table.loc[table["Now"] > 0, "Approx. located %"].to_numpy(dtype=float)
    assert np.isfinite(shares).all() and ((shares >= 0) & (shares <= 100)).all()
    assert (shares > 0).any()


def test_a_sessions_own_import_is_counted_instead_of_the_chosen_datasets():
    from streamlit.testing.v1 import AppTest

    from tests.app_helpers import APP
    from ui.data import SESSION_INCIDENTS, Loaded

    incidents = load_layer("incidents")[0]
    own = incidents[incidents.geometry.notna()].copy()
    own = own[assign_districts(own, shipped_districts())["district_id"] == "IRN.SB.saravan"]
    assert len(own) >= 2
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[SESSION_INCIDENTS] = Loaded("incidents", own, None, None)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    table = _table(at)
    lo, hi = own["date_start"].min().date(), own["date_end"].max().date()
    now = current_period((None, None), lo, hi)
    expected = int(filter_mask(own, IncidentFilter(date_from=now.start, date_to=now.end)).sum())
    assert table["Now"].sum() == expected and expected > 0
    assert set(table.loc[table["Now"] > 0, "District"]) == {"Saravan"}


def test_near_narrows_the_counts_like_every_filter():
    at = open_page(PAGE)
    everywhere = _table(at)["Now"].sum() + _table(at)["Before"].sum()
    at.selectbox(key="filter_near").set_value("border").run()
    at.number_input(key="filter_near_km").set_value(5.0).run()
    assert not at.exception, [e.value for e in at.exception]
    near = _table(at)["Now"].sum() + _table(at)["Before"].sum()
    assert len(_table(at)) == len(shipped_districts())
    assert 0 <= near < everywhere


def test_the_store_is_asked_once_per_filter_and_period(monkeypatch):
    import ui.queries
    import ui.trends

    asked, opened = [], []
    real_query, real_open = ui.trends.query_cells, ui.queries.open_queries
    monkeypatch.setattr(ui.trends, "query_cells", lambda *a: asked.append(a[2:]) or real_query(*a))
    monkeypatch.setattr(ui.queries, "open_queries", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    ui.trends._shared.clear()
    ui.queries._shared_engine.clear()
    at = open_page(PAGE)
    at.run()  # a rerun (a click, a toggle) asks nothing again
    assert len(asked) == 1 and len(opened) == 1
    at.selectbox(key="trends_compare").set_value("year").run()
    assert len(asked) == 2 and len(opened) == 1  # another period, the same engine
    at.selectbox(key="trends_unit").set_value("hexagons").run()
    assert len(asked) == 2  # the same counts, drawn another way


def test_the_pages_periods_and_map_live_in_its_address():
    """Issue 23 item 4: a link to the Trends page shows the same comparison, map and hexagon size."""
    from streamlit.testing.v1 import AppTest

    from tests.app_helpers import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"compare": "around", "unit": "hexagons", "h3": "6", "days": "90", "pivot": "2019-06-01"})
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="trends_compare").value == "around"
    assert at.selectbox(key="trends_unit").value == "hexagons"
    assert at.selectbox(key="trends_resolution").value == 6
    assert at.selectbox(key="trends_window").value == 90
    assert str(at.date_input(key="trends_pivot").value) == "2019-06-01"
    at.selectbox(key="trends_unit").set_value("districts").run()
    assert at.query_params.get("unit") in (None, [], "") and at.query_params.get("compare") in ("around", ["around"])


def test_the_two_periods_side_by_side_count_what_the_table_counts():
    at = open_page(PAGE)
    at.selectbox(key="trends_compare").set_value("around").run()
    table = _table(at)
    at.toggle(key="trends_side").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    heads = [m.value for m in at.markdown if m.value.startswith(("**Before**:", "**Now**:"))]
    assert len(heads) == 2
    assert f"{int(table['Before'].sum()):,} incidents in these districts" in heads[0]
    assert f"{int(table['Now'].sum()):,} incidents in these districts" in heads[1]
    assert at.query_params.get("side") in ("1", ["1"])
    at.toggle(key="trends_side").set_value(False).run()
    assert not [m for m in at.markdown if m.value.startswith("**Before**")]
    assert at.query_params.get("side") in (None, [], "")
