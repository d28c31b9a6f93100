"""AppTest of the border map page: what the page hands to the map, and what the details panel shows.

A MapSpy (tests/app/map_spy.py) records what each run gave the map and stands in for
st_folium, so a test can see the arguments or click a feature.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.map_panel
from geo.catalog import LAYER_ORDER, LAYERS
from geo.loading import load_layer
from tests.app.map_spy import MapSpy
from tests.app_helpers import ROOT

APP = str(ROOT / "app.py")


def start(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()  # the map is the default page ("/")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Border map"
    return at


SPY: MapSpy | None = None


def given(at: AppTest) -> dict:
    """What the latest run of the page gave the map."""
    return SPY.last


def details(at: AppTest) -> str:
    return "\n".join(m.value for m in at.get("html") if "pkir-record" in m.value)


@pytest.fixture(scope="module")
def incidents():
    return load_layer("incidents")[0]


@pytest.fixture(autouse=True)
def spy(monkeypatch) -> MapSpy:
    """Every test here sees what the page gives the map (st_folium is scripted, see map_spy)."""
    global SPY
    SPY = MapSpy(monkeypatch)
    return SPY


@pytest.fixture
def fake_folium(spy) -> MapSpy:
    return spy


def test_page_loads_with_every_layer_and_the_count(incidents):
    at = start()
    summary = given(at)
    assert summary["visible"] == list(LAYER_ORDER)
    located = int(incidents.geometry.notna().sum())
    assert summary["incidents_drawn"] == located
    assert any(f"{located} of {len(incidents)} incidents shown" in m.value for m in at.markdown)
    assert any("no location and are not drawn" in m.value for m in at.markdown)
    assert [cb.label for cb in at.sidebar.checkbox if cb.key.startswith("map_layer_")] == [
        LAYERS[i].title for i in LAYER_ORDER
    ]


def test_layer_toggles_change_what_the_map_is_given():
    at = start()
    at.checkbox(key="map_layer_pipeline").uncheck()
    at.checkbox(key="map_layer_markets").uncheck()
    at.run()
    summary = given(at)
    assert "pipeline" not in summary["visible"] and "markets" not in summary["visible"]
    assert LAYERS["pipeline"].title not in summary["groups"]
    at.checkbox(key="map_layer_pipeline").check().run()
    assert "pipeline" in given(at)["visible"] and "markets" not in given(at)["visible"]
    at.checkbox(key="map_layer_incidents").uncheck().run()
    assert "incidents" not in given(at)["visible"]
    assert any("Incidents layer is off" in m.value for m in at.markdown)


def set_filters(at: AppTest, **values) -> None:
    """Set the shared sidebar filters by widget key and rerun."""
    for key, value in values.items():
        widget = at.number_input(key=key) if key == "filter_min_fatalities" else at.multiselect(key=key)
        widget.set_value(value)
    at.run()
    assert not at.exception


def test_filters_change_the_incidents_drawn(incidents):
    at = start()
    set_filters(at, filter_min_fatalities=10)
    expected = int(((incidents["fatalities_best"].fillna(0) >= 10) & incidents.geometry.notna()).sum())
    assert 0 < expected < given(at)["incidents_total"]
    assert given(at)["incidents_drawn"] == expected
    assert any(f"{expected} of {len(incidents)} incidents shown" in m.value for m in at.markdown)
    set_filters(at, filter_min_fatalities=0, filter_categories=["diplomatic"])
    expected = int(((incidents["category"] == "diplomatic") & incidents.geometry.notna()).sum())
    assert given(at)["incidents_drawn"] == expected


def test_basemap_choice_and_offline_default(settings_env):
    settings_env.setenv("PKIR_OFFLINE", "1")
    at = start()
    assert given(at)["basemap"] == "offline" and not given(at)["groups"][0].startswith("Basemap")
    at.selectbox(key="map_basemap").set_value("street").run()
    assert given(at)["basemap"] == "street" and given(at)["groups"][0].startswith("Basemap")
    settings_env.setenv("PKIR_OFFLINE", "0")
    assert given(start())["basemap"] == "light"


def test_incident_query_parameter_selects_and_centres(incidents):
    at = start({"incident": "PKIR-A02"})
    summary = given(at)
    assert summary["focus"] == "incidents|PKIR-A02"
    point = incidents.set_index("id").loc["PKIR-A02"].geometry
    assert summary["center"] == pytest.approx((point.y, point.x))
    panel = details(at)
    assert "Exchange of fire during security operation" in panel
    assert "Where sources disagree" in panel and "Alternative location" in panel
    assert "Distance to border" in panel and 'href="https://www.dawn.com/' in panel


def test_st_folium_gets_a_stable_key_and_only_click_events(fake_folium):
    start()
    call = fake_folium.calls[-1]
    assert call["key"] == ui.map_panel.MAP_KEY
    assert set(call["returned_objects"]) == {"last_object_clicked", "last_active_drawing"}
    assert [g.layer_name for g in call["feature_group_to_add"]][-1] == "Selection"


def test_clicking_features_fills_the_details_panel(fake_folium):
    at = start()
    assert "Click an incident" in " ".join(c.value for c in at.caption)
    assert details(at) == ""  # no record panel (and no empty column) until something is selected
    fake_folium.click("incidents", "PKIR-A01")
    at.run()
    panel = details(at)
    assert "Militant assault on Zhob garrison" in panel and "2023-07-12" in panel and "<a href=" in panel
    assert at.query_params["incident"] in ("PKIR-A01", ["PKIR-A01"])  # the URL now shares the selection
    fake_folium.click("markets", "M1")
    at.run()
    panel = details(at)
    assert "Mand – Pishin" in panel and "Zhob" not in panel and "Pakistani side" in panel
    fake_folium.click("pipeline", "P3")
    at.run()
    assert "Reported length" in details(at)
    assert "incident" not in at.query_params
    # a rerun without a new click keeps the panel
    at.run()
    assert "Reported length" in details(at)


def test_page_reached_through_navigation():
    at = start()
    at.switch_page("pages/incidents.py").run()
    at.switch_page("pages/map.py").run()
    assert not at.exception and at.title[0].value == "Border map"
    assert given(at)["visible"] == list(LAYER_ORDER)


def test_unlocated_incident_can_be_picked_from_the_list(incidents):
    unlocated = incidents[incidents.geometry.isna()].iloc[0]
    at = start()
    at.selectbox(key="map_find").set_value(("incidents", unlocated["id"])).run()
    assert unlocated["title"].replace("'", "&#x27;") in details(at) or unlocated["title"] in details(at)
    assert any("no location" in c.value for c in at.caption)


def test_hostile_strings_reach_the_details_panel_only_as_text(incidents):
    """Imported data is not validated for display: the panel escapes it and drops non-http links."""
    from ui.data import SESSION_INCIDENTS, Loaded

    evil = incidents.copy()
    first = evil.index[evil.geometry.notna()][0]
    evil.at[first, "id"] = "EVIL-1"
    evil.at[first, "title"] = "<script>alert(\"t\")</script> `${x}` 'q'"
    evil.at[first, "description"] = "<img src=x onerror=alert(1)> `rm`"
    evil.at[first, "sources"] = [
        {"outlet": "<b>Bad</b>", "url": "javascript:alert(1)", "date": None},
        {"outlet": "Good", "url": 'https://example.org/?a="><script>', "date": None},
    ]
    at = start({"incident": "EVIL-1"})
    at.session_state[SESSION_INCIDENTS] = Loaded("incidents", evil, None, None)
    at.run()
    panel = details(at)
    assert 'data-id="EVIL-1"' in panel
    assert "<script" not in panel.lower() and "<img" not in panel.lower() and "<b>" not in panel
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in panel
    assert "&lt;img src=x onerror=alert(1)&gt;" in panel
    assert 'href="javascript' not in panel.lower() and "javascript:alert(1)" in panel  # inert text
    assert 'href="https://example.org/?a=&quot;&gt;&lt;script&gt;"' in panel


def test_close_button_clears_the_selection_and_the_link(fake_folium):
    at = start({"incident": "PKIR-A02"})
    assert 'data-id="PKIR-A02"' in details(at)
    at.button(key="map_record_close").click().run()
    assert details(at) == "" and "incident" not in at.query_params


def test_finding_an_incident_updates_the_shareable_link(incidents):
    at = start()
    located_id = incidents.loc[incidents.geometry.notna(), "id"].iloc[3]
    at.selectbox(key="map_find").set_value(("incidents", located_id)).run()
    assert at.query_params["incident"] in (located_id, [located_id])
    assert given(at)["focus"] == f"incidents|{located_id}"
    assert f'data-id="{located_id}"' in details(at)


def test_an_empty_result_says_which_filters_emptied_it():
    at = start()
    at.multiselect(key="filter_categories").set_value(["diplomatic"]).run()
    at.number_input(key="filter_min_fatalities").set_value(10).run()
    assert not at.exception
    said = " ".join(i.value for i in at.info)
    assert "none matches all of them together" in said
    assert r"categories\: diplomatic" in said and "at least 10 fatalities" in said


def _map_told_selected(fake_folium) -> str:
    """What the latest run told the map about the selection (PKIR.sync's last argument)."""
    sync = [c for c in fake_folium.calls[-1]["feature_group_to_add"][-1]._children.values() if hasattr(c, "select")]
    return sync[0].selected_json


def test_close_clears_the_find_box_and_the_maps_highlight(fake_folium):
    """Issue 20, item 5: after Close the "Find an incident" box is empty again and the map is
    told that nothing is selected (its highlight ring goes)."""
    at = start({"incident": "PKIR-A02"})
    assert at.selectbox(key="map_find").value == ("incidents", "PKIR-A02")
    assert _map_told_selected(fake_folium) == "true"
    at.button(key="map_record_close").click().run()
    assert at.selectbox(key="map_find").value is None
    assert _map_told_selected(fake_folium) == "false"


def test_a_click_keeps_the_highlight_it_draws(fake_folium):
    """The run a click causes tells the map a feature is selected, so the ring drawn for the
    click stays (the first click, before the page knew of any selection, included)."""
    at = start()
    fake_folium.click("markets", "M1")
    at.session_state[ui.map_panel.MAP_KEY] = fake_folium.value  # the component's value, as a real click leaves it
    at.run()
    assert _map_told_selected(fake_folium) == "true"


def test_back_to_the_plain_address_closes_the_linked_record(fake_folium):
    """Issue 20, item 5: Back from /?incident=ID to / leaves no record open."""
    at = start({"incident": "PKIR-A02"})
    assert 'data-id="PKIR-A02"' in details(at)
    del at.query_params["incident"]
    at.run()
    assert details(at) == ""
    assert at.selectbox(key="map_find").value is None
    # a place's record has no link of its own: a rerun without ?incident= keeps it
    fake_folium.click("markets", "M1")
    at.run()
    at.run()
    assert "Mand – Pishin" in details(at)


LIMIT = 10  # a limit the 41 located curated events are over


@pytest.fixture
def low_limit(monkeypatch):
    """queries.MAP_POINT_LIMIT set to LIMIT, and every answer the engine gives recorded as
    (kind, query, rows): the map's answers are its cells or its payload."""
    import streamlit as st

    from geo.store.engine import DuckEngine
    from ui import queries

    monkeypatch.setattr(queries, "MAP_POINT_LIMIT", LIMIT)
    st.cache_data.clear()
    given: list[tuple[str, object, int]] = []

    def spy(kind):
        original = getattr(DuckEngine, kind)

        def recorded(self, q, *args):
            out = original(self, q, *args)
            given.append((kind, q, len(out)))
            return out

        return recorded

    for kind in ("rows", "table", "aggregate"):
        monkeypatch.setattr(DuckEngine, kind, spy(kind))
    yield given
    st.cache_data.clear()


def _element(fake_folium, name: str):
    """The latest run's element of the map with this folium name (PkirCells, PkirIncidents, PkirViewFollow)."""
    found = [c for g in fake_folium.calls[-1]["feature_group_to_add"] for c in g._children.values() if c._name == name]
    return found[0] if found else None


def _in_box(incidents, box) -> pd.DataFrame:
    located = incidents[incidents.geometry.notna()]
    x, y = located.geometry.x, located.geometry.y
    return located[(x >= box[0]) & (y >= box[1]) & (x <= box[2]) & (y <= box[3])]


def _report_view(at: AppTest, fake_folium, bounds, zoom) -> None:
    """The browser reports the map's view (static/cells.js), as st_folium leaves it under the map's key."""
    fake_folium.value = {
        "last_object_clicked": None,
        "last_active_drawing": {
            "type": "Feature",
            "geometry": None,
            "properties": {"layer": "view", "bounds": list(bounds), "zoom": zoom},
        },
    }
    at.session_state[ui.map_panel.MAP_KEY] = fake_folium.value
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_above_the_limit_the_map_draws_cells_of_the_view(low_limit, fake_folium, incidents):
    """Issue 22: over queries.MAP_POINT_LIMIT the map asks the store for count and fatalities per
    cell of the view's box, draws them, and no answer holds more rows than the cells it draws."""
    at = start()
    summary = given(at)
    assert summary["incidents_drawn"] == 0 and summary["cells"] > 0
    box, cell = summary["cells_box"], summary["cell_deg"]
    assert cell == 0.5 and summary["follow"] == {"box": list(box), "zooms": [6, 7]}
    # the cells are the curated events of the box, counted per cell (fatalities: best, missing as 0)
    inside = _in_box(incidents, box)
    assert LIMIT < len(inside) < int(incidents.geometry.notna().sum())
    data = json.loads(_element(fake_folium, "PkirCells").data_json)
    assert data["cell"] == cell and sum(data["n"]) == len(inside) == summary["incidents_in_cells"]
    want = (
        pd.DataFrame(
            {
                "x": np.floor(inside.geometry.x / cell).astype(int),
                "y": np.floor(inside.geometry.y / cell).astype(int),
                "f": inside["fatalities_best"].fillna(0).astype(int),
            }
        )
        .groupby(["x", "y"])
        .agg(n=("f", "size"), f=("f", "sum"))
        .reset_index()
    )
    got = pd.DataFrame({k: data[k] for k in ("x", "y", "n", "f")})
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert set(data["k"]) <= set(range(len(data["colours"]))) and data["breaks"][-1] >= max(data["n"])
    assert _element(fake_folium, "PkirIncidents") is None
    # what the map asked the store: one aggregate of exactly the cells drawn, no incident payload
    map_answers = [(k, q, n) for k, q, n in low_limit if k == "aggregate" or set(q.columns or ()) >= {"lon", "lat"}]
    assert [(k, n) for k, _q, n in map_answers] == [("aggregate", len(data["n"]))]
    assert map_answers[0][1].bbox == tuple(box)
    assert all(n <= len(data["n"]) or (q.columns and "lon" not in q.columns) for _k, q, n in low_limit)
    said = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "shown as cells" in said and f"{len(inside)} of them in and around this view" in said
    assert "zoom in to see single incidents" in said.lower() and f"({LIMIT})" in said


def test_a_view_with_few_incidents_draws_them_one_by_one_and_a_click_opens_one(low_limit, fake_folium, incidents):
    """Zoomed in where no more than the limit lie, the map draws the view's incidents one by one
    (the canvas layer); a click on one opens its record; zooming out again gives cells."""
    at = start()
    located = incidents[incidents.geometry.notna()]
    target = located.iloc[0]
    x, y = target.geometry.x, target.geometry.y
    _report_view(at, fake_folium, (x - 0.2, y - 0.1, x + 0.2, y + 0.1), 10.5)
    summary = given(at)
    assert summary["cells"] is None and 0 < summary["incidents_drawn"] <= LIMIT
    box = summary["follow"]["box"]
    assert box[0] <= x - 0.2 and box[2] >= x + 0.2 and summary["follow"]["zooms"] == [0, None]
    assert summary["incidents_drawn"] == len(_in_box(incidents, box))
    layer = _element(fake_folium, "PkirIncidents")
    assert target["id"] in json.loads(layer.source.data_json)["id"]
    payloads = [n for k, q, n in low_limit if k == "table" and q.bbox == tuple(box)]
    assert payloads == [summary["incidents_drawn"]]
    said = " ".join(m.value for m in at.markdown)
    assert f"{summary['incidents_drawn']} of 41 matching incidents drawn" in said and "zoom out for cells" in said
    fake_folium.click("incidents", target["id"], lat=y, lng=x)
    at.run()
    assert f'data-id="{target["id"]}"' in details(at)
    # zoomed out over the region again: cells
    _report_view(at, fake_folium, (55.0, 22.0, 72.0, 34.0), 6.25)
    assert given(at)["cells"] > 0 and given(at)["follow"]["zooms"] == [6, 7]


def test_a_rerun_for_something_else_keeps_the_reported_view(low_limit, fake_folium, incidents):
    """The view is taken once per report: a later rerun (a filter, a click) keeps it."""
    at = start()
    target = incidents[incidents.geometry.notna()].iloc[0].geometry
    _report_view(at, fake_folium, (target.x - 0.2, target.y - 0.1, target.x + 0.2, target.y + 0.1), 11)
    box = given(at)["follow"]["box"]
    at.checkbox(key="map_layer_pipeline").uncheck().run()
    assert given(at)["follow"]["box"] == box and given(at)["cells"] is None


def test_a_malformed_view_report_is_ignored(low_limit, fake_folium):
    at = start()
    first = given(at)["follow"]
    for bounds, zoom in [((70, 30, 60, 25), 8), (("a", 1, 2, 3), 8), ((60, 25, 70, 30), float("nan"))]:
        _report_view(at, fake_folium, bounds, zoom)
        assert given(at)["follow"] == first


def test_under_the_limit_the_map_draws_everything_and_follows_no_view(fake_folium, incidents):
    at = start()
    assert given(at)["follow"] is None and given(at)["cells"] is None
    assert given(at)["incidents_drawn"] == int(incidents.geometry.notna().sum())


def test_cells_count_the_time_controls_window(low_limit, fake_folium, incidents):
    """While the time control holds a window, single incidents are the period's (the browser draws
    the window), but cells count the window itself: the browser cannot split a cell."""
    from datetime import date

    from geo.filters import IncidentFilter, filter_mask
    from ui.filters import KEYS
    from ui.play import STATE

    window = (date(2019, 1, 1), date(2023, 12, 31))
    at = start()
    box = given(at)["cells_box"]
    bounds = at.session_state[KEYS["dates"] + "_bounds"]
    at.session_state[KEYS["dates"]] = window
    at.session_state[STATE] = {
        "period": tuple(bounds),
        "window": {"from": window[0], "to": window[1], "size": "year", "mode": "cumulative"},
    }
    at.run()
    assert not at.exception
    inside = _in_box(incidents, box)
    want = int(filter_mask(inside, IncidentFilter(date_from=window[0], date_to=window[1])).sum())
    assert LIMIT < want < len(inside)
    assert given(at)["incidents_in_cells"] == want
    assert f"{want} of them in and around this view" in " ".join(m.value for m in at.markdown)


def test_a_linked_view_is_the_first_box_asked(low_limit, fake_folium, incidents):
    """?c=lat,lon&z=zoom (a shared link): the first view asked is that one, before the browser reports any."""
    target = incidents[incidents.geometry.notna()].iloc[0].geometry
    at = start({"c": f"{target.y:.5f},{target.x:.5f}", "z": "10"})
    follow = given(at)["follow"]
    west, south, east, north = follow["box"]
    assert west < target.x < east and south < target.y < north and east - west <= 3.5  # ~2° wide at zoom 10
    assert given(at)["cells"] is None and given(at)["incidents_drawn"] == len(_in_box(incidents, follow["box"]))
