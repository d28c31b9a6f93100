"""Gas pipeline: the route, reported against measured segment lengths, and the penalty clause."""

from datetime import date

import pandas as pd
import streamlit as st

from geo import penalty
from ui import data
from ui.assets import ensure_assets
from ui.map_panel import show_map
from ui.record_panel import record_panel
from ui.safe_text import md_escape, md_link, prose, safe
from ui.selection import page_selection, pick_list
from ui.shell import ensure_app_shell
from views import infrastructure, penalty_chart
from views.map import page_maps

ensure_app_shell()

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
    "ProPakistani: US$1 m a day from 2015": (1.0, "day", penalty.FIRST_GAS_DUE),
    "Financial Tribune: up to US$3 m a day": (3.0, "day", penalty.FIRST_GAS_DUE),
    "Source article: US$1 bn a year from 2014": (1000.0, "year", penalty.ARTICLE_START),
    "My own assumption": None,
}
DEFAULTS = {
    KEYS["rate"]: 1.0,
    KEYS["per"]: "day",
    KEYS["start"]: penalty.FIRST_GAS_DUE,
    KEYS["end"]: date(2023, 12, 31),
    KEYS["preset"]: next(iter(PRESETS)),
}
DATE_MIN, DATE_MAX = date(2009, 1, 1), date(2035, 12, 31)
RECORD_KEY = "pipeline_record"  # the list of segments
SELECTED = "pipeline_selection"  # the segment or town picked on the map or in the list


def _apply_preset() -> None:
    chosen = PRESETS.get(st.session_state[KEYS["preset"]])
    if chosen:
        rate, per, start = chosen
        st.session_state[KEYS["rate"]] = rate
        st.session_state[KEYS["per"]] = per
        st.session_state[KEYS["start"]] = start


def _mark_custom() -> None:
    st.session_state[KEYS["preset"]] = "My own assumption"


st.title("Iran–Pakistan gas pipeline")

pipeline = data.load("pipeline")
if pipeline.error:
    data.show_errors({"pipeline": pipeline})
    st.stop()
route = pipeline.gdf

totals = infrastructure.section_totals(route)
st.markdown(prose(infrastructure.pipeline_lead(route)))

layers = {k: data.load(k).gdf for k in page_maps.PIPELINE_LAYERS}
built = page_maps.pipeline_map(layers, asset_base=ensure_assets())
selection = page_selection(SELECTED)
clicked = show_map(built, selected=selection.feature, key="pipeline_map", height=built.summary["height"])
if clicked and clicked[0] in ("pipeline", "towns"):  # the other layers drawn here have their own pages
    selection.select(*clicked)
st.caption(
    "Indicative route: straight lines between the places the sources name. Click a segment or a town for its record."
)
cols = st.columns(len(totals) + 1)
for col, row in zip(cols, totals.itertuples(), strict=False):
    col.metric(
        safe("{}: {}", row.section, row.status),
        f"{row.reported_km:,.0f} km",
        help=safe("Length the sources report for the {} section; ", row.section) + f"{row.segments} segment(s); "
        f"{row.measured_km:,.1f} km measured along the "
        f"indicative route ({row.diff_pct:+.1f}%)",
    )
capacities = sorted({c for c in route["capacity"] if isinstance(c, str) and c.strip()})
with cols[-1]:
    st.markdown("**Contracted capacity**  \n" + (md_escape("; ".join(capacities)) or "not reported"))

st.subheader("Segments")
table = infrastructure.segment_table(route)
st.caption(
    "Geodesic length measured on the WGS84 ellipsoid from the drawn geometry. "
    "Reported lengths as the sources give them."
)
st.table(
    pd.DataFrame(
        {
            "Segment": table["segment"].map(md_escape),
            "Section": table["section"].map(md_escape),
            "Status": table["status"].map(md_escape),
            "Reported km": [md_escape(t) if t else "–" for t in table["length_reported_text"]],
            "Measured km": table["measured_km"].map("{:,.1f}".format),
            "Difference": [f"{d:+.1f}%" if pd.notna(d) else "–" for d in table["diff_pct"]],
            "Diameter": [f"{d:g} in" if pd.notna(d) else "–" for d in table["diameter_in"]],
            "Date": [
                md_escape(f"{d.isoformat()} ({n})" if n else d.isoformat()) if d else "–"
                for d, n in zip(table["date"], table["date_note"], strict=True)
            ],
        }
    ),
    hide_index=True,
)
segments = dict(zip(table["id"], table["segment"], strict=True))
pick_list(
    "Full record of a segment",
    [("pipeline", i) for i in segments],
    selection,
    RECORD_KEY,
    describe=lambda p: f"{p[1]} — {segments[p[1]]}",
    placeholder="Choose a segment, or click one on the map",
)
record_panel(selection.feature, key="pipeline_record_panel", map_link_shown=False, distance=False, scroll=False)

