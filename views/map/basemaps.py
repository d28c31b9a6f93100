"""The basemap choices: the offline drawing (no tiles) or one of three online tile sets."""

from __future__ import annotations

from dataclasses import dataclass

import xyzservices.providers as xyz


@dataclass(frozen=True)
class Basemap:
    """One basemap: its id, label in the sidebar, tile provider (None draws no tiles)."""

    id: str
    label: str
    provider: dict | None  # an xyzservices TileProvider (a dict)


BASEMAPS: dict[str, Basemap] = {
    b.id: b
    for b in (
        Basemap("offline", "Offline (no tiles)", None),
        Basemap("light", "Light map (online)", xyz.Esri.WorldGrayCanvas),
        Basemap("street", "Street map (online)", xyz.OpenStreetMap.Mapnik),
        Basemap("satellite", "Satellite (online)", xyz.Esri.WorldImagery),
    )
}


def default_basemap(offline: bool) -> str:
    """'offline' for an air-gapped install (geo.settings: PKIR_OFFLINE set true), else 'light'."""
    if not isinstance(offline, bool):  # the old call passed the environment, which is always truthy
        raise TypeError("default_basemap takes settings().offline (a bool), not the environment")
    return "offline" if offline else "light"
