"""Every dated event on one timeline, by track: security, diplomacy, infrastructure & trade.

The incidents layer holds all dated events (security incidents, visits, agreements,
inaugurations, pipeline milestones), each with a track; dated features of the other layers
(markets opened, pipeline sections approved) are already events there, so they are not read twice.
Rows without a track (imported files) get one from their category.
"""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd

from geo.schema import TRACKS

OTHER_TRACK = "other"
TRACK_ORDER = (*TRACKS, OTHER_TRACK)
_CATEGORY_TRACK = {
    **dict.fromkeys(("attack", "bombing/IED", "armed clash", "cross-border attack", "cross-border strike",
                     "arrest", "security (other)"), "security"),
    **dict.fromkeys(("diplomatic", "agreement", "designation"), "diplomacy"),
    **dict.fromkeys(("inauguration", "pipeline milestone", "policy decision"), "infrastructure & trade"),
}
EVENT_COLUMNS = ("id", "track", "category", "title", "date_start", "date_end", "date_precision",
                 "country", "place", "fatalities")


def track_for_category(category) -> str:
    """The track a record of this category belongs on when it names none."""
    return _CATEGORY_TRACK.get(category, OTHER_TRACK)


def events(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per dated event, oldest first (ties by id): the columns in EVENT_COLUMNS."""
    derived = gdf["category"].map(track_for_category)
    track = gdf["track"].where(gdf["track"].isin(TRACK_ORDER), derived) if "track" in gdf.columns else derived
    fatalities = (gdf["fatalities_best"].astype("Int64") if "fatalities_best" in gdf.columns
                  else pd.Series(pd.NA, index=gdf.index, dtype="Int64"))
    out = pd.DataFrame({
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
    }, index=gdf.index)
    out = out[out["date_start"].notna()]
    return out.sort_values(["date_start", "id"], kind="stable").reset_index(drop=True)[list(EVENT_COLUMNS)]


def track_counts(shown: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """Per track: events shown after filtering, of how many, and the first and last date shown."""
    rows = []
    for track in TRACK_ORDER:
        s, t = shown[shown["track"] == track], total[total["track"] == track]
        if t.empty and track == OTHER_TRACK:
            continue
        rows.append({
            "track": track, "shown": len(s), "total": len(t),
            "first": s["date_start"].min() if len(s) else pd.NaT,
            "last": s["date_end"].max() if len(s) else pd.NaT,
        })
    return pd.DataFrame(rows, columns=["track", "shown", "total", "first", "last"])


def timeline_chart(ev: pd.DataFrame, selection_name: str = "event") -> alt.LayerChart:
    """Events as points on one row per track (categories offset within the row), spans as rules.

    Clicking a point selects it through the point selection named selection_name (field "id").
    """
    data = ev.assign(
        date_label=ev["date_start"].dt.strftime("%Y-%m-%d")
        + ev["date_end"].where(ev["date_end"] != ev["date_start"]).dt.strftime(" to %Y-%m-%d").fillna(""),
        fatalities_shown=ev["fatalities"].astype("float").fillna(0),
    )
    present = [t for t in TRACK_ORDER if t in set(data["track"])]
    pick = alt.selection_point(name=selection_name, fields=["id"], on="click", clear="dblclick")
    y = alt.Y("track:N", sort=present, title=None, axis=alt.Axis(labelFontSize=13, labelLimit=180))
    y_offset = alt.YOffset("category:N")
    color = alt.Color("category:N", title="Category", scale=alt.Scale(scheme="tableau20"),
                      legend=alt.Legend(orient="bottom", columns=4, labelLimit=200))
    x = alt.X("date_start:T", title=None, axis=alt.Axis(format="%Y", labelFontSize=12))
    tooltip = [alt.Tooltip("title:N", title="Event"), alt.Tooltip("date_label:N", title="Date"),
               alt.Tooltip("date_precision:N", title="Date precision"), alt.Tooltip("category:N", title="Category"),
               alt.Tooltip("fatalities:Q", title="Fatalities"), alt.Tooltip("id:N", title="ID")]
    base = alt.Chart(data)
    spans = base.transform_filter("datum.date_end > datum.date_start").mark_rule(strokeWidth=3, opacity=0.6).encode(
        x=x, x2="date_end:T", y=y, yOffset=y_offset, color=color, tooltip=tooltip)
    points = base.mark_point(filled=True, stroke="#222", strokeWidth=0.5).encode(
        x=x, y=y, yOffset=y_offset, color=color, tooltip=tooltip,
        size=alt.Size("fatalities_shown:Q", title="Fatalities", scale=alt.Scale(range=[50, 500], zero=True),
                      legend=None),
        opacity=alt.condition(pick, alt.value(0.95), alt.value(0.35)),
    ).add_params(pick)
    return alt.layer(spans, points).properties(height=110 * max(len(present), 1))
