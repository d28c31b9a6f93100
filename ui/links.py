"""URLs between pages. The map is the default page ("/"), so its links are relative to the app root."""

from __future__ import annotations

from urllib.parse import urlencode

from ui.url_codec import INCIDENT_PARAM as INCIDENT_PARAM
from ui.url_state import view_params


def map_link(incident_id: str) -> str:
    """Relative URL opening the map page with this incident selected and centred, in the view the
    session shows (its filters, datasets, layers: ui.url_state), minus the map's centre and zoom."""
    params = {k: v for k, v in view_params().items() if k not in ("c", "z")}
    return "./?" + urlencode({**params, INCIDENT_PARAM: str(incident_id)}, doseq=True)
