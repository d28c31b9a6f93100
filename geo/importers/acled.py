"""ACLED exports (current and old layouts) -> incident records."""

from __future__ import annotations

from geo.grades import acled as grade
from geo.importers.csvfile import CsvTable, Row, require
from geo.importers.reading import Reading
from geo.importers.values import country, lat_lon, number

URL = "https://acleddata.com/"
NEEDS = {
    "id": ("event_id_cnty",),
    "date": ("event_date",),
    "lat": ("latitude",),
    "lon": ("longitude",),
    "type": ("event_type",),
}
CATEGORY = {
    "armed clash": "armed clash",
    "attack": "attack",
    "suicide bomb": "bombing/IED",
    "remote explosive/landmine/ied": "bombing/IED",
    "grenade": "bombing/IED",
    "air/drone strike": "air/drone strike",
    "shelling/artillery/missile attack": "shelling/artillery",
    "abduction/forced disappearance": "abduction",
    "arrests": "arrest",
    "agreement": "agreement",
    "peaceful protest": "protest",
    "protest with intervention": "protest",
    "excessive force against protesters": "protest",
    "violent demonstration": "riot",
    "mob violence": "riot",
    "government regains territory": "armed clash",
    "non-state actor overtakes territory": "armed clash",
    "disrupted weapons use": "security (other)",
    "looting/property destruction": "other",
    "headquarters or base established": "other",
    "non-violent transfer of territory": "other",
    "change to group/activity": "other",
    "other": "other",
    "sexual violence": "attack",
    # event types, current and before ACLED's 2019 revision (when no sub-event type maps)
    "battles": "armed clash",
    "battle-no change of territory": "armed clash",
    "battle-government regains territory": "armed clash",
    "battle-non-state actor overtakes territory": "armed clash",
    "explosions/remote violence": "bombing/IED",
    "remote violence": "bombing/IED",  # bombs, IEDs, shelling and air strikes; bombing/IED is the nearest
    "violence against civilians": "attack",
    "protests": "protest",
    "riots": "riot",
    "riots/protests": "protest",
    "strategic developments": "other",
    "strategic development": "other",
}
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "town", "2": "near", "3": "province"}
DAY_FIRST = (True, "ACLED writes day-first dates")


def label(row: Row) -> str:
    """How a report names an ACLED row."""
    return f"event_id_cnty '{row['event_id_cnty']}'"


def label_of(rec_id) -> str:
    """The label of a row whose record id is rec_id (the id is the row's event_id_cnty)."""
    return f"event_id_cnty '{rec_id}'"


def convert(row: Row) -> tuple[dict, float, float]:
    """One ACLED row as an incident record (dates as written), latitude, longitude."""
    lat, lon = lat_lon(row["latitude"], row["longitude"])
    sub, etype = row["sub_event_type"], row["event_type"]
    category = CATEGORY.get(sub.lower()) or CATEGORY.get(etype.lower(), "other")
    place = row["location"] or None
    outlet = row["source"] or "not stated"
    rec = {
        "id": row["event_id_cnty"],
        "title": (sub or etype) + (f" — {place}" if place else ""),
        "category": category,
        "date_start": row["event_date"],
        "date_end": "",
        "date_precision": TIME_PRECISION.get(row["time_precision"] or "1", "day"),
        "country": country(row["country"], row["iso"]),
        "admin1": row["admin1"] or None,
        "admin2": row["admin2"] or None,
        "place": place,
        "location_precision": GEO_PRECISION.get(row["geo_precision"], "approximate"),
        "location_note": f"ACLED geo_precision {row['geo_precision'] or '?'}",
        "fatalities_best": number(row["fatalities"], "fatalities", integer=True),
        "actors": [a for a in (row["actor1"], row["actor2"]) if a],
        "description": row["notes"] or f"{etype} (ACLED)",
        "sources": [{"outlet": f"ACLED; reported by: {outlet}", "url": URL, "date": None}],
        **grade(row["source"], row["source_scale"]).imported(),
        "dataset": "ACLED",
        "licence": "ACLED terms of use (not for redistribution)",
    }
    return rec, lat, lon


def check(table: CsvTable) -> None:
    """Refuse a file without ACLED's columns."""
    require(table, NEEDS, "an ACLED")


def reading(table: CsvTable) -> Reading:
    """How an ACLED file is read (refused without ACLED's columns); its date order is the entry's DAY_FIRST."""
    check(table)
    return Reading("ACLED", convert, label, label_of, date_columns=("event_date",))
