"""The basemap choices: the offline drawing (no tiles) or one of three online tile sets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import xyzservices.providers as xyz


@dataclass(frozen=True)
class Basemap:
    """One basemap: its id, label in the sidebar, tile provider (None draws no tiles)."""

    id: str
    label: str
    provider: object | None  # an xyzservices TileProvider


BASEMAPS: dict[str, Basemap] = {
    b.id: b
    for b in (
        Basemap("offline", "Offline (no tiles)", None),
        Basemap("light", "Light map (online)", xyz.Esri.WorldGrayCanvas),
        Basemap("street", "Street map (online)", xyz.OpenStreetMap.Mapnik),
        Basemap("satellite", "Satellite (online)", xyz.Esri.WorldImagery),
    )
}
OFFLINE_ENV = "PKIR_OFFLINE"


def default_basemap(env: Mapping[str, str]) -> str:
    """'offline' when PKIR_OFFLINE is set to a true value (air-gapped installs), else 'light'."""
    value = str(env.get(OFFLINE_ENV, "")).strip().lower()
    return "offline" if value not in ("", "0", "false", "no", "off") else "light"
