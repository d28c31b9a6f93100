"""What the chronology page and the timeline charts draw: the view-model of the chronology.

The events (geo.chronology.events) of one filter and period, thinned evenly to at most MARK_LIMIT
marks (quotas per track, so a small track is never crowded out), their counts per month for the
overview strip (monthly_density), the period a timeline opens on, and what the chart leaves out,
in words. No Streamlit: pages/chronology.py and views/charts.py use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.chronology import SOURCE_COLUMNS, events, in_years, year_span
from geo.filters import IncidentFilter, Selected, select

# the chart draws at most this many events: a browser chokes on 100,000 marks, and every mark adds to the
# chart's first draw (bench/README.md, "Explorer and chronology at 100k")
MARK_LIMIT = 2000


def _evenly(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """n of rows spread evenly through their order (oldest to newest): every k-th, first and last kept."""
    if n <= 0:
        return rows.iloc[:0]
    picks = np.unique(np.linspace(0, len(rows) - 1, n).round().astype(int))
    return rows.iloc[picks]


def quotas(sizes: dict[str, int], limit: int = MARK_LIMIT) -> dict[str, int]:
    """How many events of each track the chart draws when all of them (sizes: events per track) are
    more than limit: tracks that fit their share are drawn whole, the smallest first, so diplomacy is
    never crowded out by violence; a larger track gets what is left, shared evenly."""
    if sum(sizes.values()) <= limit:
        return dict(sizes)
    order = sorted(sizes.items(), key=lambda item: item[1])  # stable: equal sizes keep their order
    budget, out = limit, {}
    for n, (track, size) in enumerate(order):
        out[track] = min(size, budget // (len(order) - n))
        budget -= out[track]
    return out


def thin_for_chart(ev: pd.DataFrame, limit: int = MARK_LIMIT) -> tuple[pd.DataFrame, dict[str, int]]:
    """At most `limit` events for the chart, and per track how many were left out.

    Each track keeps its quota (quotas) of events spread evenly through its dates (every k-th), so a
    busy year keeps its share and no kind of event is favoured, the deadly ones included. The
    result stays in ev's (date) order.
    """
    if len(ev) <= limit:
        return ev, {}
    sizes = ev["track"].value_counts().sort_values(kind="stable")
    keep, left_out = [], {}
    for track, quota in quotas({str(t): int(n) for t, n in sizes.items()}, limit).items():
        rows = ev[ev["track"] == track]
        if len(rows) > quota:
            rows = _evenly(rows, quota)
            left_out[track] = int(sizes[track] - len(rows))
        keep.append(rows.index)
    return ev.loc[sorted(idx for part in keep for idx in part)], left_out


def default_years(ev: pd.DataFrame, years: int = 5, longer_than: int = 8) -> tuple[int, int] | None:
    """The years the chronology opens on: the last `years` calendar years when the events span more
    than `longer_than` years, else all of them (None without events)."""
    return opening_years(year_span(ev), years, longer_than)


DENSITY_ROWS = 1500  # at most this many (period, category) counts for the overview strip


def monthly_density(ev: pd.DataFrame, max_rows: int = DENSITY_ROWS) -> pd.DataFrame:
    """Events per month and category (periods without events absent), for a timeline's overview strip;
    per quarter, then per year, when months would give more than max_rows counts.

    Columns: date_start (first day of the period), date_next (first day of the next), category, events.
    A few hundred rows stand for any number of events, so the browser draws counts, not every event.
    """
    months = pd.DataFrame(
        {
            "month": ev["date_start"].dt.to_period("M").dt.to_timestamp(),
            "category": ev["category"].fillna("unknown").to_numpy(),
        }
    )
    counts = months.groupby(["month", "category"], sort=True).size().rename("incidents").reset_index()
    return density_of(counts, max_rows)


def density_of(counts: pd.DataFrame, max_rows: int = DENSITY_ROWS) -> pd.DataFrame:
    """monthly_density from a store's aggregate by ("month", "category") (columns month, category,
    incidents): per month, else per quarter or year when months would give more than max_rows counts."""
    frame = pd.DataFrame(
        {
            "month": pd.to_datetime(counts["month"]),
            "category": counts["category"].fillna("unknown").to_numpy(),
            "events": counts["incidents"].astype("int64").to_numpy(),
        }
    )
    for freq in ("M", "Q", "Y"):
        period = frame["month"].dt.to_period(freq)
        out = frame.assign(period=period).groupby(["period", "category"], sort=True)["events"].sum().reset_index()
        if len(out) <= max_rows:
            break
    return pd.DataFrame(
        {
            "date_start": out["period"].dt.to_timestamp().astype("datetime64[ns]"),
            "date_next": (out["period"] + 1).dt.to_timestamp().astype("datetime64[ns]"),
            "category": out["category"],
            "events": out["events"].astype("int64"),
        }
    )


def _period_label(years: tuple[int, int] | None) -> str:
    """'2020–2024', '2023', or 'all years'."""
    if years is None:
        return "all years"
    first, last = years
    return str(first) if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class ChronologyView:
    """What the chronology shows for one filter and one period."""

    selected: Selected  # the records matching the filter, as positions in the incident set
    events: pd.DataFrame  # their events, all years
    drawn: pd.DataFrame  # the events the chart draws: those of the period, thinned (see thin_for_chart)
    left_out: dict[str, int] = field(default_factory=dict)
    density: pd.DataFrame | None = None  # monthly_density of every event of the period, for the overview strip
    years: tuple[int, int] | None = None  # the period shown (calendar years, both included); None: all
    in_period: int = 0  # how many events overlap the period

    @property
    def shown(self) -> gpd.GeoDataFrame:
        """The records matching the filter (a new frame each time)."""
        return self.selected.frame

    def record(self, feature_id) -> dict | None:
        """The record of one matching incident (None when it does not match)."""
        return self.selected.record(feature_id)

    def period_label(self) -> str:
        """'2020–2024', '2023', or 'all years'."""
        return _period_label(self.years)

    def thinning(self) -> str | None:
        """What the chart leaves out, in plain words (None when it draws every matching event)."""
        return _thinning_text(self.drawn, self.left_out, self.years, self.in_period, len(self.events))


def _thinning_text(drawn, left_out, years, in_period: int, matching: int) -> str | None:
    outside = matching - in_period
    where = "in " + (str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}") if years else "in this period"
    if left_out:
        parts = [f"{n:,} of the {track} track" for track, n in left_out.items()]
        return (
            f"Showing {len(drawn):,} of {in_period:,} events {where}: too many to draw, so the chart "
            f"leaves out {' and '.join(parts)}, keeping events spread evenly through the period (not the "
            "deadliest). Choose fewer years or narrow the filters to draw them all."
        )
    if outside:
        return f"Showing all {in_period:,} events {where}; {outside:,} more match the filters in other years."
    return None


def chronology_view(
    incidents: gpd.GeoDataFrame, f: IncidentFilter, years: tuple[int, int] | None = None, limit: int = MARK_LIMIT
) -> ChronologyView:
    """The chronology page's figures for the filtered incidents: the chart draws the events of the
    period `years` (None: all), thinned evenly to at most limit marks."""
    return for_years(*matching_events(incidents, f), years, limit)


def matching_events(incidents: gpd.GeoDataFrame, f: IncidentFilter) -> tuple[Selected, pd.DataFrame]:
    """The records matching f and their events (all years)."""
    selected = select(incidents, f)
    return selected, events(selected.columns(SOURCE_COLUMNS))


def for_years(selected: Selected, ev: pd.DataFrame, years: tuple[int, int] | None, limit: int = MARK_LIMIT):
    """The ChronologyView of these selected records and their events ev, for the period `years`."""
    period = in_years(ev, years) if years is not None else ev
    drawn, left_out = thin_for_chart(period, limit)
    return ChronologyView(selected, ev, drawn, left_out, monthly_density(period), years, len(period))


def opening_years(span: tuple[int, int] | None, years: int = 5, longer_than: int = 8) -> tuple[int, int] | None:
    """default_years for a span of years."""
    if span is None:
        return None
    first, last = span
    return (last - years + 1, last) if last - first + 1 > longer_than else span


@dataclass(frozen=True)
class PeriodView:
    """What the chronology chart draws for one filter and period, from the store's answers."""

    drawn: pd.DataFrame  # events(), thinned (thin_for_chart)
    left_out: dict[str, int]
    density: pd.DataFrame
    years: tuple[int, int] | None
    in_period: int
    matching: int  # events matching the filter in all years

    def period_label(self) -> str:
        """'2020–2024', '2023', or 'all years'."""
        return _period_label(self.years)

    def thinning(self) -> str | None:
        """What the chart leaves out, in plain words (None when it draws every matching event)."""
        return _thinning_text(self.drawn, self.left_out, self.years, self.in_period, self.matching)


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
