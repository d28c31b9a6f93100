"""Figures behind the incidents explorer: headline counts, the monthly timeline, the table rows.

The pages build them from what the store answered (headline_of, monthly_of: its aggregates;
table_rows: one page of rows); headline and monthly compute the same from a frame of incidents
(the published figure's brief and an import's summary, from the frame they hold).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.analysis import distance_to_border_km
from geo.chronology import track_for_category
from geo.countries import NAMES
from geo.grades import grade_of
from geo.records import safe_url
from geo.schema import GRADE_NAMES, LOCATION_PRECISION, UNGRADED

# Fatality columns by side, in the order they are shown.
SIDES = {
    "security forces": "fatalities_security",
    "militants": "fatalities_militants",
    "civilians": "fatalities_civilians",
}
TABLE_COLUMNS = (
    "id",
    "date",
    "title",
    "category",
    "place",
    "province",
    "country",
    "fatalities",
    "location_precision",
    "date_precision",
    "precision",
    "source",
    "outlets",
    "grade",
)


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


def _column(gdf: pd.DataFrame, name: str) -> pd.Series:
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
    best = _column(gdf, "fatalities_best")
    sides = {label: _int_sum(_column(gdf, col)) for label, col in SIDES.items()}
    split = sum(
        (_column(gdf, col).fillna(0) for col in SIDES.values()), start=pd.Series(0, index=gdf.index, dtype="Int64")
    )
    unattributed = _int_sum((best - split).clip(lower=0))
    countries = []
    for country, rows in gdf.groupby(gdf["country"].fillna("unknown"), sort=True):
        countries.append(CountryFigures(str(country), len(rows), _int_sum(_column(rows, "fatalities_best"))))
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
            "fatalities": _column(gdf, "fatalities_best").fillna(0).astype("int64"),
        }
    )
    out = (
        frame.groupby(["month", "country"], sort=True)
        .agg(events=("fatalities", "size"), fatalities=("fatalities", "sum"))
        .reset_index()
    )
    return out[columns].astype({"events": "int64", "fatalities": "int64"})


def _sources(value) -> list[dict]:
    return [s for s in value if isinstance(s, dict)] if isinstance(value, (list, tuple)) else []


def first_source_url(sources) -> str | None:
    """The first http(s) URL among an incident's sources, or None."""
    for src in _sources(sources):
        url = safe_url(src.get("url"))
        if url:
            return url
    return None


def outlets(sources) -> str:
    """Outlet names of a record's sources, in order, without repeats, '; '-joined."""
    names = [str(s.get("outlet") or "").strip() for s in _sources(sources)]
    return "; ".join(dict.fromkeys(n for n in names if n))


def table_rows(gdf: gpd.GeoDataFrame, ordered: bool = False) -> pd.DataFrame:
    """One row per record for the explorer's table, keeping the input's index: newest first, or in
    the input's order when ordered is True (a page already sorted by table_order). Countries are
    named ('Pakistan + Iran'), not coded."""
    rows = pd.DataFrame(
        {
            "id": gdf["id"].astype(str),
            "date": gdf["date_start"].astype("datetime64[ns]"),
            "title": gdf["title"],
            "category": gdf["category"],
            "place": gdf["place"] if "place" in gdf.columns else None,
            "province": gdf["admin1"] if "admin1" in gdf.columns else None,
            "country": gdf["country"].map(lambda v: country_label(v, NAMES) if isinstance(v, str) else v),
            "fatalities": _column(gdf, "fatalities_best"),
            "location_precision": gdf["location_precision"],
            "date_precision": gdf["date_precision"] if "date_precision" in gdf.columns else None,
            "source": gdf["sources"].map(first_source_url),
            "outlets": gdf["sources"].map(outlets),
            "grade": gdf["grade"].map(grade_of) if "grade" in gdf.columns else UNGRADED,
        },
        index=gdf.index,
    )
    rows["precision"] = (
        rows["location_precision"].fillna("–").astype(str) + " / " + rows["date_precision"].fillna("–").astype(str)
    )
    if not ordered:
        rows = rows.sort_values(["date", "id"], ascending=[False, True], kind="stable")
    return rows[list(TABLE_COLUMNS)]


# How the explorer's table can be ordered: the store's (column, descending) pairs (ties: id ascending).
TABLE_ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "newest": (("date_start", True),),
    "oldest": (("date_start", False),),
    "deadliest": (("fatalities_best", True), ("date_start", True)),
    "title": (("title", False),),
}
# what table_rows reads, and the point for the distance columns
TABLE_SOURCE_COLUMNS = (
    "id",
    "date_start",
    "title",
    "category",
    "place",
    "admin1",
    "country",
    "fatalities_best",
    "location_precision",
    "date_precision",
    "sources",
    "grade",
    "lon",
    "lat",
)


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


PAGE_SIZE = 200  # table rows sent to the browser at a time


def page_count(rows: int, size: int = PAGE_SIZE) -> int:
    """Pages needed for rows table rows (at least one, possibly empty)."""
    return max(1, -(-rows // size))


def by_grade(counts: pd.DataFrame) -> list[tuple[str, int]]:
    """(grade, incidents) in the grades' order (geo.schema.GRADES, strongest first, then ungraded),
    from the store's aggregate by "grade"; grades with no incident left out."""
    if counts is None or counts.empty:
        return []
    found = dict(zip(counts["grade"].astype(str), counts["incidents"].astype(int), strict=True))
    return [(g, found[g]) for g in (*GRADE_NAMES, UNGRADED) if found.get(g)]
