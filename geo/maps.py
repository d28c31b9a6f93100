"""Build the border map with folium: every layer, its style, the legend, the basemap.

Pure (no Streamlit): build_map() returns the static map (Leaflet, the legend, the framing) and
one folium.FeatureGroup per drawn layer, so a Streamlit page can hand the groups to st_folium
as dynamic layers (toggling one then keeps the map's position and zoom). Render
build_map(..., standalone=True).map.get_root().render() for a self-contained HTML page.

Safety: every string from the data is html.escape'd in Python and reaches the page only inside
JSON that cannot close a <script> (no raw <, >, &, ' in it). Scale: incidents travel as compact
column arrays and are clustered in the browser (Leaflet.markercluster), so 100,000 of them stay
usable; clicks are identified by a reference hidden in each tooltip (see parse_click).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices.providers as xyz
from branca.element import MacroElement
from folium.template import Template

from geo.catalog import LAYERS
from geo.records import fmt_date, present
from geo.schema import CATEGORIES, INCIDENT_CATEGORIES, OTHER_CATEGORY

# ---------------------------------------------------------------- assets (served by the app)

DEFAULT_ASSET_BASE = "/app/static/vendor"
# file name as served -> (xstatic package, file inside its data folder)
VENDOR_FILES: dict[str, tuple[str, str]] = {
    "leaflet.js": ("leaflet", "leaflet.js"),
    "leaflet.css": ("leaflet", "leaflet.css"),
    "images/layers.png": ("leaflet", "images/layers.png"),
    "images/layers-2x.png": ("leaflet", "images/layers-2x.png"),
    "images/marker-icon.png": ("leaflet", "images/marker-icon.png"),
    "images/marker-icon-2x.png": ("leaflet", "images/marker-icon-2x.png"),
    "images/marker-shadow.png": ("leaflet", "images/marker-shadow.png"),
    "jquery.min.js": ("jquery", "jquery.min.js"),
    "leaflet.markercluster.js": ("markercluster", "leaflet.markercluster.js"),
    "MarkerCluster.css": ("markercluster", "MarkerCluster.css"),
    "MarkerCluster.Default.css": ("markercluster", "MarkerCluster.Default.css"),
}


def vendor_js(base: str = DEFAULT_ASSET_BASE, cluster: bool = True) -> list[tuple[str, str]]:
    """folium-style (name, url) script list; jQuery because folium's popups call $."""
    out = [("leaflet", f"{base}/leaflet.js"), ("jquery", f"{base}/jquery.min.js")]
    if cluster:
        out.append(("markerclusterjs", f"{base}/leaflet.markercluster.js"))
    return out


def vendor_css(base: str = DEFAULT_ASSET_BASE, cluster: bool = True) -> list[tuple[str, str]]:
    out = [("leaflet_css", f"{base}/leaflet.css")]
    if cluster:
        out += [
            ("markerclustercss", f"{base}/MarkerCluster.css"),
            ("markerclusterdefaultcss", f"{base}/MarkerCluster.Default.css"),
        ]
    return out


# ---------------------------------------------------------------- basemaps


@dataclass(frozen=True)
class Basemap:
    id: str
    label: str
    provider: object | None  # an xyzservices TileProvider; None draws no tiles


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


# ---------------------------------------------------------------- styles

# Drawing order, bottom to top; the sidebar offers a toggle for each.
LAYER_ORDER = (
    "countries",
    "provinces",
    "border",
    "power_line",
    "pipeline",
    "towns",
    "incidents",
    "markets",
    "crossings",
)
POINT_LAYERS = frozenset({"towns", "incidents", "markets", "crossings"})

CATEGORY_COLOURS: dict[str, str] = {c.name: c.colour for c in CATEGORIES}
OTHER_COLOUR = OTHER_CATEGORY.colour
# location_precision -> drawing level: 0 solid (exact), 1 ring with light fill (town, near,
# approximate), 2 dashed ring, nearly empty (district or coarser: the point is a centroid).
PRECISION_LEVEL = {"exact": 0, "town": 1, "near": 1, "approximate": 1, "indicative": 1}
COARSE_LEVEL = 2
LEVEL_TEXT = (
    "exact site (solid)",
    "town, nearby or approximate (ring)",
    "district, province or border area: a centroid (dashed ring)",
)
HIGHLIGHT_COLOUR = "#00b7ff"
CLUSTER_THRESHOLD = 2000  # above this many incidents, cluster nearby points, not only co-located ones
INLINE_LIMIT = 5000  # above this many incidents, st_folium is given a URL to fetch them from (if it can)
CHUNKED_THRESHOLD = 5000  # above this, markercluster adds markers in chunks (keeps the page responsive)
REGION_BOUNDS = ((24.5, 58.5), (32.5, 70.5))  # (south, west), (north, east): both provinces


def fatality_radius(fatalities) -> np.ndarray:
    """Circle radius in pixels: 5 for none or unknown, growing with the square root, at most 22."""
    f = np.asarray(pd.to_numeric(pd.Series(fatalities, dtype="object"), errors="coerce"), dtype=float)
    f = np.where(np.isfinite(f) & (f > 0), f, 0.0)
    return np.minimum(5.0 + 2.2 * np.sqrt(f), 22.0).round().astype(int)


