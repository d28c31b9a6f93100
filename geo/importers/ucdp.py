"""UCDP GED: the CSV as published (and its HDX copy) and the web explorer's download."""

from __future__ import annotations

from typing import Any

from geo.grades import ucdp as grade
from geo.importers.csvfile import CsvTable, Row, require
from geo.importers.reading import Reading
from geo.importers.values import country, lat_lon, number

URL = "https://ucdp.uu.se/downloads/"
NEEDS = {
    "id": ("id",),
    "start": ("date_start",),
    "end": ("date_end",),
    "lat": ("latitude",),
    "lon": ("longitude",),
    "best": ("best", "best_est"),
}
CATEGORY = {"1": "armed clash", "2": "armed clash", "3": "attack"}
DATE_PREC = {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}
WHERE_PREC = {
    "1": "exact",
    "2": "near",
    "3": "district",
    "4": "province",
    "5": "border area",
    "6": "country",
    "7": "approximate",
}
MONTH_FIRST = (False, "UCDP's web download writes month-first dates")
_DEATHS = {
    "government": "fatalities_security",
    "non-state": "fatalities_militants",
    "civilians": "fatalities_civilians",
}


def side_kind(name: str, violence: str, is_b: bool) -> str:
    """What a side is: 'government', 'civilians', 'non-state' or 'unknown'."""
    s = name.strip()
    if s.startswith("Government of"):
        return "government"
    if s.lower() == "civilians" or (violence == "3" and is_b):
        return "civilians"
    return "non-state" if s else "unknown"


def deaths(row: Row) -> dict:
    """Deaths by what each side is (government / non-state / civilians / unknown), names kept in a note."""
    violence = row["type_of_violence"]
    out: dict[str, Any] = {"fatalities_security": None, "fatalities_militants": None, "fatalities_civilians": None}
    notes = []
    for key, side, is_b in (("deaths_a", "side_a", False), ("deaths_b", "side_b", True)):
        n = number(row[key], key, integer=True)
        if n is None:
            continue
        kind = side_kind(row[side], violence, is_b)
        notes.append(f"{row[side] or 'side ' + key[-1].upper()} ({kind}): {n}")
        if kind == "civilians" and row["deaths_civilians"]:
            continue  # counted in deaths_civilians
        target = _DEATHS.get(kind, "fatalities_unknown")
        out[target] = (out.get(target) or 0) + n
    civ = number(row["deaths_civilians"], "deaths_civilians", integer=True)
    if civ is not None:
        out["fatalities_civilians"] = (out["fatalities_civilians"] or 0) + civ
    unknown = number(row["deaths_unknown"], "deaths_unknown", integer=True)
    if unknown is not None:
        out["fatalities_unknown"] = (out.get("fatalities_unknown") or 0) + unknown
    if notes:
        out["fatalities_note"] = "UCDP deaths by side: " + "; ".join(notes)
    return out


def label(row: Row) -> str:
    """How a report names a UCDP row."""
    return f"id '{row['id']}'"


def label_of(rec_id) -> str:
    """The label of a row whose record id is rec_id ('UCDP-' and the row's id)."""
    return f"id '{str(rec_id).removeprefix('UCDP-')}'"


def make_convert(version: str):
    """A row converter citing `version` (e.g. 'UCDP GED 24.1')."""

    def convert(row: Row) -> tuple[dict, float, float]:
        lat, lon = lat_lon(row["latitude"], row["longitude"])
        place = row["where_coordinates"] or None
        dyad = row["dyad_name"]
        outlet = row["source_article"] or "not stated"
        rec = {
            "id": "UCDP-" + row["id"],
            "title": (dyad or "UCDP event") + (f" — {place}" if place else ""),
            "category": CATEGORY.get(row["type_of_violence"], "other"),
            "date_start": row["date_start"],
            "date_end": row["date_end"],
            "date_precision": DATE_PREC.get(row["date_prec"], "day"),
            "country": country(row["country"], row["iso3"]),
            "admin1": row["adm_1"] or None,
            "admin2": row["adm_2"] or None,
            "place": place,
            "location_precision": WHERE_PREC.get(row["where_prec"], "approximate"),
            "location_note": f"UCDP where_prec {row['where_prec'] or '?'}",
            "fatalities_best": number(row["best"] or row["best_est"], "best", integer=True),
            "fatalities_low": number(row["low"] or row["low_est"], "low", integer=True),
            "fatalities_high": number(row["high"] or row["high_est"], "high", integer=True),
            **deaths(row),
            "actors": [a for a in (row["side_a"], row["side_b"]) if a],
            "description": row["where_description"] or dyad or "UCDP GED event",
            "sources": [
                {"outlet": f"{version}; source: {outlet}", "url": URL, "date": (row["source_date"][:10] or None)}
            ],
            **grade(row["number_of_sources"], row["event_clarity"]).imported(),
            "dataset": version,
            "licence": "CC BY 4.0 (UCDP)",
        }
        return rec, lat, lon

    return convert


def check(table: CsvTable) -> str:
    """Refuse a file without UCDP's columns; say which layout it is."""
    require(table, NEEDS, "a UCDP GED")
    return "UCDP web download" if "best_est" in table.columns else "UCDP GED"


def reading(table: CsvTable) -> Reading:
    """How a UCDP file is read (refused without UCDP's columns): the web download's dates are month-first."""
    layout = check(table)
    order = MONTH_FIRST if layout == "UCDP web download" else None
    return Reading(layout, make_convert("UCDP GED"), label, label_of, day_first=order)
