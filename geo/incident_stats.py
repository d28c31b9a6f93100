"""Statistics of incidents: the explorer's headline figures, the monthly timeline, grades and
countries, each record's track and its distance to the border.

headline and monthly compute from a frame of incidents (the published figure's brief, an import's
summary); headline_of, monthly_of and by_grade shape the store's aggregates into the same figures.
The explorer's table (its rows, orders and paging) is a view: views/incident_table.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.analysis import distance_to_border_km
from geo.chronology import track_for_category
from geo.schema import GRADE_NAMES, LOCATION_PRECISION, UNGRADED

# Fatality columns by side, in the order they are shown.
SIDES = {
    "security forces": "fatalities_security",
    "militants": "fatalities_militants",
    "civilians": "fatalities_civilians",
}


@dataclass(frozen=True)
class CountryFigures:
    """Counts and fatalities of the filtered incidents in one country."""

    country: str  # the record's country value, e.g. "PAK" or "PAK;IRN" for a joint event
    events: int
    fatalities: int


@dataclass(frozen=True)
class Headline:
    """The explorer's headline figures for the filtered incidents."""

    events: int
    security_incidents: int  # events on the "security" track
    fatalities: int  # sum of fatalities_best where reported
    with_fatality_figure: int  # events whose fatalities_best is reported
    by_side: dict[str, int] = field(default_factory=dict)
    # best minus the sides, where the sources give a total but do not split all of it
    unattributed: int = 0
    by_country: tuple[CountryFigures, ...] = ()
    approximate: int = 0  # location_precision other than "exact" (unlocated included)
    unlocated: int = 0
    by_precision: tuple[tuple[str, int], ...] = ()  # (location precision, events), finest first

    @property
    def approximate_share(self) -> float | None:
        """Share of incidents whose location is not exact; None when there are none."""
        return self.approximate / self.events if self.events else None


def _int_sum(series: pd.Series) -> int:
    return int(series.fillna(0).sum()) if len(series) else 0


def int_column(gdf: pd.DataFrame, name: str) -> pd.Series:
    """A numeric column, or zeros/NA when an imported file lacks it."""
    if name in gdf.columns:
        return gdf[name].astype("Int64")
    return pd.Series(pd.NA, index=gdf.index, dtype="Int64")


def track_of(gdf: pd.DataFrame) -> pd.Series:
    """Each record's track, from its 'track' column or, where missing, from its category."""
    derived = gdf["category"].map(track_for_category)
    if "track" not in gdf.columns:
        return derived
    return gdf["track"].where(gdf["track"].notna(), derived)


def headline(gdf: gpd.GeoDataFrame) -> Headline:
    """Counts for the figures at the top of the explorer."""
    best = int_column(gdf, "fatalities_best")
    sides = {label: _int_sum(int_column(gdf, col)) for label, col in SIDES.items()}
    split = sum(
        (int_column(gdf, col).fillna(0) for col in SIDES.values()), start=pd.Series(0, index=gdf.index, dtype="Int64")
    )
    unattributed = _int_sum((best - split).clip(lower=0))
    countries = []
    for country, rows in gdf.groupby(gdf["country"].fillna("unknown"), sort=True):
        countries.append(CountryFigures(str(country), len(rows), _int_sum(int_column(rows, "fatalities_best"))))
    countries.sort(key=lambda c: (-c.events, c.country))
    precision = gdf["location_precision"].fillna("unlocated")
    return Headline(
        events=len(gdf),
        security_incidents=int((track_of(gdf) == "security").sum()) if len(gdf) else 0,
        fatalities=_int_sum(best),
        with_fatality_figure=int(best.notna().sum()),
        by_side=sides,
        unattributed=unattributed,
        by_country=tuple(countries),
        approximate=int((precision != "exact").sum()),
        unlocated=int((precision == "unlocated").sum()),
        by_precision=precision_counts(precision),
    )


