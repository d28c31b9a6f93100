"""Altair charts of the incidents: the explorer's monthly bars and the chronology's event rows.

Both carry an overview strip under the detail view whose brush ("zoom") sets the period shown.
The explorer's opens a long period on its last five years (views.chronology.default_window) and its
bars keep only the months brushed, so the y scales follow them; the chronology page chooses its
years itself (a slider) and draws only their events, so its brush zooms within them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from geo.chronology import TRACK_ORDER
from geo.grades import grade_of
from geo.incident_stats import country_label
from geo.schema import CATEGORY, GRADE, GRADES, OTHER_CATEGORY
from views.chronology import default_window, monthly_density

MEASURE_TITLES = {"events": "Events per month", "fatalities": "Fatalities per month"}
# Below this width (a phone) legends wrap into two columns and labels are shorter, so the plot keeps
# its width: Vega subtracts whatever sticks out of the plot (a one-row legend) from a "container" width.
NARROW_PX = 600


def _by_width(narrow, wide) -> alt.ExprRef:
    """A value chosen in the browser by the chart's container width (narrow below NARROW_PX)."""
    return alt.ExprRef(f"containerSize()[0] < {NARROW_PX} ? {narrow} : {wide}")


def _datetime(ts: pd.Timestamp) -> alt.DateTime:
    return alt.DateTime(year=ts.year, month=ts.month, date=ts.day)


def zoom_brush(window: tuple[pd.Timestamp, pd.Timestamp] | None, name: str = "zoom") -> alt.Parameter:
    """An x interval selection, opened on window (None: no initial brush, everything shown)."""
    if window is None:
        return alt.selection_interval(name=name, encodings=["x"])
    return alt.selection_interval(name=name, encodings=["x"], value={"x": [_datetime(w) for w in window]})


# two lines, each short enough for a phone: a one-line title was cut off at 390 px
STRIP_TITLE = ["Drag across this strip to choose", "the months shown above;", "double-click shows all years"]


def overview_strip(
    chart: alt.Chart, field: str, brush: alt.Parameter, width, title: list[str] = STRIP_TITLE
) -> alt.Chart:
    """A thin full-period strip carrying the zoom brush."""
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
                    titleAnchor="start",
                    titleLimit=_by_width(330, 1000),
                ),
            ),
        )
        .add_params(brush)
        .properties(height=40, width=width)
    )