def precision_level(precision) -> int:
    return PRECISION_LEVEL.get(str(precision), COARSE_LEVEL)


def leaflet_style(style: Mapping) -> dict:
    """Catalogue style (snake_case) -> Leaflet path options (camelCase)."""
    names = {"fill_color": "fillColor", "fill_opacity": "fillOpacity", "dash_array": "dashArray", "line_cap": "lineCap"}
    return {names.get(k, k): v for k, v in style.items()}


def line_style(layer_id: str, props: Mapping) -> dict:
    style = LAYERS[layer_id].style
    if layer_id == "pipeline":
        return leaflet_style(style.get(str(props.get("status")), style["not built"]))
    return leaflet_style(style)


def area_style(layer_id: str, basemap: str) -> dict:
    out = leaflet_style(LAYERS[layer_id].style)
    if basemap == "offline" and layer_id == "countries":
        out["fillOpacity"] = max(out.get("fillOpacity", 0.0), 0.95)  # land stands out from the sea-blue ground
    elif basemap != "offline":  # let the tiles show through
        out["fillOpacity"] = 0.0 if layer_id == "countries" else min(out.get("fillOpacity", 0.2), 0.15)
    return out


def point_symbol(layer_id: str, props: Mapping) -> dict:
    """How a market, crossing or town is drawn: shape, colour, size (all from the catalogue)."""
    style = LAYERS[layer_id].style
    if layer_id == "markets":
        return {"shape": "square", "color": style.get(str(props.get("status")), "#999999"), "size": 14}
    if layer_id == "crossings":
        return {"shape": "diamond", "color": style.get(str(props.get("kind")), "#000000"), "size": 13}
    return {"shape": "dot", "color": style.get("color", "#333333"), "size": 7}


# ---------------------------------------------------------------- escaping and click references

REF_OPEN, REF_CLOSE = "\u27e6", "\u27e7"  # ⟦layer|id⟧, hidden in every tooltip
_REF = re.compile(REF_OPEN + r"([a-z_]+)\|(.*)" + REF_CLOSE, re.DOTALL)


def esc(value) -> str:
    """html.escape plus the backtick, so the text is inert in HTML and in JS template strings."""
    return html.escape("" if value is None else str(value), quote=True).replace("`", "&#96;")


def js_json(obj) -> str:
    """JSON safe to place inside <script>: no <, >, &, ' characters survive unescaped."""
    text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def ref_span(layer_id: str, feature_id) -> str:
    return f'<span class="pkir-ref" style="display:none">{REF_OPEN}{esc(layer_id)}|{esc(feature_id)}{REF_CLOSE}</span>'


def parse_click(value: Mapping | None) -> tuple[str, str] | None:
    """(layer id, feature id) of the clicked feature from st_folium's return value, or None.

    The clicked layer's tooltip text ends with the hidden reference ⟦layer|id⟧.
    """
    if not value:
        return None
    text = value.get("last_object_clicked_tooltip")
    if not isinstance(text, str):
        return None
    found = _REF.search(text)
    if not found or found.group(1) not in LAYERS:
        return None
    return found.group(1), found.group(2)


# ---------------------------------------------------------------- folium elements

_RUNTIME_CSS = """
.pkir-tip { width: max-content; max-width: 280px; white-space: normal; font-size: 12px; line-height: 1.3; }
.pkir-tip-title { font-weight: 600; }
.pkir-tip-meta { color: #444; }
.pkir-tip-id { color: #777; font-size: 11px; }
.pkir-town-label { background: transparent; border: 0; box-shadow: none; font-size: 11px; font-weight: 600;
  color: #222; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; padding: 0 2px; }
.pkir-town-label::before { display: none; }
.pkir-sym { box-sizing: border-box; border: 2px solid #fff; box-shadow: 0 0 0 1px #333; }
.pkir-sym-diamond { transform: rotate(45deg); }
.pkir-sym-dot { border-radius: 50%; border-width: 1px; }
.pkir-cluster { background: rgba(255,255,255,.85); border: 2px solid #333; border-radius: 50%;
  color: #111; font: 600 12px/1 sans-serif; display: flex; align-items: center; justify-content: center; }
.pkir-legend { background: rgba(255,255,255,.94); padding: 5px 8px; border-radius: 5px; font-size: 11px;
  line-height: 1.25; box-shadow: 0 1px 4px rgba(0,0,0,.35); max-height: 55vh; overflow-y: auto; max-width: 330px; }
.pkir-legend .grid { display: grid; grid-template-columns: 1fr 1fr; column-gap: 8px; }
.pkir-legend summary { font-weight: 700; cursor: pointer; }
.pkir-legend h4 { margin: 5px 0 1px 0; font-size: 11px; }
.pkir-legend .row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.pkir-legend .sw { flex: 0 0 auto; display: inline-block; }
.leaflet-container.pkir-offline { background: #d3e2ed; }  /* reads as sea around the shipped land */
.pkir-progress { background: rgba(255,255,255,.92); border-radius: 4px; padding: 4px 8px; font-size: 12px;
  box-shadow: 0 1px 3px rgba(0,0,0,.3); }
.pkir-tile-note { background: #fff3cd; color: #5c4400; border: 1px solid #e0c36a; border-radius: 4px;
  padding: 5px 8px; font-size: 12px; max-width: 300px; box-shadow: 0 1px 3px rgba(0,0,0,.3); }
"""

