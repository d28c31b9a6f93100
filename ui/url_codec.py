"""The view in a URL: one codec between a page's state and its query parameters (no Streamlit here).

Short, stable names: from, to, cat, country, fat, q, words, near, near_km, district, grade (the filters), datasets,
layers, basemap, c ("lat,lon") and z (the map's view) and incident. Lists are repeated parameters
(?cat=a&cat=b; a comma-separated value is read too). A value the server cannot use now (an unknown
category, a bad date, a zoom out of range, a dataset not kept) is dropped and named in `dropped`:
never an error. Defaults are left out, so an untouched view has a bare address.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from geo.filters import IncidentFilter
from geo.schema import GRADE_NAMES

INCIDENT_PARAM = "incident"  # the selected incident's id, on every page that shows a record
NAMES = (
    "from",
    "to",
    "cat",
    "country",
    "fat",
    "q",
    "words",
    "near",
    "near_km",
    "district",
    "grade",
    "datasets",
    "layers",
    "basemap",
    "c",
    "z",
    "incident",
)
ZOOM = (3.0, 18.0)  # the border map's least and greatest zoom
NEAR_KM = (1.0, 200.0)
MAX_FATALITIES = 1_000_000
MAX_TEXT = 200  # a keyword or an id longer than this is not a view anyone shares
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Choices:
    """What a URL value may name on this server now (the data in use, the layers, the basemaps)."""

    date_lo: date | None = None
    date_hi: date | None = None
    categories: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    near_targets: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    default_datasets: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    default_layers: tuple[str, ...] = ()
    basemaps: tuple[str, ...] = ()
    default_basemap: str = ""


@dataclass(frozen=True)
class ViewState:
    """A page's view. None means "not in the URL": the page keeps what it has."""

    filter: IncidentFilter = field(default_factory=IncidentFilter)
    datasets: tuple[str, ...] | None = None
    layers: tuple[str, ...] | None = None
    basemap: str | None = None
    center: tuple[float, float] | None = None
    zoom: float | None = None
    incident: str | None = None


def _values(params: Mapping, name: str, *, split: bool = False) -> list[str]:
    """Every value given for name (a str or a list of them); split: commas separate values too."""
    raw = params.get(name)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else [str(v) for v in raw]
    if split:
        items = [part for item in items for part in item.split(",")]
    return [item.strip() for item in items]


def _one(params: Mapping, name: str) -> str | None:
    found = _values(params, name)
    return found[0] if found else None


def _shown(value: str) -> str:
    """A dropped value as the note names it (shortened; escaped later by the caller)."""
    value = _CONTROL.sub(" ", value)
    return value if len(value) <= 40 else value[:39] + "…"


class _Notes:
    def __init__(self) -> None:
        self.items: list[str] = []

    def drop(self, name: str, value: str, why: str = "") -> None:
        self.items.append(f"{name} “{_shown(value)}”" + (f" ({why})" if why else ""))


def _date(params, name: str, choices: Choices, notes: _Notes) -> date | None:
    text = _one(params, name)
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        notes.drop(name, text, "not a date")
        return None
    lo, hi = choices.date_lo, choices.date_hi
    if (lo and value < lo and name == "to") or (hi and value > hi and name == "from"):
        notes.drop(name, text, "outside the data's dates")
        return None
    if lo and value <= lo:  # the range starts at the data's first day: no limit there
        return None if name == "from" else value
    if hi and value >= hi:
        return None if name == "to" else value
    return value


def _members(params, name: str, allowed: tuple[str, ...], notes: _Notes, *, split: bool, why: str) -> tuple[str, ...]:
    kept: list[str] = []
    for value in _values(params, name, split=split):
        if value in allowed:
            if value not in kept:
                kept.append(value)
        elif value:
            notes.drop(name, value, why)
    return tuple(kept)


def _number(params, name: str, lo: float, hi: float, notes: _Notes, *, whole: bool = False) -> float | None:
    text = _one(params, name)
    if text is None or text == "":
        return None
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        notes.drop(name, text, "not a number")
        return None
    if not math.isfinite(value) or not lo <= value <= hi:
        notes.drop(name, text, f"outside {lo:g}–{hi:g}")
        return None
    return value


def _text(params, name: str, notes: _Notes) -> str | None:
    text = _one(params, name)
    if text is None:
        return None
    if len(text) > MAX_TEXT or _CONTROL.search(text):
        notes.drop(name, text, "too long" if len(text) > MAX_TEXT else "control characters")
        return None
    return text


