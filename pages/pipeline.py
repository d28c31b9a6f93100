"""Gas pipeline: the route, reported against measured segment lengths, and the penalty clause."""

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from geo import infrastructure, penalty, sitemaps
from geo.provenance import md_escape, md_link
from ui import data
from ui.assets import ensure_assets
from ui.details import show_record
from ui.map_panel import show_map

KEYS = {
    "preset": "penalty_preset",
    "rate": "penalty_rate_musd",
    "per": "penalty_per",
    "start": "penalty_start",
    "end": "penalty_end",
}
PER_LABELS = {"day": "per day", "year": "per year"}
# label -> (rate in US$ million, per, start); None keeps the user's own values
PRESETS = {
    "ProPakistani: US$1 m a day from 1 Jan 2015": (1.0, "day", penalty.FIRST_GAS_DUE),
    "Financial Tribune: up to US$3 m a day (start not given; 1 Jan 2015 assumed)": (3.0, "day", penalty.FIRST_GAS_DUE),
    "Source article: US$1 bn a year from 2014": (1000.0, "year", penalty.ARTICLE_START),
    "My own assumption": None,
}
DEFAULTS = {KEYS["rate"]: 1.0, KEYS["per"]: "day", KEYS["start"]: penalty.FIRST_GAS_DUE,
            KEYS["end"]: date(2023, 12, 31), KEYS["preset"]: next(iter(PRESETS))}
DATE_MIN, DATE_MAX = date(2009, 1, 1), date(2035, 12, 31)
PICK = "pipeline_pick"  # (layer id, feature id) whose record is shown: from a map click or a table row


def _apply_preset() -> None:
    chosen = PRESETS.get(st.session_state[KEYS["preset"]])
    if chosen:
        rate, per, start = chosen
        st.session_state[KEYS["rate"]] = rate
        st.session_state[KEYS["per"]] = per
        st.session_state[KEYS["start"]] = start


def _picked_row(segment_ids: list[str]) -> None:
    rows = st.session_state["pipeline_segments"].selection.rows
    st.session_state[PICK] = ("pipeline", segment_ids[rows[0]]) if rows else None


def _mark_custom() -> None:
    st.session_state[KEYS["preset"]] = "My own assumption"


st.title("Iran–Pakistan gas pipeline")

pipeline = data.load("pipeline")
if pipeline.error:
    data.show_errors({"pipeline": pipeline})
    st.stop()
route = pipeline.gdf

totals = infrastructure.section_totals(route)
st.markdown(
    "Iran built its trunk line from Asaluyeh to Iranshahr (inaugurated 2010) and says its section is "
    "complete to the border; Pakistan's section has not been laid. The route drawn here is "
    "**indicative**: straight lines between the places the sources name, not a surveyed alignment, "
    "so the lengths measured on it come out shorter than those reported."
)

map_col, facts_col = st.columns([3, 2], gap="medium")
with map_col:
    layers = {k: data.load(k).gdf for k in sitemaps.PIPELINE_LAYERS}
    clicked = show_map(sitemaps.pipeline_map(layers, asset_base=ensure_assets()), key="pipeline_map", height=430)
    if clicked:
        st.session_state[PICK] = clicked
    st.caption("Indicative route. Click a segment or a town for its record.")
with facts_col:
    for row in totals.itertuples():
        st.metric(f"{row.section} section — {row.status}",
                  f"{row.reported_km:,.0f} km reported",
                  help=f"{row.segments} segment(s); {row.measured_km:,.1f} km measured along the indicative "
                       f"route ({row.diff_pct:+.1f}%)")
    capacities = sorted({c for c in route["capacity"] if isinstance(c, str) and c.strip()})
    if capacities:
        st.markdown("**Contracted capacity:** " + md_escape("; ".join(capacities)))

st.subheader("Segments")
table = infrastructure.segment_table(route)
st.caption("Geodesic length measured on the WGS84 ellipsoid from the drawn geometry. "
           "Select a row to read the segment's full record with its sources.")
st.dataframe(
    table[["seq", "segment", "section", "status", "reported_km", "measured_km", "diff_pct", "diameter_in",
           "date", "sources"]],
    hide_index=True, width="stretch", key="pipeline_segments", selection_mode="single-row",
    on_select=partial(_picked_row, table["id"].tolist()),
    column_config={
        "seq": st.column_config.NumberColumn("#", width=40),
        "segment": st.column_config.TextColumn("Segment", width="large"),
        "section": st.column_config.TextColumn("Section", width=80),
        "status": st.column_config.TextColumn("Status", width=110),
        "reported_km": st.column_config.NumberColumn("Reported km", format="%.0f", width=100),
        "measured_km": st.column_config.NumberColumn("Measured km", format="%.1f", width=100),
        "diff_pct": st.column_config.NumberColumn("Difference", format="%+.1f%%", width=90),
        "diameter_in": st.column_config.NumberColumn("Diameter (in)", format="%.0f", width=100),
        "date": st.column_config.DateColumn("Date", width=100),
        "sources": st.column_config.TextColumn("Sources", width="medium"),
    },
)
pick = st.session_state.get(PICK)
if pick:
    record = data.load(pick[0]).gdf if pick[0] in ("pipeline", "towns") else None
    rows = record[record["id"] == pick[1]] if record is not None else []
    if len(rows):
        with st.container(border=True):
            show_record(pick[0], rows.iloc[0].to_dict())

