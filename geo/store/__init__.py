"""Kept incident datasets behind one interface (geo.store.base): embedded files by default.

store = open_store()             # PKIR_WORKSPACE or the user's data folder
store.list(); store.read(["shipped", "ACLED PAK"], IncidentFilter(...), columns=[...])
engine = open_queries(store, names)   # what pages ask (geo.store.query): DuckDB or PostGIS
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from geo.settings import DATABASE_ENV as DATABASE_ENV
from geo.settings import DATABASE_SCHEMES as DATABASE_SCHEMES
from geo.settings import settings
from geo.store.base import IncidentStore

if TYPE_CHECKING:
    import geopandas as gpd

    from geo.store.shipped import ShippedIncidents


def open_store(location: str | None = None, shipped: ShippedIncidents | None = None) -> IncidentStore:
    """The store at location: a database URL (team mode) or a workspace folder.

    Without a location: PKIR_DATABASE_URL when set, else the embedded workspace. shipped: the reader
    of the shipped datasets (the edge passes one that keeps its parses; default: one that keeps none).
    """
    location = location or settings().database_url
    if location and location.startswith(DATABASE_SCHEMES):
        from geo.store import postgis  # team mode (issue 13)

        return postgis.PostgisStore(location, shipped=shipped)
    from geo.store.embedded import EmbeddedStore

    return EmbeddedStore(location, shipped=shipped)


def open_queries(store, names, frames: Mapping[str, gpd.GeoDataFrame] | None = None):
    """What a page asks: the store's query engine over these datasets (SQL in PostGIS, DuckDB over the
    embedded files), with frames held in memory by name (a session's own import) joining them."""
    from geo.store.postgis import PostgisStore  # local: imported when first asked
    from geo.store.postgis_query import PostgisQueries

    if isinstance(store, PostgisStore):
        return PostgisQueries(store, frames)
    from geo.store.engine import engine_for

    return engine_for(store, names, frames)
