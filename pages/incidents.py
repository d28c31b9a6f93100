"""Incidents explorer: headline figures, monthly timeline, a sortable table, the selected record, exports.

Everything follows the shared sidebar filters (drawn in app.py), keyword search included.
"""

import hashlib
from dataclasses import replace

import streamlit as st

from geo import export, incident_stats
from geo.near import distance_columns
from ui import cached_charts, duplicates, queries, url_state
from ui.filters import COUNTRY_NAMES, current_filter, explain_empty
from ui.links import INCIDENT_PARAM
from ui.record_panel import record_panel
from ui.safe_text import md_escape, safe
from ui.selection import page_selection
from ui.shell import ensure_app_shell
from ui.tables import grid_pair, pager, picked_row, place_label, shorten
from views import incident_table

ensure_app_shell()

TABLE_KEY = "incidents_table"
NARROW_TABLE_KEY = "incidents_narrow_table"  # the same rows for a phone: date, title, deaths
SELECTED = "explorer_selection"  # the incident picked in the table or named by the link; kept across filter changes
SORT_KEY, PAGE_KEY = "explorer_sort", "explorer_page"  # the page number goes back to 1 when filter or order change
SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "deadliest": "Most killed first",
    "title": "Title A–Z",
}
SPLIT_KEY = "explorer_split_by_grade"  # the monthly chart coloured by verification grade
CSV_KEY, GEOJSON_KEY = "download_incidents_csv", "download_incidents_geojson"


st.title("Incidents explorer")
everything = queries.ready_or_stop()

f = current_filter()
selection = page_selection(SELECTED, linked=True)
selection.follow_link()  # ?incident=ID: a shared link, a bookmark
matching = queries.query(f)
h = incident_stats.headline_of(
    queries.summary(matching),
    queries.aggregate(matching, "country_value"),
    queries.aggregate(matching, "precision"),
)
events, treated = duplicates.counted(h.events, f)  # a confirmed duplicate once, when the sidebar says so
st.caption(
    f"**{events:,} of {everything:,}** events match the sidebar filters: {md_escape(f.describe())}. "
    f"Events include diplomacy and infrastructure milestones as well as security incidents. {treated}"
)

# --- headline figures ---------------------------------------------------------------------------
cols = st.columns(5)
cols[0].metric("Events", events, help=f"{h.security_incidents} of them are security incidents")
cols[1].metric(
    "Fatalities", h.fatalities, help=f"Sum of the best estimates; {h.with_fatality_figure} events report a figure."
)
for col, (side, value) in zip(cols[2:], h.by_side.items(), strict=True):
    col.metric(f"Killed: {side}", value)
if h.unattributed:
    st.caption(f"{h.unattributed} fatalities are reported without saying on which side.")

left, right = st.columns([3, 2])
with left:
    st.markdown("**By country**")
    st.dataframe(
        [
            {
                "Country": incident_stats.country_label(c.country, COUNTRY_NAMES),
                "Events": c.events,
                "Fatalities": c.fatalities,
            }
            for c in h.by_country
        ],
        hide_index=True,
        width="stretch",
        height="auto",
    )
with right:
    share = f" ({h.approximate_share:.0%})" if h.approximate_share is not None else ""
    st.metric(
        "Not located exactly",
        f"{h.approximate} of {h.events}{share}",
        help="Events placed at a town or district centre, near a place, approximately, or not at all "
        "(location precision other than 'exact').",
    )
    if h.by_precision:  # nothing to list when no event matches
        st.caption(
            "By location precision: "
            + " · ".join(f"{md_escape(p)} {n}" for p, n in h.by_precision)
            + "."
            + (f" The {h.unlocated} unlocated have no point and are not drawn on the map." if h.unlocated else "")
        )
    by_grade = incident_stats.by_grade(queries.aggregate(matching, "grade"))
    if by_grade:
        st.caption("By verification: " + " · ".join(f"{md_escape(g)} {n:,}" for g, n in by_grade) + ".")

# --- timeline ---------------------------------------------------------------------------------
split_head, split_col = st.columns([4, 2], vertical_alignment="bottom")
by_grade = split_col.toggle(
    "Split by verification", key=SPLIT_KEY, help="Colour the bars by verification grade instead of country"
)
split_head.subheader("Per month, by verification" if by_grade else "Per month, by country")
months = incident_stats.monthly_of(queries.aggregate(matching, ("month", "grade" if by_grade else "country_value")))
if months.empty:
    explain_empty(f)
else:
    st.altair_chart(cached_charts.monthly_chart(months, COUNTRY_NAMES), width="stretch")

# --- table and exports ------------------------------------------------------------------------
read_matching = queries.reader(matching)  # read when a download is clicked, outside this run
dup_note = duplicates.treatment()  # the exports say how duplicates across datasets were treated
head, csv_col, geo_col = st.columns([4, 1.4, 1.6], vertical_alignment="bottom")
head.subheader("Events")
if h.events:  # no empty files to download when no event matches
    csv_col.download_button(
        f"CSV ({h.events})",
        data=lambda: export.to_csv_zip(read_matching(), f, dup_note),
        file_name="pkir-incidents.zip",
        mime="application/zip",
        key=CSV_KEY,
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        help="Exactly the filtered events: a zip of the CSV (header first) and CITATION.txt, its attribution.",
    )
    geo_col.download_button(
        f"GeoJSON ({h.events})",
        data=lambda: export.to_geojson(read_matching(), f, dup_note),
        file_name="pkir-incidents.geojson",
        mime="application/geo+json",
        key=GEOJSON_KEY,
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        help="Exactly the filtered events; attribution in the top-level 'attribution' member.",
    )

