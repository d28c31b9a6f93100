"""AppTest of the view in the URL (ui.url_state): a page opened with query parameters shows that
view; bad values give a one-line note, never an error; the address follows what the reader changes;
a saved view opens."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.features import located
from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer
from geo.store.saved_views import save_view
from tests.app.map_spy import MapSpy
from tests.app_helpers import APP


@pytest.fixture(scope="module")
def incidents():
    return load_layer("incidents")[0]


@pytest.fixture
def spy(monkeypatch, tmp_path) -> MapSpy:
    monkeypatch.setenv("PKIR_WORKSPACE", str(tmp_path / "workspace"))
    return MapSpy(monkeypatch)


def start(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def params(at: AppTest) -> dict[str, list[str]]:
    return {k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in at.query_params.items()}


def notes(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "link's values" in w.value]


def test_the_map_opened_with_filters_shows_them(spy, incidents):
    at = start({"cat": ["attack", "armed clash"], "fat": "1", "country": "PAK"})
    flt = IncidentFilter(categories=("attack", "armed clash"), countries=("PAK",), min_fatalities=1)
    expected = apply_filter(incidents, flt)
    assert 0 < len(expected) < len(incidents)
    assert at.multiselect(key="filter_categories").value == ["attack", "armed clash"]
    assert at.multiselect(key="filter_countries").value == ["PAK"]
    assert at.number_input(key="filter_min_fatalities").value == 1
    assert spy.last["incidents_drawn"] == int(located(expected).sum())
    assert any(f"{int(located(expected).sum())} of {len(incidents)} incidents shown" in m.value for m in at.markdown)
    assert notes(at) == []
    # the explorer in the same session shows the same filter
    at.switch_page("pages/incidents.py").run()
    assert {m.label: m.value for m in at.metric}["Events"] == str(len(expected))
    assert params(at)["cat"] == ["attack", "armed clash"]  # written back on the new page too


def test_dates_near_and_keyword_from_the_url(spy, incidents):
    at = start({"from": "2020-01-01", "to": "2023-12-31", "near": "border", "near_km": "30", "q": "Jaish"})
    flt = IncidentFilter(
        date_from=__import__("datetime").date(2020, 1, 1),
        date_to=__import__("datetime").date(2023, 12, 31),
        near="border",
        near_km=30.0,
        keyword="Jaish",
    )
    assert at.session_state["incident_filter"] == flt
    assert spy.last["incidents_drawn"] == int(located(apply_filter(incidents, flt)).sum())
    assert at.selectbox(key="filter_near").value == "border"


def test_bad_values_give_one_escaped_note_and_leave_the_address(spy, incidents):
    at = start({"cat": ["attack", "[x](http://evil.example)"], "z": "99", "c": "27,62", "basemap": "nope"})
    assert len(notes(at)) == 1
    note = notes(at)[0]
    assert "cat “\\[x\\]\\(http\\:\u2060\\/\\/evil\\.example\\)”" in note  # escaped: no link is made of it
    assert "z “99”" in note and "basemap “nope”" in note
    assert at.multiselect(key="filter_categories").value == ["attack"]
    assert params(at) == {"cat": ["attack"]}  # the address keeps only what was used
    at.run()
    assert len(notes(at)) == 1  # kept while the reader stays on the page
    at.switch_page("pages/sources.py").run()
    assert notes(at) == []


def test_the_address_follows_the_sidebar_and_the_layers(spy):
    at = start({})
    assert params(at) == {}
    at.number_input(key="filter_min_fatalities").set_value(2).run()
    at.checkbox(key="map_layer_towns").uncheck().run()
    got = params(at)
    assert got["fat"] == ["2"]
    assert "towns" not in got["layers"][0].split(",") and "incidents" in got["layers"][0].split(",")
    at.button(key="filter_reset").click().run()
    assert "fat" not in params(at)


def test_layers_basemap_view_and_selection_from_the_url(spy):
    at = start(
        {"layers": "border,incidents", "basemap": "light", "c": "27.5,62.25", "z": "8.5", "incident": "PKIR-A01"}
    )
    assert spy.last["visible"] == ["border", "incidents"]
    assert spy.last["basemap"] == "light"
    assert at.checkbox(key="map_layer_towns").value is False
    call = spy.calls[-1]
    assert call["center"] == pytest.approx([27.5, 62.25], abs=1e-6) and call["zoom"] == 8.5
    assert spy.last["center"] is None  # the selected incident is highlighted, not centred on
    assert at.session_state["map_selection"].feature == ("incidents", "PKIR-A01")
    assert params(at)["incident"] == ["PKIR-A01"]
    # the layers stay as the link set them when the reader comes back from another page
    at.switch_page("pages/incidents.py").run()
    assert params(at)["layers"] == ["border,incidents"]
    at.switch_page("pages/map.py").run()
    assert spy.last["visible"] == ["border", "incidents"]


def test_an_incident_without_a_view_is_centred_on_as_before(spy):
    start({"incident": "PKIR-A01"})
    assert spy.last["center"] is not None and spy.last["zoom"] == 9


def test_a_saved_view_opens(spy, tmp_path, incidents):
    save_view(tmp_path / "workspace", "Attacks", {"cat": ["attack"], "basemap": ["street"], "c": ["26,63"], "z": ["7"]})
    at = start({"fat": "3"})
    assert at.selectbox(key="saved_view_pick").value == "Attacks"
    at.button(key="saved_view_open").click().run()
    assert not at.exception
    assert at.multiselect(key="filter_categories").value == ["attack"]
    assert at.number_input(key="filter_min_fatalities").value == 0  # a saved view is the whole view
    assert spy.last["basemap"] == "street"
    assert spy.calls[-1]["center"] == pytest.approx([26, 63], abs=1e-6) and spy.calls[-1]["zoom"] == 7
    assert params(at) == {"cat": ["attack"], "basemap": ["street"], "c": ["26,63"], "z": ["7"]}
    at.button(key="saved_view_delete").click().run()
    assert not at.exception and "saved_view_pick" not in [s.key for s in at.selectbox]


def _page_with_its_own_parameter():
    import streamlit as st

    from ui import url_state

    url_state.restore("trends")
    url_state.page_param("period", "trend_period", lambda t: t if t in ("month", "quarter") else None, default="month")
    st.selectbox("Period", ["month", "quarter"], key="trend_period")
    url_state.write_back()


@pytest.mark.parametrize(("given", "shown", "noted"), [("quarter", "quarter", False), ("decade", "month", True)])
def test_a_pages_own_parameter_is_read_once_and_written_back(monkeypatch, tmp_path, given, shown, noted):
    monkeypatch.setenv("PKIR_WORKSPACE", str(tmp_path))
    at = AppTest.from_function(_page_with_its_own_parameter, default_timeout=60)
    at.query_params["period"] = given
    at.query_params["fat"] = "2"  # and the shared filters' (no sidebar here: it is only kept)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="trend_period").value == shown
    assert any("period “decade”" in w.value for w in at.warning) is noted
    assert params(at).get("period") == (["quarter"] if given == "quarter" else None)
    at.selectbox(key="trend_period").set_value("quarter").run()
    assert params(at)["period"] == ["quarter"] and not at.warning
    at.selectbox(key="trend_period").set_value("month").run()
    assert "period" not in params(at)  # the default is left out


def test_a_dataset_not_kept_here_is_named_and_the_shipped_one_shown(spy, incidents):
    at = start({"datasets": ["gone", "shipped"], "fat": "1"})
    assert at.multiselect(key="datasets_chosen").value == ["shipped"]
    assert len(notes(at)) == 1 and "datasets “gone” \\(not kept here\\)" in notes(at)[0]
    assert "datasets" not in params(at)  # the shipped dataset alone is the default


@pytest.mark.parametrize(("given", "shown"), [("deadliest", "deadliest"), ("loudest", "newest")])
def test_the_explorers_order_lives_in_its_address(spy, given, shown):
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/incidents.py")
    at.query_params["sort"] = given
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="explorer_sort").value == shown
    assert params(at).get("sort") == (["deadliest"] if shown == "deadliest" else None)
    assert any("sort “loudest”" in w.value for w in at.warning) is (given == "loudest")
    at.selectbox(key="explorer_sort").set_value("title").run()
    assert params(at)["sort"] == ["title"]
