"""Every dated event on one timeline, by track: security, diplomacy, infrastructure & trade.

The incidents layer holds all dated events (security incidents, visits, agreements,
inaugurations, pipeline milestones), each with a track; dated features of the other layers
(markets opened, pipeline sections approved) are already events there, so they are not read twice.
Rows without a track (imported files) get one from their category. Here: the tracks, the events
and their counts per track, and the period filters; what the chronology page and the timeline charts
draw of them (marks thinned to a limit, the overview strip, the period they open on) is a view:
views/chronology.py.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pandas as pd

from geo.filters import IncidentFilter
from geo.schema import CATEGORIES, TRACKS

OTHER_TRACK = "other"
TRACK_ORDER = (*TRACKS, OTHER_TRACK)
_CATEGORY_TRACK = {c.name: c.track for c in CATEGORIES if c.track}
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

# the columns events reads
SOURCE_COLUMNS = (*EVENT_COLUMNS[:-1], "fatalities_best")


def track_for_category(category) -> str:
    """The track a record of this category belongs on when it names none."""
    return _CATEGORY_TRACK.get(category, OTHER_TRACK)


def _tracks(gdf: pd.DataFrame) -> pd.Series:
    derived = gdf["category"].map(track_for_category)
    return gdf["track"].where(gdf["track"].isin(TRACK_ORDER), derived) if "track" in gdf.columns else derived


def dated_tracks(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """The track of every dated event (one column, "track"): all track_counts needs of the totals,
    without building every event's row."""
    return pd.DataFrame({"track": _tracks(gdf)[gdf["date_start"].notna()]}).reset_index(drop=True)


def events(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per dated event, oldest first (ties by id): the columns in EVENT_COLUMNS."""
    track = _tracks(gdf)
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
            "title": gdf["title"] if "title" in gdf.columns else None,
            "date_start": gdf["date_start"].astype("datetime64[ns]"),
            "date_end": gdf["date_end"].fillna(gdf["date_start"]).astype("datetime64[ns]"),
            "date_precision": gdf["date_precision"] if "date_precision" in gdf.columns else None,
            "country": gdf["country"] if "country" in gdf.columns else None,
            "place": gdf["place"] if "place" in gdf.columns else None,
            "fatalities": fatalities,
        },
        index=gdf.index,
    )
    out = out[out["date_start"].notna()]
    return out.sort_values(["date_start", "id"], kind="stable").reset_index(drop=True)[list(EVENT_COLUMNS)]


def year_span(ev: pd.DataFrame) -> tuple[int, int] | None:
    """The first and last year of the events (None without events)."""
    if ev.empty:
        return None
    return int(ev["date_start"].min().year), int(ev["date_end"].max().year)


def in_years(ev: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """The events that overlap the calendar years first..last (both included)."""
    first, last = years
    start, end = pd.Timestamp(year=first, month=1, day=1), pd.Timestamp(year=last + 1, month=1, day=1)
    return ev[(ev["date_start"] < end) & (ev["date_end"] >= start)]


def track_counts(shown: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """Per track: events shown after filtering, of how many, and the first and last date shown."""
    totals = total["track"].value_counts()
    grouped = shown.groupby("track", sort=False)
    counts, first, last = grouped.size(), grouped["date_start"].min(), grouped["date_end"].max()
    rows = []
    for track in TRACK_ORDER:
        if track == OTHER_TRACK and not totals.get(track, 0):
            continue
        n = int(counts.get(track, 0))
        rows.append(
            {
                "track": track,
                "shown": n,
                "total": int(totals.get(track, 0)),
                "first": first.get(track) if n else pd.NaT,
                "last": last.get(track) if n else pd.NaT,
            }
        )
    return pd.DataFrame(rows, columns=["track", "shown", "total", "first", "last"])


def track_counts_of(shown: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """track_counts from a store's aggregates: shown by ("track", "month") of the filtered events,
    total by "track" of every event (first and last are the first and last months shown)."""
    totals = dict(zip(total["track"], total["incidents"], strict=True))
    rows = []
    for track in TRACK_ORDER:
        if track == OTHER_TRACK and not totals.get(track, 0):
            continue
        mine = shown[shown["track"] == track]
        n = int(mine["incidents"].sum())
        rows.append(
            {
                "track": track,
                "shown": n,
                "total": int(totals.get(track, 0)),
                "first": mine["month"].min() if n else pd.NaT,
                "last": mine["month"].max() if n else pd.NaT,
            }
        )
    return pd.DataFrame(rows, columns=["track", "shown", "total", "first", "last"])


def span_years(first, last) -> tuple[int, int] | None:
    """The first and last calendar year of a date range (None without dates)."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return None
    return int(pd.Timestamp(first).year), int(pd.Timestamp(last).year)


def period_filter(f: IncidentFilter, years: tuple[int, int] | None) -> IncidentFilter:
    """f limited to the events that overlap the calendar years (as in_years), within f's own dates."""
    if years is None:
        return f
    start, end = (
        pd.Timestamp(year=years[0], month=1, day=1).date(),
        pd.Timestamp(year=years[1], month=12, day=31).date(),
    )
    return replace(
        f,
        date_from=max(start, f.date_from) if f.date_from else start,
        date_to=min(end, f.date_to) if f.date_to else end,
    )
