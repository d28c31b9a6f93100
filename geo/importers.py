"""Bring the event data analysts already have into the incident schema.

Supported: ACLED CSV exports, UCDP GED CSV, a plain CSV with latitude/longitude columns, and
spatial files (GeoJSON, GeoPackage, KML, ...) whose properties follow the incident schema.
Each importer returns the rows it could convert and a per-row report of what it rejected and
why; the result is then validated against geo.schema.INCIDENTS like any shipped layer.
ACLED's terms do not allow redistribution: imported ACLED rows are for the user's own session.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.loading import read_any
from geo.schema import INCIDENTS
from geo.validation import LayerValidationError, validate

ISO3 = {
    "pakistan": "PAK",
    "iran": "IRN",
    "afghanistan": "AFG",
    "india": "IND",
    "iraq": "IRQ",
    "586": "PAK",
    "364": "IRN",
    "4": "AFG",
    "004": "AFG",
    "356": "IND",
}

ACLED_CATEGORY = {
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
}
ACLED_TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
ACLED_GEO_PRECISION = {"1": "town", "2": "near", "3": "province"}
UCDP_CATEGORY = {"1": "armed clash", "2": "armed clash", "3": "attack"}
UCDP_DATE_PREC = {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}
UCDP_WHERE_PREC = {
    "1": "exact",
    "2": "near",
    "3": "district",
    "4": "province",
    "5": "border area",
    "6": "country",
    "7": "approximate",
}
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
ACLED_URL = "https://acleddata.com/"
UCDP_URL = "https://ucdp.uu.se/downloads/"


class ImportFormatError(ValueError):
    """The file is not of the format asked for (missing columns, unreadable)."""


@dataclass
class ImportResult:
    """What an import gave: the accepted incidents, the rejected rows with reasons, notes."""

    source: str
    format: str
    incidents: gpd.GeoDataFrame
    rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0


def parse_date(text: str) -> date:
    """A date from the forms the importers accept; raises ValueError for anything else."""
    try:
        return _parse_date(text)
    except ValueError as exc:
        if "is not a date" in str(exc):
            raise
        raise ValueError(f"{text!r} is not a valid date ({exc})") from exc


def _parse_date(text: str) -> date:
    """Dates as analysts' files write them: 2023-07-12, 12-07-2023, 12 July 2023, 12-July-2023.

    Raises ValueError for anything else rather than guessing (no US month-first order).
    """
    s = (text or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return date.fromisoformat(s)
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", s)
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})", s)
    if m and m.group(2).lower() in MONTHS:
        return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T][\d:.]+", s)  # UCDP writes "2023-07-12 00:00:00.000"
    if m:
        return date.fromisoformat(m.group(1))
    raise ValueError(f"{text!r} is not a date this importer reads (YYYY-MM-DD, DD-MM-YYYY or '12 July 2023')")


def _number(text, what: str, integer: bool = False):
    s = (text or "").strip() if isinstance(text, str) else text
    if s in ("", None):
        return None
    try:
        value = float(s)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} {text!r} is not a number") from exc
    if integer:
        if value != int(value) or value < 0:
            raise ValueError(f"{what} {text!r} is not a whole number of zero or more")
        return int(value)
    return value


def _point(lat_text, lon_text) -> Point:
    lat, lon = _number(lat_text, "latitude"), _number(lon_text, "longitude")
    if lat is None or lon is None:
        raise ValueError("latitude/longitude missing")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"latitude {lat} / longitude {lon} out of range")
    return Point(lon, lat)


def _country(*candidates: str) -> str:
    for c in candidates:
        if c and str(c).strip().lower() in ISO3:
            return ISO3[str(c).strip().lower()]
    for c in candidates:
        if c and str(c).strip():
            return str(c).strip()
    raise ValueError("no country")


def _comment_block(text: str) -> int:
    """How many lines at the top start with '#' (the attribution block of this dashboard's exports)."""
    n = 0
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        n += 1
    return n


def _read_csv(path: Path, required: set[str], fmt: str) -> tuple[list[dict], int]:
    """The rows as dicts, and the file row of the first one as a spreadsheet numbers it (a leading
    block of '#' lines is skipped, see _comment_block; the header comes next)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    skipped = _comment_block(text)
    text = "\n".join(text.splitlines()[skipped:])
    rows = list(csv.DictReader(io.StringIO(text)))
    header = set(rows[0].keys()) if rows else set(csv.reader(io.StringIO(text)).__next__() if text else [])
    missing = sorted(required - {h.strip() for h in header if h})
    if missing:
        raise ImportFormatError(f"{path.name}: not an {fmt} file: missing column(s) {', '.join(missing)}")
    return [{(k or "").strip(): v for k, v in row.items()} for row in rows], skipped + 2


def _empty_incident() -> dict:
    return {f.name: None for f in INCIDENTS.fields}


def _finish(
    source: str, fmt: str, records: list[dict], geoms: list, rejected: list[str], rows_read: int, row_numbers: list[int]
) -> ImportResult:
    frame = pd.DataFrame.from_records(records, columns=[f.name for f in INCIDENTS.fields])
    gdf = gpd.GeoDataFrame(
        frame.astype(object).where(frame.notna(), None), geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326"
    )
    try:
        gdf, report = validate(gdf, INCIDENTS, source, on_error="drop")
    except LayerValidationError as exc:
        raise ImportFormatError(str(exc)) from exc

    def as_row(message: str) -> str:  # validation counts features; the user counts file rows
        return re.sub(
            r"^(.*?): feature (\d+)", lambda m: f"{m.group(1)}: row {row_numbers[int(m.group(2))]}", message, count=1
        )

    return ImportResult(
        source,
        fmt,
        gdf,
        rejected + [as_row(r) for r in report.rejected],
        [as_row(n) for n in report.notes + report.warnings],
        rows_read,
    )


def _convert_rows(
    file_name: str,
    fmt: str,
    rows: list[dict],
    label: Callable[[dict, int], str],
    convert: Callable[[dict, int], tuple[dict, Point | None]],
    first: int,
) -> ImportResult:
    """Convert CSV rows one by one (first: the file row of the first record; the header is the row
    before it); a row that fails is rejected with its row number, label and reason, the others go on."""
    records, geoms, rejected, numbers = [], [], [], []
    for n, row in enumerate(rows, start=first):
        try:
            rec, geom = convert(row, n)
        except (ValueError, KeyError) as exc:
            rejected.append(f"{file_name}: row {n} ({label(row, n)}): {exc}")
            continue
        records.append(rec)
        geoms.append(geom)
        numbers.append(n)
    return _finish(file_name, fmt, records, geoms, rejected, len(rows), numbers)


def import_acled(path: str | Path) -> ImportResult:
    """An ACLED export (CSV). Keeps ACLED's event ids; sources cite ACLED and its named outlets."""
    path = Path(path)
    rows, first = _read_csv(path, {"event_id_cnty", "event_date", "latitude", "longitude", "event_type"}, "ACLED")

    def convert(row: dict, n: int) -> tuple[dict, Point]:
        day = parse_date(row["event_date"])
        sub = (row.get("sub_event_type") or "").strip()
        category = ACLED_CATEGORY.get(sub.lower()) or ACLED_CATEGORY.get(row["event_type"].strip().lower(), "other")
        place = (row.get("location") or "").strip() or None
        rec = _empty_incident() | {
            "id": row["event_id_cnty"].strip(),
            "title": f"{sub or row['event_type']}" + (f" — {place}" if place else ""),
            "category": category,
            "date_start": day.isoformat(),
            "date_end": day.isoformat(),
            "date_precision": ACLED_TIME_PRECISION.get((row.get("time_precision") or "1").strip(), "day"),
            "country": _country(row.get("iso", ""), row.get("country", "")),
            "admin1": row.get("admin1") or None,
            "admin2": row.get("admin2") or None,
            "place": place,
            "location_precision": ACLED_GEO_PRECISION.get((row.get("geo_precision") or "").strip(), "approximate"),
            "location_note": f"ACLED geo_precision {row.get('geo_precision') or '?'}",
            "fatalities_best": _number(row.get("fatalities"), "fatalities", integer=True),
            "actors": [a.strip() for a in (row.get("actor1"), row.get("actor2")) if a and a.strip()],
            "description": (row.get("notes") or "").strip() or f"{row['event_type']} (ACLED)",
            "sources": [
                {
                    "outlet": f"ACLED; reported by: {(row.get('source') or 'not stated').strip()}",
                    "url": ACLED_URL,
                    "date": None,
                }
            ],
            "dataset": "ACLED",
            "licence": "ACLED terms of use (not for redistribution)",
        }
        return rec, _point(row["latitude"], row["longitude"])

    return _convert_rows(
        path.name, "ACLED", rows, lambda row, n: f"event_id_cnty '{row.get('event_id_cnty', '')}'", convert, first=first
    )


def _ucdp_deaths(row: dict) -> dict:
    """Deaths by side: a government side counts as security forces, the other as militants."""
    a, b = (_number(row.get(k), k, integer=True) for k in ("deaths_a", "deaths_b"))
    side_a, side_b = (row.get("side_a") or ""), (row.get("side_b") or "")
    security = militants = unknown = None
    if side_a.startswith("Government of"):
        security, militants = a, b
    elif side_b.startswith("Government of"):
        security, militants = b, a
    else:
        unknown = (a or 0) + (b or 0) if a is not None or b is not None else None
    other = _number(row.get("deaths_unknown"), "deaths_unknown", integer=True)
    if other is not None:
        unknown = (unknown or 0) + other
    return {
        "fatalities_security": security,
        "fatalities_militants": militants,
        "fatalities_civilians": _number(row.get("deaths_civilians"), "deaths_civilians", integer=True),
        "fatalities_unknown": unknown,
    }


def import_ucdp_ged(path: str | Path, version: str = "UCDP GED") -> ImportResult:
    """A UCDP GED CSV (CC BY 4.0): cite the version shown in `version`."""
    path = Path(path)
    rows, first = _read_csv(path, {"id", "date_start", "date_end", "latitude", "longitude", "best"}, "UCDP GED")

    def convert(row: dict, n: int) -> tuple[dict, Point]:
        start, end = parse_date(row["date_start"]), parse_date(row["date_end"])
        place = (row.get("where_coordinates") or "").strip() or None
        dyad = (row.get("dyad_name") or "").strip()
        rec = _empty_incident() | {
            "id": "UCDP-" + row["id"].strip(),
            "title": (dyad or "UCDP event") + (f" — {place}" if place else ""),
            "category": UCDP_CATEGORY.get((row.get("type_of_violence") or "").strip(), "other"),
            "date_start": start.isoformat(),
            "date_end": end.isoformat(),
            "date_precision": UCDP_DATE_PREC.get((row.get("date_prec") or "").strip(), "day"),
            "country": _country(row.get("country", "")),
            "admin1": row.get("adm_1") or None,
            "admin2": row.get("adm_2") or None,
            "place": place,
            "location_precision": UCDP_WHERE_PREC.get((row.get("where_prec") or "").strip(), "approximate"),
            "location_note": f"UCDP where_prec {row.get('where_prec') or '?'}",
            "fatalities_best": _number(row.get("best"), "best", integer=True),
            "fatalities_low": _number(row.get("low"), "low", integer=True),
            "fatalities_high": _number(row.get("high"), "high", integer=True),
            **_ucdp_deaths(row),
            "actors": [a.strip() for a in (row.get("side_a"), row.get("side_b")) if a and a.strip()],
            "description": (row.get("where_description") or "").strip() or dyad or "UCDP GED event",
            "sources": [
                {
                    "outlet": f"{version}; source: {(row.get('source_article') or 'not stated').strip()}",
                    "url": UCDP_URL,
                    "date": (row.get("source_date") or None),
                }
            ],
            "dataset": version,
            "licence": "CC BY 4.0 (UCDP)",
        }
        return rec, _point(row["latitude"], row["longitude"])

    return _convert_rows(path.name, "UCDP GED", rows, lambda row, n: f"id '{row.get('id', '')}'", convert, first=first)


LATLON = {"lat": ("latitude", "lat", "y"), "lon": ("longitude", "lon", "lng", "long", "x")}


def import_latlon_csv(path: str | Path) -> ImportResult:
    """A plain CSV: latitude/longitude (or lat/lon), a date (date or date_start), and optional
    id, title, category, country, place, fatalities, description, source_url columns."""
    path = Path(path)
    rows, first = _read_csv(path, set(), "CSV")
    header = {h.lower(): h for h in (rows[0].keys() if rows else [])}
    col = {k: next((header[c] for c in names if c in header), None) for k, names in LATLON.items()}
    date_col = header.get("date_start") or header.get("date")
    if not col["lat"] or not col["lon"] or not date_col:
        raise ImportFormatError(
            f"{path.name}: a lat/lon CSV needs latitude, longitude and date (or date_start) columns"
        )

    def get(row, name):
        return (row.get(header[name]) or "").strip() if name in header else ""

    def row_id(row: dict, n: int) -> str:
        return get(row, "id") or f"{path.stem}-{n - 1}"

    def convert(row: dict, n: int) -> tuple[dict, Point]:
        rid = row_id(row, n)
        start = parse_date(row[date_col])
        end = parse_date(get(row, "date_end")) if get(row, "date_end") else start
        url = get(row, "source_url") or get(row, "url")
        if not url:
            raise ValueError("no source_url: every incident needs a source")
        rec = _empty_incident() | {
            "id": rid,
            "title": get(row, "title") or f"Incident at {get(row, 'place') or 'unnamed place'}",
            "category": get(row, "category") or "other",
            "date_start": start.isoformat(),
            "date_end": end.isoformat(),
            "date_precision": get(row, "date_precision") or "day",
            "country": _country(get(row, "country")),
            "place": get(row, "place") or None,
            "admin1": get(row, "admin1") or None,
            "location_precision": get(row, "location_precision") or "approximate",
            "fatalities_best": _number(get(row, "fatalities"), "fatalities", integer=True),
            "actors": [a.strip() for a in get(row, "actors").split(";") if a.strip()],
            "description": get(row, "description") or get(row, "title") or "(no description)",
            "sources": [{"outlet": get(row, "source") or None, "url": url, "date": None}],
            "dataset": path.name,
        }
        return rec, _point(row[col["lat"]], row[col["lon"]])

    return _convert_rows(path.name, "CSV lat/lon", rows, lambda row, n: f"id '{row_id(row, n)}'", convert, first=first)


EXPORT_SEP = ";"  # lists in this dashboard's CSV export are '; '-joined
_GUARDED = re.compile(r"^'(?=[=+\-@\t\r])")  # the export's spreadsheet guard before = + - @


def _export_value(text: str, f) -> object:
    """One cell of this dashboard's CSV export back to the schema's type."""
    text = _GUARDED.sub("", text or "").strip()
    if f.kind == "str_list":
        return [part.strip() for part in text.split(EXPORT_SEP) if part.strip()]
    if text == "":
        return None
    if f.kind in ("int", "float"):
        return _number(text, f.name, integer=f.kind == "int")
    if f.kind == "bool":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"{f.name} {text!r} is not true or false")
        return text.lower() == "true"
    return text


