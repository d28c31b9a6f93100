"""URLs between pages. The map is the default page ("/"), so its links are relative to the app root."""

from __future__ import annotations

from urllib.parse import urlencode

INCIDENT_PARAM = "incident"


def map_link(incident_id: str) -> str:
    """Relative URL opening the map page with this incident selected and centred."""
    return "./?" + urlencode({INCIDENT_PARAM: str(incident_id)})
