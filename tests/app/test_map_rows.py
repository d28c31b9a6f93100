"""Large incident sets reach the browser without ids: a click comes back as "#row@key" (the row
in one of this session's payloads) and the page turns it into the incident's record."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.map_spy import MapSpy
from tests.app_helpers import ROOT
from ui.map_panel import MAP_KEY
from views.map.elements import IncidentLayer


@pytest.fixture
def spy(monkeypatch) -> MapSpy:
    return MapSpy(monkeypatch)


def panel(at: AppTest) -> str:
    return "\n".join(m.value for m in at.get("html") if "pkir-record" in m.value)


def test_a_clicked_row_opens_that_incidents_record(spy):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    sources = at.session_state["map_panel_sources"]
    source = next(iter(sources.values()))
    row = 3
    incident_id = source.id_of(row)
    spy.click("incidents", f"#{row}@{source.key}")
    at.session_state[MAP_KEY] = spy.value  # where Streamlit keeps the component's value before the run
    at.run()
    assert not at.exception
    assert f'data-id="{incident_id}"' in panel(at)
    assert at.query_params["incident"] in (incident_id, [incident_id])
    # the browser is told, on that same run, which incident its clicked row is
    layer = next(
        child
        for group in spy.calls[-1]["feature_group_to_add"]
        for child in group._children.values()
        if isinstance(child, IncidentLayer)
    )
    assert layer.options["selected"] == {"id": incident_id, "row": row}


def test_a_row_of_an_unknown_payload_selects_nothing(spy):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    spy.click("incidents", "#3@0000000000000000")
    at.run()
    assert not at.exception
    assert panel(at) == ""


def test_the_payload_travels_beside_the_map_hidden_and_unchanged_by_a_click(spy):
    """The map's own script names the payload by key (no data in it); the page holds it in one
    hidden element whose markup stays the same when only the selection changes, so Streamlit
    need not send it again; its attribute holds exactly the payload, with no raw < or >."""
    import html
    import re

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    source = next(iter(at.session_state["map_panel_sources"].values()))
    layer = next(
        child
        for group in spy.calls[-1]["feature_group_to_add"]
        for child in group._children.values()
        if isinstance(child, IncidentLayer)
    )
    assert layer.data_json == "null" and layer.options["beside"] and layer.options["key"] == source.key

    def payload_markup() -> str:
        found = [m.value for m in at.get("html") if "pkir-payload" in m.value]
        assert len(found) == 1
        return found[0]

    before = payload_markup()
    value = re.search(r'data-json="([^"]*)"', before).group(1)
    assert "<" not in value and ">" not in value and html.unescape(value) == source.data_json
    assert f'data-key="{source.key}"' in before and " hidden " in before
    spy.click("incidents", f"#3@{source.key}")
    at.session_state[MAP_KEY] = spy.value
    at.run()
    assert not at.exception and payload_markup() == before
