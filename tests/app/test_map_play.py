"""AppTest of the border map with the time control holding a window (ui.play): the page counts
the window, the map keeps the period's payload (same key: not sent again) and is told the window;
dates picked in the sidebar let the control go. The browser side is in
tests/browser/test_play_browser.py; the window's arrival (take_window) in tests/test_play_state.py."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from geo.features import located
from geo.filters import IncidentFilter, filter_mask
from geo.loading import load_layer
from tests.app.map_spy import MapSpy
from tests.app_helpers import ROOT
from ui.filters import KEYS
from ui.play import STATE
from views.map.elements import IncidentLayer, PlayState

WINDOW = (date(2023, 1, 1), date(2023, 12, 31))


@pytest.fixture
def spy(monkeypatch) -> MapSpy:
    return MapSpy(monkeypatch)


def drawn(spy: MapSpy, kind: type):
    return next(
        child
        for group in spy.calls[-1]["feature_group_to_add"]
        for child in group._children.values()
        if isinstance(child, kind)
    )


def count_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "incidents shown" in m.value)


def test_a_held_window_is_counted_while_the_map_keeps_the_periods_payload(spy):
    incidents = load_layer("incidents")[0]
    total = int(located(incidents).sum())
    in_window = int(
        (filter_mask(incidents, IncidentFilter(date_from=WINDOW[0], date_to=WINDOW[1])) & located(incidents)).sum()
    )
    assert 0 < in_window < total
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    before = drawn(spy, IncidentLayer).source
    bounds = at.session_state[KEYS["dates"] + "_bounds"]
    # what ui.play.take_window leaves when the control comes to rest on 2023
    at.session_state[KEYS["dates"]] = WINDOW
    at.session_state[STATE] = {
        "period": tuple(bounds),
        "window": {"from": WINDOW[0], "to": WINDOW[1], "size": "year", "mode": "moving"},
    }
    at.run()
    assert not at.exception
    assert f"{in_window} of {len(incidents)} incidents shown" in count_line(at)
    layer = drawn(spy, IncidentLayer)
    assert layer.source.key == before.key and layer.count == total  # the period's payload, unchanged
    state = drawn(spy, PlayState).state
    assert state["window"]["from_iso"] == "2023-01-01" and state["window"]["to_iso"] == "2023-12-31"
    assert state["period"] == [(bounds[0] - date(1970, 1, 1)).days, (bounds[1] - date(1970, 1, 1)).days]

    # the reader picks other dates in the sidebar: the control lets go, the map draws them
    at.session_state[KEYS["dates"]] = (date(2024, 1, 1), bounds[1])
    at.run()
    assert not at.exception and STATE not in at.session_state
    assert drawn(spy, PlayState).state["window"] is None
    in_2024 = int((filter_mask(incidents, IncidentFilter(date_from=date(2024, 1, 1))) & located(incidents)).sum())
    assert drawn(spy, IncidentLayer).count == in_2024 != total
