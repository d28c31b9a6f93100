"""The incident filter shared by every page: what it keeps and how it describes itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.countries import country_name
from geo.districts import district_label, in_district
from geo.near import target_label, within_km
from geo.records import record_of
from geo.schema import INCIDENT_CATEGORIES

SEARCH_FIELDS = ("title", "description", "place", "perpetrator", "admin1", "admin2")


@dataclass(frozen=True)
class IncidentFilter:
    """Empty tuples mean "all"; dates are inclusive and match events that overlap the range."""

    date_from: date | None = None
    date_to: date | None = None
    categories: tuple[str, ...] = ()
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
        """The active criteria as (name, description); names are the IncidentFilter fields
        ("dates" stands for date_from and date_to together)."""
        parts = []
        if self.date_from or self.date_to:
            parts.append(("dates", f"dates {self.date_from or '…'} to {self.date_to or '…'}"))
        if self.categories:
            parts.append(("categories", "categories: " + ", ".join(self.categories)))
        if self.countries:
            parts.append(("countries", "countries: " + ", ".join(country_name(c) for c in self.countries)))
        if self.min_fatalities:
            parts.append(("min_fatalities", f"at least {self.min_fatalities} fatalities"))
        if self.keyword.strip():
            whole = " (whole words)" if self.whole_words else ""
            parts.append(("keyword", f"keyword “{self.keyword.strip()}”{whole}"))
        if self.near:
            parts.append(("near", f"within {self.near_km:g} km of {target_label(self.near)}"))
        if self.district:
            parts.append(("district", f"district {district_label(self.district)}"))
        return parts

    def describe(self) -> str:
        """One line a reader (or an export's attribution block) can understand."""
        parts = [text for _, text in self.parts()]
        return "; ".join(parts) if parts else "no filters (all incidents)"

    def only(self, name: str) -> IncidentFilter:
        """This filter's criterion `name` (see parts) alone."""
        if name == "dates":
            return IncidentFilter(date_from=self.date_from, date_to=self.date_to)
        if name == "keyword":
            return IncidentFilter(keyword=self.keyword, whole_words=self.whole_words)
        if name == "near":
            return IncidentFilter(near=self.near, near_km=self.near_km)
        return replace(IncidentFilter(), **{name: getattr(self, name)})


def search_text(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Lower-case text searched by the keyword filter: title, description, actors, place, ..."""
    text = pd.Series("", index=gdf.index, dtype=object)
    for col in SEARCH_FIELDS:
        if col in gdf.columns:
            text = text + " " + gdf[col].fillna("").astype(str)
    if "actors" in gdf.columns:
        text = text + " " + gdf["actors"].map(lambda a: " ".join(a) if isinstance(a, (list, tuple)) else "")
    return text.str.lower()


def filter_mask(gdf: gpd.GeoDataFrame, f: IncidentFilter) -> np.ndarray:
    """Boolean array: which incidents pass the filter."""
    keep = np.ones(len(gdf), dtype=bool)
    if f.date_from is not None:
        keep &= (gdf["date_end"] >= pd.Timestamp(f.date_from)).to_numpy()
    if f.date_to is not None:
        keep &= (gdf["date_start"] <= pd.Timestamp(f.date_to)).to_numpy()
    if f.categories:
        keep &= gdf["category"].isin(f.categories).to_numpy()
    if f.countries:
        wanted = set(f.countries)
        keep &= np.fromiter((bool(wanted & set(str(c).split(";"))) for c in gdf["country"]), dtype=bool, count=len(gdf))
    if f.min_fatalities > 0:
        keep &= (gdf["fatalities_best"].fillna(0) >= f.min_fatalities).to_numpy(dtype=bool)
    words = f.keyword.strip().lower().split()
    if words:
        text = search_text(gdf)
        for word in words:
            keep &= _contains(text, word, f.whole_words)
    if f.near:
        keep &= within_km(gdf.geometry, f.near, f.near_km)
    if f.district:
        keep &= in_district(gdf.geometry, f.district)
    return keep


def _contains(text: pd.Series, word: str, whole: bool) -> np.ndarray:
    """Which texts hold word: anywhere, or (whole) not joined to a letter or digit on either side."""
    if not whole:
        return text.str.contains(word, regex=False).to_numpy()
    return text.str.contains(rf"(?<!\w){re.escape(word)}(?!\w)", regex=True).to_numpy()


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
