"""Trends: where is it getting worse. Incidents per district and per H3 hexagon, a period against a
baseline, classed as ACLED Trendfinder does (geo.trends); a click on a district filters every page."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import streamlit as st

from geo import trends
from ui import data, duplicates, queries, url_state
from ui.assets import ensure_assets
from ui.filters import KEYS as FILTER_KEYS
from ui.filters import choose_district, current_filter
from ui.map_panel import show_map
from ui.safe_text import md_escape, safe
from ui.shell import ensure_app_shell
from ui.trends import trend_cells, trend_hexagons
from views.map.trends_map import change_text, count_legend, trends_map

ensure_app_shell()

KEYS = {
    "compare": "trends_compare",
    "pivot": "trends_pivot",
    "window": "trends_window",
    "unit": "trends_unit",
    "resolution": "trends_resolution",
    "table": "trends_table",
    "map": "trends_map",
    "side": "trends_side",
}
COMPARE = {
    "previous": "The previous period of equal length",
    "year": "The same period a year earlier",
    "around": "Before and after a date",
}
WINDOWS = {30: "30 days", 90: "90 days", 182: "6 months", 365: "12 months"}
UNITS = {"districts": "Districts", "hexagons": "Hexagons (H3)"}
HEX_KM2 = {4: 1770, 5: 253, 6: 36, 7: 5}  # H3's average hexagon area by resolution

st.title("Trends: where is it getting worse")

flt = current_filter()
lo, hi = st.session_state.get(FILTER_KEYS["dates"] + "_bounds", (None, None))
if lo is None:
    queries.ready_or_stop()  # no incidents at all: it says why
    st.stop()

# the page's own controls live in its address too (ui.url_state.page_param): a link shows these periods
url_state.page_param("compare", KEYS["compare"], lambda t: t if t in COMPARE else None, default="previous")
url_state.page_param("unit", KEYS["unit"], lambda t: t if t in UNITS else None, default="districts")
url_state.page_param("h3", KEYS["resolution"], lambda t: int(t) if int(t) in trends.H3_RESOLUTIONS else None, default=5)
url_state.page_param("pivot", KEYS["pivot"], lambda t: min(max(date.fromisoformat(t), lo), hi), format=date.isoformat)
url_state.page_param("days", KEYS["window"], lambda t: int(t) if int(t) in WINDOWS else None, default=182)
url_state.page_param("side", KEYS["side"], lambda t: True if t == "1" else None, format=lambda v: "1" if v else "")
st.session_state.setdefault(KEYS["resolution"], 5)
st.session_state.setdefault(KEYS["window"], 182)
c1, c2, c3 = st.columns([3, 2, 2])
compare = c1.selectbox("Compare with", list(COMPARE), format_func=COMPARE.__getitem__, key=KEYS["compare"])
unit = c2.selectbox("Map", list(UNITS), format_func=UNITS.__getitem__, key=KEYS["unit"])
resolution = c3.selectbox(
    "Hexagon size (H3 resolution)",
    list(trends.H3_RESOLUTIONS),
    format_func=lambda r: f"{r} (about {HEX_KM2[r]:,} km²)",
    key=KEYS["resolution"],
    disabled=unit != "hexagons",
)
if compare == "around":
    d1, d2, _ = st.columns([3, 2, 2])
    st.session_state.setdefault(KEYS["pivot"], max(lo, hi - timedelta(days=182)))
    pivot = d1.date_input("Before and after", min_value=lo, max_value=hi, key=KEYS["pivot"])
    window = d2.selectbox("Days on each side", list(WINDOWS), format_func=WINDOWS.__getitem__, key=KEYS["window"])
    baseline, current = trends.around(pivot if isinstance(pivot, date) else hi, int(window))
else:
    current = trends.current_period((flt.date_from, flt.date_to), lo, hi)
    baseline = trends.baseline_period(current, compare)

cells = trend_cells(flt, current, baseline)
parts = [text for name, text in flt.parts() if name not in ("dates", "district")]
n_now, n_before = (int(n) for n in cells.located)
st.markdown(
    safe(
        "**Now** {}: **{}** incidents with a point · **before** {}: **{}** · change **{}** · other filters: {}",
        current.label(),
        f"{n_now:,}",
        baseline.label(),
        f"{n_before:,}",
        change_text(trends.change_pct([n_now], [n_before])[0]),
        "; ".join(parts) or "none",
    )
)
if duplicates.treatment():
    st.caption(duplicates.treatment())
if compare != "around" and not (flt.date_from or flt.date_to):
    st.caption("No date range is set in the sidebar: now is the last 12 months of the data.")

layers = {k: data.load(k).gdf for k in ("countries", "provinces", "border", "districts")}
districts = layers["districts"]
table = None
if districts is not None:
    table = trends.district_trends(cells.current, cells.baseline, districts)
    if unit == "districts":
        shown = districts.set_index(districts["id"].astype(str))[["geometry"]].join(table)
if unit == "hexagons" or districts is None:
    unit, drawn = "hexagons", int(resolution)
    hexes = trend_hexagons(flt, current, baseline, drawn)
    shown = trends.hexagon_trends(hexes.current, hexes.baseline, drawn)
    while len(shown) > trends.MAX_HEXAGONS and drawn > trends.H3_RESOLUTIONS[0]:  # a map the browser can draw
        drawn -= 1
        hexes = trend_hexagons(flt, current, baseline, drawn)
        shown = trends.hexagon_trends(hexes.current, hexes.baseline, drawn)
    if drawn != resolution:
        st.caption(f"Too many hexagons at resolution {resolution} for one map: drawn at resolution {drawn}.")

built = trends_map(
    layers,
    shown,
    unit=unit,
    selected=flt.district or None,
    legend_note=f"fewer than {trends.MIN_EVENTS} events in both periods: too few to say",
    asset_base=ensure_assets(),
)
picked = ("districts", flt.district) if flt.district else None
clicked = show_map(built, selected=picked, key=KEYS["map"], height=built.summary["height"])
if st.toggle("The two periods side by side", key=KEYS["side"]):
    scale = trends.count_scale(shown["baseline"], shown["current"])
    where = "district" if unit == "districts" else "hexagon"
    sides = st.columns(2)
    for side, column, name, period in zip(
        sides, ("baseline", "current"), ("Before", "Now"), (baseline, current), strict=True
    ):
        with side:
            st.markdown(
                safe(
                    "**{}**: {}, {} incidents in these {}s",
                    name,
                    period.label(),
                    f"{int(shown[column].sum()):,}",
                    where,
                )
            )
            one = trends_map(
                layers,
                shown,
                unit=unit,
                selected=flt.district or None,
                asset_base=ensure_assets(),
                height=380,
                fills=trends.count_colours(shown[column], scale),
                legend=count_legend(f"Incidents per {where}, {name.lower()}", scale),
            )
            clicked = show_map(one, selected=picked, key=f"{KEYS['map']}_{column}", height=380) or clicked
    st.caption("Both maps share one scale of incidents per unit; the change map above compares them.")
if clicked and clicked[0] == "districts" and clicked[1] != flt.district:
    choose_district(clicked[1])
    st.rerun()
st.caption(
    "Click a district (on the map or in the table) to filter every page to it; choose All districts in the "
    "sidebar to undo. Districts are Balochistan's 2023-census districts, with rates per 100,000 people from "
    "the 2023 census, and Sistan and Baluchestan's counties, for which no population is shipped (no rate)."
)


def _table_frame(t: pd.DataFrame) -> pd.DataFrame:
    """The district table as shown: numbers stay numbers (so columns sort); change blank when new."""
    pct = t["change_pct"].replace([np.inf, -np.inf], np.nan)
    approx = np.where(t["current"] > 0, t["approximate"] / t["current"].where(t["current"] > 0) * 100, np.nan)
    frame = pd.DataFrame(
        {
            "District": t["name"].astype(str),
            "Class": t["change_class"],  # second: what a phone shows without scrolling the grid
            "Now": t["current"],
            "Before": t["baseline"],
            "Change %": pct.round(0),
            "Fatalities": t["fatalities"],
            "Approx. located %": np.round(approx, 0),
            "Country": t["country"].astype(str),
        },
    )
    if t["per_100k"].notna().any():
        frame["Per 100,000"] = t["per_100k"].round(2)
    return frame.reset_index(drop=True)


def _from_table() -> None:
    """A row picked in the table -> the district filter (a callback: runs before the sidebar is drawn)."""
    rows = (st.session_state.get(KEYS["table"]) or {}).get("selection", {}).get("rows") or []
    ids = st.session_state.get("_trends_table_ids") or []
    if rows and 0 <= rows[0] < len(ids):
        st.session_state[FILTER_KEYS["district"]] = ids[rows[0]]


if table is not None:
    st.subheader("Districts and counties")
    ordered = table.sort_values(["current", "baseline"], ascending=False)
    st.session_state["_trends_table_ids"] = list(ordered.index.astype(str))
    st.dataframe(
        _table_frame(ordered),
        key=KEYS["table"],
        on_select=_from_table,
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        column_config={
            "District": st.column_config.TextColumn(pinned=True),
            "Change %": st.column_config.NumberColumn(format="%+.0f%%"),
            "Approx. located %": st.column_config.NumberColumn(format="%.0f%%"),
        },
    )
    notes = [
        "Change % is blank where the baseline has no event (the class then says large increase, or too few).",
        f"Classes: more than +{trends.LARGE:g} % large increase, +{trends.MODERATE:g} to +{trends.LARGE:g} % "
        f"moderate, within ±{trends.STABLE:g} % stable, likewise for decreases; fewer than {trends.MIN_EVENTS} "
        "events in both periods: too few to say (after ACLED Trendfinder's change levels).",
        "Incidents are placed by their point; Approx. located % is the share of a district's current incidents "
        "whose point is only approximate (a district or province centre, near a place): counted, but flagged.",
    ]
    if table["per_100k"].isna().all():
        notes.append("No rates per 100,000: no shipped population figure for these counties.")
    st.caption(" ".join(md_escape(n) for n in notes))