def _pad_to_a_year(data: pd.DataFrame) -> pd.DataFrame:
    """Add zero rows around a period shorter than a year, so one month is not drawn page-wide."""
    if data.empty:
        return data
    first, last = data["month"].min(), data["month"].max()
    missing = 12 - ((last.year - first.year) * 12 + last.month - first.month + 1)
    if missing <= 0:
        return data
    before = pd.DateOffset(months=missing // 2 + missing % 2)
    pad = data.iloc[[0, 0]].assign(
        month=[first - before, last + pd.DateOffset(months=missing // 2)], events=0, fatalities=0
    )
    return pd.concat([pad.iloc[[0]], data, pad.iloc[[1]]], ignore_index=True)


def monthly_chart(
    months: pd.DataFrame, country_names: dict[str, str] | None = None, width: int | str = "container"
) -> alt.VConcatChart:
    """Monthly bars of events and of fatalities (geo.incident_stats.monthly), stacked by country (or,
    when months has a "grade" column, by verification grade in the vocabulary's colours), above an
    overview strip whose brush sets the period of both bar charts."""
    by_grade = "grade" in months.columns
    if by_grade:
        data = months.assign(country_name=months["grade"].map(lambda g: GRADE[grade_of(g)].label))
        scale, key_title = alt.Scale(domain=[g.label for g in GRADES], range=[g.colour for g in GRADES]), "Verification"
    else:
        data = months.assign(country_name=months["country"].map(lambda c: country_label(c, country_names)))
        scale, key_title = alt.Scale(scheme="set2"), "Country"
    zoom = zoom_brush(default_window(data["month"], data["month"]))
    data = _pad_to_a_year(data)
    color = alt.Color(
        "country_name:N",
        title=key_title,
        scale=scale,
        legend=alt.Legend(orient="top", columns=_by_width(2, 12), labelLimit=_by_width(130, 220), labelFontSize=12),
    )
    base = alt.Chart(data).mark_bar()

    def detail(measure: str) -> alt.Chart:
        title = MEASURE_TITLES[measure]
        return (
            base.encode(
                x=alt.X(
                    "yearmonth(month):T",
                    title=None,
                    scale=alt.Scale(domain={"param": zoom.name}),
                    axis=alt.Axis(format="%b %Y", labelFontSize=12, labelOverlap=True),
                ),
                y=alt.Y(f"sum({measure}):Q", title=title, axis=alt.Axis(tickMinStep=1, labelFontSize=12)),
                color=color,
                tooltip=[
                    alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                    alt.Tooltip("country_name:N", title=key_title),
                    alt.Tooltip(f"{measure}:Q", title=title),
                ],
            )
            .transform_filter(zoom)  # only the months in the window: the y scale follows the period shown
            .properties(height=170, width=width)
            .mark_bar(clip=True)
        )

    strip = overview_strip(
        base.encode(y=alt.Y("sum(events):Q", title=None, axis=None), color=color), "yearmonth(month):T", zoom, width
    )
    return alt.vconcat(detail("events"), detail("fatalities"), strip, spacing=12)


# Above CANVAS_ABOVE events the chronology is drawn on a canvas, without a text description computed for
# every mark: those (ARIA labels) reach the page only when Vega draws SVG, one element per mark, and with
# many marks they and the elements take most of the chart's time in the browser. Tooltips and clicks work
# the same on a canvas; a smaller chart stays SVG, each event labelled.
CANVAS_ABOVE = 1000
ON_CANVAS = {
    "usermeta": {"embedOptions": {"renderer": "canvas"}},
    "config": alt.Config(mark=alt.MarkConfig(aria=False)),
}
CHRONOLOGY_STRIP_TITLE = ["Drag across this strip to zoom in;", "double-click shows it all again"]
# on a phone a long track name goes on two lines ("infrastructure &" / "trade") instead of being cut
TRACK_LABEL = f"containerSize()[0] < {NARROW_PX} ? split(replace(datum.value, ' & ', ' &|'), '|') : datum.value"
# the columns of the events the chart uses (the rest is left out of the page)
CHART_COLUMNS = ["id", "track", "category", "title", "date_start", "date_precision", "fatalities"]


def chronology_chart(
    ev: pd.DataFrame, selection_name: str = "event", width: int | str = "container", density: pd.DataFrame | None = None
) -> alt.VConcatChart:
    """Events (geo.chronology.events) as points on one row per track, categories offset within the
    row, above an overview strip whose brush sets the period shown.

    Colour: category; size: fatalities; a square marks an event that spans more than one day
    (its dates are in the tooltip). Clicking a point selects it through the point selection
    named selection_name (field "id"). One mark per view: Streamlit stretches a concatenated
    chart to the page only when no view is layered. The strip draws monthly counts per category
    (density: views.chronology.monthly_density of every event, also those thinned out of ev;
    by default those of ev), so its size does not grow with the events.
    """
    data = ev[CHART_COLUMNS].assign(
        date_label=ev["date_start"].dt.strftime("%Y-%m-%d")
        + ev["date_end"].where(ev["date_end"] != ev["date_start"]).dt.strftime(" to %Y-%m-%d").fillna(""),
        span=(ev["date_end"] > ev["date_start"]).map({True: "several days or more", False: "one day"}),
        fatalities_shown=ev["fatalities"].astype("float").fillna(0),
    )
    present = [t for t in TRACK_ORDER if t in set(data["track"])]
    months = monthly_density(ev) if density is None else density
    named = set(data["category"].dropna()) | set(months["category"])
    categories = [c for c in CATEGORY if c in named]
    categories += sorted(named - set(categories))
    pick = alt.selection_point(name=selection_name, fields=["id"], on="click", clear="dblclick")
    zoom = zoom_brush(None)  # the page chooses the period (years); the brush zooms within it
    color = alt.Color(
        "category:N",
        title="Category",
        scale=alt.Scale(domain=categories, range=[CATEGORY.get(c, OTHER_CATEGORY).colour for c in categories]),
        legend=alt.Legend(
            orient="bottom",
            columns=_by_width(1, 5),  # one column on a phone: two ran past the screen's edge
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
    points = (
        alt.Chart()
        .mark_point(filled=True, stroke="#222", strokeWidth=0.5, clip=True)
        .encode(
            x=alt.X(
                "date_start:T",
                title=None,
                scale=alt.Scale(domain={"param": zoom.name}),
                axis=alt.Axis(labelFontSize=12, labelOverlap=True),
            ),
            y=alt.Y(
                "track:N",
                sort=present,
                title=None,
                axis=alt.Axis(labelFontSize=13, labelLimit=_by_width(110, 180), labelExpr=TRACK_LABEL),
            ),
            yOffset=alt.YOffset("category:N", sort=categories),
            color=color,
            shape=alt.Shape(
                "span:N",
                title="Dates",
                scale=alt.Scale(domain=["one day", "several days or more"], range=["circle", "square"]),
                legend=alt.Legend(
                    orient="top",
                    direction="horizontal",
                    columns=_by_width(1, 2),
                    labelFontSize=12,
                    symbolFillColor="#777",
                    symbolStrokeWidth=0,
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
    bars = (
        alt.Chart(months)
        .mark_bar()
        .encode(x2="date_next:T", y=alt.Y("sum(events):Q", title=None, axis=None), color=color)
    )
    strip = overview_strip(bars, "date_start:T", zoom, width, title=CHRONOLOGY_STRIP_TITLE)
    return alt.vconcat(points, strip, spacing=14, data=data, **(ON_CANVAS if len(data) > CANVAS_ABOVE else {}))
