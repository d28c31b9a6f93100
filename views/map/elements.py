"""folium elements of the map: a few lines of glue each, calling window.PKIR (static/*.js).

Each element names the scripts and stylesheets of static/ it calls (`scripts`, `styles`, in load
order); a map loads those of the elements it may hold (views.map.assets.map_assets), so a new
element brings its own file. Data reaches the script only through js_json (it cannot close a
<script>); every string in it was escaped in Python.
"""

from __future__ import annotations

from typing import ClassVar

from branca.element import MacroElement
from folium.template import Template

from views.map.styles import HIGHLIGHT_COLOUR, js_json


def glue(script: str) -> Template:
    """An element's template: its one script, rendered where folium places element scripts."""
    return Template("{% macro script(this, kwargs) %}" + script + "{% endmacro %}")


RUNTIME = ("bridge.js", "pkir.js")  # the map's runtime: window.PKIR (pkir.js) over the bridge to other code


class PkirElement(MacroElement):
    """An element of the map whose glue calls window.PKIR: the files of static/ it needs."""

    scripts: ClassVar[tuple[str, ...]] = RUNTIME
    styles: ClassVar[tuple[str, ...]] = ("pkir.css",)


class Runtime(PkirElement):
    """Hands the map to window.PKIR; part of the static map, before every layer."""

    _template = glue(
        "window.PKIR.init({{ this._parent.get_name() }}, {{ this.colour|tojson }}, {{ this.frame|tojson }}, "
        "{{ this.panel|tojson }});"
    )

    def __init__(
        self, colour: str = HIGHLIGHT_COLOUR, frame: list[list[float]] | None = None, panel: str | None = None
    ):
        super().__init__()
        self._name = "PkirRuntime"
        self.colour = colour
        self.frame = frame  # [[south, west], [north, east]] the first view shows, kept as the frame is sized
        self.panel = panel  # CSS selector of a page panel over the map: a selected point is panned from under it


class Legend(PkirElement):
    """A collapsible legend control; its HTML is built from escaped text only."""

    _template = glue(
        "window.PKIR.legend({{ this._parent.get_name() }}, {{ this.html_json }}, "
        "{{ this.open_min_width|tojson }}, {{ this.folded_share|tojson }}, {{ this.clear_of|tojson }}, "
        "{{ this.open_min_page|tojson }});"
    )

    def __init__(
        self,
        html_fragment: str,
        open_min_width: int = 700,
        folded_share: float = 0.25,
        clear_of: str | None = None,
        open_min_page: int | None = None,
    ):
        super().__init__()
        self._name = "PkirLegend"
        self.html = html_fragment
        self.html_json = js_json(html_fragment)
        self.open_min_width = open_min_width  # narrower maps start with the legend folded
        self.folded_share = folded_share  # so do maps where the open legend would cover more than this
        self.clear_of = clear_of  # CSS selector of a page panel that may lie over the map: keep out from under it
        self.open_min_page = open_min_page  # windows narrower than this (px) start with it folded too


class FeatureLayer(PkirElement):
    """A small layer (polygons, lines, point symbols) as GeoJSON with per-feature style and tooltip."""

    _template = glue(
        "window.PKIR.featureLayer({{ this._parent.get_name() }}, {{ this.data_json }}, {{ this.options_json }});"
    )

    def __init__(
        self,
        layer_id: str,
        features: list[dict],
        interactive: bool = True,
        labels: bool = False,
        attribution: str | None = None,
        offline_fill: float | None = None,
        title: str | None = None,
    ):
        super().__init__()
        self._name = "PkirLayer"
        self.layer_id = layer_id
        self.count = len(features)
        self.data_json = js_json({"type": "FeatureCollection", "features": features})
        self.options_json = js_json(
            {
                "layer": layer_id,
                "cls": f"pkir-layer-{layer_id}",
                "interactive": interactive,
                "labels": labels,
                "attribution": attribution,
                "offlineFill": offline_fill,  # fill opacity when tiles fail and the offline drawing takes over
                "title": title or layer_id,  # the layer's name, in the chooser of what lies under a click
            }
        )


