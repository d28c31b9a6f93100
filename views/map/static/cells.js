/* Incidents as grid cells (views/map/cells.py), and the view reported to the page while it follows it.
 * cellLayer draws one square a cell, coloured by its count, with a tooltip "N incidents, F
 * fatalities" (numbers only) and a legend line while it is on the map; a click on a cell zooms in
 * on it. followView keeps what the drawn incidents cover (a box and a zoom range): when the map
 * leaves it, the view is reported as st_folium's last_active_drawing {layer: 'view', bounds, zoom},
 * sent like a click (PKIR.sendClick), and the page draws cells or single incidents for it.
 * Needs pkir.js. */
(function () {
  'use strict';
  var PKIR = window.PKIR;
  var REST_MS = 400;   // the view is reported once the map has been still this long
  var ZOOM_IN = 2;     // a click on a cell zooms in this many levels (further when the cell is still small)
  var PANE = 'pkirCells';  // over the outlines (overlay pane, 400), under place symbols (markers, 600)

  function plural(n, one, many) { return Number(n).toLocaleString('en') + ' ' + (n === 1 ? one : many); }

  function degrees(cell) { return cell >= 1 ? String(cell) : String(Number(cell.toPrecision(3))); }

  function legendControl(data) {
    var control = L.control({position: 'bottomright'});
    control.onAdd = function () {
      var box = L.DomUtil.create('div', 'pkir-cells-legend');
      var title = L.DomUtil.create('div', 'pkir-cells-title', box);
      title.textContent = 'Incidents per ' + degrees(data.cell) + '\u00b0 cell';
      var row = L.DomUtil.create('div', 'pkir-cells-row', box), low = 1;
      data.breaks.forEach(function (top, k) {
        var item = L.DomUtil.create('span', 'pkir-cells-item', row);
        var sw = L.DomUtil.create('span', 'pkir-cells-swatch', item);
        sw.style.background = data.colours[k];
        L.DomUtil.create('span', '', item).textContent =
          low >= top ? Number(top).toLocaleString('en') : Number(low).toLocaleString('en') + '\u2013' + Number(top).toLocaleString('en');
        low = top + 1;
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  // The cells' layer. A click on a cell is taken before Leaflet sees it (a capture listener on the
  // map's container, as incidents.js does), so st_folium does not report it as a click on a feature:
  // it zooms in on the cell, and the view that follows is reported. A place symbol (town, market,
  // crossing) under the pointer keeps its own click.
  var CellGroup = L.FeatureGroup.extend({
    onAdd: function (map) {
      L.FeatureGroup.prototype.onAdd.call(this, map);
      this.legend.addTo(map);
      this.pressed = this.pressed || L.bind(this.onPress, this);
      map.getContainer().addEventListener('click', this.pressed, true);
      PKIR.cellsShown = this;
      // no incident is drawn one by one now: the "outside this view" note and a highlight's check
      // must not count a canvas layer drawn earlier (an incident layer added again registers itself)
      delete PKIR.layers.incidents;
      delete PKIR.present.incidents;
    },
    onRemove: function (map) {
      L.FeatureGroup.prototype.onRemove.call(this, map);
      this.legend.remove();
      map.getContainer().removeEventListener('click', this.pressed, true);
      if (PKIR.cellsShown === this) PKIR.cellsShown = null;
    },
    // the cell under a container point, or null
    cellAt: function (point) {
      var at = this._map.containerPointToLatLng(point), size = this.size;
      return this.index[Math.floor(at.lng / size) + ',' + Math.floor(at.lat / size)] || null;
    },
    onPress: function (e) {
      var map = this._map;
      if (!map || e.button) return;
      var point = map.mouseEventToContainerPoint(e), square = this.cellAt(point);
      if (!square || PKIR.placesAt(point, 0).length) return;
      e.stopPropagation(); e.preventDefault();
      var bounds = square.getBounds();
      map.setView(bounds.getCenter(), Math.max(map.getZoom() + ZOOM_IN, Math.min(map.getBoundsZoom(bounds) - 1, 12)));
    }
  });

  // data: {cell, x, y, n, f, k, breaks, colours} (cells_data in views/map/cells.py)
  PKIR.cellLayer = function (parent, data) {
    var map = PKIR.map;
    if (!map.getPane(PANE)) map.createPane(PANE).style.zIndex = 450;  // over the outlines, under places
    var renderer = L.canvas({padding: 0.25, pane: PANE}), group = new CellGroup(), size = data.cell;
    group.legend = legendControl(data);
    group.index = {};  // 'column,row' -> its square
    group.size = size;
    group.count = data.n.length;
    for (var i = 0; i < data.n.length; i++) {
      var south = data.y[i] * size, west = data.x[i] * size;
      var square = L.rectangle([[south, west], [south + size, west + size]], {
        renderer: renderer, pane: PANE, weight: 0.6, color: '#7a0019', opacity: 0.5,
        fillColor: data.colours[data.k[i]], fillOpacity: 0.6, className: 'pkir-cell'
      });
      square.cell = {n: data.n[i], f: data.f[i]};
      square.bindTooltip(plural(data.n[i], 'incident', 'incidents') + ', ' + plural(data.f[i], 'fatality', 'fatalities'),
                         {sticky: true, className: 'pkir-cell-tip'});
      group.index[data.x[i] + ',' + data.y[i]] = square;
      square.addTo(group);
    }
    group.addTo(parent);
    PKIR.layers.cells = group;
    return group;
  };

  // the view as the page asks about it: [west, south, east, north] within the world
  function viewBounds(map) {
    var b = map.getBounds();
    return [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90), Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)];
  }

  function covered(state, map) {
    var v = viewBounds(map), box = state.box, z = map.getZoom(), eps = 1e-9;
    var inside = v[0] >= box[0] - eps && v[1] >= box[1] - eps && v[2] <= box[2] + eps && v[3] <= box[3] + eps;
    return inside && z >= state.zooms[0] && (state.zooms[1] === null || z < state.zooms[1]);
  }

  var follow = {state: null, timer: null, sent: null, hooked: false};

  function report() {
    var map = PKIR.map, state = follow.state, g = PKIR.bridge.stFolium();
    if (!map || !state || !map.getSize().y || PKIR.bridge.animatingZoom(map) || covered(state, map)) return;
    var props = {layer: 'view', bounds: viewBounds(map).map(function (v) { return Number(v.toFixed(5)); }),
                 zoom: map.getZoom()};
    var said = JSON.stringify(props);
    if (said === follow.sent) return;
    follow.sent = said;
    PKIR.viewReports = (PKIR.viewReports || 0) + 1;
    if (!g) return;  // a map on its own (an HTML file): nobody to tell
    g.last_active_drawing = {type: 'Feature', geometry: null, properties: props};
    PKIR.sendClick();
  }

  function soon() { clearTimeout(follow.timer); follow.timer = setTimeout(report, REST_MS); }

  // state: {box: [west, south, east, north], zooms: [from, to or null]} what the drawn incidents
  // cover, or null when the page does not follow the view (all of them are drawn)
  PKIR.followView = function (state) {
    follow.state = state;  // (a view already reported is not reported again: the page has its answer)
    var map = PKIR.map;
    if (!map) return;
    if (!follow.hooked) { follow.hooked = true; map.on('moveend zoomend resize', soon); }
    if (state) soon();
  };
})();
