"""The map's time control on the server side: a window the control comes to rest on becomes the
sidebar's date filter; the map keeps drawing from the period's payload and shows the window.

The browser (views/map/static/play.js) reports a window as st_folium's last_active_drawing with
properties {layer: "play", action: "window", from, to, size, mode}, or {action: "close"}. A
callback on the map (take_window) runs before the script: it sets the date filter's widget
state (so the rerun that follows is the only one) and remembers the period the dates had, to
give it back on close. While the filter's dates are that window, the map's payload is built for
the period (the same payload, not sent again) and the control draws the window from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import streamlit as st

from geo.filters import IncidentFilter
from ui.filters import KEYS

STATE = "map_play"  # {"period": (date, date) the dates were, "window": {...} as the browser sent it}
SIZES = ("week", "month", "quarter", "year")
MODES = ("moving", "cumulative")
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class PlayView:
    """What the map draws while the control holds a window: the filter of its payload (the
    period's dates), the period and the window in days for PlayState."""

    filter: IncidentFilter
    period: tuple[int, int] | None
    window: dict | None


def _days(d: date) -> int:
    return (d - EPOCH).days


def _bounds() -> tuple[date, date] | None:
    bounds = st.session_state.get(KEYS["dates"] + "_bounds")
    return tuple(bounds) if bounds else None


def _parse(props) -> tuple[str, dict] | None:
    """("window", {from, to, size, mode}) or ("close", {}) from the reported properties, or None
    for anything else or anything malformed (the browser's word is checked, not trusted)."""
    if not isinstance(props, dict) or props.get("layer") != "play":
        return None
    if props.get("action") == "close":
        return "close", {}
    if props.get("action") != "window" or props.get("size") not in SIZES or props.get("mode") not in MODES:
        return None
    try:
        lo, hi = date.fromisoformat(str(props["from"])), date.fromisoformat(str(props["to"]))
    except (KeyError, ValueError):
        return None
    if lo > hi:
        return None
    return "window", {"from": lo, "to": hi, "size": props["size"], "mode": props["mode"]}


def take_window(map_key: str) -> None:
    """st_folium's on_change: a window the control reported becomes the date filter (clamped to
    the data's dates); close gives the period back. Anything else (a click) is left alone."""
    value = st.session_state.get(map_key)
    drawing = value.get("last_active_drawing") if isinstance(value, dict) else None
    found = _parse(drawing.get("properties") if isinstance(drawing, dict) else None)
    bounds = _bounds()
    if found is None or bounds is None:
        return
    action, window = found
    held = st.session_state.get(STATE)
    if action == "close":
        if held:
            st.session_state[KEYS["dates"]] = held["period"]
        st.session_state.pop(STATE, None)
        return
    lo, hi = bounds
    start, end = max(window["from"], lo), min(window["to"], hi)
    if start > end:
        return
    period = held["period"] if held else tuple(st.session_state.get(KEYS["dates"]) or bounds)
    st.session_state[KEYS["dates"]] = (start, end)
    st.session_state[STATE] = {"period": period, "window": {**window, "from": start, "to": end}}


def map_play(filt: IncidentFilter) -> PlayView:
    """The filter the map's payload is built with, and the control's state for this run.

    While the sidebar's dates are the control's window, the payload covers the period (the
    dates before the control took over) and the browser shows the window; once the dates are
    changed otherwise, the control lets go."""
    bounds = _bounds()
    held = st.session_state.get(STATE)
    if held and (bounds is None or tuple(st.session_state.get(KEYS["dates"]) or ()) != _window_dates(held)):
        st.session_state.pop(STATE, None)
        held = None
    if bounds is None:
        return PlayView(filt, None, None)
    lo, hi = bounds
    if not held:
        start, end = filt.date_from or lo, filt.date_to or hi
        return PlayView(filt, (_days(start), _days(end)), None)
    period = _pair(held["period"], lo, hi)
    map_filter = replace(
        filt, date_from=period[0] if period[0] > lo else None, date_to=period[1] if period[1] < hi else None
    )
    w = held["window"]
    window = {
        "from": _days(w["from"]),
        "to": _days(w["to"]),
        "from_iso": w["from"].isoformat(),
        "to_iso": w["to"].isoformat(),
        "size": w["size"],
        "mode": w["mode"],
    }
    return PlayView(map_filter, (_days(period[0]), _days(period[1])), window)


def _window_dates(held: dict) -> tuple[date, date]:
    return held["window"]["from"], held["window"]["to"]


def _pair(value, lo: date, hi: date) -> tuple[date, date]:
    """A date range widget's value as (start, end); a half-picked or empty one reaches the bounds."""
    value = tuple(value or ())
    start = value[0] if len(value) > 0 and value[0] else lo
    end = value[1] if len(value) > 1 and value[1] else hi
    return max(start, lo), min(end, hi)