def _center(params, notes: _Notes) -> tuple[float, float] | None:
    text = _one(params, "c")
    if not text:
        return None
    parts = text.split(",")
    try:
        lat, lon = (float(p) for p in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        notes.drop("c", text, "not a latitude,longitude")
        return None
    return lat, lon


def decode(params: Mapping, choices: Choices) -> tuple[ViewState, list[str]]:
    """The view a URL's parameters describe, and a note for every value that was dropped.

    params: name -> a value or a list of them (st.query_params.to_dict() gives the last value of
    each; pass {name: get_all(name)} to keep repeated ones). Names this codec does not own are ignored.
    """
    notes = _Notes()
    date_from, date_to = _date(params, "from", choices, notes), _date(params, "to", choices, notes)
    if date_from and date_to and date_from > date_to:
        notes.drop("from", date_from.isoformat(), "after to")
        date_from = date_to = None
    categories = _members(params, "cat", choices.categories, notes, split=True, why="no such category in the data")
    countries = _members(params, "country", choices.countries, notes, split=True, why="no such country in the data")
    fatalities = _number(params, "fat", 0, MAX_FATALITIES, notes, whole=True)
    keyword = _text(params, "q", notes) or ""
    words_text = (_one(params, "words") or "").lower()
    if words_text not in _TRUE + _FALSE:
        notes.drop("words", words_text)
    near = _one(params, "near") or ""
    if near and near not in choices.near_targets:
        notes.drop("near", near, "no such place in the data")
        near = ""
    near_km = _number(params, "near_km", *NEAR_KM, notes)
    district = _one(params, "district") or ""
    if district and district not in choices.districts:
        notes.drop("district", district, "no such district in the data")
        district = ""
    grades = _members(params, "grade", GRADE_NAMES, notes, split=True, why="no such verification grade")
    flt = IncidentFilter(
        date_from=date_from,
        date_to=date_to,
        categories=categories,
        countries=countries,
        min_fatalities=int(fatalities or 0),
        keyword=keyword,
        whole_words=words_text in _TRUE and bool(keyword.strip()),
        near=near,
        near_km=float(near_km) if near and near_km is not None else IncidentFilter.near_km,
        district=district,
        grades=tuple(g for g in GRADE_NAMES if g in grades),
    )
    datasets = None
    if "datasets" in params:
        kept = _members(params, "datasets", choices.datasets, notes, split=False, why="not kept here")
        datasets = kept or None
    layers = None
    if "layers" in params:
        given = [v for v in _values(params, "layers", split=True) if v]
        layers = _members(params, "layers", choices.layers, notes, split=True, why="no such layer")
        layers = tuple(i for i in choices.layers if i in layers) if layers or not given else None
    basemap = _one(params, "basemap")
    if basemap is not None and basemap not in choices.basemaps:
        notes.drop("basemap", basemap, "no such basemap")
        basemap = None
    zoom = _number(params, "z", *ZOOM, notes)
    center = _center(params, notes)
    incident = _text(params, "incident", notes) or None
    state = ViewState(flt, datasets, layers, basemap, center, zoom, incident)
    return state, notes.items


def _num(value: float, places: int) -> str:
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def encode(state: ViewState, choices: Choices) -> dict[str, str | list[str]]:
    """The query parameters of a view, defaults left out (decode(encode(s)) gives s back)."""
    f = state.filter
    out: dict[str, str | list[str]] = {}
    if f.date_from:
        out["from"] = f.date_from.isoformat()
    if f.date_to:
        out["to"] = f.date_to.isoformat()
    if f.categories:
        out["cat"] = list(f.categories)
    if f.countries:
        out["country"] = list(f.countries)
    if f.min_fatalities:
        out["fat"] = str(int(f.min_fatalities))
    if f.keyword:
        out["q"] = f.keyword
    if f.whole_words and f.keyword.strip():
        out["words"] = "1"
    if f.near:
        out["near"] = f.near
        out["near_km"] = _num(f.near_km, 3)
    if f.district:
        out["district"] = f.district
    if f.grades:
        out["grade"] = list(f.grades)
    if state.datasets is not None and tuple(state.datasets) != tuple(choices.default_datasets):
        out["datasets"] = list(state.datasets)
    if state.layers is not None and set(state.layers) != set(choices.default_layers):
        out["layers"] = ",".join(i for i in choices.layers if i in state.layers)
    if state.basemap and state.basemap != choices.default_basemap:
        out["basemap"] = state.basemap
    if state.center is not None and state.zoom is not None:
        out["c"] = f"{_num(state.center[0], 5)},{_num(state.center[1], 5)}"
        out["z"] = _num(state.zoom, 2)
    if state.incident:
        out["incident"] = state.incident
    return out
