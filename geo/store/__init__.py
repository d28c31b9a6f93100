"""Kept incident datasets behind one interface (geo.store.base): embedded files by default.

store = open_store()             # PKIR_WORKSPACE or the user's data folder
store.list(); store.read(["shipped", "ACLED PAK"], IncidentFilter(...), columns=[...])
"""

from __future__ import annotations

from geo.settings import DATABASE_ENV as DATABASE_ENV
from geo.settings import DATABASE_SCHEMES as DATABASE_SCHEMES
from geo.settings import settings
from geo.store.base import IncidentStore


def open_store(location: str | None = None) -> IncidentStore:
    """The store at location: a database URL (team mode) or a workspace folder.

    Without a location: PKIR_DATABASE_URL when set, else the embedded workspace.
    """
    location = location or settings().database_url
    if location and location.startswith(DATABASE_SCHEMES):
        from geo.store import postgis  # team mode (issue 13)

        return postgis.PostgisStore(location)
    from geo.store.embedded import EmbeddedStore

    return EmbeddedStore(location)
