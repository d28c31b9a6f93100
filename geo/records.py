"""A feature's properties as a readable record: labelled rows of plain text, and the record lookup.

Used by the map's details panel, the incidents explorer and the chronology; views.records turns
a Record into escaped HTML. Source URLs are checked here (safe_url): only http(s) ones are links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

import geopandas as gpd

from geo.catalog import LAYERS
from geo.countries import country_name
from geo.grades import grade_of
from geo.schema import GRADE
from geo.values import present

ALLOWED_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Source:
    """One cited source of a record: what to call it, its URL as given, its date ('' if none)."""

    label: str
    url: object
    date: str


@dataclass(frozen=True)
class Row:
    """One line of a record: a label and plain text; the sources row also lists its sources."""

    label: str
    text: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Record:
    """A feature's record as labelled rows, ready to render."""

    layer_id: str
    id: str
    title: str
    rows: tuple[Row, ...]

    def row(self, label: str) -> Row | None:
        """The row with this label, or None."""
        return next((r for r in self.rows if r.label == label), None)

    def as_pairs(self) -> list[tuple[str, str]]:
        """(label, text) of every row, for plain-text use and tests."""
        return [(r.label, r.text) for r in self.rows]


# --- values -----------------------------------------------------------------------------------


def fmt_date(value) -> str:
    """yyyy-mm-dd for dates, timestamps and ISO strings; '' when missing."""
    if not present(value):
        return ""
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


# How a date of each precision is qualified after it ("day" needs no word).
DATE_PRECISION_NOTES = {
    "day (approx.)": "approx.",
    "days": "several days",
    "week": "week only",
    "month": "month only",
    "year": "year only",
}


def date_with_precision(value, precision) -> str:
    """'2021-04-21 (approx.)': the date and, unless it is exact to the day, how precise it is."""
    text = fmt_date(value)
    note = DATE_PRECISION_NOTES.get(precision, precision) if present(precision) and precision != "day" else ""
    return f"{text} ({note})" if text and note else text


def fmt_number(value, digits: int = 0) -> str:
    """A number with thousands separators and the given decimals; empty text for none."""
    if not present(value):
        return ""
    number = float(value)
    if digits == 0 and number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.{digits or 1}f}"