_RUNTIME_JS = r"""
(function () {
  var map = {{ this._parent.get_name() }};
  var P = window.PKIR = {map: map, layers: {}, present: {}, hl: null, focusSeq: null, cache: {}, cacheKeys: []};
  // built incident layers by content key; the last few are kept so toggling back is instant
  P.remember = function (key, entry) {
    P.cache[key] = entry; P.cacheKeys.push(key);
    while (P.cacheKeys.length > 3) { delete P.cache[P.cacheKeys.shift()]; }
    return entry;
  };
  if (!map.getPane('pkirHighlight')) {
    var pane = map.createPane('pkirHighlight');
    pane.style.zIndex = 650; pane.style.pointerEvents = 'none';
  }
  // markercluster hides/shows markers with setOpacity; circle markers have none
  if (!L.CircleMarker.prototype.clusterHide) {
    L.CircleMarker.include({clusterHide: function () { return this; }, clusterShow: function () { return this; }});
  }
  var ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#96;'};
  P.esc = function (s) { return String(s).replace(/[&<>"'`]/g, function (c) { return ESC[c]; }); };
  P.ref = function (layer, id) {
    return '<span class="pkir-ref" style="display:none">\u27e6' + layer + '|' + P.esc(id) + '\u27e7</span>';
  };
  P.clear = function () { if (P.hl) { map.removeLayer(P.hl.layer); P.hl = null; } };
  P.draw = function (ref, shape) { P.clear(); shape.addTo(map); P.hl = {ref: ref, layer: shape}; };
  P.hlOptions = function (extra) {
    return L.extend({pane: 'pkirHighlight', color: '{{ this.colour }}', weight: 4, opacity: 0.95,
                     fill: false, interactive: false, className: 'pkir-highlight'}, extra || {});
  };
  P.mark = function (target) {
    var ref = target.options && target.options.pkirRef;
    if (!ref) return;
    if (target.getLatLng) {
      P.draw(ref, L.circleMarker(target.getLatLng(), P.hlOptions({radius: (target.options.radius || 8) + 7})));
    } else if (target.getLatLngs) {
      var Shape = (target instanceof L.Polygon) ? L.polygon : L.polyline;
      P.draw(ref, Shape(target.getLatLngs(), P.hlOptions({weight: 10, opacity: 0.55})));
    }
  };
  P.onClick = function (e) { P.mark(e.sourceTarget || e.layer); };
  // a note in the map's corner for work that takes a while: say(text) updates it, done() removes it;
  // P.noteLog keeps the last texts shown (a quick job's note may come and go within one frame)
  P.noteLog = [];
  P.progress = function (text) {
    var box = null, note = L.control({position: 'topright'});
    var log = function (t) { P.noteLog.push(t); if (P.noteLog.length > 50) P.noteLog.shift(); };
    note.onAdd = function () { box = L.DomUtil.create('div', 'pkir-progress'); box.textContent = text; return box; };
    note.addTo(map);
    log(text);
    return {say: function (t) { if (box) { box.textContent = t; log(t); } },
            done: function () { if (box) { note.remove(); box = null; log(null); } }};
  };
  P.register = function (id, layer) {
    P.layers[id] = layer; layer.off('click', P.onClick); layer.on('click', P.onClick); return layer;
  };
  P.symbol = function (sym, latlng, ref, cls) {
    var s = sym.size;
    return L.marker(latlng, {pkirRef: ref, icon: L.divIcon({
      className: cls, iconSize: [s, s], iconAnchor: [s / 2, s / 2],
      html: '<div class="pkir-sym pkir-sym-' + sym.shape + '" style="width:' + s + 'px;height:' + s +
            'px;background:' + sym.color + '"></div>'})});
  };
  P.clusterIcon = function (cluster) {
    var n = cluster.getChildCount(), s = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : 46;
    return L.divIcon({html: '<div class="pkir-cluster" style="width:' + s + 'px;height:' + s + 'px">' + n + '</div>',
                      className: 'pkir-cluster-icon', iconSize: [s, s]});
  };
  P.check = function () {
    if (!P.hl || !P.active) return;
    var parts = P.hl.ref.split('|'), layer = parts[0], id = parts.slice(1).join('|');
    if (P.active.indexOf(layer) < 0 || (P.present[layer] && !P.present[layer].has(id))) P.clear();
  };
  // Called last on every (re)draw of the layers: drop a highlight whose feature is gone, draw the
  // highlight the page asked for (once per request), and set the offline background.
  P.sync = function (active, focus, offline) {
    L.DomUtil[offline ? 'addClass' : 'removeClass'](map.getContainer(), 'pkir-offline');
    P.active = active;
    P.check();
    if (focus && focus.seq !== P.focusSeq) {
      P.focusSeq = focus.seq;
      P.draw(focus.ref, L.circleMarker([focus.lat, focus.lng], P.hlOptions({radius: focus.r + 7})));
    }
  };
})();
"""


