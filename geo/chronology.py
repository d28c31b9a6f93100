"""Every dated event on one timeline, by track: security, diplomacy, infrastructure & trade.

The incidents layer holds all dated events (security incidents, visits, agreements,
inaugurations, pipeline milestones), each with a track; dated features of the other layers
(markets opened, pipeline sections approved) are already events there, so they are not read twice.
Rows without a track (imported files) get one from their category.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import geopandas as gpd
import pandas as pd

from geo.filters import IncidentFilter, apply_filter
from geo.schema import CATEGORIES, CATEGORY, OTHER_CATEGORY, TRACKS

OTHER_TRACK = "other"
TRACK_ORDER = (*TRACKS, OTHER_TRACK)
_CATEGORY_TRACK = {c.name: c.track for c in CATEGORIES if c.track}
MARK_LIMIT = 4000  # the chart draws at most this many events (a browser chokes on 100,000 marks)
EVENT_COLUMNS = (
    "id",
    "track",
    "category",
    "title",
    "date_start",
    "date_end",
    "date_precision",
    "country",
    "place",
    "fatalities",
)


def track_for_category(category) -> str:
    """The track a record of this category belongs on when it names none."""
    return _CATEGORY_TRACK.get(category, OTHER_TRACK)


def events(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per dated event, oldest first (ties by id): the columns in EVENT_COLUMNS."""
    derived = gdf["category"].map(track_for_category)
    track = gdf["track"].where(gdf["track"].isin(TRACK_ORDER), derived) if "track" in gdf.columns else derived
    fatalities = (
        gdf["fatalities_best"].astype("Int64")
        if "fatalities_best" in gdf.columns
        else pd.Series(pd.NA, index=gdf.index, dtype="Int64")
    )
    out = pd.DataFrame(
        {
            "id": gdf["id"].astype(str),
            "track": track,
            "category": gdf["category"],
            "title": gdf["title"],
            "date_start": gdf["date_start"].astype("datetime64[ns]"),
            "date_end": gdf["date_end"].fillna(gdf["date_start"]).astype("datetime64[ns]"),
            "date_precision": gdf["date_precision"] if "date_precision" in gdf.columns else None,
            "country": gdf["country"],
            "place": gdf["place"] if "place" in gdf.columns else None,
            "fatalities": fatalities,
        },
        index=gdf.index,
    )
    out = out[out["date_start"].notna()]
    return out.sort_values(["date_start", "id"], kind="stable").reset_index(drop=True)[list(EVENT_COLUMNS)]


def thin_for_chart(ev: pd.DataFrame, limit: int = MARK_LIMIT) -> tuple[pd.DataFrame, dict[str, int]]:
    """At most `limit` events for the chart, and per track how many were left out.

    Tracks that fit their share of the limit are drawn whole (the smallest first, so diplomacy is
    never crowded out by violence); a track that does not keeps its deadliest events, the newest
    first among equals. The result stays in ev's order.
    """
    if len(ev) <= limit:
        return ev, {}
    sizes = ev["track"].value_counts().sort_values(kind="stable")
    budget, keep, left_out = limit, [], {}
    for n, (track, size) in enumerate(sizes.items()):
        quota = budget // (len(sizes) - n)
        rows = ev[ev["track"] == track]
        if size > quota:
            ranked = rows.assign(_f=rows["fatalities"].astype("float").fillna(-1))
            rows = ranked.sort_values(["_f", "date_start"], ascending=False, kind="stable").head(quota)
            left_out[str(track)] = int(size - quota)
        keep.append(rows.index)
        budget -= len(rows)
    return ev.loc[sorted(idx for part in keep for idx in part)], left_out


@dataclass(frozen=True)
class ChronologyView:
    """What the chronology shows for one filter."""

    shown: gpd.GeoDataFrame  # the records matching the filter
    events: pd.DataFrame  # their events
    drawn: pd.DataFrame  # the events the chart draws (see thin_for_chart)
    left_out: dict[str, int] = field(default_factory=dict)

    def thinning(self) -> str | None:
        """What the chart leaves out, in words (None when it draws every event)."""
        if not self.left_out:
            return None
        parts = [
            f"the {track} track leaves out {n:,} of its {int((self.events['track'] == track).sum()):,}"
            for track, n in self.left_out.items()
        ]
        return (
            f"The chart draws {len(self.drawn):,} of the {len(self.events):,} events, keeping whole the "
            f"tracks that fit and the deadliest events of the others: {'; '.join(parts)}."
        )


def chronology_view(incidents: gpd.GeoDataFrame, f: IncidentFilter, limit: int = MARK_LIMIT) -> ChronologyView:
    """The chronology page's figures for the filtered incidents, thinned to at most limit marks."""
    shown = apply_filter(incidents, f)
    ev = events(shown)
    drawn, left_out = thin_for_chart(ev, limit)
    return ChronologyView(shown, ev, drawn, left_out)


