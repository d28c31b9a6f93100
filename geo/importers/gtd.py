"""The Global Terrorism Database (GTD, START, University of Maryland): its CSV export -> incident records.

Columns read, by the GTD codebook's names: eventid, iyear, imonth, iday, approxdate, country_txt,
provstate, city, latitude, longitude, specificity, attacktype1_txt, gname, nkill, nwound, summary,
scite1, scite2, scite3, dbsource. The others are not read.

- id: 'GTD-' and eventid.
- Dates from iyear, imonth and iday, written as YYYY-MM-DD (so no day/month order is asked for).
  GTD writes 0 for a day or month it does not know: iday 0 spans the month (date_precision
  'month'), imonth 0 the year ('year'). approxdate, GTD's words on an uncertain date, goes to
  date_note.
- Place: specificity (1–5, the codebook's geocoding specificity) to location_precision:
  1 the town's own point -> 'town'; 2 a town whose point was not found, placed at the smallest
  region's centroid -> 'district'; 3 not in a town, the smallest region's centroid -> 'district';
  4 the first-order region's (province's) centroid -> 'province'; 5 no region known, no point ->
  'unlocated' (any coordinates ignored). A row without coordinates is unlocated too. provstate is
  admin1, city the place; GTD's 'Unknown' is left empty.
- Casualties: nkill (every death, perpetrators' included) -> fatalities_best; nwound -> injured. An
  empty count is unknown and stays null, never 0.
- attacktype1_txt -> category (ATTACK_TYPES) and, with the city, the title; gname -> actors and
  perpetrator; summary -> description.
- Sources: each of scite1..3 (citations as text, seldom a link) under GTD's URL, with dbsource,
  the database the event was first collected in.

GTD's terms of use forbid redistributing the data: imported rows stay with the user, and the
project ships none (tests/data/import/gtd.csv is an invented fixture).
"""

from __future__ import annotations

import calendar
from datetime import date

from geo.importers.csvfile import CsvTable, Row, require
from geo.importers.reading import Reading
from geo.importers.values import country, lat_lon, number

URL = "https://www.start.umd.edu/gtd/"
NEEDS = {
    "id": ("eventid",),
    "year": ("iyear",),
    "month": ("imonth",),
    "day": ("iday",),
    "country": ("country_txt",),
    "lat": ("latitude",),
    "lon": ("longitude",),
}
ATTACK_TYPES = {
    "assassination": "attack",
    "armed assault": "attack",
    "bombing/explosion": "bombing/IED",
    "hijacking": "abduction",
    "hostage taking (barricade incident)": "abduction",
    "hostage taking (kidnapping)": "abduction",
    "facility/infrastructure attack": "attack",
    "unarmed assault": "attack",
    "unknown": "other",
}
SPECIFICITY = {1: "town", 2: "district", 3: "district", 4: "province", 5: "unlocated"}
UNKNOWN = "unknown"


def _known(text: str) -> str | None:
    """The cell, or None for an empty cell or GTD's 'Unknown'."""
    return None if not text or text.lower() == UNKNOWN else text


def dates(row: Row) -> tuple[str, str, str]:
    """(date_start, date_end, date_precision) from iyear, imonth, iday (0: not known)."""
    year = number(row["iyear"], "iyear", integer=True)
    month = number(row["imonth"] or "0", "imonth", integer=True)
    day = number(row["iday"] or "0", "iday", integer=True)
    if year is None or not 1 <= year <= 9999:
        raise ValueError(f"iyear {row['iyear']!r} is not a year")
    if month == 0:
        return f"{year:04}-01-01", f"{year:04}-12-31", "year"
    if month > 12:
        raise ValueError(f"imonth {row['imonth']!r} is not a month (1–12, or 0 when not known)")
    if day == 0:
        last = calendar.monthrange(year, month)[1]
        return f"{year:04}-{month:02}-01", f"{year:04}-{month:02}-{last:02}", "month"
    try:
        iso = date(year, month, day).isoformat()
    except ValueError as exc:
        raise ValueError(f"iyear/imonth/iday {year}/{month}/{day} is not a date ({exc})") from exc
    return iso, iso, "day"


def place(row: Row) -> tuple[str, float | None, float | None]:
    """(location_precision, latitude, longitude) from specificity and the coordinates."""
    spec = number(row["specificity"], "specificity", integer=True)
    precision = SPECIFICITY.get(spec, "approximate") if spec is not None else "approximate"
    if precision == "unlocated" or not (row["latitude"] or row["longitude"]):
        return "unlocated", None, None
    return (precision, *lat_lon(row["latitude"], row["longitude"]))


def sources(row: Row) -> list[dict]:
    """One source per citation, under GTD's URL (the citations are texts)."""
    db = f", from {row['dbsource']}" if _known(row["dbsource"]) else ""
    cites = [row[c] for c in ("scite1", "scite2", "scite3") if row[c]]
    outlets = [f"Global Terrorism Database{db}; cites: {c}" for c in cites] or [f"Global Terrorism Database{db}"]
    return [{"outlet": o, "url": URL, "date": None} for o in outlets]


def label(row: Row) -> str:
    """How a report names a GTD row."""
    return f"eventid '{row['eventid']}'"


def label_of(rec_id) -> str:
    """The label of a row whose record id is rec_id ('GTD-' and the row's eventid)."""
    return f"eventid '{str(rec_id).removeprefix('GTD-')}'"


def convert(row: Row) -> tuple[dict, float | None, float | None]:
    """One GTD row as an incident record, latitude, longitude (None for an unlocated event)."""
    precision, lat, lon = place(row)
    start, end, date_precision = dates(row)
    attack = row["attacktype1_txt"]
    city, group = _known(row["city"]), _known(row["gname"])
    spec = row["specificity"] or "?"
    rec = {
        "id": "GTD-" + row["eventid"],
        "title": (attack or "GTD event") + (f" — {city}" if city else ""),
        "category": ATTACK_TYPES.get(attack.lower(), "other"),
        "date_start": start,
        "date_end": end,
        "date_precision": date_precision,
        "date_note": f"GTD approxdate: {row['approxdate']}" if row["approxdate"] else None,
        "country": country(row["country_txt"]),
        "admin1": _known(row["provstate"]),
        "place": city,
        "location_precision": precision,
        "location_note": f"GTD specificity {spec}" + ("" if lat is not None else "; no point"),
        "fatalities_best": number(row["nkill"], "nkill", integer=True),
        "injured": number(row["nwound"], "nwound", integer=True),
        "actors": [group] if group else [],
        "perpetrator": group,
        "description": row["summary"] or f"{attack or 'Event'} (GTD)",
        "sources": sources(row),
        "dataset": "GTD",
        "licence": "GTD terms of use (not for redistribution)",
    }
    return rec, lat, lon


def reading(table: CsvTable) -> Reading:
    """How a GTD file is read (refused without GTD's columns); dates are built as YYYY-MM-DD."""
    require(table, NEEDS, "a GTD")
    return Reading("GTD", convert, label, label_of, date_columns=())