class Runtime(MacroElement):
    """Map-level helpers (window.PKIR) and CSS used by every layer; part of the static map."""

    _template = Template(
        "{% macro header(this, kwargs) %}<style>" + _RUNTIME_CSS + "</style>{% endmacro %}"
        "{% macro script(this, kwargs) %}" + _RUNTIME_JS + "{% endmacro %}"
    )

    def __init__(self, colour: str = HIGHLIGHT_COLOUR):
        super().__init__()
        self._name = "PkirRuntime"
        self.colour = colour


class Legend(MacroElement):
    """A collapsible legend control; its HTML is built from escaped text only."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function (map) {
    var div = L.DomUtil.create('div', 'pkir-legend');
    div.innerHTML = {{ this.html_json }};
    // on a narrow map the legend starts folded, one click away
    var details = div.querySelector('details');
    if (details && map.getSize().x < {{ this.open_min_width }}) details.open = false;
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
""")

    def __init__(self, html_fragment: str):
        super().__init__()
        self._name = "PkirLegend"
        self.html = html_fragment
        self.html_json = js_json(html_fragment)
        self.open_min_width = 700


class FeatureLayer(MacroElement):
    """A small layer (polygons, lines, point symbols) as GeoJSON with per-feature style and tooltip."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var P = window.PKIR, data = {{ this.data_json }}, opt = {{ this.options_json }};
  var layer = L.geoJSON(data, {
    attribution: opt.attribution || null,
    style: function (f) { return L.extend({className: opt.cls}, f.properties.style); },
    pointToLayer: function (f, latlng) {
      var sym = f.properties.sym;
      if (sym.shape === 'dot') {
        return L.circleMarker(latlng, {radius: sym.size / 2, color: '#ffffff', weight: 1, fillColor: sym.color,
                                       fillOpacity: 1, className: opt.cls});
      }
      return P.symbol(sym, latlng, null, opt.cls);
    },
    onEachFeature: function (f, l) {
      l.options.pkirRef = f.properties.ref;
      if (opt.interactive === false) { l.options.interactive = false; return; }
      var left = f.properties.label === 'left';
      l.bindTooltip(f.properties.tip, opt.labels
        ? {permanent: true, direction: left ? 'left' : 'right', offset: [left ? -5 : 5, 0],
           className: 'pkir-town-label'}
        : {sticky: !f.properties.sym, direction: 'top', className: 'pkir-tip'});
    }
  });
  P.register(opt.layer, layer).addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
""")

    def __init__(
        self,
        layer_id: str,
        features: list[dict],
        interactive: bool = True,
        labels: bool = False,
        attribution: str | None = None,
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
            }
        )


@dataclass(frozen=True)
class IncidentSource:
    """The incidents the browser draws: inline JSON, or a URL it fetches (large sets).

    key is a hash of the content: the browser keeps the Leaflet layer built for a key and reuses
    it when only other layers, the basemap or the selection change.
    """

    key: str
    count: int
    data_json: str | None = None
    url: str | None = None


def incident_source(incidents: gpd.GeoDataFrame, publish=None, inline_limit: int = INLINE_LIMIT) -> IncidentSource:
    """Build the incident payload; above inline_limit hand it to publish(key, json) -> URL if given.

    publish may return None (e.g. a read-only install): the data then goes inline.
    """
    payload = incident_payload(incidents)
    text = js_json(payload)
    key = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    count = len(payload["id"])
    if publish is not None and count > inline_limit:
        url = publish(key, text)
        if url:
            return IncidentSource(key, count, None, url)
    return IncidentSource(key, count, text, None)


