"""A seam for AppTests of pages with a map: what each run gave the map, and scripted clicks.

MapSpy replaces ui.map_panel's st_folium (AppTest cannot run the component) and wraps
show_map to keep each run's map summary; production code keeps no test hook.
"""

from __future__ import annotations

import pytest

import ui.map_panel
from views.map._compat.folium import children
from views.map.elements import Sync


class MapSpy:
    """Records every map drawn (summary, centre, zoom, key, group names, st_folium arguments)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.runs: list[dict] = []
        self.calls: list[dict] = []
        self.value: dict = {"last_object_clicked": None, "last_active_drawing": None}
        show_map = ui.map_panel.show_map

        def spying_show_map(built, **kwargs):
            self.runs.append(
                {
                    **built.summary,
                    "center": built.center,
                    "zoom": built.zoom,
                    "key": kwargs.get("key", ui.map_panel.MAP_KEY),
                    "groups": [g.layer_name for g in built.groups],
                }
            )
            return show_map(built, **kwargs)

        monkeypatch.setattr(ui.map_panel, "show_map", spying_show_map)
        monkeypatch.setattr(ui.map_panel, "st_folium", self._st_folium)

    def _st_folium(self, fig, **kwargs):
        self.calls.append(kwargs)
        return dict(self.value)

    @property
    def last(self) -> dict:
        """What the latest run gave the map."""
        assert self.runs, "no map was drawn"
        return self.runs[-1]

    @property
    def told_selected(self) -> str:
        """What the latest map was told of its page's pick (Sync): "true", "false" or "null"."""
        assert self.calls, "no map was drawn"
        groups = self.calls[-1]["feature_group_to_add"]
        syncs = [c for g in groups for c in children(g) if isinstance(c, Sync)]
        assert len(syncs) == 1, syncs
        return syncs[0].selected_json

    def click(self, layer_id: str, feature_id: str, lat: float = 27.0, lng: float = 62.0) -> None:
        """Make the next run see a click on this feature, as st_folium reports it."""
        self.value = {
            "last_object_clicked": {"lat": lat, "lng": lng},
            "last_active_drawing": {
                "type": "Feature",
                "properties": {"layer": layer_id, "id": feature_id, "tip": "Some title"},
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
            },
        }
