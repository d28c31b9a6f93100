"""Figures behind the incidents explorer: headline counts, the monthly timeline, the table rows.

Every function takes an already filtered incidents GeoDataFrame (geo.filters.apply_filter).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis import distance_to_border_km
from geo.chronology import track_for_category
from geo.countries import NAMES
from geo.filters import IncidentFilter, Selected, select
from geo.records import safe_url
from geo.schema import LOCATION_PRECISION

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


def precision_counts(precision: pd.Series) -> tuple[tuple[str, int], ...]:
    """(precision, count) in the schema's order from finest to coarsest; unknown values last."""
    counts = precision.astype(str).value_counts()
    order = [p for p in LOCATION_PRECISION if p in counts.index] + sorted(set(counts.index) - set(LOCATION_PRECISION))
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
        },
        index=gdf.index,
    )
    rows["precision"] = (
        rows["location_precision"].fillna("–").astype(str) + " / " + rows["date_precision"].fillna("–").astype(str)
    )
    if not ordered:
        rows = rows.sort_values(["date", "id"], ascending=[False, True], kind="stable")
    return rows[list(TABLE_COLUMNS)]


# How the explorer's table can be ordered: (column, ascending) pairs, ties broken by id.
TABLE_SORTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "newest": (("date", False), ("id", True)),
    "oldest": (("date", True), ("id", True)),
    "deadliest": (("fatalities", False), ("date", False), ("id", True)),
    "title": (("title", True), ("id", True)),
}
SORT_COLUMNS = {"date": "date_start", "id": "id", "fatalities": "fatalities_best", "title": "title"}  # read by each


def table_order(gdf: pd.DataFrame, sort: str = "newest") -> np.ndarray:
    """Positions of gdf's rows in the order TABLE_SORTS[sort] gives (missing values last).

    Sorting needs only these few columns, so a table can show one page without building every row.
    """
    sources = {
        "date": lambda: gdf[SORT_COLUMNS["date"]].astype("datetime64[ns]"),
        "id": lambda: gdf[SORT_COLUMNS["id"]].astype(str),
        "fatalities": lambda: _column(gdf, SORT_COLUMNS["fatalities"]),
        "title": lambda: gdf[SORT_COLUMNS["title"]].astype(str).str.casefold(),
    }
    spec = TABLE_SORTS[sort]
    keys = pd.DataFrame({name: sources[name]().to_numpy() for name, _ in spec})
    ranked = keys.sort_values([n for n, _ in spec], ascending=[a for _, a in spec], kind="stable", na_position="last")
    return ranked.index.to_numpy()


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


# the columns headline and monthly read
FIGURE_COLUMNS = (
    "fatalities_best",
    *SIDES.values(),
    "country",
    "location_precision",
    "category",
    "track",
    "date_start",
)


@dataclass(frozen=True)
class ExplorerView:
    """Everything the explorer shows for one filter: the matching records and their figures."""

    selected: Selected  # the matching records, as positions in the incident set
    headline: Headline
    months: pd.DataFrame
    orders: dict[str, np.ndarray] = field(default_factory=dict)  # table_order per sort, filled on use

    @property
    def shown(self) -> gpd.GeoDataFrame:
        """The matching records (a new frame each time: for exports, not for every run)."""
        return self.selected.frame

    @property
    def rows(self) -> pd.DataFrame:
        """Every table row, newest first, index reset (the page shows one page of them at a time)."""
        return table_rows(self.shown).reset_index(drop=True)

    def page(self, number: int, sort: str = "newest", size: int = PAGE_SIZE) -> pd.DataFrame:
        """Table rows of page number (1 = first) in the given order, index reset."""
        if sort not in self.orders:  # sorted on the few columns the order reads, not a copy of every row
            keys = self.selected.columns(SORT_COLUMNS[name] for name, _ in TABLE_SORTS[sort])
            self.orders[sort] = table_order(keys, sort)
        number = min(max(number, 1), page_count(len(self.selected), size))
        positions = self.orders[sort][(number - 1) * size : number * size]
        return table_rows(self.selected.rows(positions), ordered=True).reset_index(drop=True)

    def record(self, feature_id) -> dict | None:
        """The record of one matching incident (None when it does not match)."""
        return self.selected.record(feature_id)


def explorer_view(incidents: gpd.GeoDataFrame, f: IncidentFilter) -> ExplorerView:
    """Everything the explorer page shows for one filter, computed once (table rows per page, on use).

    It keeps the matching rows' positions, not a copy of them (bench/README.md, server memory)."""
    selected = select(incidents, f)
    shown = selected.columns(FIGURE_COLUMNS)
    return ExplorerView(selected, headline(shown), monthly(shown))