st.subheader("The penalty clause: what the sources claim, and what the arithmetic gives")
st.markdown(
    md_escape(penalty.CLAUSE) + " Choose a rate and the dates; the chart sets the liability that rate adds up to "
    "beside the figures the sources claim."
)
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)

st.selectbox(
    "Start from a source's rate",
    list(PRESETS),
    key=KEYS["preset"],
    on_change=_apply_preset,
    help="Each rate starts where its source says; one that gives no start is counted from 1 January 2015.",
)
c2, c3, c4 = st.columns(3)
c2.number_input(
    "Assumed rate (US$ million)",
    min_value=0.0,
    max_value=100_000.0,
    step=0.5,
    format="%.2f",
    key=KEYS["rate"],
    on_change=_mark_custom,
)
c2.radio(
    "Rate charged",
    list(PER_LABELS),
    format_func=PER_LABELS.get,
    key=KEYS["per"],
    horizontal=True,
    on_change=_mark_custom,
)
c3.date_input("Penalty runs from", min_value=DATE_MIN, max_value=DATE_MAX, key=KEYS["start"], on_change=_mark_custom)
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
m3.metric(
    "Rate per day",
    penalty.money(total / days if days else penalty.per_day(rate_usd, per)),
    help="for a yearly rate: the total spread over the days counted",
)

st.altair_chart(penalty_chart.liability_chart(rate_usd, start, end, per), width="stretch", key="penalty_chart")

finding, arithmetic = penalty.article_check().finding()
st.warning(f"**{md_escape(finding)}** {md_escape(arithmetic)}")

st.markdown("**What the sources say, side by side**")
claims = penalty.claim_table(end if end >= start else start)
claims = claims.assign(order=claims["kind"].map({"rate": 0, "total": 1, "condition": 2}))
claims = claims.sort_values(["order", "amount_usd"], kind="stable")
rows_md = []
for c in claims.itertuples():
    if c.kind == "rate":
        figure = (
            f"{penalty.money(c.amount_usd, 0)} per {c.per}: {penalty.money(c.implied_total_usd)} by {end.isoformat()}"
        )
    elif c.kind == "total":
        figure = f"{penalty.money(c.amount_usd, 0)} in total"
    else:
        figure = f"until {c.as_of.isoformat()}"
    rows_md.append(
        {
            "Source": md_link(f"{c.outlet} ({c.published})", c.url)
            if isinstance(c.url, str)
            else md_escape(f"{c.outlet} ({c.published}; no link in our copy)"),
            "Figure": md_escape(figure),
            "Says": md_escape(c.statement) + (f" — _{md_escape(c.note)}_" if c.note else ""),
        }
    )
st.table(pd.DataFrame(rows_md), hide_index=True)
st.caption(
    "A rate given without a start date is counted from 1 January 2015, when the penalty "
    "is reported to begin. The 2019 amendment suspended arbitration and compensation claims "
    "until 26 August 2024; whether the penalty accrues meanwhile is not stated in the sources."
)

st.markdown("**Your assumption, year by year**")
st.table(
    pd.DataFrame(
        {
            "Year": schedule["year"].astype(str),
            "Days": schedule["days"].map("{:,}".format),
            "Amount (US$ m)": (schedule["amount"] / 1e6).map("{:,.1f}".format),
            "Cumulative (US$ m)": (schedule["cumulative"] / 1e6).map("{:,.1f}".format),
        }
    ),
    hide_index=True,
)