def _export_sources(row: dict) -> list[dict]:
    urls = [u.strip() for u in (row.get("source_urls") or "").split(EXPORT_SEP)]
    outlets = [o.strip() for o in (row.get("source_outlets") or "").split(EXPORT_SEP)]
    dates = [d.strip() for d in (row.get("source_dates") or "").split(EXPORT_SEP)]
    if not any(urls):
        raise ValueError("no source_urls: every incident needs a source")
    pad = lambda items, n: (items + [""] * n)[:n]  # noqa: E731
    return [
        {"outlet": o or None, "url": u, "date": d or None}
        for u, o, d in zip(urls, pad(outlets, len(urls)), pad(dates, len(urls)), strict=True)
    ]


def import_dashboard_csv(path: str | Path) -> ImportResult:
    """A CSV exported by this dashboard (its attribution lines, then one row per record), so an
    export edited in a spreadsheet can come back."""
    path = Path(path)
    rows, first = _read_csv(
        path, {"id", "title", "date_start", "latitude", "longitude", "source_urls"}, "this dashboard's"
    )
    fields = [f for f in INCIDENTS.fields if f.name != "sources"]

    def convert(row: dict, n: int) -> tuple[dict, Point | None]:
        rec = _empty_incident()
        for f in fields:
            if f.name in row:
                rec[f.name] = _export_value(row[f.name], f)
        rec["sources"] = _export_sources(row)
        lat, lon = (row.get("latitude") or "").strip(), (row.get("longitude") or "").strip()
        return rec, (_point(lat, lon) if lat or lon else None)

    return _convert_rows(
        path.name, "dashboard CSV", rows, lambda row, n: f"id '{row.get('id', '')}'", convert, first=first
    )


