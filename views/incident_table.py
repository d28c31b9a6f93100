"""The incidents explorer's table: its rows, the orders it can be sorted in, and its paging.

table_rows shapes one page of the store's rows (TABLE_SOURCE_COLUMNS, sorted by one of
TABLE_ORDERS) into what the table shows; the figures above it are geo.incident_stats'.
No Streamlit: ui.tables pages it, pages/incidents.py lays it out.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.countries import NAMES
from geo.grades import grade_of
from geo.incident_stats import country_label, int_column
from geo.records import safe_url
from geo.schema import UNGRADED

# The columns table_rows gives, in order.
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
    the input's order when ordered is True (a page the store sorted by one of TABLE_ORDERS). Countries are
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
            "fatalities": int_column(gdf, "fatalities_best"),
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


# Table rows sent to the browser at a time, in every paged table (the explorer's, the chronology's: ui.tables.pager).
PAGE_SIZE = 200


def page_count(rows: int, size: int = PAGE_SIZE) -> int:
    """Pages needed for rows table rows (at least one, possibly empty)."""
    return max(1, -(-rows // size))