st.subheader("The penalty clause: what the sources claim, and what the arithmetic gives")
st.markdown(
    "Under the gas sales and purchase agreement Pakistan owes Iran a penalty for not taking gas from "
    "1 January 2015. The sources disagree on the rate, and on the totals. Choose a rate and the dates; "
    "the chart sets the liability that rate adds up to beside the figures the sources claim."
)
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)

c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
c1.selectbox("Start from a source's rate", list(PRESETS), key=KEYS["preset"], on_change=_apply_preset)
c2.number_input("Assumed rate (US$ million)", min_value=0.0, max_value=100_000.0, step=0.5, format="%.2f",
                key=KEYS["rate"], on_change=_mark_custom)
c2.radio("charged", list(PER_LABELS), format_func=PER_LABELS.get, key=KEYS["per"], horizontal=True,
         on_change=_mark_custom)
c3.date_input("Penalty runs from", min_value=DATE_MIN, max_value=DATE_MAX, key=KEYS["start"],
              on_change=_mark_custom)
c4.date_input("As of (last day counted)", min_value=DATE_MIN, max_value=DATE_MAX, key=KEYS["end"])

rate_usd = float(st.session_state[KEYS["rate"]]) * 1e6
per = st.session_state[KEYS["per"]]
start, end = st.session_state[KEYS["start"]], st.session_state[KEYS["end"]]
if end < start:
    st.warning("The 'as of' date is before the start date: no penalty has accrued.")
schedule = penalty.penalty_schedule(rate_usd, start, end, per)
total = float(schedule["cumulative"].iloc[-1]) if len(schedule) else 0.0
days = int(schedule["days"].sum())

m1, m2, m3 = st.columns(3)
m1.metric("Liability at the assumed rate", penalty.money(total))
m2.metric("Days counted", f"{days:,}", help=f"{start.isoformat()} to {end.isoformat()}, both included")
m3.metric("Rate per day", penalty.money(total / days if days else penalty.per_day(rate_usd, per)),
          help="for a yearly rate: the total spread over the days counted")

st.altair_chart(penalty.liability_chart(rate_usd, start, end, per), width="stretch", key="penalty_chart")

check = penalty.article_check()
st.warning(
    f"**The article's figure does not follow from its own rate.** \"\\$1 billion for each year from 2014 "
    f"onwards\" gives {check.years_counted} years to the end of 2023 (2014 to 2023, both included), that is "
    f"**{md_escape(penalty.money(check.total_at_stated_rate))}**, not "
    f"{md_escape(penalty.money(check.claimed_total, 0))}. At \\$1 billion a year, \\$19 billion would take "
    f"{check.years_needed_at_stated_rate:g} years. To reach \\$19 billion by 31 December 2023 the penalty "
    f"would have to run at **{md_escape(penalty.money(check.rate_per_day_for_claim_2015))} a day** from "
    f"1 January 2015 ({md_escape(penalty.money(check.rate_per_day_for_claim_2014))} a day from 1 January "
    f"2014). For comparison, ProPakistani's \\$1 million a day from 2015 adds up to "
    f"{md_escape(penalty.money(check.total_at_1m_per_day))} by the end of 2023, and the Financial Tribune's "
    f"ceiling of \\$3 million a day to {md_escape(penalty.money(check.total_at_3m_per_day))}."
)

sched_col, claims_col = st.columns([2, 3], gap="medium")
with sched_col:
    st.markdown("**Your schedule, year by year**")
    st.dataframe(
        schedule[["year", "days", "amount", "cumulative"]].assign(
            amount=lambda f: f["amount"] / 1e6, cumulative=lambda f: f["cumulative"] / 1e6),
        hide_index=True, width="stretch", key="penalty_schedule",
        column_config={
            "year": st.column_config.NumberColumn("Year", format="%d"),
            "days": st.column_config.NumberColumn("Days"),
            "amount": st.column_config.NumberColumn("Amount (US$ m)", format="%,.1f"),
            "cumulative": st.column_config.NumberColumn("Cumulative (US$ m)", format="%,.1f"),
        },
    )
with claims_col:
    st.markdown("**What the sources say**")
    claims = penalty.claim_table(end if end >= start else start)
    rows_md = []
    for c in claims.itertuples():
        if c.kind == "rate":
            figure = f"{penalty.money(c.amount_usd, 0)} per {c.per}"
            implied = penalty.money(c.implied_total_usd)
        elif c.kind == "total":
            figure = f"{penalty.money(c.amount_usd, 0)} in total"
            implied = "–"
        else:
            figure, implied = f"until {c.as_of.isoformat()}", "–"
        rows_md.append({
            "Source": md_link(f"{c.outlet} ({c.published})", c.url) if isinstance(c.url, str) else
            md_escape(f"{c.outlet} ({c.published}; no link in our copy)"),
            "Says": md_escape(c.statement) + (f" — _{md_escape(c.note)}_" if c.note else ""),
            "Figure": md_escape(figure),
            f"Adds up to by {end.isoformat()}": md_escape(implied),
        })
    st.table(pd.DataFrame(rows_md), hide_index=True)
    st.caption("A rate given without a start date is counted from 1 January 2015, when the penalty "
               "is reported to begin. The 2019 amendment suspended arbitration and compensation claims "
               "until 26 August 2024; whether the penalty accrues meanwhile is not stated in the sources.")
