"""Cell values to schema values: numbers, points, countries (pycountry), country from the point."""

from __future__ import annotations

import math

import numpy as np
import pycountry

from geo.catalog import DATA_DIR
from geo.countries import country_name

_OTHER_NAMES = {"iran": "IRN", "russia": "RUS", "syria": "SYR", "turkey": "TUR", "palestine": "PSE"}


def number(text, what: str, integer: bool = False):
    """A number from a cell ('' is None); ValueError naming the field for anything else."""
    s = text.strip() if isinstance(text, str) else text
    if s in ("", None):
        return None
    try:
        value = float(s)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} {text!r} is not a number") from exc
    if not math.isfinite(value):
        raise ValueError(f"{what} {text!r} is not a finite number")
    if integer:
        if value != int(value) or value < 0:
            raise ValueError(f"{what} {text!r} is not a whole number of zero or more")
        if value > 10_000_000:
            raise ValueError(f"{what} {text!r} is not a plausible count")
        return int(value)
    return value


def _decimal(text):
    """'26,5' (a decimal comma, as European spreadsheets write) as '26.5'."""
    if isinstance(text, str) and text.count(",") == 1 and "." not in text:
        return text.replace(",", ".")
    return text


def lat_lon(lat_text, lon_text) -> tuple[float, float]:
    """Checked latitude and longitude; out of range is said before anything else about the row."""
    lat, lon = number(_decimal(lat_text), "latitude"), number(_decimal(lon_text), "longitude")
    if lat is None or lon is None:
        raise ValueError("latitude/longitude missing")
    if not -90 <= lat <= 90:
        raise ValueError(f"latitude {lat:g} out of range (-90..90)")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon:g} out of range (-180..180)")
    return lat, lon


def _country_index() -> dict[str, str]:
    """Every name and code pycountry knows a country by (lower case) -> its alpha-3: the same
    answers as pycountry.countries.lookup, as one table made when the module is imported."""
    index: dict[str, str] = {}
    for c in pycountry.countries:
        for field in ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name", "flag"):
            value = getattr(c, field, None)
            if isinstance(value, str) and value:
                index.setdefault(value.lower(), c.alpha_3)
    return index


_COUNTRIES = _country_index()


def country_code(text: str) -> str | None:
    """ISO 3166 alpha-3 for a country name, alpha-2/alpha-3 code or numeric code (ACLED's iso)."""
    s = (text or "").strip()
    if not s:
        return None
    if s.isdigit():
        return _COUNTRIES.get(s.zfill(3))
    return _OTHER_NAMES.get(s.lower()) or _COUNTRIES.get(s.lower())


def country(*candidates: str) -> str | None:
    """The first candidate that is a known country (as alpha-3), else the first non-empty text."""
    for c in candidates:
        code = country_code(c)
        if code:
            return code
    return next((c.strip() for c in candidates if c and c.strip()), None)


def _outlines():
    """The shipped country and province outlines (about 60 ms: read for each part that needs them)."""
    from geo.loading import load_layer  # imported late: the importers do not need the loader otherwise

    countries, _ = load_layer("countries", DATA_DIR)
    provinces, _ = load_layer("provinces", DATA_DIR)
    return countries[["id", "geometry"]], provinces[["name", "country", "geometry"]]


def place_points(lons: np.ndarray, lats: np.ndarray) -> tuple[list, list, str]:
    """(country code or None, province name or None) for each point, from the shipped outlines."""
    import geopandas as gpd
    import shapely

    countries, provinces = _outlines()
    pts = gpd.GeoDataFrame(geometry=shapely.points(lons, lats), crs="EPSG:4326")
    codes: list = [None] * len(pts)
    names: list = [None] * len(pts)
    for hit in gpd.sjoin(pts, countries, predicate="within").itertuples():
        codes[hit.Index] = hit.id
    for hit in gpd.sjoin(pts, provinces, predicate="within").itertuples():
        names[hit.Index] = hit.name
    return codes, names, ", ".join(country_name(c) for c in sorted(countries["id"]))
