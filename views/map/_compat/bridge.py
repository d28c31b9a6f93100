"""The versions views/map/static/bridge.js was written for: the one browser file that reads
streamlit-folium's frame globals (`window.__GLOBAL_DATA__`, its `streamlit:setComponentValue`
message) and Leaflet's private parts (`Keyboard._onMouseDown`, `map._animatingZoom`)."""

from __future__ import annotations

from geo._compat import pinned

# requirements.txt's pins: read in streamlit-folium 0.25-0.27.4's frontend and Leaflet 1.9.3
SUPPORTED = {"streamlit-folium": ">=0.25,<0.28", "xstatic-leaflet": ">=1.9,<2"}


def check() -> dict[str, str | None]:
    """The installed versions, each warned about (RuntimeWarning) when outside SUPPORTED."""
    return {name: pinned(name, spec, "views/map/static/bridge.js") for name, spec in SUPPORTED.items()}
