"""Every page's one pick idiom (issue 26): a ui.selection.Selection that every way of picking
writes and the record panel shows, its link on the linked pages, and pick_list."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.map_spy import MapSpy
from tests.app_helpers import APP, open_page


def record_ids(at: AppTest) -> list[str]:
    return [m.value.split('data-id="')[1].split('"')[0] for m in at.get("html") if 'class="pkir-record"' in m.value]


def leave_and_come_back(at: AppTest, page: str, other: str = "pages/sources.py") -> None:
    """Go to another page and back, as the browser does it: Streamlit clears the address on the way."""
    at.switch_page(other).run()
    for name in list(at.query_params):
        del at.query_params[name]
    at.switch_page(page).run()
    assert not at.exception


def select_row(at: AppTest, incident_id: str) -> None:
    frame = next(d for d in at.dataframe if (d.key or "").startswith("incidents_table"))
    pos = frame.value.index[frame.value["id"] == incident_id][0]
    at.session_state[frame.key] = {"selection": {"rows": [int(pos)], "columns": [], "cells": []}}
    at.run()


def test_a_town_clicked_on_the_pipeline_map_shows_its_record_and_keeps_it(monkeypatch):
    """A click replaces what the list chose (the town used to lose to a chosen segment, and to go
    on the next run); the list then names no segment."""
    spy = MapSpy(monkeypatch)
    at = open_page("pages/pipeline.py")
    at.selectbox(key="pipeline_record").set_value(("pipeline", "P1")).run()
    assert record_ids(at) == ["P1"]
    spy.click("towns", "T-gwadar")
    at.run()
    assert record_ids(at) == ["T-gwadar"]
    assert at.selectbox(key="pipeline_record").value is None
    spy.value = {"last_object_clicked": None, "last_active_drawing": None}  # the map reports a click once
    at.number_input(key="penalty_rate_musd").set_value(2.0).run()
    assert record_ids(at) == ["T-gwadar"]
    assert spy.told_selected == "true"  # the map keeps the town highlighted (it followed the border map's pick)
    spy.click("pipeline", "P3")
    at.run()
    assert record_ids(at) == ["P3"] and at.selectbox(key="pipeline_record").value == ("pipeline", "P3")


def test_a_page_map_is_told_its_own_pages_pick_not_the_border_maps(monkeypatch):
    """A record open on the border map neither keeps a page map's highlight nor clears it."""
    spy = MapSpy(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["incident"] = "PKIR-A02"
    at.run()
    assert record_ids(at) == ["PKIR-A02"] and spy.told_selected == "true"
    at.switch_page("pages/pipeline.py").run()
    assert record_ids(at) == [] and spy.told_selected == "false"
    at.selectbox(key="pipeline_record").set_value(("pipeline", "P1")).run()
    assert record_ids(at) == ["P1"] and spy.told_selected == "true"
    at.switch_page("pages/markets.py").run()
    assert record_ids(at) == ["M1"] and spy.told_selected == "true"  # markets open on their first site
    at.selectbox(key="markets_record").set_value(None).run()
    assert record_ids(at) == [] and spy.told_selected == "false"


def test_the_explorer_keeps_its_record_across_a_visit_elsewhere_and_closes_it_on_back():
    at = open_page("pages/incidents.py")
    select_row(at, "PKIR-C12")
    assert record_ids(at) == ["PKIR-C12"] and at.query_params["incident"] in ("PKIR-C12", ["PKIR-C12"])
    leave_and_come_back(at, "pages/incidents.py")
    assert record_ids(at) == ["PKIR-C12"]
    assert at.query_params["incident"] in ("PKIR-C12", ["PKIR-C12"])  # the address names it again
    del at.query_params["incident"]  # Back to the page's plain address
    at.run()
    assert record_ids(at) == [] and "incident" not in at.query_params


def test_the_map_keeps_a_linked_record_across_a_visit_elsewhere():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["incident"] = "PKIR-A02"
    at.run()
    assert record_ids(at) == ["PKIR-A02"]
    leave_and_come_back(at, "pages/map.py")
    assert record_ids(at) == ["PKIR-A02"]
    assert at.query_params["incident"] in ("PKIR-A02", ["PKIR-A02"])
    assert at.selectbox(key="map_find").value == ("incidents", "PKIR-A02")


def test_the_chronology_keeps_its_pick_across_a_visit_elsewhere():
    at = open_page("pages/chronology.py")
    at.selectbox(key="chronology_event").set_value(("incidents", "PKIR-D05")).run()
    assert record_ids(at) == ["PKIR-D05"]
    leave_and_come_back(at, "pages/chronology.py")
    assert record_ids(at) == ["PKIR-D05"]
    assert "incident" not in at.query_params  # only the map and the explorer name a record in the URL


def _two_alike():
    import streamlit as st

    from ui.selection import page_selection, pick_list

    selection = page_selection("test_selection")
    pick_list(
        "Event",
        [("incidents", "A"), ("incidents", "B"), ("incidents", "C")],
        selection,
        "test_pick",
        describe=lambda p: "2024-01-05 · Attack" if p[1] in "AB" else "2024-02-01 · Arrest",
    )
    st.text(repr(selection.feature))


def test_pick_list_tells_apart_two_options_described_alike():
    """Streamlit keeps a list's choice by its text: two alike would both pick the first."""
    at = AppTest.from_function(_two_alike).run()
    box = at.selectbox(key="test_pick")
    assert list(box.options) == ["2024-01-05 · Attack (A)", "2024-01-05 · Attack (B)", "2024-02-01 · Arrest"]
    box.select_index(1).run()
    assert at.text[0].value == "('incidents', 'B')"
    assert at.selectbox(key="test_pick").value == ("incidents", "B")
    assert "incident" not in at.query_params  # an unlinked selection leaves the address alone


def _select_x1(linked: bool):
    from ui.selection import page_selection

    page_selection("test_linked", linked=linked).select("incidents", "X1")


@pytest.mark.parametrize("linked", [True, False])
def test_only_a_linked_selection_names_its_incident_in_the_address(linked):
    at = AppTest.from_function(_select_x1, kwargs={"linked": linked}).run()
    assert not at.exception
    assert ("incident" in at.query_params) is linked


def test_emptying_a_list_closes_the_record_and_markets_open_on_the_first_site():
    at = open_page("pages/markets.py")
    box = at.selectbox(key="markets_record")
    assert box.value == ("markets", "M1") and record_ids(at) == ["M1"]
    box.set_value(None).run()
    assert record_ids(at) == [] and at.selectbox(key="markets_record").value is None
    at.run()  # and it stays closed: the first site is only where the page opens
    assert record_ids(at) == []
