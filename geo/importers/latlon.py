"""A plain CSV with latitude/longitude, a date and a source URL (other columns optional)."""

from __future__ import annotations

from geo.importers.acled import CATEGORY as ACLED_CATEGORY
from geo.importers.csvfile import CsvTable, Row, require
from geo.importers.reading import Reading
from geo.importers.values import country, lat_lon, number

NEEDS = {
    "lat": ("latitude", "lat", "y"),
    "lon": ("longitude", "lon", "lng", "long", "x"),
    "date": ("date_start", "date", "event_date"),
}


class LatLon:
    """Converter for one file (knows its column names and the file stem for made-up ids)."""

    def __init__(self, table: CsvTable):
        self.cols = require(table, NEEDS, "a lat/lon CSV")
        self.stem = table.path.stem

    def label(self, row: Row) -> str:
        """How a report names a row."""
        return f"id '{row['id'] or f'{self.stem}-{row.n - 1}'}'"

    def convert(self, row: Row) -> tuple[dict, float, float]:
        """One row as an incident record (dates as written), latitude, longitude."""
        lat, lon = lat_lon(row[self.cols["lat"]], row[self.cols["lon"]])
        url = row["source_url"] or row["url"]
        place = row["place"] or row["location"] or None
        kind = row["sub_event_type"] or row["event_type"]  # an analyst's cut-down ACLED extract
        rec = {
            "id": row["id"] or f"{self.stem}-{row.n - 1}",
            "title": row["title"]
            or (f"{kind} — {place}" if kind and place else kind)
            or f"Incident at {place or 'unnamed place'}",
            "category": row["category"]
            or ACLED_CATEGORY.get(kind.lower())
            or ACLED_CATEGORY.get(row["event_type"].lower(), "other"),
            "date_start": row[self.cols["date"]],
            "date_end": row["date_end"],
            "date_precision": row["date_precision"] or "day",
            "country": country(row["country"]),
            "place": place,
            "admin1": row["admin1"] or row["province"] or None,
            "location_precision": row["location_precision"] or "approximate",
            "fatalities_best": number(row["fatalities"] or row["fatalities_best"], "fatalities", integer=True),
            "actors": [a.strip() for a in row["actors"].split(";") if a.strip()]
            or [a for a in (row["actor1"], row["actor2"]) if a],
            "description": row["description"] or row["notes"] or row["title"] or "(no description)",
            "sources": [{"outlet": row["source"] or None, "url": url, "date": None}] if url else [],
        }
        return rec, lat, lon


def reading(table: CsvTable) -> Reading:
    """How a lat/lon CSV is read (refused without latitude, longitude and a date)."""
    reader = LatLon(table)
    return Reading("CSV lat/lon", reader.convert, reader.label, date_columns=(reader.cols["date"], "date_end"))
