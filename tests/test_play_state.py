"""ui.play: a window the map's time control reports becomes the date filter (clamped, checked),
the map keeps the period's payload while the dates are that window, and close gives the period
back. Session state is a plain dict here (ui.play reads nothing else of Streamlit)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

import ui.play
from geo.filters import IncidentFilter
from ui.filters import KEYS

LO, HI = date(2020, 1, 1), date(2020, 12, 31)
DATES = KEYS["dates"]


@pytest.fixture
def state(monkeypatch) -> dict:
    session = {DATES: (LO, HI), DATES + "_bounds": (LO, HI)}
    monkeypatch.setattr(ui.play, "st", SimpleNamespace(session_state=session))
    return session


def report(state: dict, **props) -> None:
    """The browser's word, as st_folium returns it, then the map's on_change."""
    state["border_map"] = {
        "last_object_clicked": None,
        "last_active_drawing": {"properties": {"layer": "play", **props}},
    }
    ui.play.take_window("border_map")


def window(frm: str, to: str, size: str = "month", mode: str = "moving") -> dict:
    return {"action": "window", "from": frm, "to": to, "size": size, "mode": mode}


def days(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def test_a_window_becomes_the_date_filter_and_the_map_keeps_the_period(state):
    report(state, **window("2020-03-01", "2020-03-31"))
    assert state[DATES] == (date(2020, 3, 1), date(2020, 3, 31))
    sidebar = IncidentFilter(date_from=date(2020, 3, 1), date_to=date(2020, 3, 31), categories=("attack",))
    view = ui.play.map_play(sidebar)
    assert view.filter == IncidentFilter(categories=("attack",))  # the period: the data's whole range here
    assert view.period == (days(LO), days(HI))
    assert view.window == {
        "from": days(date(2020, 3, 1)),
        "to": days(date(2020, 3, 31)),
        "from_iso": "2020-03-01",
        "to_iso": "2020-03-31",
        "size": "month",
        "mode": "moving",
    }


def test_the_period_is_the_dates_before_the_first_window_and_close_gives_them_back(state):
    state[DATES] = (date(2020, 2, 1), date(2020, 6, 30))
    report(state, **window("2020-02-01", "2020-02-29"))
    report(state, **window("2020-02-01", "2020-04-30", "month", "cumulative"))
    assert state[DATES] == (date(2020, 2, 1), date(2020, 4, 30))
    view = ui.play.map_play(IncidentFilter(date_from=date(2020, 2, 1), date_to=date(2020, 4, 30)))
    assert view.filter == IncidentFilter(date_from=date(2020, 2, 1), date_to=date(2020, 6, 30))
    assert view.period == (days(date(2020, 2, 1)), days(date(2020, 6, 30))) and view.window["mode"] == "cumulative"
    report(state, action="close")
    assert state[DATES] == (date(2020, 2, 1), date(2020, 6, 30)) and ui.play.STATE not in state


def test_a_window_is_clamped_to_the_datas_dates(state):
    report(state, **window("2019-12-30", "2020-01-05", "week"))
    assert state[DATES] == (LO, date(2020, 1, 5))


@pytest.mark.parametrize(
    "props",
    [
        window("2020-03-31", "2020-03-01"),  # backwards
        window("2020-03-01", "March"),
        window("2020-03-01", "2020-03-31", size="decade"),
        window("2020-03-01", "2020-03-31", mode="sideways"),
        {"action": "window", "from": "2020-03-01"},
        window("2021-03-01", "2021-03-31"),  # after the data's last date
        {"action": "explode"},
    ],
)
def test_a_malformed_report_changes_nothing(state, props):
    report(state, **props)
    assert state[DATES] == (LO, HI) and ui.play.STATE not in state


def test_a_click_on_a_feature_is_not_a_window(state):
    state["border_map"] = {"last_active_drawing": {"properties": {"layer": "incidents", "id": "x"}}}
    ui.play.take_window("border_map")
    assert state[DATES] == (LO, HI) and ui.play.STATE not in state


def test_dates_changed_in_the_sidebar_let_the_control_go(state):
    report(state, **window("2020-03-01", "2020-03-31"))
    state[DATES] = (date(2020, 5, 1), date(2020, 5, 31))  # the reader picked other dates
    sidebar = IncidentFilter(date_from=date(2020, 5, 1), date_to=date(2020, 5, 31))
    view = ui.play.map_play(sidebar)
    assert view.filter == sidebar and view.window is None and ui.play.STATE not in state
    assert view.period == (days(date(2020, 5, 1)), days(date(2020, 5, 31)))