class IncidentLayer(MacroElement):
    """Incidents as compact column arrays, drawn as circle markers in a marker-cluster group."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var P = window.PKIR, O = {{ this.options_json }}, parent = {{ this._parent.get_name() }};
  var entry = P.cache[O.key];
  if (!entry) {
    // a large set takes seconds to load and cluster: say so on the map until it is done
    var progress = O.chunked ? P.progress('Loading ' + O.count.toLocaleString('en') + ' incidents\u2026') : null;
    var group = L.markerClusterGroup({
      chunkedLoading: O.chunked, maxClusterRadius: O.radius, showCoverageOnHover: false,
      spiderfyOnMaxZoom: true, iconCreateFunction: P.clusterIcon,
      spiderLegPolylineOptions: {weight: 1.5, color: '#222', opacity: 0.6},
      chunkProgress: progress && function (done, total) {
        if (!total) return;  // the group's own empty pass when it is added to the map
        progress.say('Clustering incidents: ' + done.toLocaleString('en') + ' of ' + total.toLocaleString('en'));
        if (done >= total) progress.done();
      }
    });
    entry = P.remember(O.key, {group: group, parent: null, ids: null});
    var fill = function (D) {
      var FILL = [0.85, 0.3, 0.08], n = D.id.length, markers = new Array(n);
      for (var i = 0; i < n; i++) {
        var p = D.p[i], col = D.colours[D.c[i]], id = D.id[i], f = D.f[i];
        var m = L.circleMarker([D.lat[i], D.lon[i]], {
          radius: D.r[i], color: p === 0 ? '#ffffff' : col, weight: p === 0 ? 1 : 2.5,
          dashArray: p === 2 ? '4 3' : null, fillColor: col, fillOpacity: FILL[p],
          className: 'pkir-layer-incidents', pkirRef: 'incidents|' + id
        });
        m.bindTooltip('<div class="pkir-tip-title">' + D.t[i] + '</div><div class="pkir-tip-meta">' + D.d[i] +
                      ' &middot; ' + D.categories[D.c[i]] + (f > 0 ? ' &middot; ' + f + ' killed' : '') +
                      '</div><div class="pkir-tip-id">' + P.esc(id) + '</div>' + P.ref('incidents', id),
                      {direction: 'top', className: 'pkir-tip'});
        markers[i] = m;
      }
      entry.ids = new Set(D.id);
      if (P.layers.incidents === group) { P.present.incidents = entry.ids; P.check(); }
      // markercluster adds in bulk quickly only once it is on a map (off the map it is quadratic)
      var add = function () { group.addLayers(markers); entry.loaded = true; };
      if (group._map) add(); else group.once('add', add);
    };
    if (O.src) {
      fetch(O.src).then(function (r) { return r.json(); }).then(fill)
        .catch(function (err) {
          entry.error = String(err); console.error('incidents not loaded', err);
          if (progress) progress.say('The incidents could not be loaded: ' + entry.error);
        });
    } else {
      fill({{ this.data_json }});
    }
  }
  if (entry.parent && entry.parent !== parent) entry.parent.removeLayer(entry.group);
  entry.parent = parent;
  P.present.incidents = entry.ids || undefined;
  P.register('incidents', entry.group).addTo(parent);
})();
{% endmacro %}
""")

    def __init__(self, source: IncidentSource, clustered_radius: int, chunked: bool):
        super().__init__()
        self._name = "PkirIncidents"
        self.count = source.count
        self.data_json = source.data_json or "null"
        self.options_json = js_json(
            {
                "radius": clustered_radius,
                "chunked": chunked,
                "key": source.key,
                "src": source.url,
                "count": source.count,
            }
        )


class TileFailureNote(MacroElement):
    """Says on the map when an online basemap's tiles cannot be loaded, and what to do instead."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var tiles = {{ this._parent.get_name() }}, map = window.PKIR.map, failed = 0, loaded = 0, note = null;
  var drop = function () { if (note) { map.removeControl(note); note = null; } };
  tiles.on('tileload', function () { loaded++; drop(); });
  tiles.on('remove', drop);
  tiles.on('tileerror', function () {
    failed++;
    if (loaded || note || failed < {{ this.after }}) return;
    note = L.control({position: 'topright'});
    note.onAdd = function () {
      var div = L.DomUtil.create('div', 'pkir-tile-note');
      div.textContent = {{ this.text_json }};
      return div;
    };
    note.addTo(map);
  });
})();
{% endmacro %}
""")

    TEXT = (
        "The basemap's tiles cannot be loaded (no network?). Every layer is still drawn; choose "
        f"\u201c{BASEMAPS['offline'].label}\u201d under Basemap in the sidebar, or start the app with "
        f"{OFFLINE_ENV}=1."
    )

    def __init__(self, after: int = 3):
        super().__init__()
        self._name = "PkirTileFailureNote"
        self.after = int(after)
        self.text_json = js_json(self.TEXT)


class Sync(MacroElement):
    """Runs after every (re)draw of the layers: see PKIR.sync in the runtime."""

    _template = Template("""
{% macro script(this, kwargs) %}
window.PKIR.sync({{ this.active_json }}, {{ this.focus_json }}, {{ this.offline_json }});
{% endmacro %}
""")

    def __init__(self, active: list[str], focus: dict | None, offline: bool):
        super().__init__()
        self._name = "PkirSync"
        self.active = active
        self.focus = focus
        self.active_json, self.focus_json, self.offline_json = js_json(active), js_json(focus), js_json(offline)


# ---------------------------------------------------------------- layer contents


def _round(coords, digits: int = 5):
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), digits) for c in coords]
        return [_round(c, digits) for c in coords]
    return coords


def _geometry(geom) -> dict | None:
    if geom is None or geom.is_empty:
        return None
    doc = shapely.geometry.mapping(geom)
    return {"type": doc["type"], "coordinates": _round(doc["coordinates"])}


def tooltip_html(layer_id: str, props: Mapping) -> str:
    """Escaped tooltip for a non-incident feature: its name and one line of context."""
    name = props.get("name") or props.get("title") or props.get("id")
    context = {
        "markets": lambda: f"border market · {props.get('status', '')}",
        "crossings": lambda: f"{props.get('kind', '')} crossing",
        "pipeline": lambda: f"gas pipeline · {props.get('status', '')}",
        "power_line": lambda: f"power line · {props.get('status', '')}",
        "provinces": lambda: f"province · {props.get('country', '')}",
        "border": lambda: "international border",
        "countries": lambda: "country",
        "towns": lambda: "",
    }.get(layer_id, lambda: "")()
    if layer_id == "towns":
        return esc(name) + ref_span(layer_id, props.get("id"))
    meta = f'<div class="pkir-tip-meta">{esc(context)}</div>' if context.strip(" ·") else ""
    return (
        f'<div class="pkir-tip-title">{esc(name)}</div>{meta}'
        f'<div class="pkir-tip-id">{esc(props.get("id"))}</div>' + ref_span(layer_id, props.get("id"))
    )


