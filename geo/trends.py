"""Where is it getting worse: incidents per district and per H3 hexagon, a period against a baseline.

Change classes follow ACLED Trendfinder's change levels ("Country Change Level map",
https://acleddata.com/platform/trendfinder and https://acleddata.com/trendfinder/): a large
increase is more than a 25 % increase, a moderate increase between 10 % and 25 %; ACLED calls
anything from -25 % to +10 % "limited change" and below -25 % a large decrease, and counts units
with few events (two or fewer on average in the baseline and five or fewer in the current week)
as limited change "to account for low baseline activity". Here the scale is made symmetric, as
the issue asks: stable within ±10 %, a moderate decrease from -10 % to -25 %, and a unit with fewer
than MIN_EVENTS events in both periods is "too few to say" rather than stable.

The page asks the store for its counts already grouped (geo.store.query's "district" and "h3"
groupings, each by location precision): one row per district or hexagon and precision, placed by
the incident's own point, so the server holds the units it shows, never the incidents. A period
keeps the events whose dates overlap it (as the sidebar's date filter does), so an event spanning
the two periods' shared edge counts in both; incidents without a point are in no unit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import geopandas as gpd
import h3
import numpy as np
import pandas as pd

from geo.districts import approximate_placement
from geo.filters import IncidentFilter

MIN_EVENTS = 5  # fewer than this in both periods: "too few to say"
LARGE, MODERATE, STABLE = 25.0, 10.0, 10.0  # per cent, as ACLED Trendfinder's thresholds
CLASSES = (
    "large increase",
    "moderate increase",
    "stable",
    "moderate decrease",
    "large decrease",
    "too few to say",
)
CLASS_COLOURS = {  # a diverging scale (red worse, blue better); grey for too few
    "large increase": "#b2182b",
    "moderate increase": "#ef8a62",
    "stable": "#f7f7f7",
    "moderate decrease": "#67a9cf",
    "large decrease": "#2166ac",
    "too few to say": "#bdbdbd",
}
# the two periods side by side: incidents per unit on one sequential scale shared by both maps
COUNT_COLOURS = ("#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000")
NO_EVENT_COLOUR = "#f7f7f7"
NICE_STEPS = (1, 2, 3, 5)  # bin bounds are these times a power of ten
BASELINES = {"previous": "the previous period of equal length", "year": "the same period a year earlier"}
H3_RESOLUTIONS = (4, 5, 6, 7)  # about 1,770 / 250 / 36 / 5 km² a hexagon
MAX_HEXAGONS = 6000  # more polygons than this make the map slow to send and to draw


@dataclass(frozen=True)
class Period:
    """Inclusive dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """How many days, both ends included."""
        return (self.end - self.start).days + 1

    def label(self) -> str:
        """'2024-01-01 to 2024-12-31'."""
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


def _year_earlier(day: date) -> date:
    return (pd.Timestamp(day) - pd.DateOffset(years=1)).date()  # 29 February -> 28 February


def current_period(picked: tuple[date | None, date | None], data_from: date, data_to: date) -> Period:
    """The sidebar's date range where it narrows the data's, else the last 12 months of the data."""
    start, end = picked
    if start is not None or end is not None:
        return Period(start or data_from, end or data_to)
    return Period(max(data_from, _year_earlier(data_to) + timedelta(days=1)), data_to)


def baseline_period(current: Period, kind: str = "previous") -> Period:
    """The period compared with: the previous one of equal length, or the same dates a year earlier."""
    if kind == "previous":
        end = current.start - timedelta(days=1)
        return Period(end - timedelta(days=current.days - 1), end)
    if kind == "year":
        return Period(_year_earlier(current.start), _year_earlier(current.end))
    raise ValueError(f"unknown baseline {kind!r}; choose from {', '.join(BASELINES)}")


def around(day: date, days: int) -> tuple[Period, Period]:
    """Before/after a date: (the `days` days before it, the `days` days from it on) as (baseline, current)."""
    return Period(day - timedelta(days=days), day - timedelta(days=1)), Period(day, day + timedelta(days=days - 1))