sort_col, page_col, count_col = st.columns([2, 1.2, 2.2], vertical_alignment="bottom")
url_state.page_param("sort", SORT_KEY, lambda t: t if t in SORT_LABELS else None, default="newest")
sort = sort_col.selectbox("Order", list(SORT_LABELS), format_func=SORT_LABELS.get, key=SORT_KEY)
paging = pager(h.events, PAGE_KEY, (f, sort), where=page_col)
shown_page = queries.frame(
    replace(
        matching,
        columns=incident_table.TABLE_SOURCE_COLUMNS,
        order=incident_table.TABLE_ORDERS[sort],
        limit=paging.size,
        offset=paging.offset,
    )
)
rows = incident_table.table_rows(shown_page, ordered=True).reset_index(drop=True)
# a cell shows about four wrapped lines: longer texts end in "…" instead of being cut off unmarked;
# place and province share a column, so every column keeps its width on a 1280 px screen
cells = rows.assign(
    title=rows["title"].map(lambda t: shorten(t, 88)),
    place=[shorten(place_label(p, a), 72) for p, a in zip(rows["place"], rows["province"], strict=True)],
    **distance_columns(shown_page.geometry, f.near),
)
first, last = paging.span(len(rows))
count_col.caption(f"Rows {first:,}–{last:,} of {h.events:,}")
ids = rows["id"].tolist()
# A new key whenever the rows change, so a selection never points at another row than the one clicked.
digest = hashlib.blake2b("\n".join(ids).encode(), digest_size=6).hexdigest()
picked = selection.feature[1] if selection.feature else None
position = ids.index(picked) if picked in ids else None
default = {"selection": {"rows": [position]}} if position is not None else None
# rows taller than 4rem let Streamlit wrap long text instead of cutting it off
ROW_HEIGHT = 80
st.caption(
    "Tick a row to see its full record below. Order and page choose the rows shown; "
    "a click on a column header sorts this page only."
)
common = {
    "on_select": "rerun",
    "selection_mode": "single-row",
    "selection_default": default,
    "hide_index": True,
    "width": "stretch",
    "height": 38 + ROW_HEIGHT * min(len(rows), 8),
    "row_height": ROW_HEIGHT,
    "placeholder": "–",
}
date_column = st.column_config.DateColumn("Date", format="YYYY-MM-DD", width=78)
killed_column = st.column_config.NumberColumn("Killed", width=44, help="Best estimate of fatalities")
# Both tables are keyed by the rows and the picked row: a pick in one redraws the other with it.
wide, narrow = grid_pair(
    cells,
    "explorer",
    wide={
        "key": f"{TABLE_KEY}_{digest}_{position}",
        "column_order": [
            "date",
            "title",
            "category",
            "place",
            "country",
            "fatalities",
            "km_to_border",
            *(["km_to_target"] if f.near else []),
            "precision",
            "grade",
            "source",
        ],
        "column_config": {
            "date": date_column,
            "title": st.column_config.TextColumn("Title", width=150),
            "category": st.column_config.TextColumn("Category", width=88),
            "place": st.column_config.TextColumn("Place", width=120, help="Place, then province"),
            "country": st.column_config.TextColumn("Country", width=76),
            "fatalities": killed_column,
            "km_to_border": st.column_config.NumberColumn(
                "Border km", width=52, format="%.1f", help="Geodesic distance to the Pakistan–Iran border"
            ),
            "km_to_target": st.column_config.NumberColumn(
                "Near km", width=52, format="%.1f", help="Geodesic distance to the sidebar's Near target"
            ),
            "precision": st.column_config.TextColumn("Precision", width=84, help="Location precision / date precision"),
            "grade": st.column_config.TextColumn(
                "Verification", width=84, help="Verification grade; its reason is in the record"
            ),
            "source": st.column_config.LinkColumn(
                "Source",
                width=150,  # an outlet's host such as dawn.com in full (longer ones end in …)
                display_text=r"https?://(?:www\.)?([^/]+)",
                help="The first source (opens in a new tab); all sources in the record",
            ),
        },
    },
    narrow={
        "key": f"{NARROW_TABLE_KEY}_{digest}_{position}",
        "column_order": ["date", "title", "fatalities"],
        "column_config": {
            "date": date_column,
            "title": st.column_config.TextColumn("Title", width=155),
            "fatalities": killed_column,
        },
    },
    **common,
)
changed, new_pick = picked_row((wide, narrow), ids, picked)
if changed:
    if new_pick is not None:
        selection.select("incidents", new_pick)
    else:  # the user cleared the selection of a row that is still shown
        selection.clear()
    st.rerun()

# --- the selected record ----------------------------------------------------------------------
# on this page or another of the filtered set
record = record_panel(selection.feature, key="explorer_record", flt=f)
if picked and record is None and st.query_params.get(INCIDENT_PARAM) == picked:
    st.info(safe("The link names incident “{}”, which is not among the events the filters show.", picked))
selection.shown(record is not None)