def label_sides(points: list[tuple[float, float]], reach_deg: float = 0.3) -> list[str]:
    """'left' for a label that would run into a neighbour's point or label on its right (another
    point within reach_deg east and about as far north or south), else 'right'."""
    sides = []
    for lon, lat in points:
        crowded = any(0 < olon - lon <= reach_deg and abs(olat - lat) <= reach_deg / 2 for olon, olat in points)
        sides.append("left" if crowded else "right")
    return sides


def feature_layer(layer_id: str, gdf: gpd.GeoDataFrame, basemap: str) -> FeatureLayer:
    features = []
    for props, geom in zip(gdf.drop(columns="geometry").to_dict("records"), gdf.geometry, strict=True):
        geometry = _geometry(geom)
        if geometry is None:
            continue  # unlocated market or crossing: listed in its record, not drawn
        fp: dict = {"ref": f"{layer_id}|{props.get('id')}", "tip": tooltip_html(layer_id, props)}
        if layer_id in POINT_LAYERS:
            fp["sym"] = point_symbol(layer_id, props)
        elif layer_id in ("countries", "provinces"):
            fp["style"] = area_style(layer_id, basemap)
        else:
            fp["style"] = line_style(layer_id, props)
        features.append({"type": "Feature", "geometry": geometry, "properties": fp})
    if layer_id == "towns":
        where = [tuple(f["geometry"]["coordinates"]) for f in features]
        for f, side in zip(features, label_sides(where), strict=True):
            f["properties"]["label"] = side
    attribution = "Boundaries: Natural Earth (public domain)" if layer_id == "countries" else None
    return FeatureLayer(
        layer_id, features, interactive=layer_id != "countries", labels=layer_id == "towns", attribution=attribution
    )