def import_spatial(path: str | Path) -> ImportResult:
    """GeoJSON / GeoPackage / KML whose properties follow the incident schema (missing optional
    properties are filled with nulls); rows that do not validate are rejected one by one."""
    path = Path(path)
    gdf = read_any(path)
    for f in INCIDENTS.fields:
        if f.name not in gdf.columns and not f.required:
            gdf[f.name] = None
    for name in ("date_start", "date_end"):
        if name in gdf.columns:
            gdf[name] = [v.isoformat()[:10] if isinstance(v, (datetime, date, pd.Timestamp)) else v for v in gdf[name]]
    try:
        out, report = validate(gdf, INCIDENTS, path.name, on_error="drop")
    except LayerValidationError as exc:
        raise ImportFormatError(str(exc)) from exc
    return ImportResult(path.name, "spatial", out, report.rejected, report.notes + report.warnings, len(gdf))


def sniff_format(path: str | Path) -> str:
    """'dashboard', 'acled', 'ucdp', 'csv' or 'spatial', from the extension and the CSV header."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return "spatial"
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    lines = text.splitlines()[_comment_block(text) :]
    header = {h.strip().lower() for h in next(csv.reader(lines[:1]), [])}
    if {"id", "date_start", "latitude", "longitude", "source_urls"} <= header:
        return "dashboard"
    if {"event_id_cnty", "event_date"} <= header:
        return "acled"
    if {"date_start", "where_prec", "best"} <= header or {"relid", "best"} <= header:
        return "ucdp"
    return "csv"


def import_file(path: str | Path, fmt: str | None = None) -> ImportResult:
    """Import any supported file; fmt is sniffed when not given."""
    fmt = fmt or sniff_format(path)
    importer = {
        "dashboard": import_dashboard_csv,
        "acled": import_acled,
        "ucdp": import_ucdp_ged,
        "csv": import_latlon_csv,
        "spatial": import_spatial,
    }.get(fmt)
    if importer is None:
        raise ImportFormatError(f"unknown format {fmt!r} (dashboard, acled, ucdp, csv, spatial)")
    return importer(path)