def headline_of(summary, countries: pd.DataFrame, precisions: pd.DataFrame) -> Headline:
    """The headline from a store's answers: summary (geo.store.query.Summary), the aggregate by
    "country_value" and the one by "precision" (columns: the key, incidents, fatalities)."""
    by_country = sorted(
        (CountryFigures(str(c), int(n), int(k)) for c, n, k in countries.itertuples(index=False, name=None)),
        key=lambda c: (-c.events, c.country),
    )
    per = dict(zip(precisions["precision"].astype(str), precisions["incidents"].astype(int), strict=True))
    return Headline(
        events=summary.incidents,
        security_incidents=summary.security,
        fatalities=summary.fatalities,
        with_fatality_figure=summary.with_fatality_figure,
        by_side={label: int(summary.sides.get(col, 0)) for label, col in SIDES.items()},
        unattributed=summary.unattributed,
        by_country=tuple(by_country),
        approximate=summary.incidents - per.get("exact", 0),
        unlocated=per.get("unlocated", 0),
        by_precision=_ordered_precisions(per),
    )


def precision_counts(precision: pd.Series) -> tuple[tuple[str, int], ...]:
    """(precision, count) in the schema's order from finest to coarsest; unknown values last."""
    return _ordered_precisions(precision.astype(str).value_counts().to_dict())


def _ordered_precisions(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    order = [p for p in LOCATION_PRECISION if p in counts] + sorted(set(counts) - set(LOCATION_PRECISION))
    return tuple((p, int(counts[p])) for p in order)


def monthly(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Events and fatalities per month (of date_start) and country value; months without events are absent.

    Columns: month (Timestamp, first of month), country, events, fatalities.
    """
    columns = ["month", "country", "events", "fatalities"]
    if gdf.empty:
        return pd.DataFrame(
            {
                "month": pd.Series(dtype="datetime64[ns]"),
                "country": pd.Series(dtype=object),
                "events": pd.Series(dtype="int64"),
                "fatalities": pd.Series(dtype="int64"),
            }
        )
    frame = pd.DataFrame(
        {
            "month": gdf["date_start"].dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]"),
            "country": gdf["country"].fillna("unknown"),
            "fatalities": int_column(gdf, "fatalities_best").fillna(0).astype("int64"),
        }
    )
    out = (
        frame.groupby(["month", "country"], sort=True)
        .agg(events=("fatalities", "size"), fatalities=("fatalities", "sum"))
        .reset_index()
    )
    return out[columns].astype({"events": "int64", "fatalities": "int64"})


def monthly_of(aggregate: pd.DataFrame) -> pd.DataFrame:
    """monthly()'s table from a store's aggregate by ("month", "country_value"), or by ("month", "grade")
    (then a "grade" column instead of "country": a chart split by verification)."""
    out = aggregate.rename(columns={"country_value": "country", "incidents": "events"})
    out["month"] = out["month"].astype("datetime64[ns]")
    key = "grade" if "grade" in out.columns else "country"
    return out[["month", key, "events", "fatalities"]].astype({"events": "int64", "fatalities": "int64"})


def border_km(geometry, border: gpd.GeoDataFrame | None) -> float | None:
    """Geodesic distance from a point to the Pakistan–Iran border, or None without a point or border."""
    if geometry is None or geometry.is_empty or border is None or border.empty:
        return None
    return float(distance_to_border_km(gpd.GeoSeries([geometry], crs="EPSG:4326"), border)[0])


def country_label(value, country_names: dict[str, str] | None = None) -> str:
    """'PAK;IRN' -> 'Pakistan + Iran' with the names given (codes stay where no name is known)."""
    names = country_names or {}
    return " + ".join(names.get(code, code) for code in str(value).split(";"))


def by_grade(counts: pd.DataFrame) -> list[tuple[str, int]]:
    """(grade, incidents) in the grades' order (geo.schema.GRADES, strongest first, then ungraded),
    from the store's aggregate by "grade"; grades with no incident left out."""
    if counts is None or counts.empty:
        return []
    found = dict(zip(counts["grade"].astype(str), counts["incidents"].astype(int), strict=True))
    return [(g, found[g]) for g in (*GRADE_NAMES, UNGRADED) if found.get(g)]