class IncidentLayer(PkirElement):
    """Incidents drawn on a canvas from a compact binary payload, clustered on a grid by zoom
    (static/incidents.js); a click on one reports its id, or its row for large sets."""

    scripts = (*RUNTIME, "incidents.js")

    _template = glue(
        "window.PKIR.incidentLayer({{ this._parent.get_name() }}, {{ this.options_json }}, {{ this.data_json }});"
    )

    def __init__(self, source, clustered_radius: int, chunked: bool, beside: bool = False):
        super().__init__()
        self._name = "PkirIncidents"
        self.count = source.count
        self.source = source
        self.beside = beside  # the payload travels beside the map in the page (ui.map_panel), not in it
        self.data_json = "null" if beside else source.data_json
        self.options = {
            "radius": clustered_radius,
            "chunked": chunked,
            "key": source.key,
            "count": source.count,
            "beside": beside,
        }
        self.options_json = js_json(self.options)

    def select(self, incident_id: str | None) -> None:
        """Tell the browser which incident the page has selected and where it is drawn (row -1 if
        not drawn), so a highlight drawn for a row takes the incident's id."""
        row = self.source.row_of(incident_id) if incident_id is not None else -1
        self.options["selected"] = {"id": str(incident_id), "row": row} if incident_id is not None else None
        self.options_json = js_json(self.options)


class TileFailureNote(PkirElement):
    """Says on the map when an online basemap's tiles cannot be loaded, and what to do instead."""

    _template = glue(
        "window.PKIR.tileFailure({{ this._parent.get_name() }}, {{ this.text_json }}, {{ this.after|tojson }});"
    )

    TEXT = "No basemap tiles (no network?): showing the offline drawing."

    def __init__(self, after: int = 3):
        super().__init__()
        self._name = "PkirTileFailureNote"
        self.after = int(after)
        self.text_json = js_json(self.TEXT)


class Sync(PkirElement):
    """Runs after every (re)draw of the layers: see PKIR.sync in static/pkir.js."""

    _template = glue(
        "window.PKIR.sync({{ this.active_json }}, {{ this.focus_json }}, {{ this.offline_json }}, "
        "{{ this.selected_json }});"
    )

    def __init__(self, active: list[str], focus: dict | None, offline: bool):
        super().__init__()
        self._name = "PkirSync"
        self.active = active
        self.focus = focus
        self.active_json, self.focus_json, self.offline_json = js_json(active), js_json(focus), js_json(offline)
        self.selected_json = "null"  # unknown: the highlight is left as it is

    def select(self, selected: bool) -> None:
        """Whether the page has a feature selected: with none (the record closed), the browser
        drops its highlight."""
        self.selected_json = js_json(bool(selected))


class ViewInUrl(PkirElement):
    """Keeps the page's address naming the map's centre and zoom as it moves (static/view_url.js)."""

    scripts = (*RUNTIME, "view_url.js")

    _template = glue("window.PKIR.viewInUrl({{ this._parent.get_name() }}, {{ this.names|tojson }});")

    def __init__(self, center_param: str = "c", zoom_param: str = "z"):
        super().__init__()
        self._name = "PkirViewInUrl"
        self.names = {"c": center_param, "z": zoom_param}


class PlayControl(PkirElement):
    """The time control (static/play.js): a "Play period" button, then a bar at the map's bottom
    left that steps or plays through the period in windows. Part of the static map: unchanged
    from run to run, so a rerun never rebuilds the map."""

    scripts = (*RUNTIME, "play.js")
    styles = ("pkir.css", "play.css")

    _template = glue("window.PKIR.playInit({{ this._parent.get_name() }}, {{ this.panel|tojson }});")

    def __init__(self, panel: str | None = None):
        super().__init__()
        self._name = "PkirPlay"
        self.panel = panel  # CSS selector of a page panel over the map: the bar keeps out from under it


class PlayState(PkirElement):
    """What the page holds for the time control, sent on every rerun: the period it steps through
    and the window the page filters by (see ui.play). period: (first, last) days since 1970 or
    None (the incidents' own); window: {from, to (days), from_iso, to_iso, size, mode} or None."""

    scripts = (*RUNTIME, "play.js")
    styles = ("pkir.css", "play.css")

    _template = glue("window.PKIR.playState({{ this.state_json }});")

    def __init__(self, period: tuple[int, int] | None, window: dict | None):
        super().__init__()
        self._name = "PkirPlayState"
        self.state = {"period": list(period) if period else None, "window": window}
        self.state_json = js_json(self.state)