def change_pct(current, baseline) -> np.ndarray:
    """(current - baseline) / baseline in per cent; +inf where only the current period has events,
    NaN where neither has."""
    cur, base = np.asarray(current, dtype=float), np.asarray(baseline, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (cur - base) / base * 100.0
    out[(base == 0) & (cur > 0)] = np.inf
    out[(base == 0) & (cur == 0)] = np.nan
    return out


def change_class(current, baseline, min_events: int = MIN_EVENTS) -> np.ndarray:
    """Each unit's class (CLASSES); a change of exactly 25 % is moderate, of exactly 10 % stable."""
    cur, base = np.asarray(current, dtype=float), np.asarray(baseline, dtype=float)
    pct = change_pct(cur, base)
    out = np.select(
        [pct > LARGE, pct > MODERATE, pct >= -STABLE, pct >= -LARGE],
        ["large increase", "moderate increase", "stable", "moderate decrease"],
        "large decrease",
    ).astype(object)
    out[np.isnan(pct)] = "stable"  # no event in either period (only reached with min_events 0)
    out[(cur < min_events) & (base < min_events)] = "too few to say"
    return out


def count_scale(*counts) -> tuple[int, ...]:
    """Lower bounds of up to five count bins (the first is 1) covering the largest count in any of
    the columns given, spaced geometrically on round numbers: both periods' maps share one scale."""
    top = max((int(np.nanmax(np.asarray(c, dtype=float), initial=0)) for c in counts), default=0)
    if top <= 1:
        return (1,)
    nice = sorted({s * 10**e for e in range(len(str(top))) for s in NICE_STEPS})
    bounds = {1}
    for i in range(1, len(COUNT_COLOURS)):
        target = top ** (i / len(COUNT_COLOURS))
        bounds.add(max(n for n in nice if n <= target))
    return tuple(sorted(b for b in bounds if b <= top))


def count_labels(bounds: tuple[int, ...]) -> list[str]:
    """'1', '2–4', '5+': how the legend names each bin of count_scale."""
    out = []
    for low, nxt in zip(bounds, (*bounds[1:], None), strict=True):
        out.append(f"{low:,}+" if nxt is None else f"{low:,}" if nxt - 1 == low else f"{low:,}–{nxt - 1:,}")
    return out


def count_colours(counts, bounds: tuple[int, ...]) -> list[str]:
    """The fill of each unit: NO_EVENT_COLOUR for none, else its bin's colour in COUNT_COLOURS."""
    values = np.nan_to_num(np.asarray(counts, dtype=float))
    bins = np.searchsorted(np.asarray(bounds, dtype=float), values, side="right") - 1
    palette = COUNT_COLOURS[-len(bounds) :] if len(bounds) < len(COUNT_COLOURS) else COUNT_COLOURS
    return [NO_EVENT_COLOUR if v <= 0 else palette[b] for v, b in zip(values, bins, strict=True)]


def period_filter(flt: IncidentFilter, period: Period) -> IncidentFilter:
    """The sidebar's filter for one period: its dates replaced, its district dropped (every district
    is compared; the chosen one is highlighted)."""
    return replace(flt, date_from=period.start, date_to=period.end, district="")


def unit_sums(counts: pd.DataFrame, unit: str) -> pd.DataFrame:
    """A store answer by (unit, "precision") (or by the unit alone) as incidents, fatalities and,
    when the precision is there, approximately placed incidents (geo.districts.approximate_placement)
    per unit."""
    frame = pd.DataFrame(
        {
            "unit": counts[unit].astype(object).to_numpy(),
            "incidents": counts["incidents"].to_numpy(dtype="int64"),
            "fatalities": counts["fatalities"].to_numpy(dtype="int64"),
        }
    )
    if "precision" in counts.columns:
        rough = approximate_placement(counts["precision"], len(counts))
        frame["approximate"] = np.where(rough, frame["incidents"], 0)
    return frame.groupby("unit").sum()


def compare(current: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Per unit seen in either period (unit_sums of each): current, baseline, change (%), class,
    fatalities in each, and the current period's approximately placed incidents (NaN when the
    answer was not split by precision)."""
    cur, base = current, baseline
    units = cur.index.union(base.index)
    cur, base = cur.reindex(units, fill_value=0), base.reindex(units, fill_value=0)
    out = pd.DataFrame(index=pd.Index(units, name="unit"))
    out["current"] = cur["incidents"].astype("int64")
    out["baseline"] = base["incidents"].astype("int64")
    out["change_pct"] = change_pct(out["current"], out["baseline"])
    out["change_class"] = change_class(out["current"], out["baseline"])
    out["fatalities"] = cur["fatalities"].astype("int64")
    out["fatalities_baseline"] = base["fatalities"].astype("int64")
    out["approximate"] = cur["approximate"].astype("float64") if "approximate" in current.columns else np.nan
    return out


def district_trends(current: pd.DataFrame, baseline: pd.DataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """compare() for every district (in the layer's order, none left out) from the store's answers
    by ("district", "precision"), with name, country and incidents per 100,000 people where the
    district has a population (NaN where it has none)."""
    table = compare(unit_sums(current, "district"), unit_sums(baseline, "district"))
    ids = pd.Index(districts["id"].astype(str), name="unit")
    table = table.reindex(ids)
    for col in ("current", "baseline", "fatalities", "fatalities_baseline"):
        table[col] = table[col].fillna(0).astype("int64")
    table["change_pct"] = change_pct(table["current"], table["baseline"])
    table["change_class"] = change_class(table["current"], table["baseline"])
    table["approximate"] = table["approximate"].fillna(0) if "precision" in current.columns else np.nan
    table["name"] = districts["name"].to_numpy()
    table["country"] = districts["country"].to_numpy()
    population = pd.to_numeric(districts["population"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["per_100k"] = np.where(population > 0, table["current"] / population * 100_000, np.nan)
    return table


def check_resolution(resolution: int) -> int:
    """An offered H3 resolution (ValueError naming the choices otherwise)."""
    if resolution not in H3_RESOLUTIONS:
        raise ValueError(f"H3 resolution {resolution} is not offered; choose from {H3_RESOLUTIONS}")
    return int(resolution)


def hexagon_trends(current: pd.DataFrame, baseline: pd.DataFrame, resolution: int) -> gpd.GeoDataFrame:
    """compare() per H3 hexagon with an incident in either period (the store's answers by
    ("h3", "precision") at this resolution), with the hexagon's polygon."""
    check_resolution(resolution)
    table = compare(unit_sums(current, "h3"), unit_sums(baseline, "h3"))
    polygons = [_hexagon(h) for h in table.index]
    return gpd.GeoDataFrame(table, geometry=polygons, crs="EPSG:4326")


def _hexagon(index: str):
    from shapely.geometry import Polygon

    return Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(index)])


