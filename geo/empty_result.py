"""Why a filter left nothing: which of its parts, dropped alone, would bring incidents back."""

from __future__ import annotations

from dataclasses import fields, replace

import geopandas as gpd

from geo.filters import IncidentFilter, filter_mask

# filter field -> how a reader names it (dates are one part: from and to)
PARTS = {
    "dates": "the date range",
    "categories": "the categories",
    "countries": "the countries",
    "min_fatalities": "the minimum fatalities",
    "keyword": "the keyword",
}


def _without(f: IncidentFilter, part: str) -> IncidentFilter:
    if part == "dates":
        return replace(f, date_from=None, date_to=None)
    default = next(x.default for x in fields(IncidentFilter) if x.name == part)
    return replace(f, **{part: default})


def _active(f: IncidentFilter) -> list[str]:
    on = {
        "dates": f.date_from is not None or f.date_to is not None,
        "categories": bool(f.categories),
        "countries": bool(f.countries),
        "min_fatalities": f.min_fatalities > 0,
        "keyword": bool(f.keyword.strip()),
    }
    return [part for part in PARTS if on[part]]


def emptying_parts(gdf: gpd.GeoDataFrame, f: IncidentFilter) -> list[tuple[str, int]]:
    """For a filter that keeps nothing: each active part with how many incidents match without it.

    Parts whose removal alone still leaves nothing are listed with 0; an empty list means no
    filter is set (the data itself is empty).
    """
    return [(PARTS[part], int(filter_mask(gdf, _without(f, part)).sum())) for part in _active(f)]


def empty_sentence(gdf: gpd.GeoDataFrame, f: IncidentFilter) -> str:
    """One sentence saying which filters emptied the result (plain text, no Markdown)."""
    parts = emptying_parts(gdf, f)
    if not parts:
        return "There are no incidents in the data."
    helping = [f"without {name}, {n:,} would match" for name, n in parts if n]
    names = " and ".join(name for name, _ in parts)
    if not helping:
        return f"No incident matches {names} together; no single filter alone empties the result."
    return f"No incident matches {names} together: " + "; ".join(helping) + "."
