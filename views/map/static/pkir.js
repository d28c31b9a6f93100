/* The border map's browser side: highlight of the selected feature, feature and incident layers,
 * legend, notes. Python (views.map.elements) emits a line or two of glue that calls these with
 * JSON data; every string in that data was escaped in Python. The incident layer is in incidents.js. */
(function () {
  'use strict';
  var PKIR = window.PKIR = {
    map: null, layers: {}, present: {}, highlight: null, focusSeq: null, cache: {}, cacheKeys: [],
    highlightColour: '#00b7ff', noteLog: []
  };
  var ESCAPES = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#96;'};

  PKIR.esc = function (s) { return String(s).replace(/[&<>"'`]/g, function (c) { return ESCAPES[c]; }); };

  // A Leaflet marker is keyboard-focusable; focusing it inside the iframe makes the browser
  // scroll the page to it between press and release, and the click is lost. Markers here are
  // not keyboard targets: the "Find an incident" list is the keyboard way to a record.
  var NOT_FOCUSABLE = {keyboard: false};

  PKIR.init = function (map, highlightColour) {
    PKIR.map = map;
    PKIR.highlightColour = highlightColour;
    if (!map.getPane('pkirHighlight')) {
      var pane = map.createPane('pkirHighlight');
      pane.style.zIndex = 650; pane.style.pointerEvents = 'none';
    }
  };

  // built incident layers by content key; the last few are kept so toggling back is instant
  PKIR.remember = function (key, entry) {
    PKIR.cache[key] = entry; PKIR.cacheKeys.push(key);
    while (PKIR.cacheKeys.length > 3) { delete PKIR.cache[PKIR.cacheKeys.shift()]; }
    return entry;
  };

  PKIR.clear = function () {
    if (PKIR.highlight) { PKIR.map.removeLayer(PKIR.highlight.shape); PKIR.highlight = null; }
  };
  // ref: {layer, id} of the feature; shape: the ring or line drawn over it
  PKIR.draw = function (ref, shape) {
    PKIR.clear(); shape.addTo(PKIR.map); PKIR.highlight = {layer: ref.layer, id: ref.id, shape: shape};
  };
  // 'layer|id' of the highlighted feature, or null
  PKIR.selectedRef = function () { return PKIR.highlight ? PKIR.highlight.layer + '|' + PKIR.highlight.id : null; };
  PKIR.highlightOptions = function (extra) {
    return L.extend({pane: 'pkirHighlight', color: PKIR.highlightColour, weight: 4, opacity: 0.95,
                     fill: false, interactive: false, className: 'pkir-highlight'}, extra || {});
  };
  PKIR.mark = function (target) {
    var feature = target && target.feature;
    if (!feature || !feature.properties || !feature.properties.layer) return;
    var ref = {layer: feature.properties.layer, id: feature.properties.id};
    if (target.getLatLng) {
      var radius = (target.options.radius || 8) + 7;
      PKIR.draw(ref, L.circleMarker(target.getLatLng(), PKIR.highlightOptions({radius: radius})));
    } else if (target.getLatLngs) {
      var Shape = (target instanceof L.Polygon) ? L.polygon : L.polyline;
      PKIR.draw(ref, Shape(target.getLatLngs(), PKIR.highlightOptions({weight: 10, opacity: 0.55})));
    }
  };
  PKIR.onClick = function (e) { PKIR.mark(e.layer || e.sourceTarget); };
  PKIR.register = function (id, layer) {
    PKIR.layers[id] = layer; layer.off('click', PKIR.onClick); layer.on('click', PKIR.onClick); return layer;
  };

  // A note in the map's corner for work that takes a while: say(text) updates it, done() removes
  // it; noteLog keeps the last texts shown (a quick job's note may come and go within one frame).
  PKIR.progress = function (text) {
    var box = null, note = L.control({position: 'topright'});
    var log = function (t) { PKIR.noteLog.push(t); if (PKIR.noteLog.length > 50) PKIR.noteLog.shift(); };
    note.onAdd = function () { box = L.DomUtil.create('div', 'pkir-progress'); box.textContent = text; return box; };
    note.addTo(PKIR.map);
    log(text);
    return {say: function (t) { if (box) { box.textContent = t; log(t); } },
            done: function () { if (box) { note.remove(); box = null; log(null); } }};
  };

  PKIR.symbol = function (sym, latlng, cls) {
    var s = sym.size;
    return L.marker(latlng, L.extend({icon: L.divIcon({
      className: cls, iconSize: [s, s], iconAnchor: [s / 2, s / 2],
      html: '<div class="pkir-sym pkir-sym-' + sym.shape + '" style="width:' + s + 'px;height:' + s +
            'px;background:' + sym.color + '"></div>'})}, NOT_FOCUSABLE));
  };
  PKIR.clusterIcon = function (cluster) {
    var n = cluster.getChildCount(), s = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : 46;
    return L.divIcon({html: '<div class="pkir-cluster" style="width:' + s + 'px;height:' + s + 'px">' + n + '</div>',
                      className: 'pkir-cluster-icon', iconSize: [s, s]});
  };

  PKIR.legend = function (map, html, openMinWidth, foldedShare) {
    var legend = L.control({position: 'bottomright'});
    legend.onAdd = function () {
      var div = L.DomUtil.create('div', 'pkir-legend');
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    legend.addTo(map);
    // start folded on a narrow map, or when open it would cover more than foldedShare of the map
    var fold = function () {
      var details = legend.getContainer().querySelector('details'), size = map.getSize();
      if (!details || !details.open || !size.x || !size.y) return;
      var box = legend.getContainer().getBoundingClientRect();
      if (size.x < openMinWidth || box.width * box.height > foldedShare * size.x * size.y) details.open = false;
    };
    fold();
    map.whenReady(function () { setTimeout(fold, 0); });
    return legend;
  };

  PKIR.featureLayer = function (parent, data, options) {
    var layer = L.geoJSON(data, {
      attribution: options.attribution || null,
      style: function (f) { return L.extend({className: options.cls}, f.properties.style); },
      pointToLayer: function (f, latlng) {
        var sym = f.properties.sym;
        if (sym.shape === 'dot') {
          return L.circleMarker(latlng, {radius: sym.size / 2, color: '#ffffff', weight: 1, fillColor: sym.color,
                                         fillOpacity: 1, className: options.cls});
        }
        return PKIR.symbol(sym, latlng, options.cls);
      },
      onEachFeature: function (f, l) {
        if (options.interactive === false) { l.options.interactive = false; return; }
        var left = f.properties.label === 'left';
        l.bindTooltip(f.properties.tip, options.labels
          ? {permanent: true, direction: left ? 'left' : 'right', offset: [left ? -5 : 5, 0],
             className: 'pkir-town-label'}
          : {sticky: !f.properties.sym, direction: 'top', className: 'pkir-tip'});
      }
    });
    PKIR.register(options.layer, layer).addTo(parent);
  };

  // Says on the map when an online basemap's tiles cannot be loaded, and draws the offline
  // ground instead (the layers are drawn either way).
  PKIR.tileFailure = function (tiles, text, after) {
    var map = PKIR.map, failed = 0, loaded = 0, note = null;
    var drop = function () { if (note) { map.removeControl(note); note = null; } };
    tiles.on('tileload', function () { loaded++; drop(); });
    tiles.on('remove', drop);
    tiles.on('tileerror', function () {
      failed++;
      if (loaded || note || failed < after) return;
      L.DomUtil.addClass(map.getContainer(), 'pkir-offline');
      PKIR.tilesFailed = true;
      note = L.control({position: 'topright'});
      note.onAdd = function () {
        var div = L.DomUtil.create('div', 'pkir-tile-note');
        div.textContent = text;
        return div;
      };
      note.addTo(map);
    });
  };

  // Says how many of the drawn incidents lie outside the first view, with a button to show them all.
  PKIR.outsideNote = function (bounds, points, label) {
    var map = PKIR.map, box = null, note = L.control({position: 'topleft'});
    var frame = L.latLngBounds(bounds), outside = 0, all = L.latLngBounds(bounds);
    points.forEach(function (p) { all.extend(p); if (!frame.contains(p)) outside++; });
    if (!outside) return;
    note.onAdd = function () {
      box = L.DomUtil.create('div', 'pkir-outside');
      box.textContent = outside.toLocaleString('en') + ' ' + label + ' outside this view';
      var button = L.DomUtil.create('button', '', box);
      button.type = 'button'; button.textContent = 'Show all';
      L.DomEvent.on(button, 'click', function (e) { L.DomEvent.stop(e); map.fitBounds(all, {padding: [8, 8]}); });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    note.addTo(map);
  };

  PKIR.dropStale = function () { drop(); };
  function drop() {
    if (!PKIR.highlight || !PKIR.active) return;
    var hl = PKIR.highlight, present = PKIR.present[hl.layer];
    if (PKIR.active.indexOf(hl.layer) < 0 || (present && !present.has(hl.id))) PKIR.clear();
  }

  // Called last on every (re)draw of the layers: drop a highlight whose feature is gone, draw the
  // highlight the page asked for (once per request), and set the offline background.
  PKIR.sync = function (active, focus, offline) {
    L.DomUtil[offline || PKIR.tilesFailed ? 'addClass' : 'removeClass'](PKIR.map.getContainer(), 'pkir-offline');
    PKIR.active = active;
    drop();
    if (focus && focus.seq !== PKIR.focusSeq) {
      PKIR.focusSeq = focus.seq;
      PKIR.draw({layer: focus.layer, id: focus.id},
                L.circleMarker([focus.lat, focus.lng], PKIR.highlightOptions({radius: focus.radius + 7})));
    }
  };
})();