@dataclass(frozen=True)
class TrendCounts:
    """What the Trends page asks the store for: per unit and location precision now, per unit before,
    and how many incidents with a point each period holds (units may leave some out: no district)."""

    current: pd.DataFrame  # the store's aggregate by (unit, "precision")
    baseline: pd.DataFrame  # by the unit alone
    located: tuple[int, int]  # (current, baseline)


def _queries(names, flt: IncidentFilter, current: Period, baseline: Period, hidden):
    from geo.store.query import IncidentQuery  # local: the store imports geo.filters

    names = tuple(names)
    return tuple(IncidentQuery(names, period_filter(flt, p), hidden=hidden) for p in (current, baseline))


def query_cells(engine, names, flt: IncidentFilter, current: Period, baseline: Period, hidden=None) -> TrendCounts:
    """The district view's questions: per district and precision now, per district before (at most a
    row per district and precision), and each period's incidents with a point (Summary.located).

    engine: what geo.store.open_queries returns for these datasets (ui.queries.engine());
    hidden: ids left out (probable duplicates hidden). Nothing is loaded whole.
    """
    now, before = _queries(names, flt, current, baseline, hidden)
    located = (engine.summary(now).located, engine.summary(before).located)
    # the precision only for now: the table flags the current period's approximate placements
    return TrendCounts(engine.aggregate(now, ("district", "precision")), engine.aggregate(before, "district"), located)


def query_hexagons(
    engine, names, flt: IncidentFilter, current: Period, baseline: Period, resolution: int, hidden=None
) -> TrendCounts:
    """The hexagon view's questions: per H3 hexagon at this resolution (and precision, now) in each period."""
    res = check_resolution(resolution)
    now, before = _queries(names, flt, current, baseline, hidden)
    grouped = (engine.aggregate(now, ("h3", "precision"), 0.5, res), engine.aggregate(before, "h3", 0.5, res))
    located = (int(grouped[0]["incidents"].sum()), int(grouped[1]["incidents"].sum()))  # every point: a hexagon
    return TrendCounts(grouped[0], grouped[1], located)
