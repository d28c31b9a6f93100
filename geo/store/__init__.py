"""Kept incident datasets behind one interface (geo.store.base): embedded files by default.

store = open_store()             # PKIR_WORKSPACE or the user's data folder
store.list(); store.read(["shipped", "ACLED PAK"], IncidentFilter(...), columns=[...])
"""

from __future__ import annotations

import os

from geo.store.base import IncidentStore

DATABASE_ENV = "PKIR_DATABASE_URL"
DATABASE_SCHEMES = ("postgresql://", "postgres://", "postgresql+")


def open_store(location: str | None = None) -> IncidentStore:
    """The store at location: a database URL (team mode) or a workspace folder.

    Without a location: PKIR_DATABASE_URL when set, else the embedded workspace.
    """
    location = location or os.environ.get(DATABASE_ENV, "").strip() or None
    if location and location.startswith(DATABASE_SCHEMES):
        from geo.store import postgis  # team mode (issue 13)

        return postgis.PostgisStore(location)
    from geo.store.embedded import EmbeddedStore

    return EmbeddedStore(location)
