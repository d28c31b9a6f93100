"""A filter set on one page holds on the others in the same session (all runs go through app.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo.features import located
from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer
from tests.app.map_spy import MapSpy
from tests.app_helpers import ROOT, open_page


def test_country_filter_set_on_the_map_holds_on_every_page(monkeypatch):
    map_spy = MapSpy(monkeypatch)
    incidents = load_layer("incidents")[0]
    expected = apply_filter(incidents, IncidentFilter(countries=("IRN",)))
    assert 0 < len(expected) < len(incidents)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.multiselect(key="filter_countries").set_value(["IRN"]).run()
    assert not at.exception
    assert map_spy.last["incidents_drawn"] == int(located(expected).sum())

    at.switch_page("pages/incidents.py").run()
    assert not at.exception and at.title[0].value == "Incidents explorer"
    assert at.multiselect(key="filter_countries").value == ["IRN"]
    assert {m.label: m.value for m in at.metric}["Events"] == str(len(expected))

    at.switch_page("pages/chronology.py").run()
    assert not at.exception
    assert at.multiselect(key="filter_countries").value == ["IRN"]
    assert any(r"countries\: Iran" in c.value for c in at.caption)

    for page in ("pages/pipeline.py", "pages/markets.py", "pages/sources.py", "pages/import_data.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.multiselect(key="filter_countries").value == ["IRN"], page

    at.switch_page("pages/map.py").run()
    assert map_spy.last["incidents_drawn"] == int(located(expected).sum())


def test_reset_filters_in_the_sidebar_brings_every_event_back():
    at = open_page("pages/incidents.py")
    everything = {m.label: m.value for m in at.metric}["Events"]
    assert at.button(key="filter_reset").disabled  # nothing to reset yet
    at.multiselect(key="filter_countries").set_value(["IRN"])
    at.text_input(key="filter_keyword").set_value("Jaish")
    at.number_input(key="filter_min_fatalities").set_value(2)
    at.run()
    assert {m.label: m.value for m in at.metric}["Events"] != everything
    assert not at.button(key="filter_reset").disabled
    at.button(key="filter_reset").click().run()
    assert not at.exception
    assert at.multiselect(key="filter_countries").value == []
    assert at.text_input(key="filter_keyword").value == ""
    assert at.number_input(key="filter_min_fatalities").value == 0
    assert {m.label: m.value for m in at.metric}["Events"] == everything


def test_an_empty_result_names_the_filter_that_emptied_it():
    at = open_page("pages/incidents.py")
    at.multiselect(key="filter_countries").set_value(["IRN"])
    at.text_input(key="filter_keyword").set_value("no-such-word-anywhere").run()
    info = " ".join(i.value for i in at.info)
    assert "Nothing matches keyword “no\\-such\\-word\\-anywhere”" in info
    assert "IRN" not in info  # the country filter alone still matches events
    at.switch_page("pages/chronology.py").run()
    assert "Nothing matches keyword" in " ".join(i.value for i in at.info)


def test_whole_words_keyword_is_offered_and_reset():
    at = open_page("pages/incidents.py")
    at.text_input(key="filter_keyword").set_value("Jai").run()
    some = {m.label: m.value for m in at.metric}["Events"]
    assert some != "0"
    at.checkbox(key="filter_whole_words").check().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Events"] == "0"
    assert any("whole words" in c.value for c in at.caption)
    at.button(key="filter_reset").click().run()
    assert at.checkbox(key="filter_whole_words").value is False and at.text_input(key="filter_keyword").value == ""


def test_near_narrows_the_explorer_to_the_reference_count_holds_across_pages_and_resets():
    incidents = load_layer("incidents")[0]
    flt = IncidentFilter(near="crossings", near_km=40)
    expected = len(apply_filter(incidents, flt))
    assert 0 < expected < len(incidents)
    at = open_page("pages/incidents.py")
    everything = {m.label: m.value for m in at.metric}["Events"]
    assert at.number_input(key="filter_near_km").disabled  # no target: no distance to set
    at.selectbox(key="filter_near").set_value("crossings").run()
    at.number_input(key="filter_near_km").set_value(40)
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Events"] == str(expected)
    assert "within 40 km of any crossing" in " ".join(c.value for c in [*at.caption, *at.markdown])
    at.switch_page("pages/chronology.py").run()
    assert at.selectbox(key="filter_near").value == "crossings"
    at.switch_page("pages/incidents.py").run()
    at.button(key="filter_reset").click().run()
    assert not at.exception
    assert at.selectbox(key="filter_near").value == ""
    assert at.number_input(key="filter_near_km").value == 25
    assert {m.label: m.value for m in at.metric}["Events"] == everything


def test_an_empty_result_names_near_when_it_emptied_it():
    at = open_page("pages/incidents.py")
    at.selectbox(key="filter_near").set_value("crossing:X1").run()
    at.number_input(key="filter_near_km").set_value(1)
    at.run()
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert "Nothing matches within 1 km of crossing Taftan – Mirjaveh" in info