def located(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Boolean array: which features have a drawable point."""
    geoms = gdf.geometry.to_numpy()
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def _date_text(start: pd.Series, end: pd.Series) -> list[str]:
    s = pd.to_datetime(start, errors="coerce").dt.strftime("%Y-%m-%d").fillna("date unknown")
    e = pd.to_datetime(end, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    return [a if not b or a == b else f"{a} to {b}" for a, b in zip(s, e, strict=True)]


def incident_payload(incidents: gpd.GeoDataFrame) -> dict:
    """Compact, escaped column arrays of the located incidents (what the browser receives)."""
    gdf = incidents[located(incidents)] if len(incidents) else incidents
    categories = [c for c in INCIDENT_CATEGORIES if c != "other"] + ["other"]
    index = {c: i for i, c in enumerate(categories)}
    col = lambda name, default=None: gdf[name] if name in gdf.columns else pd.Series(default, index=gdf.index)  # noqa: E731
    geoms = gdf.geometry.to_numpy()
    fat = pd.to_numeric(col("fatalities_best").astype("object"), errors="coerce").to_numpy(dtype=float)
    return {
        "id": [str(v) for v in col("id")],
        "lat": np.round(shapely.get_y(geoms), 5).tolist(),
        "lon": np.round(shapely.get_x(geoms), 5).tolist(),
        "r": fatality_radius(fat).tolist(),
        "f": np.where(np.isfinite(fat), fat, -1).astype(int).tolist(),
        "c": [index.get(str(c), index["other"]) for c in col("category")],
        "p": [precision_level(p) for p in col("location_precision")],
        "t": [esc(t) for t in col("title", "")],
        "d": [esc(d) for d in _date_text(col("date_start"), col("date_end"))],
        "categories": [esc(c) for c in categories],
        "colours": [CATEGORY_COLOURS.get(c, OTHER_COLOUR) for c in categories],
    }


# ---------------------------------------------------------------- legend


def _swatch_circle(colour: str, level: int = 0, radius: int = 6) -> str:
    size = 2 * radius + 6
    dash = ' stroke-dasharray="4 3"' if level == 2 else ""
    stroke, width = ("#fff", 1) if level == 0 else (colour, 2.5)
    fill_opacity = (0.85, 0.3, 0.08)[level]
    c = size / 2
    return (
        f'<svg class="sw" width="{size}" height="{size}"><circle cx="{c}" cy="{c}" r="{radius}" '
        f'fill="{esc(colour)}" fill-opacity="{fill_opacity}" stroke="{esc(stroke)}" stroke-width="{width}"{dash}/>'
        f'<circle cx="{c}" cy="{c}" r="{radius + 0.5}" fill="none" stroke="#333" stroke-width="0.4"/></svg>'
    )


def _swatch_line(style: Mapping) -> str:
    dash = f' stroke-dasharray="{esc(style["dash_array"])}"' if style.get("dash_array") else ""
    return (
        f'<svg class="sw" width="30" height="10"><line x1="1" y1="5" x2="29" y2="5" stroke="{esc(style["color"])}" '
        f'stroke-width="{min(float(style.get("weight", 3)), 5)}"{dash}/></svg>'
    )


def _swatch_symbol(shape: str, colour: str) -> str:
    # a fixed 20 px box, so that a turned (diamond) square does not run into its text
    turn = "transform:rotate(45deg);" if shape == "diamond" else ""
    return (
        '<span class="sw" style="width:20px;height:20px;display:inline-flex;align-items:center;'
        f'justify-content:center"><span style="{turn}display:inline-block;width:11px;height:11px;'
        f'background:{esc(colour)};border:2px solid #fff;box-shadow:0 0 0 1px #333"></span></span>'
    )


def _row(swatch: str, text: str) -> str:
    return f'<div class="row">{swatch}<span>{esc(text)}</span></div>'


def legend_html(categories: Iterable[str] | None = None) -> str:
    """The legend for every symbol on the map; categories default to all known ones."""
    cats = list(categories) if categories is not None else list(INCIDENT_CATEGORIES)
    parts = ["<details open><summary>Legend</summary>", "<h4>Incidents: colour = category</h4>"]
    parts += [
        '<div class="grid">',
        *[_row(_swatch_circle(CATEGORY_COLOURS.get(c, OTHER_COLOUR), 0, 5), c) for c in cats],
        "</div>",
    ]
    parts.append("<h4>Size = fatalities</h4>")
    sizes = "".join(
        f"{_swatch_circle('#888888', 0, int(fatality_radius([n])[0]))}<span>{esc(label)}</span>"
        for n, label in ((0, "0 or unknown"), (10, "10"), (50, "50+"))
    )
    parts.append(f'<div class="row">{sizes}</div>')
    parts.append("<h4>Location precision</h4>")
    parts += [_row(_swatch_circle("#d7191c", level), text) for level, text in enumerate(LEVEL_TEXT)]
    parts.append(
        _row(
            '<span class="sw pkir-cluster" style="width:20px;height:20px;font-size:10px">3</span>',
            "several incidents at or near one place: click to spread or zoom",
        )
    )
    pipe = LAYERS["pipeline"].style
    parts.append("<h4>Lines</h4>")
    parts += [_row(_swatch_line(pipe[s]), f"gas pipeline: {s}") for s in ("built", "claimed built", "not built")]
    parts.append(_row(_swatch_line(LAYERS["power_line"].style), "Polan–Gabd power line"))
    parts.append(_row(_swatch_line(LAYERS["border"].style), "Pakistan–Iran border"))
    parts.append("<h4>Places</h4>")
    places = [
        _row(_swatch_symbol("square", colour), f"market: {status}")
        for status, colour in LAYERS["markets"].style.items()
    ]
    places += [
        _row(_swatch_symbol("diamond", colour), f"{kind} crossing")
        for kind, colour in LAYERS["crossings"].style.items()
    ]
    places.append(_row(_swatch_circle(LAYERS["towns"].style["color"], 0, 3), "town"))
    places.append(
        _row(_swatch_circle(HIGHLIGHT_COLOUR, 1, 7).replace('fill-opacity="0.3"', 'fill-opacity="0"'), "selected")
    )
    parts += ['<div class="grid">', *places, "</div>"]
    parts.append("</details>")
    return "".join(parts)


# ---------------------------------------------------------------- the map


@dataclass
class BuiltMap:
    """A folium map, its layer groups for st_folium, and what was drawn."""

    map: folium.Map
    groups: list[folium.FeatureGroup]
    summary: dict = field(default_factory=dict)
    center: tuple[float, float] | None = None  # where the page asked to look (a selected feature)
    zoom: int | None = None


def region_bounds(layers: Mapping[str, gpd.GeoDataFrame | None]) -> list[list[float]]:
    """[[south, west], [north, east]] of the two provinces, or the fixed border region."""
    provinces = layers.get("provinces")
    if provinces is not None and len(provinces):
        west, south, east, north = provinces.total_bounds
        if np.all(np.isfinite([west, south, east, north])):
            return [[float(south), float(west)], [float(north), float(east)]]
    (south, west), (north, east) = REGION_BOUNDS
    return [[south, west], [north, east]]


def _focus(layers: Mapping, incidents: gpd.GeoDataFrame | None, focus: tuple[str, str] | None, seq: int) -> dict | None:
    if not focus:
        return None
    layer_id, fid = focus
    gdf = incidents if layer_id == "incidents" and incidents is not None else layers.get(layer_id)
    if gdf is None or layer_id not in POINT_LAYERS:
        return None
    rows = gdf[gdf["id"].astype(str) == str(fid)]
    if rows.empty or not located(rows).any():
        return None
    row = rows[located(rows)].iloc[0]
    radius = int(fatality_radius([row.get("fatalities_best")])[0]) if layer_id == "incidents" else 8
    return {
        "ref": f"{layer_id}|{fid}",
        "lat": float(row.geometry.y),
        "lng": float(row.geometry.x),
        "r": radius,
        "seq": seq,
    }


def build_map(
    layers: Mapping[str, gpd.GeoDataFrame | None],
    *,
    visible: Iterable[str] = LAYER_ORDER,
    basemap: str = "offline",
    incidents: gpd.GeoDataFrame | None = None,
    focus: tuple[str, str] | None = None,
    focus_seq: int = 0,
    asset_base: str = DEFAULT_ASSET_BASE,
    standalone: bool = False,
    height: int | str = "100%",
    source: IncidentSource | None = None,
) -> BuiltMap:
    """The map and its layer groups.

    layers: loaded layers by id (None or missing = not available); incidents: the filtered
    incidents to draw (default: layers["incidents"]); visible: layer ids to draw; focus: a
    (layer id, feature id) to highlight and centre on; focus_seq changes when the page asks
    again; source: the incidents already prepared (see incident_source; default: built inline
    from incidents); standalone: add the groups to the map itself (for an HTML file or a test) rather
    than returning them for st_folium's feature_group_to_add.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; known: {', '.join(BASEMAPS)}")
    visible = set(visible)
    all_incidents = layers.get("incidents")
    incidents = all_incidents if incidents is None else incidents
    bounds = region_bounds(layers)
    center = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)

    m = folium.Map(
        location=center,
        zoom_start=6,
        tiles=None,
        min_zoom=3,
        max_zoom=18,
        control_scale=True,
        prefer_canvas=False,
        height=height,
    )
    # with no tile layer on the map itself Leaflet knows no zoom range; markercluster needs one
    m.options.update(minZoom=3, maxZoom=18, zoomSnap=0.25, zoomDelta=0.5)
    m.default_js = vendor_js(asset_base)
    m.default_css = vendor_css(asset_base)
    Runtime().add_to(m)
    present_categories = None
    if all_incidents is not None and "category" in all_incidents.columns:
        seen = set(all_incidents["category"].astype(str))
        present_categories = [c for c in INCIDENT_CATEGORIES if c in seen] + sorted(seen - set(INCIDENT_CATEGORIES))
    Legend(legend_html(present_categories)).add_to(m)
    m.fit_bounds(bounds, padding=(4, 4))

    groups: list[folium.FeatureGroup] = []
    summary: dict = {
        "basemap": basemap,
        "layers": {},
        "visible": [],
        "incidents_total": 0,
        "incidents_drawn": 0,
        "incidents_unlocated": 0,
        "clustered": False,
    }
    provider = BASEMAPS[basemap].provider
    if provider is not None:
        g = folium.FeatureGroup(name=f"Basemap: {BASEMAPS[basemap].label}")
        tiles = folium.TileLayer(tiles=provider, max_zoom=18, max_native_zoom=provider.get("max_zoom", 18))
        TileFailureNote().add_to(tiles)
        tiles.add_to(g)
        groups.append(g)

    for layer_id in LAYER_ORDER:
        gdf = layers.get(layer_id)
        if layer_id not in visible or gdf is None:
            continue
        g = folium.FeatureGroup(name=LAYERS[layer_id].title)
        if layer_id == "incidents":
            shown = incidents if incidents is not None else gdf.iloc[0:0]
            src = source if source is not None else incident_source(shown)
            n = src.count
            element = IncidentLayer(
                src, clustered_radius=45 if n > CLUSTER_THRESHOLD else 10, chunked=n > CHUNKED_THRESHOLD
            )
            summary.update(
                incidents_total=len(gdf),
                incidents_drawn=n,
                incidents_unlocated=int((~located(shown)).sum()) if len(shown) else 0,
                clustered=n > CLUSTER_THRESHOLD,
            )
        else:
            element = feature_layer(layer_id, gdf, basemap)
        element.add_to(g)
        groups.append(g)
        summary["layers"][layer_id] = element.count
        summary["visible"].append(layer_id)

    focus_spec = _focus(layers, incidents, focus, focus_seq)
    if focus_spec and focus_spec["ref"].split("|", 1)[0] not in summary["visible"]:
        focus_spec = None
    sync = folium.FeatureGroup(name="Selection")
    Sync(summary["visible"], focus_spec, offline=provider is None).add_to(sync)
    groups.append(sync)
    summary["focus"] = focus_spec["ref"] if focus_spec else None

    if standalone:
        for g in groups:
            g.add_to(m)
    built = BuiltMap(m, groups, summary)
    if focus_spec:
        built.center, built.zoom = (focus_spec["lat"], focus_spec["lng"]), 9
    return built


def map_html(built: BuiltMap) -> str:
    """The whole map as one HTML page (the groups must have been added: standalone=True)."""
    return built.map.get_root().render()


def record_for(gdf: gpd.GeoDataFrame | None, feature_id: str) -> dict | None:
    """One feature's properties and geometry as a dict, or None when the id is not there."""
    if gdf is None or "id" not in gdf.columns:
        return None
    rows = gdf[gdf["id"].astype(str) == str(feature_id)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {k: row[k] for k in rows.columns}


def is_number(value) -> bool:
    return present(value) and isinstance(value, (int, float, np.number)) and math.isfinite(float(value))


__all__ = [
    "BASEMAPS",
    "LAYER_ORDER",
    "BuiltMap",
    "build_map",
    "default_basemap",
    "esc",
    "fmt_date",
    "js_json",
    "legend_html",
    "map_html",
    "parse_click",
    "record_for",
]