def safe_url(url) -> str | None:
    """The URL if it is an absolute http(s) URL without control characters, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ord(c) < 32 or ord(c) == 127 or c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
        return None
    return url


def _row(label: str, text: str) -> Row:
    return Row(label, text)


def _text(props: dict, key: str) -> str:
    value = props.get(key)
    return str(value).strip() if present(value) else ""


def _with_note(main: str, note: str) -> str:
    """'near — about 10 km from town'; the note alone when it already starts with the value
    ('13' and '13' -> '13'; 'approximate' and 'approximate (road segment)' -> the note)."""
    if main and note and not re.match(re.escape(main) + r"(?!\w)", note, re.IGNORECASE):
        return f"{main} — {note}"
    return note or main


# --- row builders (each returns zero or more rows) ---------------------------------------------

RowFn = Callable[[dict], Iterable[Row]]


def field(label: str, key: str, note: str | None = None) -> RowFn:
    """A plain text property, optionally followed by a note property."""

    def rows(props: dict) -> Iterable[Row]:
        text = _with_note(_text(props, key), _text(props, note) if note else "")
        return [_row(label, text)] if text else []

    return rows


def _country(props: dict) -> Iterable[Row]:
    """'PSE' -> 'Palestine (PSE)', 'PAK;IRN' -> 'Pakistan + Iran (PAK;IRN)' (geo.countries names)."""
    text = _text(props, "country")
    label = " + ".join(country_name(c) for c in text.split(";"))
    return [_row("Country", f"{label} ({text})" if label != text else text)] if text else []


def number(label: str, key: str, unit: str = "", digits: int = 0, note: str | None = None) -> RowFn:
    """A record row function for a numeric property with a unit and an optional note."""

    def rows(props: dict) -> Iterable[Row]:
        text = fmt_number(props.get(key), digits)
        text = f"{text} {unit}".strip() if text else ""
        text = _with_note(text, _text(props, note) if note else "")
        return [_row(label, text)] if text else []

    return rows


def date_row(label: str, start: str, end: str | None = None) -> RowFn:
    """Date or date range, with its precision and note."""

    def rows(props: dict) -> Iterable[Row]:
        first, last = fmt_date(props.get(start)), fmt_date(props.get(end)) if end else ""
        text = first if not last or last == first else f"{first} to {last}"
        precision = _text(props, "date_precision")
        if text and precision:
            text = f"{text} (precision: {precision})"
        text = _with_note(text, _text(props, "date_note"))
        return [_row(label, text)] if text else []

    return rows


def _location(props: dict) -> Iterable[Row]:
    text = _with_note(_text(props, "location_precision"), _text(props, "location_note"))
    return [_row("Location precision", text)] if text else []


def _alt_location(props: dict) -> Iterable[Row]:
    place = _text(props, "alt_place")
    lat, lon = props.get("alt_lat"), props.get("alt_lon")
    coords = f"{float(lat):.4f}, {float(lon):.4f}" if present(lat) and present(lon) else ""
    text = f"{place} ({coords})" if place and coords else place or coords
    return [_row("Alternative location", text)] if text else []


FATALITY_SIDES = (
    ("fatalities_security", "security forces"),
    ("fatalities_militants", "militants"),
    ("fatalities_civilians", "civilians"),
    ("fatalities_unknown", "unknown"),
)


def _fatalities(props: dict) -> Iterable[Row]:
    out = []
    best = fmt_number(props.get("fatalities_best"))
    low, high = fmt_number(props.get("fatalities_low")), fmt_number(props.get("fatalities_high"))
    total = best or "not reported"
    if low or high:
        total = f"{total} (range {low or '?'}–{high or '?'})"
    out.append(_row("Fatalities (total)", total))
    sides = [f"{name} {fmt_number(props.get(key))}" for key, name in FATALITY_SIDES if present(props.get(key))]
    if sides:
        out.append(_row("Fatalities by side", ", ".join(sides)))
    note = _text(props, "fatalities_note")
    if note:
        out.append(_row("Fatalities note", note))
    return out


def _actors(props: dict) -> Iterable[Row]:
    actors = props.get("actors")
    if isinstance(actors, str):
        actors = [actors]
    names = [str(a) for a in (actors or []) if present(a)]
    return [_row("Actors", "; ".join(names))] if names else []


def _distance(props: dict) -> Iterable[Row]:
    km = props.get("_border_km")
    if not present(km):
        return []
    return [_row("Distance to border", f"{float(km):,.1f} km")]


def _coordinates(props: dict) -> Iterable[Row]:
    lat, lon = props.get("_lat"), props.get("_lon")
    if not (present(lat) and present(lon)):
        return []
    return [_row("Map point (lat, lon)", f"{float(lat):.4f}, {float(lon):.4f}")]


def _sources(props: dict) -> Iterable[Row]:
    sources = props.get("sources")
    if not isinstance(sources, (list, tuple)) or not sources:
        return [_row("Sources", "none recorded")]
    texts, items = [], []
    for src in sources:
        if not isinstance(src, dict):
            src = {"outlet": str(src), "url": None}
        outlet = _text(src, "outlet")
        url = src.get("url")
        when = fmt_date(src.get("date"))
        label = outlet or (str(url) if present(url) else "source")
        suffix = f" ({when})" if when else ""
        texts.append(f"{label}{suffix}: {url}" if present(url) else f"{label}{suffix}")
        items.append(Source(label, url, when))
    return [Row("Sources", "\n".join(texts), tuple(items))]


def _disputed(props: dict) -> Iterable[Row]:
    text = _text(props, "disputed")
    return [_row("Where sources disagree", text)] if text else []


def _verification(props: dict) -> Iterable[Row]:
    """The verification grade (geo.grades) with its reason, who claims and who disputes; a row kept
    before grades existed reads "Ungraded"."""
    label = GRADE[grade_of(props.get("grade"))].label
    reason = _text(props, "grade_reason")
    text = reason if reason.startswith(label) else f"{label} — {reason}" if reason else label
    claimed, denied = _text(props, "claimed_by"), _text(props, "denied_by")
    if claimed and f"claimed by {claimed}".lower() not in text.lower():
        text += f" Claimed by {claimed}."
    if denied:
        text += f" Disputed by {denied}."
    return [_row("Verification", text)]


def _provenance(props: dict) -> Iterable[Row]:
    parts = [_text(props, "dataset"), _text(props, "licence")]
    text = "; ".join(p for p in parts if p)
    updated = fmt_date(props.get("updated_at"))
    if updated:
        text = f"{text} (updated {updated})" if text else f"updated {updated}"
    return [_row("Dataset", text)] if text else []


_ID: RowFn = field("Id", "id")

# the record layouts by name; a layer names its own in the catalogue (geo.catalog.Layer.record)
LAYOUTS: dict[str, tuple[RowFn, ...]] = {
    "incident": (
        field("Category", "category"),
        date_row("Date", "date_start", "date_end"),
        field("Place", "place"),
        field("Province", "admin1"),
        field("District", "admin2"),
        _country,
        _location,
        _coordinates,
        _alt_location,
        _distance,
        _fatalities,
        number("Injured", "injured", note="injured_note"),
        _actors,
        field("Perpetrator", "perpetrator"),
        field("Description", "description"),
        _disputed,
        _verification,
        _sources,
        _provenance,
        _ID,
    ),
    "market": (
        field("Status", "status", note="status_note"),
        date_row("Opened", "opened"),
        number("Phase", "phase"),
        field("Pakistani side", "pakistan_side"),
        field("Iranian side", "iran_side"),
        field("Details", "details"),
        _location,
        _coordinates,
        _distance,
        _sources,
        _provenance,
        _ID,
    ),
    "crossing": (
        field("Kind", "kind"),
        field("Status", "status_note"),
        date_row("Opened", "opened"),
        field("Pakistani side", "pakistan_side"),
        field("Iranian side", "iran_side"),
        _location,
        _coordinates,
        _distance,
        _sources,
        _provenance,
        _ID,
    ),
    "pipeline": (
        field("Section", "section"),
        field("Status", "status", note="status_note"),
        date_row("Date", "date"),
        number("Reported length", "length_reported_km", "km", note="length_reported_text"),
        number("Diameter", "diameter_in", "inches"),
        field("Capacity", "capacity"),
        field("Note", "note"),
        _location,
        _sources,
        _provenance,
        _ID,
    ),
    "power line": (
        field("Section", "section"),
        field("Status", "status"),
        date_row("Date", "date"),
        number("Reported length", "length_reported_km", "km"),
        number("Voltage", "voltage_kv", "kV"),
        number("Capacity", "capacity_mw", "MW", note="capacity_note"),
        field("Note", "note"),
        _location,
        _sources,
        _provenance,
        _ID,
    ),
    "town": (
        _country,
        field("Province", "admin1"),
        field("District", "admin2"),
        field("Relevance", "relevance"),
        _location,
        _coordinates,
        _distance,
        _sources,
        _provenance,
        _ID,
    ),
    "province": (
        _country,
        field("Name in source", "name_source"),
        field("Code", "code_hasc"),
        number("Reported area", "area_reported_km2", "km²"),
        _location,
        _sources,
        _provenance,
        _ID,
    ),
    "country": (field("ISO numeric", "iso_numeric"), _location, _sources, _provenance, _ID),
    "border": (
        number("Reported length", "length_reported_km", "km", note="length_note"),
        _location,
        _sources,
        _provenance,
        _ID,
    ),
}
_GENERIC: tuple[RowFn, ...] = (_location, _coordinates, _distance, _sources, _provenance, _ID)
LAYOUTS["generic"] = _GENERIC


def layout_of(layer_id: str) -> tuple[RowFn, ...]:
    """The rows of a layer's record, as its catalogue entry names them (the generic ones when it
    names none, or for an id the catalogue does not know)."""
    layer = LAYERS.get(layer_id)
    return LAYOUTS[layer.record] if layer is not None and layer.record else _GENERIC


def record_title(layer_id: str, props: dict) -> str:
    """The heading of a feature's record."""
    for key in ("title", "name"):
        if present(props.get(key)):
            return str(props[key]).strip()
    return str(props.get("id") or layer_id)


def build_record(
    layer_id: str, props: dict, border_km: float | None = None, lat: float | None = None, lon: float | None = None
) -> Record:
    """The record of one feature; border_km and the point's lat/lon are shown when given."""
    values = dict(props)
    values.update({"_border_km": border_km, "_lat": lat, "_lon": lon})
    rows: list[Row] = []
    for fn in layout_of(layer_id):
        rows.extend(fn(values))
    return Record(layer_id, str(props.get("id") or ""), record_title(layer_id, props), tuple(rows))


def record_of(gdf: gpd.GeoDataFrame | None, feature_id) -> dict | None:
    """One feature's properties and its geometry (key "geometry") as a dict; None when the layer
    is absent, has no id column or no feature with this id."""
    if gdf is None or "id" not in gdf.columns:
        return None
    hits = gdf[gdf["id"].astype(str) == str(feature_id)]
    if hits.empty:
        return None
    row = hits.iloc[0]
    return {**row.drop(labels=[gdf.geometry.name]).to_dict(), "geometry": row[gdf.geometry.name]}
