"""Chronology: every dated event on one timeline, one row per track, with the sidebar filters applied.

Diplomacy, violence and infrastructure side by side; click an event (or pick it from the list) for its record.
"""

from dataclasses import replace

import pandas as pd
import streamlit as st

from geo import chronology
from geo.filters import IncidentFilter
from ui import cached_charts, duplicates, queries
from ui.filters import current_filter, explain_empty
from ui.record_panel import record_panel
from ui.safe_text import md_escape, safe
from ui.selection import page_selection, pick_list
from ui.shell import ensure_app_shell
from ui.tables import grid_pair, pager
from views.chronology import events_of, opening_years, period_view
from views.incident_table import page_count

ensure_app_shell()

CHART_KEY = "chronology_chart"
PICK_KEY = "chronology_event"  # the list of events to pick from
SELECTED = "chronology_selection"  # the event picked on the chart or in the list
PICK_LIMIT = 3000  # above this many events the list is left out (the chart still selects)
TABLE_PAGE_KEY = "chronology_table_page"  # back to page 1 when the filter changes
TABLE_OPEN_KEY = "chronology_table_open"  # the table's expander: open or not
PERIOD_KEY = "chronology_years"  # the years the chart shows
PERIOD_OF = "_chronology_years_of"  # the span of years the period's choices were made for


def _from_chart() -> None:
    """A click on the chart selects its event (runs before the page is drawn again)."""
    state = st.session_state.get(CHART_KEY)
    picked = (state or {}).get("selection", {}).get("event") or []
    if picked and picked[0].get("id"):
        page_selection(SELECTED).select("incidents", picked[0]["id"])


def _label(ev: pd.DataFrame) -> dict[str, str]:
    return {str(row.id): f"{row.date_start:%Y-%m-%d} · {row.track} · {row.title}" for row in ev.itertuples()}


def _event_table(q, matching: int, f: IncidentFilter) -> None:
    """The events of filter f as a paged table, wide and phone versions (page 1 again when f changes)."""
    if page_count(matching) <= 1:
        ev = _events(q)
    else:  # one page of rows at a time: a browser grid of 100,000 rows takes seconds to arrive
        paging = pager(matching, TABLE_PAGE_KEY, f)
        ev = _events(replace(q, limit=paging.size, offset=paging.offset))
        st.caption("Events {:,}–{:,}, oldest first".format(*paging.span(len(ev))))
    from_column = st.column_config.DateColumn("From", format="YYYY-MM-DD", width=86)
    grid_pair(
        ev,
        "chronology",
        wide={
            "key": "chronology_table",
            "column_order": ["date_start", "date_end", "track", "category", "title", "date_precision", "fatalities"],
            "column_config": {
                "date_start": from_column,
                "date_end": st.column_config.DateColumn("To", format="YYYY-MM-DD", width=86),
                "track": st.column_config.TextColumn("Track", width=110),
                "category": st.column_config.TextColumn("Category", width=100),
                "title": st.column_config.TextColumn("Title", width=260),
                "date_precision": st.column_config.TextColumn("Date precision", width=80),
                "fatalities": st.column_config.NumberColumn("Killed", width=52),
            },
        },
        narrow={
            "key": "chronology_table_narrow",
            "column_order": ["date_start", "title"],
            "column_config": {"date_start": from_column, "title": st.column_config.TextColumn("Title", width=190)},
        },
        hide_index=True,
        width="stretch",
        placeholder="–",
    )


def _period(span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The years the chart shows, chosen on a slider that opens on the last five years of a long span."""
    if span is None or span[0] == span[1]:
        return span
    if st.session_state.get(PERIOD_OF) != span or PERIOD_KEY not in st.session_state:  # other data or filters
        st.session_state[PERIOD_OF] = span
        st.session_state[PERIOD_KEY] = opening_years(span)
    first, last = st.slider(
        "Years shown on the chart",
        min_value=span[0],
        max_value=span[1],
        step=1,
        key=PERIOD_KEY,
        help="The chart draws the events of these years (all of them, or an even sample when there are too many).",
    )
    return int(first), int(last)


def _events(q) -> pd.DataFrame:
    """The query's events (chronology.events), oldest first."""
    return events_of(queries, q)


st.title("Chronology")
queries.ready_or_stop()

f = current_filter()
everything, matching_q = queries.query(), queries.query(f)
counts = chronology.track_counts_of(
    queries.aggregate(matching_q, ("track", "month")), queries.aggregate(everything, "track")
)
matching, total = int(counts["shown"].sum()), int(counts["total"].sum())
st.caption(
    f"**{matching:,} of {total:,}** dated events match the sidebar filters: {md_escape(f.describe())}. "
    + duplicates.treatment()
)

for col, row in zip(st.columns(len(counts)), counts.itertuples(), strict=True):
    span = f"{row.first:%Y}–{row.last:%Y}" if row.shown else "none shown"
    col.metric(
        f"{row.track.capitalize()} ({row.total:,})",
        f"{row.shown:,}",
        help=f"{row.shown:,} of the {row.total:,} events on this track match the filters; dates: {span}",
    )
hidden = counts[counts["shown"] < counts["total"]]
if f.min_fatalities and not hidden.empty:
    st.caption("The minimum-fatalities filter hides events without reported deaths, such as visits and agreements.")

if not matching:
    explain_empty(f)
    st.stop()

shown_range = queries.span(matching_q)
years = _period(chronology.span_years(*shown_range))
view = period_view(queries, queries.query(chronology.period_filter(f, years)), years, matching)
chart = cached_charts.chronology_chart(view.drawn, view.density)
st.altair_chart(
    chart,
    width="stretch",
    key=CHART_KEY,
    on_select=_from_chart,
    selection_mode="event",
)
thinning = view.thinning()
if thinning:
    note = " Every matching event is in the counts above and the table below."
    (st.warning if view.left_out else st.info)(safe("{}", thinning + note), icon=":material/filter_list:")
st.caption(
    "Each row is a track; colour is the category, size the fatalities, a square an event of several days "
    "or more. A long period opens on its last five years: choose the years above the chart. "
    "Point at an event for its details; click or tap it to open its record below."
)

listed = matching <= PICK_LIMIT
labels = _label(_events(matching_q)) if listed else {}
selection = page_selection(SELECTED)
picked = selection.feature
if picked is not None and not (picked[1] in labels if listed else queries.matches(picked[1], f)):
    selection.clear()  # the filters or the years no longer show it
if listed:
    pick_list(
        "Event",
        [("incidents", i) for i in labels],
        selection,
        PICK_KEY,
        describe=lambda p: labels[p[1]],
        placeholder="Click an event on the chart, or pick one here",
    )
else:
    st.caption(f"{matching:,} events match: click one on the chart, or narrow the filters to pick from a list.")
record_panel(selection.feature, key="chronology_record", flt=f)

# The table is built only while its expander is open: a first visit does not wait for two grids nobody opened.
table_box = st.expander("All events shown, as a table", key=TABLE_OPEN_KEY, on_change="rerun")
if table_box.open:
    with table_box:
        _event_table(matching_q, matching, f)
