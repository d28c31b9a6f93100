"""The incident filters in the sidebar, shared by every page of a session.

They are drawn once in app.py (before the page runs) with fixed widget keys, so a value
set on one page holds on the others.
"""

from __future__ import annotations

import streamlit as st

from geo.countries import NAMES, country_name
from geo.filters import IncidentFilter, why_empty
from geo.schema import GRADE, GRADE_NAMES
from ui import data, queries
from ui.safe_text import safe

KEYS = {
    "dates": "filter_dates",
    "categories": "filter_categories",
    "countries": "filter_countries",
    "min_fatalities": "filter_min_fatalities",
    "keyword": "filter_keyword",
    "whole_words": "filter_whole_words",
    "near": "filter_near",
    "near_km": "filter_near_km",
    "district": "filter_district",
    "grades": "filter_grades",
}
DISTRICT_NEXT = (
    "_filter_district_next"  # a district picked after the sidebar was drawn: applied before it is drawn next
)
NEAR_KM = (1.0, 200.0, 25.0)  # the distance a Near filter offers: least, most, first
# every ISO alpha-3 code -> its name (the one lookup, shared with the explorer and the importers)
COUNTRY_NAMES = NAMES
STATE = "incident_filter"
RESET_KEY = "filter_reset"


def _country_option(code: str) -> str:
    """'KEN' -> 'Kenya (KEN)'; a code without a known name stays as it is."""
    name = country_name(code)
    return f"{name} ({code})" if name != code else code


def _reset(lo, hi) -> None:
    """Every filter back to "all" (a button callback: runs before the widgets are drawn again)."""
    st.session_state[KEYS["dates"]] = (lo, hi)
    st.session_state[KEYS["categories"]] = []
    st.session_state[KEYS["countries"]] = []
    st.session_state[KEYS["min_fatalities"]] = 0
    st.session_state[KEYS["keyword"]] = ""
    st.session_state[KEYS["whole_words"]] = False
    st.session_state[KEYS["near"]] = ""
    st.session_state[KEYS["near_km"]] = NEAR_KM[2]
    st.session_state[KEYS["district"]] = ""
    st.session_state[KEYS["grades"]] = []


def sidebar_filters() -> IncidentFilter:
    """Draw the filters (their options from the session's datasets) and remember the resulting
    IncidentFilter for the page."""
    offered = queries.choices() if queries.problem() is None else None
    if offered is None or offered.date_from is None:  # nothing to filter: the page says why
        f = IncidentFilter()
        st.session_state[STATE] = f
        return f
    lo, hi = offered.date_from, offered.date_to
    present, codes = list(offered.categories), list(offered.countries)
    old = st.session_state.get(KEYS["dates"] + "_bounds")  # the data in use changed: an untouched range follows it
    if old not in (None, (lo, hi)) and tuple(st.session_state.get(KEYS["dates"], old)) in (old, ()):
        st.session_state[KEYS["dates"]] = (lo, hi)
    st.session_state[KEYS["dates"] + "_bounds"] = (lo, hi)
    # the range starts in session state, not as value=: a widget given both logs a warning when Reset sets it
    st.session_state.setdefault(KEYS["dates"], (lo, hi))
    with st.sidebar:
        st.markdown("**Filter incidents**")
        picked = st.date_input("Date range", min_value=lo, max_value=hi, key=KEYS["dates"])
        cats = st.multiselect("Category", present, key=KEYS["categories"], placeholder="All categories")
        grades = _grades_control()
        countries = st.multiselect(
            "Country",
            codes,
            key=KEYS["countries"],
            placeholder="All countries",
            format_func=_country_option,
        )
        min_fat = st.number_input("Minimum fatalities", min_value=0, step=1, key=KEYS["min_fatalities"])
        keyword = st.text_input("Keyword", key=KEYS["keyword"], placeholder="title, description, actors, place")
        whole_words = st.checkbox(
            "Whole words only",
            key=KEYS["whole_words"],
            help="On: BLA finds BLA, not blast. Off: a part of a word also matches (attack finds attacks).",
        )
        near, near_km = _near_controls()
        district = _district_control()
    start, end = (
        picked
        if isinstance(picked, (tuple, list)) and len(picked) == 2
        else (picked[0], None)
        if isinstance(picked, (tuple, list)) and picked
        else (None, None)
    )
    f = IncidentFilter(
        date_from=start if start and start > lo else None,
        date_to=end if end and end < hi else None,
        categories=tuple(cats),
        countries=tuple(countries),
        min_fatalities=int(min_fat or 0),
        keyword=keyword or "",
        whole_words=bool(whole_words and (keyword or "").strip()),
        near=near,
        near_km=near_km if near else IncidentFilter.near_km,
        district=district,
        grades=grades,
    )
    st.sidebar.button(
        "Reset filters",
        key=RESET_KEY,
        icon=":material/filter_alt_off:",
        on_click=_reset,
        args=(lo, hi),
        disabled=f == IncidentFilter(),
        help="Show every event again",
    )
    st.session_state[STATE] = f
    return f


def _grades_control() -> tuple[str, ...]:
    """The Verification filter: the grades kept (geo.schema.GRADES, strongest first; none for all)."""
    picked = st.multiselect(
        "Verification",
        list(GRADE_NAMES),
        key=KEYS["grades"],
        placeholder="Any verification",
        format_func=lambda g: GRADE[g].label,
        help="How well each event is established (geo/data/README.md, Verification): confirmed, corroborated,"
        " single source, claimed, disputed, ungraded.",
    )
    return tuple(g for g in GRADE_NAMES if g in picked)


def _near_controls() -> tuple[str, float]:
    """The Near target (one of geo.near's, "" for anywhere) and its distance in km."""
    labels = {"": "Anywhere", **dict(data.near_choices())}
    if st.session_state.get(KEYS["near"]) not in labels:  # a target the data folder no longer has
        st.session_state[KEYS["near"]] = ""
    st.session_state.setdefault(KEYS["near_km"], NEAR_KM[2])
    near = st.selectbox("Near", list(labels), key=KEYS["near"], format_func=labels.__getitem__)
    lo, hi, _ = NEAR_KM
    km = st.number_input("Within (km)", min_value=lo, max_value=hi, step=5.0, key=KEYS["near_km"], disabled=not near)
    return near or "", float(km or NEAR_KM[2])


def _district_control() -> str:
    """The district filter ("" for all): a shipped district's id, set here or by a click on the Trends page."""
    labels = {"": "All districts", **dict(data.districts_offered())}
    if DISTRICT_NEXT in st.session_state:
        st.session_state[KEYS["district"]] = st.session_state.pop(DISTRICT_NEXT)
    if st.session_state.get(KEYS["district"]) not in labels:  # a district the data folder no longer has
        st.session_state[KEYS["district"]] = ""
    picked = st.selectbox("District", list(labels), key=KEYS["district"], format_func=labels.__getitem__)
    return picked or ""


def choose_district(district_id: str) -> None:
    """Filter every page to this district from the next run on (st.rerun() to apply it now)."""
    st.session_state[DISTRICT_NEXT] = str(district_id or "")


def current_filter() -> IncidentFilter:
    """The filter drawn by app.py for this run."""
    return st.session_state.get(STATE, IncidentFilter())


def explain_empty(f: IncidentFilter) -> None:
    """Say that no event matches and which of the sidebar filters emptied the result."""
    reason = why_empty(lambda flt: queries.count(queries.query(flt)), f)
    st.info(
        safe("No events match the sidebar filters. {}", reason.sentence())
        + " Change them, or use **Reset filters** in the sidebar.",
        icon=":material/filter_alt_off:",
    )
