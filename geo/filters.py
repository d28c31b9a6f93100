"""The incident filter shared by every page: its values, and what it keeps (the criteria themselves,
each with its SQL, are geo.incidents.criteria)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.incidents import criteria
from geo.records import record_of
from geo.schema import INCIDENT_CATEGORIES


@dataclass(frozen=True)
class IncidentFilter:
    """Empty tuples mean "all"; dates are inclusive and match events that overlap the range."""

    date_from: date | None = None
    date_to: date | None = None
    categories: tuple[str, ...] = ()
    # verification grades (geo.schema.GRADES) kept; a row without one counts as "ungraded"
    grades: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    min_fatalities: int = 0
    keyword: str = ""
    # Off by default: a part of a word finds the forms analysts expect ("attack" finds "attacks",
    # "Baloch" finds "Balochistan"); on, each word matches only whole ("BLA" no longer finds "blast").
    whole_words: bool = False
    # "Near": a target of geo.near ("" for none) and the distance in km an incident's point must lie within
    near: str = ""
    near_km: float = 25.0
    # a shipped district's id (geo.districts; "" for all): incidents whose point lies in its polygon
    district: str = ""

    def parts(self) -> list[tuple[str, str]]:
        """The active criteria as (name, description), named as in geo.incidents.criteria.CRITERIA."""
        return [(c.name, c.describe(self)) for c in criteria.active(self)]

    def describe(self) -> str:
        """One line a reader (or an export's attribution block) can understand."""
        parts = [text for _, text in self.parts()]
        return "; ".join(parts) if parts else "no filters (all incidents)"

    def only(self, name: str) -> IncidentFilter:
        """This filter's criterion `name` (see parts) alone."""
        return IncidentFilter(**{f: getattr(self, f) for f in criteria.BY_NAME[name].fields})


def filter_mask(gdf: gpd.GeoDataFrame, f: IncidentFilter) -> np.ndarray:
    """Boolean array: which incidents pass the filter (every criterion's pandas mask)."""
    return criteria.mask(gdf, f)


def apply_filter(gdf: gpd.GeoDataFrame, f: IncidentFilter) -> gpd.GeoDataFrame:
    """The incidents that pass the filter."""
    return gdf[filter_mask(gdf, f)]


@dataclass(frozen=True, eq=False)
class Selected:
    """Rows of a frame held as their positions in it: what a kept view holds instead of a copy of
    the rows (a filtered copy of 100k incidents is tens of MB; its positions 4 bytes a row)."""

    source: gpd.GeoDataFrame
    positions: np.ndarray

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The rows themselves, in order (a new frame on every call)."""
        return self.source.iloc[self.positions]

    def columns(self, names) -> pd.DataFrame:
        """The rows with only these of the frame's columns (those it has): a smaller frame to compute on
        (the columns themselves when every row is selected)."""
        wanted, every = set(names), len(self.positions) == len(self.source)
        taken = {c: col if every else col.take(self.positions) for c, col in self.source.items() if c in wanted}
        return pd.DataFrame(taken, index=self.source.index[self.positions], copy=False)

    def rows(self, at) -> gpd.GeoDataFrame:
        """The rows at these places of the selection (a slice or an array of them)."""
        return self.source.iloc[self.positions[at]]

    def geometry_of(self, ids) -> gpd.GeoSeries:
        """The point of each of these ids among the selected rows (the first row of an id; None when absent)."""
        selected_ids = self.source["id"].iloc[self.positions].astype(str)
        hits = self.positions[selected_ids.isin({str(i) for i in ids}).to_numpy()]
        found = self.source.geometry.iloc[hits]
        by_id = dict(zip(self.source["id"].iloc[hits].astype(str)[::-1], found.to_numpy()[::-1], strict=True))
        return gpd.GeoSeries([by_id.get(str(i)) for i in ids], crs=self.source.crs)

    def record(self, feature_id) -> dict | None:
        """record_of the selected rows, without copying them."""
        if "id" not in self.source.columns:
            return None
        hits = (self.source["id"].iloc[self.positions].astype(str) == str(feature_id)).to_numpy()
        return record_of(self.source.iloc[self.positions[hits][:1]], feature_id)


def select(gdf: gpd.GeoDataFrame, f: IncidentFilter) -> Selected:
    """The incidents that pass the filter, as positions in gdf (apply_filter's rows, not copied)."""
    positions = np.flatnonzero(filter_mask(gdf, f))
    return Selected(gdf, positions.astype(np.int32) if len(gdf) < 2**31 else positions)


def country_codes(gdf: gpd.GeoDataFrame) -> list[str]:
    """Every ISO3 code that occurs in the (semicolon-separated) country column."""
    return sorted({c for value in gdf["country"].dropna() for c in str(value).split(";") if c})


def filter_choices(incidents: gpd.GeoDataFrame) -> tuple[date, date, list[str], list[str]]:
    """What the filters offer: the first and last date, the categories present (in the schema's
    order) and the country codes."""
    lo, hi = incidents["date_start"].min().date(), incidents["date_end"].max().date()
    seen = set(incidents["category"])
    return lo, hi, [c for c in INCIDENT_CATEGORIES if c in seen], country_codes(incidents)


@dataclass(frozen=True)
class EmptyResult:
    """Why a filter keeps no incident: the criteria that match none on their own (each named as in
    IncidentFilter.describe), or, when each alone matches some, all the active ones together."""

    alone: tuple[str, ...] = ()
    together: tuple[str, ...] = ()

    def sentence(self) -> str:
        """The explanation in words (data values included: escape before Markdown or HTML)."""
        if self.alone:
            return "Nothing matches " + " and nothing matches ".join(self.alone) + "."
        if self.together:
            return (
                "Each filter matches some events, but none matches all of them together: "
                + "; ".join(self.together)
                + "."
            )
        return "There are no events in the data."


def why_empty(incidents, f: IncidentFilter) -> EmptyResult:
    """Which filters left no incident (call when f matches none). incidents: a frame, or a function
    counting the incidents a filter matches (a store's query)."""
    matches = incidents if callable(incidents) else lambda flt: int(filter_mask(incidents, flt).sum())
    parts = f.parts()
    alone = tuple(text for name, text in parts if not matches(f.only(name)))
    return EmptyResult(alone, () if alone else tuple(text for _, text in parts))
