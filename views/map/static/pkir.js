/* The border map's browser side: highlight of the selected feature, feature and incident layers,
 * legend, notes. Python (views.map.elements) emits a line or two of glue that calls these with
 * JSON data; every string in that data was escaped in Python. The incident layer is in incidents.js. */
(function () {
  'use strict';
  var PKIR = window.PKIR = {
    bridge: window.PKIR.bridge,  // bridge.js, loaded before this file
    map: null, layers: {}, present: {}, highlight: null, focusSeq: null, cache: {}, cacheKeys: [],
    highlightColour: '#00b7ff', noteLog: []
  };
  var ESCAPES = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#96;'};

  // fn again (in the next frame) whenever el's size changes. st_folium adds the map's stylesheets
  // beside its script, so on a busy machine what is measured at first (a label, the legend) may be
  // unstyled, and no map event follows when the stylesheet or a font arrives.
  PKIR.onSized = function (el, fn) {
    if (window.ResizeObserver) new ResizeObserver(function () { window.requestAnimationFrame(fn); }).observe(el);
  };

  PKIR.esc = function (s) { return String(s).replace(/[&<>"'`]/g, function (c) { return ESCAPES[c]; }); };

  // frame: the [[south, west], [north, east]] the first view shows. st_folium sizes the frame
  // after Leaflet has started (and the page sizes it to the window), so the frame is fitted
  // again on every resize until the map is moved otherwise (the user, a centred feature).
  PKIR.init = function (map, highlightColour, frame, panel) {
    PKIR.map = map;
    if (panel) PKIR.revealBeside(panel);
    PKIR.highlightColour = highlightColour;
    PKIR.outsideNote();
    // Refitted while the view is still centred on the frame; any other centre (a drag, a wheel
    // zoom, st_folium centring a selected feature, Show all) means the map was moved: stop.
    var moved = false, fitted = map.getCenter(), fittedZoom = null;  // folium starts the map centred on the frame
    var fit = function () {
      if (!frame || moved || !map.getSize().y) return;
      if (PKIR.bridge.animatingZoom(map)) { map.once('zoomend', fit); return; }  // the end of a zoom would undo it
      var here = map.latLngToContainerPoint(map.getCenter());
      if (here.distanceTo(map.latLngToContainerPoint(fitted)) > 2) { moved = true; return; }
      map.fitBounds(frame, {padding: [4, 4], animate: false});
      fitted = map.getCenter(); fittedZoom = map.getZoom();
    };
    // true while the map shows the fitted frame (nobody moved it): its view needs no address
    PKIR.framed = function () {
      if (moved || fittedZoom === null || map.getZoom() !== fittedZoom) return false;
      return map.latLngToContainerPoint(map.getCenter()).distanceTo(map.latLngToContainerPoint(fitted)) <= 2;
    };
    map.on('resize', fit);
    fit();
    // the container's size can change without a window resize (a stylesheet sizing it arrives
    // late, the page resizes the frame): tell Leaflet (keeping the centre) and fit again
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize(); fit(); }).observe(map.getContainer());
    }
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
  PKIR.sendClick = PKIR.bridge.sendClick;  // tells Streamlit of a click at once (bridge.js)
  // st_folium's own click handler runs after this one: send once it has noted the click
  PKIR.onClick = function (e) { PKIR.mark(e.layer || e.sourceTarget); setTimeout(PKIR.sendClick, 0); };
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

  // Place symbols of different layers at one spot (a market at its crossing) are set side by
  // side, in drawing order, so that each can be seen and clicked.
  PKIR.spots = {};
  PKIR.symbol = function (sym, latlng, cls, layerId) {
    var s = sym.size, key = latlng.lat.toFixed(4) + ',' + latlng.lng.toFixed(4);
    var here = PKIR.spots[key] || (PKIR.spots[key] = []);
    if (here.indexOf(layerId) < 0) here.push(layerId);
    var shift = here.indexOf(layerId) * 16;
    // above the incident clusters: a small symbol on a large circle leaves both clickable
    return L.marker(latlng, {zIndexOffset: 10000, icon: L.divIcon({
      className: cls, iconSize: [s, s], iconAnchor: [s / 2 - shift, s / 2],
      html: '<div class="pkir-sym pkir-sym-' + sym.shape + '" style="width:' + s + 'px;height:' + s +
            'px;background:' + sym.color + '"></div>'})});
  };
  PKIR.legend = function (map, html, openMinWidth, foldedShare, clearOf, openMinPage) {
    var legend = L.control({position: 'bottomright'});
    legend.onAdd = function () {
      var div = L.DomUtil.create('div', 'pkir-legend');
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    legend.addTo(map);
    // folded on a narrow map or page (openMinPage: the window's width), where the open legend
    // would cover more than foldedShare of the map, or where it would lie over a mark that can be
    // clicked; decided again as the frame is sized and the marks drawn, until the reader opens or
    // folds it
    var details = legend.getContainer().querySelector('details'), chosen = false, before = null;
    if (details) {
      details.querySelector('summary').addEventListener('click', function () { chosen = true; before = null; });
      var decide = function () {
        var size = map.getSize();
        if (chosen || before !== null || !size.x || !size.y) return;
        details.open = true;
        var box = legend.getContainer().getBoundingClientRect();
        details.open = !(size.x < openMinWidth || (openMinPage && PKIR.pageWidth() < openMinPage) ||
                         box.width * box.height > foldedShare * size.x * size.y || PKIR.marksUnder(box).length);
      };
      decide();
      map.whenReady(function () { setTimeout(decide, 0); });
      map.on('resize moveend pkirdrawn', decide);
      PKIR.onSized(legend.getContainer(), decide);
    }
    // out from under a panel, folded (it would cover the map's middle), as it was once the panel goes
    if (clearOf) PKIR.keepClearOf(legend.getContainer(), clearOf, function (moved) {
      if (!details) return;
      if (moved && before === null) { before = details.open; details.open = false; }
      else if (!moved && before !== null) { details.open = before; before = null; }
    });
    return legend;
  };

  // the width of the window showing the page (this frame's own when the page cannot be read)
  PKIR.pageWidth = PKIR.bridge.pageWidth;

  // the centres of the marks one clicks for (incidents, numbered circles, place symbols) that lie
  // inside a page box of this frame (a control's getBoundingClientRect()), as container points
  PKIR.marksUnder = function (box) {
    var map = PKIR.map, origin = map.getContainer().getBoundingClientRect(), out = [];
    var inside = function (p) {
      var x = p.x + origin.left, y = p.y + origin.top;
      return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
    };
    var incidents = PKIR.layers.incidents;
    if (incidents && incidents._map && incidents.marks) {
      incidents.marks().forEach(function (m) { if (inside(m)) out.push(L.point(m.x, m.y)); });
    }
    Object.keys(PKIR.layers).forEach(function (id) {
      var layer = PKIR.layers[id];
      if (!layer.pkirPoints || !layer._map) return;
      layer.eachLayer(function (l) {
        if (!l._map || !l.getLatLng) return;
        var p = map.latLngToContainerPoint(l.getLatLng());
        if (inside(p)) out.push(p);
      });
    });
    return out;
  };

  // When the page lays a panel (selector) over this frame, bring the selected point feature out
  // from under it: pan it to the middle of the map beside the panel (left of a record on the
  // right, above a sheet at the bottom), once for each feature, as the panel appears.
  PKIR.revealBeside = function (selector) {
    var page = PKIR.bridge.page(), frame = page && page.frame, doc = page && page.doc, done = null;
    if (!frame || !doc || !doc.body) return;
    var queued = false;
    var reveal = function () {
      queued = false;
      var map = PKIR.map, panel = doc.querySelector(selector), hl = PKIR.highlight;
      if (!panel || !hl || !hl.shape.getLatLng || !map) { if (!panel) done = null; return; }
      var ref = hl.layer + '|' + hl.id;
      if (done === ref) return;
      var p = panel.getBoundingClientRect(), f = frame.getBoundingClientRect();
      if (!p.width || !p.height) return;
      done = ref;
      // the panel's width is set by the page, its height grows with the record as it arrives:
      // a record on the right is judged by its sides, a sheet at the bottom by its top
      var at = map.latLngToContainerPoint(hl.shape.getLatLng()), margin = 40;
      var x = f.left + at.x, y = f.top + at.y, w = Math.min(p.right, f.right) - Math.max(p.left, f.left);
      if (w < 0.75 * f.width) {  // a record on the right: to the middle of what is left of it
        if (x >= p.left - margin && x <= p.right + margin) map.panBy([at.x - (Math.max(p.left, f.left) - f.left) / 2, 0]);
      } else if (y >= p.top - margin) {  // a sheet at the bottom: to the middle of what is above it
        map.panBy([0, at.y - (Math.max(p.top, f.top) - f.top) / 2]);
      }
    };
    var soon = function () { if (!queued) { queued = true; window.requestAnimationFrame(reveal); } };
    var watch = new MutationObserver(soon);
    watch.observe(doc.body, {childList: true, subtree: true});
    window.addEventListener('pagehide', function () { watch.disconnect(); });
  };

  // Keep a bottom-right control out from under a panel the page lays over this frame: beside it
  // when the panel covers part of the width (a record on the right), above it when it spans the
  // frame (a sheet at the bottom on a phone), where it is when there is no room. moved(bool) is
  // called first, so the control can make itself smaller.
  PKIR.keepClearOf = function (el, selector, moved) {
    var page = PKIR.bridge.page(), frame = page && page.frame, doc = page && page.doc;
    if (!frame || !doc || !doc.body) return;
    var queued = false, last = '';
    var place = function () {
      queued = false;
      var panel = doc.querySelector(selector), f = frame.getBoundingClientRect(), right = 0, bottom = 0;
      if (panel) {
        var p = panel.getBoundingClientRect();
        var w = Math.min(p.right, f.right) - Math.max(p.left, f.left);
        var h = Math.min(p.bottom, f.bottom) - Math.max(p.top, f.top);
        if (w > 0 && h > 0) {
          if (w < 0.75 * f.width) right = f.right - Math.max(p.left, f.left);
          else bottom = f.bottom - Math.max(p.top, f.top);
        }
      }
      var now = right + ',' + bottom;
      if (now === last) return;
      last = now;
      if (moved) moved(!!(right || bottom));
      if (right + el.offsetWidth + 20 > f.width || bottom + el.offsetHeight + 20 > f.height) right = bottom = 0;
      el.style.marginRight = right ? (right + 10) + 'px' : '';
      el.style.marginBottom = bottom ? (bottom + 10) + 'px' : '';
    };
    var soon = function () { if (!queued) { queued = true; window.requestAnimationFrame(place); } };
    var watch = new MutationObserver(soon);
    watch.observe(doc.body, {childList: true, subtree: true});
    page.win.addEventListener('resize', soon);
    window.addEventListener('resize', soon);
    // the page outlives this frame (another page, a new map): stop watching it with the frame
    window.addEventListener('pagehide', function () {
      watch.disconnect();
      page.win.removeEventListener('resize', soon);
    });
    place();
  };

  // The place symbols (towns, markets, crossings) within reach of a container point, nearest
  // first, by Leaflet's own geometry (a symbol's drawn centre and size), not by the element on
  // top: [{layer, id, title (the layer's), text (the place's name), marker, d}].
  PKIR.placesAt = function (point, reach) {
    var map = PKIR.map, found = [];
    Object.keys(PKIR.layers).forEach(function (id) {
      var layer = PKIR.layers[id];
      if (!layer.pkirPoints || !layer._map) return;
      layer.eachLayer(function (l) {
        if (!l._map || !l.feature || !l.getLatLng) return;
        var at = map.latLngToContainerPoint(l.getLatLng()), r;
        if (l.options.icon) {  // a symbol, drawn from its anchor (set aside at a shared spot)
          var o = l.options.icon.options, size = L.point(o.iconSize), anchor = L.point(o.iconAnchor);
          at = at.subtract(anchor).add(size.divideBy(2));
          r = size.x / 2 * (/diamond/.test(o.html) ? 1.42 : 1) + 1;
        } else {
          r = l.options.radius + 2;
        }
        var d = at.distanceTo(point);
        if (d <= r + reach) {
          found.push({layer: id, id: l.feature.properties.id, title: layer.pkirTitle || id,
                      text: PKIR.textOf(l.feature.properties.tip), marker: l, d: d});
        }
      });
    });
    return found.sort(function (a, b) { return a.d - b.d; });
  };

  // the plain text of an escaped tooltip's title (parsed inert: nothing in it loads or runs)
  PKIR.textOf = function (tipHtml) {
    var doc = new DOMParser().parseFromString(String(tipHtml || ''), 'text/html');
    var title = doc.querySelector('.pkir-tip-title');
    return (title || doc.body).textContent;
  };

  // open a place's record as a click on it would (the highlight, st_folium, the page)
  PKIR.openPlace = function (place) {
    place.marker.fire('click', {latlng: place.marker.getLatLng()}, true);
  };

  // A small list at a spot of the map: entries [{text, layer, ref, pick()}], each a button that
  // closes the list and picks. It lies in the map's container above the controls, beside the
  // spot and always whole in view; the first button takes the focus (Tab moves, Enter opens,
  // Esc closes); moving the map or a click elsewhere closes it.
  PKIR.choose = function (latlng, entries, note) {
    var map = PKIR.map, box = L.DomUtil.create('div', 'pkir-chooser', map.getContainer());
    PKIR.closeChooser();
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', 'What lies here');
    L.DomUtil.create('div', 'pkir-chooser-head', box).textContent = 'Here: choose one';
    var list = L.DomUtil.create('ul', '', box);
    entries.forEach(function (entry) {
      var button = L.DomUtil.create('button', '', L.DomUtil.create('li', '', list));
      button.type = 'button';
      button.setAttribute('data-ref', entry.ref);
      L.DomUtil.create('span', 'pkir-chooser-title', button).textContent = entry.text;
      L.DomUtil.create('span', 'pkir-chooser-layer', button).textContent = entry.layer;
      L.DomEvent.on(button, 'click', function (e) { L.DomEvent.stop(e); PKIR.closeChooser(); entry.pick(); });
    });
    if (note) L.DomUtil.create('div', 'pkir-chooser-note', box).textContent = note;
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(box, 'keydown', function (e) {
      if (e.key === 'Escape') { PKIR.closeChooser(); map.getContainer().focus({preventScroll: true}); }
    });
    var size = map.getSize(), at = map.latLngToContainerPoint(latlng), w = box.offsetWidth, h = box.offsetHeight;
    var left = at.x + 14 + w <= size.x - 4 ? at.x + 14 : at.x - 14 - w;
    box.style.left = Math.max(4, Math.min(left, size.x - w - 4)) + 'px';
    box.style.top = Math.max(4, Math.min(at.y - h / 2, size.y - h - 4)) + 'px';
    PKIR.chooser = box;
    L.DomUtil.addClass(map.getContainer(), 'pkir-choosing');  // hover tooltips would lie over it
    map.on('movestart zoomstart click', PKIR.closeChooser);
    var first = box.querySelector('button');
    if (first) first.focus({preventScroll: true});
    return box;
  };
  PKIR.closeChooser = function () {
    if (PKIR.chooser) { L.DomUtil.remove(PKIR.chooser); PKIR.chooser = null; }
    if (PKIR.map) {
      PKIR.map.off('movestart zoomstart click', PKIR.closeChooser);
      L.DomUtil.removeClass(PKIR.map.getContainer(), 'pkir-choosing');
    }
  };

  // fitBounds padding that keeps what is framed clear of the controls in the map's corners
  // (zoom buttons, notes, the legend): {paddingTopLeft, paddingBottomRight}
  PKIR.clearPadding = function (base) {
    var map = PKIR.map, box = map.getContainer().getBoundingClientRect(), corners = PKIR.bridge.controlCorners(map);
    var extent = function (name, edge) {
      var el = corners[name], r = el && el.getBoundingClientRect();
      if (!r || !r.height) return 0;
      return edge === 'top' ? r.bottom - box.top : box.bottom - r.top;
    };
    var top = Math.max(extent('topleft', 'top'), extent('topright', 'top'));
    var bottom = Math.max(extent('bottomleft', 'bottom'), extent('bottomright', 'bottom'));
    return {paddingTopLeft: [base, base + top], paddingBottomRight: [base, base + bottom]};
  };

  // Town labels give way: one that would lie over an incident, a numbered circle or a label
  // already kept, or run out of the map, moves (its other side, then further out) or, with no
  // room, is hidden (its place keeps its dot, its name in the tooltip and its record).
  var LABEL_SPOTS = [[0, 5], [1, 5], [0, 12], [1, 12], [0, 19], [1, 19]];  // [other side?, offset px]
  PKIR.declutter = function () {
    var map = PKIR.map, origin = map.getContainer().getBoundingClientRect(), kept = [], marks = [];
    var incidents = PKIR.layers.incidents, size = map.getSize();
    if (!size.x || !size.y) return;  // not laid out yet: decided again on resize
    if (incidents && incidents._map && incidents.marks) marks = incidents.marks();
    var meets = function (a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; };
    var overMark = function (box) {
      return marks.some(function (m) {
        var x = Math.max(box.left, Math.min(m.x, box.right)), y = Math.max(box.top, Math.min(m.y, box.bottom));
        return (x - m.x) * (x - m.x) + (y - m.y) * (y - m.y) < m.r * m.r;
      });
    };
    var boxOf = function (el) {
      var r = el.getBoundingClientRect();
      return {left: r.left - origin.left, right: r.right - origin.left, top: r.top - origin.top, bottom: r.bottom - origin.top};
    };
    Object.keys(PKIR.layers).forEach(function (id) {
      var layer = PKIR.layers[id];
      if (!layer.pkirLabels || !layer._map) return;
      layer.eachLayer(function (l) {
        var tip = l.getTooltip && l.getTooltip(), el = tip && tip.getElement();
        if (!el || !tip._map) return;
        if (!el.pkirSized) { el.pkirSized = true; PKIR.onSized(el, PKIR.declutterSoon); }
        var side = l.feature.properties.label === 'left' ? 'left' : 'right', box = null;
        for (var k = 0; k < LABEL_SPOTS.length && !box; k++) {
          var dir = LABEL_SPOTS[k][0] ? (side === 'left' ? 'right' : 'left') : side, off = LABEL_SPOTS[k][1];
          if (tip.options.direction !== dir || Math.abs(tip.options.offset[0]) !== off) {
            tip.options.direction = dir; tip.options.offset = [dir === 'left' ? -off : off, 0]; tip.update();
          }
          var b = boxOf(el);
          var whole = b.left >= 0 && b.top >= 0 && b.right <= size.x && b.bottom <= size.y;
          if (whole && !overMark(b) && !kept.some(function (q) { return meets(q, b); })) box = b;
        }
        L.DomUtil[box ? 'removeClass' : 'addClass'](el, 'pkir-label-hidden');
        if (box) kept.push(box);
      });
    });
  };
  var queuedDeclutter = false;
  PKIR.declutterSoon = function () {  // once Leaflet has placed the labels for this view
    if (queuedDeclutter) return;
    queuedDeclutter = true;
    window.requestAnimationFrame(function () { queuedDeclutter = false; if (PKIR.map) PKIR.declutter(); });
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
        return PKIR.symbol(sym, latlng, options.cls, options.layer);
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
    layer.pkirOfflineFill = options.offlineFill;
    layer.pkirTitle = options.title;
    layer.pkirLabels = !!options.labels && options.interactive !== false;
    if (layer.pkirLabels) {
      var again = 'pkirdrawn zoomend moveend resize';  // the frame is sized and fitted after the labels are added
      PKIR.map.off(again, PKIR.declutterSoon).on(again, PKIR.declutterSoon);
      layer.on('add', PKIR.declutterSoon);
    }
    layer.pkirPoints = options.interactive !== false && data.features.some(function (f) {
      return f.geometry && f.geometry.type === 'Point';
    });
    PKIR.register(options.layer, layer).addTo(parent);
  };

  // The offline drawing: sea-blue ground, land and provinces filled as without tiles.
  PKIR.drawOffline = function () {
    L.DomUtil.addClass(PKIR.map.getContainer(), 'pkir-offline');
    Object.keys(PKIR.layers).forEach(function (id) {
      var layer = PKIR.layers[id];
      if (layer.pkirOfflineFill != null && layer.setStyle) layer.setStyle({fillOpacity: layer.pkirOfflineFill});
    });
  };

  // When an online basemap's tiles cannot be loaded, fall back to the offline drawing by itself
  // and say so in one short line (the choice stays in the sidebar).
  PKIR.tileFailure = function (tiles, text, after) {
    var map = PKIR.map, failed = 0, loaded = 0;
    tiles.on('tileload', function () { loaded++; });
    tiles.on('tileerror', function () {
      failed++;
      if (loaded) return;
      if (PKIR.tilesFailed) { map.removeLayer(tiles); return; }  // failed before: stop asking
      if (failed < after) return;
      PKIR.tilesFailed = true;
      map.removeLayer(tiles);
      PKIR.drawOffline();
      var note = L.control({position: 'topright'});
      note.onAdd = function () {  // kept clear of the zoom buttons (pkir.css), and can be dismissed
        var div = L.DomUtil.create('div', 'pkir-tile-note');
        L.DomUtil.create('span', '', div).textContent = text;
        var close = L.DomUtil.create('button', 'pkir-note-close', div);
        close.type = 'button'; close.textContent = '\u00d7'; close.setAttribute('aria-label', 'Dismiss this note');
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.on(close, 'click', function (e) {
          L.DomEvent.stop(e);
          note.remove();
          if (PKIR.tileNote === note) PKIR.tileNote = null;
        });
        return div;
      };
      note.addTo(map);
      PKIR.tileNote = note;
    });
  };

  // Says how many drawn incidents lie outside the view, with a button that frames them all;
  // kept up to date as the map moves, hidden when every one is in view.
  PKIR.outsideNote = function () {
    var map = PKIR.map, box = L.DomUtil.create('div', 'pkir-outside'), text = L.DomUtil.create('span', '', box);
    var button = L.DomUtil.create('button', '', box), note = L.control({position: 'topleft'});
    button.type = 'button'; button.textContent = 'Show all';
    note.onAdd = function () { return box; };
    L.DomEvent.disableClickPropagation(box);
    var layer = function () {  // the incident layer (incidents.js), when it is on
      var l = PKIR.layers.incidents;
      return l && l.countOutside && PKIR.active && PKIR.active.indexOf('incidents') >= 0 ? l : null;
    };
    L.DomEvent.on(button, 'click', function (e) {
      L.DomEvent.stop(e);
      var l = layer(), all = l && l.extent();
      if (all) map.fitBounds(all, {padding: [20, 20], maxZoom: 9});
    });
    var update = function () {
      var l = layer();
      if (!map.getSize().y) return;
      var outside = l ? l.countOutside(map.getBounds()) : 0;
      if (!outside) { note.remove(); return; }
      text.textContent = outside.toLocaleString('en') + ' of the incidents shown ' +
        (outside === 1 ? 'lies' : 'lie') + ' outside this view';
      if (!note._map) note.addTo(map);
    };
    map.on('moveend zoomend resize', update);
    PKIR.updateOutside = update;
    return update;
  };

  PKIR.dropStale = function () { drop(); };
  function drop() {
    if (!PKIR.highlight || !PKIR.active) return;
    var hl = PKIR.highlight, present = PKIR.present[hl.layer];
    if (PKIR.active.indexOf(hl.layer) < 0 || (present && !present.has(hl.id))) PKIR.clear();
  }

  // Called last on every (re)draw of the layers: drop a highlight whose feature is gone, draw the
  // highlight the page asked for (once per request), and set the offline background.
  // selected: false when the page has no feature selected (its record was closed): no highlight.
  PKIR.sync = function (active, focus, offline, selected) {
    if (offline) PKIR.tilesFailed = false;
    if (!offline && PKIR.tilesFailed) PKIR.drawOffline();
    L.DomUtil[offline || PKIR.tilesFailed ? 'addClass' : 'removeClass'](PKIR.map.getContainer(), 'pkir-offline');
    if (offline && PKIR.tileNote) { PKIR.tileNote.remove(); PKIR.tileNote = null; }
    PKIR.active = active;
    if (selected === false) PKIR.clear();
    drop();
    if (PKIR.updateOutside) setTimeout(PKIR.updateOutside, 0);
    if (focus && focus.seq !== PKIR.focusSeq) {
      PKIR.focusSeq = focus.seq;
      PKIR.draw({layer: focus.layer, id: focus.id},
                L.circleMarker([focus.lat, focus.lng], PKIR.highlightOptions({radius: focus.radius + 7})));
    }
  };
})();
