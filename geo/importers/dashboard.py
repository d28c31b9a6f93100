"""This dashboard's own CSV export (header first; old exports with '# ' lines above it too)."""

from __future__ import annotations

import re

from geo.importers.csvfile import CsvTable, Row, require
from geo.importers.values import lat_lon, number
from geo.schema import INCIDENTS

EXPORT_SEP = ";"  # lists in the export are '; '-joined
_GUARDED = re.compile(r"^'(?=[=+\-@\t\r])")  # the export's spreadsheet guard before = + - @ tab CR
NEEDS = {k: (k,) for k in ("id", "title", "date_start", "latitude", "longitude", "source_urls")}
_FIELDS = [f for f in INCIDENTS.fields if f.name != "sources"]
_DATES = {"date_start", "date_end"}


def value(text: str, f):
    """One cell of the export back to the schema's type (text keeps its inner characters as written)."""
    text = _GUARDED.sub("", text or "")
    if f.kind == "str_list":
        return [part.strip() for part in text.split(EXPORT_SEP) if part.strip()]
    if text.strip() == "":
        return None
    if f.kind in ("int", "float"):
        return number(text, f.name, integer=f.kind == "int")
    if f.kind == "bool":
        if text.strip().lower() not in ("true", "false"):
            raise ValueError(f"{f.name} {text!r} is not true or false")
        return text.strip().lower() == "true"
    return text.strip() if f.kind == "date" else text


def sources(row: Row) -> list[dict]:
    """The source records from the three '; '-joined source columns."""
    urls = [u.strip() for u in row["source_urls"].split(EXPORT_SEP)]
    outlets = [o.strip() for o in row["source_outlets"].split(EXPORT_SEP)]
    dates = [d.strip() for d in row["source_dates"].split(EXPORT_SEP)]
    if not any(urls):
        raise ValueError("no source_urls: every incident needs a source")
    pad = lambda items, n: (items + [""] * n)[:n]  # noqa: E731
    return [
        {"outlet": o or None, "url": u, "date": d or None}
        for u, o, d in zip(urls, pad(outlets, len(urls)), pad(dates, len(urls)), strict=True)
    ]


def label(row: Row) -> str:
    """How a report names a row."""
    return f"id '{row['id']}'"


def convert(row: Row) -> tuple[dict, float | None, float | None]:
    """One exported row back to a record."""
    rec = {}
    for f in _FIELDS:
        if f.name in row:
            rec[f.name] = value(row.raw(f.name), f)
    rec["sources"] = sources(row)
    lat, lon = row["latitude"], row["longitude"]
    if lat or lon:
        return rec, *lat_lon(lat, lon)
    return rec, None, None


def check(table: CsvTable) -> None:
    """Refuse a file without the export's columns."""
    require(table, NEEDS, "this dashboard's export")
