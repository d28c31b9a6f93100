"""What the chronology page and the timeline charts draw: the view-model of the chronology.

The events (geo.chronology.events) of one filter and period as the store answers them, at most
MARK_LIMIT marks (quotas per track, so a small track is never crowded out; each track's share an
even sample through its dates: period_view), their counts per month for the overview strip
(monthly_density, density_of), the period a timeline opens on, and what the chart leaves out, in
words. No Streamlit: pages/chronology.py and views/charts.py use it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import pandas as pd

from geo.chronology import SOURCE_COLUMNS, events
from geo.store.query import IncidentQuery

# the chart draws at most this many events: a browser chokes on 100,000 marks, and every mark adds to the
# chart's first draw (bench/README.md, "Explorer and chronology at 100k")
MARK_LIMIT = 2000


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


def opening_years(span: tuple[int, int] | None, years: int = 5, longer_than: int = 8) -> tuple[int, int] | None:
    """The years the chronology opens on, for events spanning `span` (calendar years): the last
    `years` when they span more than `longer_than`, else all of them (None without events)."""
    if span is None:
        return None
    first, last = span
    return (last - years + 1, last) if last - first + 1 > longer_than else span


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


@dataclass(frozen=True)
class PeriodView:
    """What the chronology chart draws for one filter and period, from the store's answers."""

    drawn: pd.DataFrame  # events(), each track's quota spread evenly through the period (period_view)
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


class Asks(Protocol):
    """What the chronology asks of the incidents: ui.queries, or a store's queries."""

    def rows(self, q: IncidentQuery) -> pd.DataFrame: ...

    def aggregate(self, q: IncidentQuery, by) -> pd.DataFrame: ...


def events_of(ask: Asks, q: IncidentQuery) -> pd.DataFrame:
    """The query's events (geo.chronology.events), oldest first."""
    return events(ask.rows(replace(q, columns=SOURCE_COLUMNS, order=(("date_start", False),))))


def period_view(
    ask: Asks, period: IncidentQuery, years: tuple[int, int] | None, matching: int, limit: int = MARK_LIMIT
) -> PeriodView:
    """What the chart draws of the events `period` matches (those of `years`; matching: how many
    match the filter in all years): all of them, or each track's quota (quotas) spread evenly
    through the period, each asked of the store as such."""
    sizes = ask.aggregate(period, "track")
    sizes = {str(t): int(n) for t, n in zip(sizes["track"], sizes["incidents"], strict=True)}
    density = density_of(ask.aggregate(period, ("month", "category")))
    share = quotas(sizes, limit)
    whole = tuple(t for t, n in share.items() if n >= sizes[t])
    parts = [events_of(ask, replace(period, tracks=whole))] if whole else []
    parts += [events_of(ask, replace(period, tracks=(t,), sample=n)) for t, n in share.items() if t not in whole and n]
    drawn = pd.concat(parts, ignore_index=True) if parts else events_of(ask, replace(period, tracks=()))
    drawn = drawn.sort_values(["date_start", "id"], kind="stable", ignore_index=True)
    left_out = {t: sizes[t] - n for t, n in share.items() if n < sizes[t]}
    return PeriodView(drawn, left_out, density, years, sum(sizes.values()), matching)
