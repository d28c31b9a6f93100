"""Country names for ISO 3166 alpha-3 codes: the one lookup for the sidebar filter, the explorer
and the importers' reports.

Names come from pycountry (its common name where it has one, e.g. "Iran" rather than "Iran,
Islamic Republic of"); the dashboard's own short names below win where they differ.
"""

from __future__ import annotations

import pycountry

# The dashboard's own names: shorter than the ISO ones, and what its readers call these countries
OWN_NAMES = {
    "PAK": "Pakistan",
    "IRN": "Iran",
    "AFG": "Afghanistan",
    "USA": "United States",
    "RUS": "Russia",
    "PSE": "Palestine",
    "COD": "DR Congo",
}


def _names() -> dict[str, str]:
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    return {**names, **OWN_NAMES}


NAMES: dict[str, str] = _names()


def country_name(code) -> str:
    """The name for an alpha-3 code ('KEN' -> 'Kenya'); any other value comes back as text."""
    text = "" if code is None else str(code)
    return NAMES.get(text.strip().upper(), text)