def track_counts(shown: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """Per track: events shown after filtering, of how many, and the first and last date shown."""
    rows = []
    for track in TRACK_ORDER:
        s, t = shown[shown["track"] == track], total[total["track"] == track]
        if t.empty and track == OTHER_TRACK:
            continue
        rows.append(
            {
                "track": track,
                "shown": len(s),
                "total": len(t),
                "first": s["date_start"].min() if len(s) else pd.NaT,
                "last": s["date_end"].max() if len(s) else pd.NaT,
            }
        )
    return pd.DataFrame(rows, columns=["track", "shown", "total", "first", "last"])


def default_window(
    start: pd.Series, end: pd.Series, years: int = 5, longer_than: int = 8
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The period a timeline opens on: the last `years` years when the dates span more than `longer_than`.

    None means "show everything". The overview strip under the chart still shows the whole period.
    """
    first, last = start.min(), end.max()
    if pd.isna(first) or pd.isna(last) or last - first <= pd.Timedelta(days=365 * longer_than):
        return None
    return (last - pd.DateOffset(years=years)).normalize(), (last + pd.DateOffset(months=1)).normalize()


def _datetime(ts: pd.Timestamp) -> alt.DateTime:
    return alt.DateTime(year=ts.year, month=ts.month, date=ts.day)


def zoom_brush(window: tuple[pd.Timestamp, pd.Timestamp] | None, name: str = "zoom") -> alt.Parameter:
    """An x interval selection, opened on window (None: no initial brush, everything shown)."""
    if window is None:
        return alt.selection_interval(name=name, encodings=["x"])
    return alt.selection_interval(name=name, encodings=["x"], value={"x": [_datetime(w) for w in window]})


def overview_strip(chart: alt.Chart, field: str, brush: alt.Parameter, width) -> alt.Chart:
    """A thin full-period strip carrying the zoom brush."""
    title = "Whole period: drag across this strip to choose the period shown above; double-click shows all"
    return (
        chart.encode(
            x=alt.X(
                field,
                title=title,
                axis=alt.Axis(
                    format="%Y",
                    tickCount="year",
                    labelOverlap=True,
                    labelFontSize=11,
                    titleFontWeight="normal",
                    titleColor="#555",
                ),
            ),
        )
        .add_params(brush)
        .properties(height=40, width=width)
    )


def timeline_chart(ev: pd.DataFrame, selection_name: str = "event", width: int | str = "container") -> alt.VConcatChart:
    """Events as points on one row per track (categories offset within the row), above an
    overview strip whose brush sets the period shown.

    Colour: category; size: fatalities; a square marks an event that spans more than one day
    (its dates are in the tooltip). Clicking a point selects it through the point selection
    named selection_name (field "id"). One mark per view: Streamlit stretches a concatenated
    chart to the page only when no view is layered.
    """
    data = ev.assign(
        date_label=ev["date_start"].dt.strftime("%Y-%m-%d")
        + ev["date_end"].where(ev["date_end"] != ev["date_start"]).dt.strftime(" to %Y-%m-%d").fillna(""),
        span=(ev["date_end"] > ev["date_start"]).map({True: "several days or more", False: "one day"}),
        fatalities_shown=ev["fatalities"].astype("float").fillna(0),
    )
    present = [t for t in TRACK_ORDER if t in set(data["track"])]
    categories = [c.name for c in CATEGORIES if c.name in set(data["category"])]
    categories += sorted(set(data["category"].dropna()) - set(categories))
    pick = alt.selection_point(name=selection_name, fields=["id"], on="click", clear="dblclick")
    zoom = zoom_brush(default_window(data["date_start"], data["date_end"]))
    color = alt.Color(
        "category:N",
        title="Category",
        scale=alt.Scale(domain=categories, range=[CATEGORY.get(c, OTHER_CATEGORY).colour for c in categories]),
        legend=alt.Legend(
            orient="bottom",
            columns=5,
            labelLimit=200,
            labelFontSize=12,
            symbolType="circle",
            symbolStrokeWidth=0,
            symbolOpacity=1,
        ),
    )
    tooltip = [
        alt.Tooltip("title:N", title="Event"),
        alt.Tooltip("date_label:N", title="Date"),
        alt.Tooltip("date_precision:N", title="Date precision"),
        alt.Tooltip("category:N", title="Category"),
        alt.Tooltip("fatalities:Q", title="Fatalities"),
        alt.Tooltip("id:N", title="ID"),
    ]
    base = alt.Chart(data)
    points = (
        base.mark_point(filled=True, stroke="#222", strokeWidth=0.5, clip=True)
        .encode(
            x=alt.X(
                "date_start:T",
                title=None,
                scale=alt.Scale(domain={"param": zoom.name}),
                axis=alt.Axis(labelFontSize=12, labelOverlap=True),
            ),
            y=alt.Y("track:N", sort=present, title=None, axis=alt.Axis(labelFontSize=13, labelLimit=180)),
            yOffset=alt.YOffset("category:N", sort=categories),
            color=color,
            shape=alt.Shape(
                "span:N",
                title="Dates",
                scale=alt.Scale(domain=["one day", "several days or more"], range=["circle", "square"]),
                legend=alt.Legend(
                    orient="top", direction="horizontal", labelFontSize=12, symbolFillColor="#777", symbolStrokeWidth=0
                ),
            ),
            size=alt.Size(
                "fatalities_shown:Q", title="Fatalities", scale=alt.Scale(range=[60, 600], zero=True), legend=None
            ),
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.3)),
            tooltip=tooltip,
        )
        .add_params(pick)
        .properties(height=120 * max(len(present), 1), width=width)
    )
    strip = overview_strip(base.mark_tick(thickness=2, size=14).encode(color=color), "date_start:T", zoom, width)
    return alt.vconcat(points, strip, spacing=14)
