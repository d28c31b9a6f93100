/* Incidents on one canvas. The payload is a base64 buffer of columns and the layout it is read by
 * (views.map.layers.POINT_LAYOUT: lon, lat float32; fatalities uint16; category, radius, precision
 * uint8 (level & 3, + 4: verification ring for single source, claimed, disputed); start, end int32
 * days since 1970), plus ids and escaped tooltips for small sets only. A date window (setWindow, set by
 * the time control in play.js) limits what is drawn to the incidents overlapping it. Points are grouped on a pixel grid at each zoom: a cell holding
 * one incident draws it (colour by category, size by fatalities, ring by location precision), a
 * cell holding more draws a numbered circle ringed by its categories' colours.
 * A click is decided here for everything under the pointer (onPress): incidents drawn on the
 * canvas and place symbols (towns, markets, crossings, by their Leaflet geometry). One incident
 * opens; a numbered circle zooms in (never beyond USEFUL_ZOOM) or, when its incidents share a
 * spot or would still overlap there, spreads them around it; several incidents, or an incident
 * and a place, open a small chooser (PKIR.choose); a place alone opens. Whatever was hit, the
 * click goes no further (no polygon below opens). An incident is reported to st_folium as a
 * clicked feature whose properties carry {layer, id} (id "#row@key" for large sets: the server
 * turns the row back into an id). Needs pkir.js. */
(function () {
  'use strict';
  var PKIR = window.PKIR;
  var FILL_OPACITY = [0.85, 0.3, 0.08];  // by precision level: exact, approximate, coarse
  var PRECISION_TEXT = ['exact site', 'approximate location', 'district or wider (a centroid)'];
  var RING_TEXT = 'single source, claimed or disputed';  // the verification ring (views.map.styles.GRADE_RING)
  var UNKNOWN = 65535;                   // fatalities not known
  var SPREAD_LIMIT = 1000;               // at most this many incidents spread around one place
  var PAD = 0.25;                        // the canvas reaches this share of the view beyond each edge
  // A numbered circle never zooms the map beyond this: the shipped drawing (Natural Earth 1:10m,
  // town points) has no detail past about zoom 10, and the best location the data give ("exact
  // site", a village or a street) is resolved at 12 (about 35 m a pixel here); closer, the online
  // basemaps show blank ground around a few streets. Incidents that still overlap there spread.
  var USEFUL_ZOOM = 12;
  var TOUCH_REACH = 10;                  // a finger is less precise: pixels added when nothing is hit
  var CHOOSER_LIMIT = 12;                // incidents listed by the chooser; more: zoom in
  var GRID_CELLS = 1 << 21;              // grouping by a grid of the incidents' extent up to this many cells (8 MB)

  // the typed-array kinds a payload's layout may name (views.map.layers.TYPED_ARRAYS)
  var KINDS = {Float32Array: Float32Array, Uint16Array: Uint16Array, Uint8Array: Uint8Array, Int32Array: Int32Array};

  // the payload's columns, read by the layout it sends ([name, typed-array kind, byte offset] a
  // column: views.map.layers.POINT_LAYOUT), viewed in the buffer without copying
  function decode(data) {
    var n = data.n, bin = atob(data.b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var buf = bytes.buffer, cols = {};
    data.layout.forEach(function (c) {
      if (!KINDS.hasOwnProperty(c[1])) throw new Error('incident payload: unknown column kind ' + c[1]);
      cols[c[0]] = new KINDS[c[1]](buf, c[2], n);
    });
    var d = {
      n: n, lon: cols.lon, lat: cols.lat, fat: cols.fat, cat: cols.cat, rad: cols.rad, prec: cols.prec,
      start: cols.start || null, end: cols.end || null, mx: new Float64Array(n), my: new Float64Array(n),
      categories: data.categories, colours: data.colours, ids: data.id || null, tips: data.tip || null
    };
    d.box = [Infinity, Infinity, -Infinity, -Infinity];  // the extent of mx, my (grouping's grid)
    for (var j = 0; j < n; j++) {  // Web Mercator in [0, 1): world pixels at zoom z are these * 256 * 2^z
      var s = Math.sin(d.lat[j] * Math.PI / 180);
      d.mx[j] = (d.lon[j] + 180) / 360;
      d.my[j] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      if (d.mx[j] < d.box[0]) d.box[0] = d.mx[j];
      if (d.my[j] < d.box[1]) d.box[1] = d.my[j];
      if (d.mx[j] > d.box[2]) d.box[2] = d.mx[j];
      if (d.my[j] > d.box[3]) d.box[3] = d.my[j];
    }
    return d;
  }

  // The rows whose [start, end] overlaps the days [lo, hi] (a missing date never does), in a
  // buffer kept for the next window (one window is in use at a time)
  function rowsIn(d, lo, hi) {
    var out = d.rowsBuf || (d.rowsBuf = new Int32Array(d.n)), k = 0, s = d.start, e = d.end;
    if (!s) return out.subarray(0, 0);
    for (var i = 0; i < d.n; i++) if (s[i] <= hi && e[i] >= lo) out[k++] = i;
    return out.subarray(0, k);
  }

  // Incidents grouped by grid cell (cellPx pixels square) at a zoom: per group its count, mean
  // position, known fatalities, extent, and its members (order[start[g] .. start[g] + count[g])).
  // rows: the rows to group (a date window's), null for all.
  function group(d, zoom, cellPx, rows) {
    var n = rows ? rows.length : d.n, scale = 256 * Math.pow(2, zoom) / cellPx, m = 0, r, i, g;
    var of = d.groupOf || (d.groupOf = new Int32Array(d.n)), box = d.box;  // each row's group: scratch, kept
    var x0 = Math.floor(box[0] * scale), y0 = Math.floor(box[1] * scale);
    var w = Math.floor(box[2] * scale) - x0 + 1, h = Math.floor(box[3] * scale) - y0 + 1;
    if (w * h <= GRID_CELLS) {  // a grid of the incidents' extent: group + 1 by cell, no hashing
      var grid = new Int32Array(w * h);
      for (r = 0; r < n; r++) {
        i = rows ? rows[r] : r;
        var at = (Math.floor(d.mx[i] * scale) - x0) * h + Math.floor(d.my[i] * scale) - y0;
        g = grid[at] - 1;
        if (g < 0) { g = m++; grid[at] = m; }
        of[i] = g;
      }
    } else {  // zoomed far in: too many cells for a grid
      var cells = new Map();
      for (r = 0; r < n; r++) {
        i = rows ? rows[r] : r;
        var key = Math.floor(d.mx[i] * scale) * 67108864 + Math.floor(d.my[i] * scale);
        g = cells.get(key);
        if (g === undefined) { g = m++; cells.set(key, g); }
        of[i] = g;
      }
    }
    var c = {m: m, count: new Int32Array(m), x: new Float64Array(m), y: new Float64Array(m),
             killed: new Float64Array(m), spread: new Uint8Array(m), start: new Int32Array(m), order: new Int32Array(n)};
    var first = new Int32Array(m).fill(-1);
    for (r = 0; r < n; r++) {
      i = rows ? rows[r] : r; g = of[i]; c.count[g]++; c.x[g] += d.mx[i]; c.y[g] += d.my[i];
      if (d.fat[i] !== UNKNOWN) c.killed[g] += d.fat[i];
      if (first[g] < 0) first[g] = i;
      else if (d.lon[i] !== d.lon[first[g]] || d.lat[i] !== d.lat[first[g]]) c.spread[g] = 1;
    }
    for (g = 0, i = 0; g < m; g++) { c.start[g] = i; i += c.count[g]; c.x[g] /= c.count[g]; c.y[g] /= c.count[g]; }
    var fill = c.start.slice();
    for (r = 0; r < n; r++) { i = rows ? rows[r] : r; c.order[fill[of[i]]++] = i; }
    return c;
  }

  // for tests and the benchmark (covered): a marker, a small dot (a town) or a control is the
  // element on top at this point of the page
  function isPointSymbol(target) {
    if (!target || !target.closest) return false;
    if (target.closest('.leaflet-marker-icon, .leaflet-control')) return true;
    if (target.tagName !== 'path' || !target.getBBox) return false;
    var box = target.getBBox();
    return box.width <= 30 && box.height <= 30;
  }

  function clusterSize(count) { return count < 10 ? 26 : count < 100 ? 32 : count < 1000 ? 38 : 46; }

  function tipFor(d, i) {
    if (d.tips) return d.tips[i];
    var killed = d.fat[i] === UNKNOWN ? 'fatalities unknown' : d.fat[i] + ' killed';
    return '<div class="pkir-tip-title">' + d.categories[d.cat[i]] + '</div><div class="pkir-tip-meta">' + killed +
           ' &middot; ' + PRECISION_TEXT[d.prec[i] & 3] + (d.prec[i] & 4 ? ' &middot; ' + RING_TEXT : '') + '</div><div class="pkir-tip-id">click for the full record</div>';
  }

  var IncidentCanvas = L.Layer.extend({
    options: {pane: 'pkirIncidents', radius: 45},

    initialize: function (data, options) {
      L.setOptions(this, options);
      this.key = options.key;
      var t0 = performance.now();
      this.d = decode(data);
      this.timings = {decode: performance.now() - t0, group: 0, draw: 0, window: 0};  // ms, read by the benchmark
      this.rows = null;      // the rows a date window leaves drawn (null: every one)
      this.win = null;       // that window, [lo, hi] days
      this.idSet = this.d.ids ? new Set(this.d.ids) : null;
      this.groups = {};      // by zoom
      this.drawn = [];       // what the last draw put where: {x, y, r, g, i} (i: an incident, else -1)
      this.spreadOut = null; // the group spread around its place: {g, zoom, ll, items}
      this.selected = null;
    },

    onAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        var pane = map.createPane(this.options.pane);
        pane.style.zIndex = 450; pane.style.pointerEvents = 'none';
      }
      this.canvas = L.DomUtil.create('canvas', 'pkir-incidents leaflet-zoom-hide');
      map.getPane(this.options.pane).appendChild(this.canvas);
      this.tip = L.tooltip({direction: 'top', className: 'pkir-tip pkir-incident-tip', offset: [0, -6]});
      this.pressed = this.pressed || L.bind(this.onPress, this);
      // before Leaflet (and the marker or polygon under the pointer) sees the click
      map.getContainer().addEventListener('click', this.pressed, true);
      this.setWindow(PKIR.playWindow || null, true);  // the time control's window, if one is set
      this.draw();
    },

    onRemove: function (map) {
      map.getContainer().removeEventListener('click', this.pressed, true);
      L.DomUtil.remove(this.canvas); this.canvas = null;
      map.closeTooltip(this.tip);
      map.getContainer().style.cursor = '';
    },

    getEvents: function () {
      return {moveend: this.draw, zoomend: this.onZoom, resize: this.draw, viewreset: this.draw,
              click: this.onMapClick, mousemove: this.onMove, mouseout: this.onOut};
    },

    groupsAt: function (zoom) {
      var key = zoom.toFixed(2);
      if (!this.groups[key]) {
        var keys = Object.keys(this.groups);
        if (keys.length > 8) delete this.groups[keys[0]];
        var t0 = performance.now();
        this.groups[key] = group(this.d, zoom, this.options.radius, this.rows);
        this.timings.group = performance.now() - t0;
      }
      return this.groups[key];
    },

    // draw only the incidents overlapping the days [lo, hi] (win: [lo, hi], or null for every one);
    // the grouping is redone for the next draw (quiet: no draw now)
    setWindow: function (win, quiet) {
      var same = win ? this.win && this.win[0] === win[0] && this.win[1] === win[1] : !this.win;
      if (same) return;
      var t0 = performance.now();
      this.win = win ? [win[0], win[1]] : null;
      this.rows = win ? rowsIn(this.d, win[0], win[1]) : null;
      this.groups = {}; this.spreadOut = null;
      this.timings.window = performance.now() - t0;
      if (!quiet) this.draw(true);
    },

    // for tests and the time control: how many incidents the layer draws (in view or not)
    shownCount: function () { return this.rows ? this.rows.length : this.d.n; },

    onZoom: function () {
      if (this.spreadOut && this.spreadOut.zoom !== this._map.getZoom()) this.spreadOut = null;
      this.draw();
    },

    // world pixel -> canvas pixel. lazy (a playback frame): paint the marks in view now and the
    // canvas' margin beyond the view (seen only while a pan lasts) after the next paint
    draw: function (lazy) {
      var map = this._map;
      if (!map || !this.canvas) return;
      var started = performance.now();
      var size = map.getSize(), pad = size.multiplyBy(PAD).round(), full = size.add(pad.multiplyBy(2));
      var ratio = window.devicePixelRatio || 1, canvas = this.canvas;
      var topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1));
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.width = Math.round(full.x * ratio); canvas.height = Math.round(full.y * ratio);
      canvas.style.width = full.x + 'px'; canvas.style.height = full.y + 'px';
      var ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, full.x, full.y);
      var zoom = map.getZoom(), scale = 256 * Math.pow(2, zoom), c = this.groupsAt(zoom), d = this.d;
      var origin = map.getPixelBounds().min.subtract(pad);  // world pixel at the canvas' corner
      this.origin = origin; this.pad = pad; this.scale = scale;
      var drawn = [], open = this.spreadOut, counted = open ? open.items.length : 0;
      for (var g = 0; g < c.m; g++) {
        var x = c.x[g] * scale - origin.x, y = c.y[g] * scale - origin.y;
        if (x < -50 || y < -50 || x > full.x + 50 || y > full.y + 50) continue;
        if (open && open.g === g) continue;
        counted += c.count[g];
        if (c.count[g] === 1) {
          var i = c.order[c.start[g]];
          drawn.push({x: d.mx[i] * scale - origin.x, y: d.my[i] * scale - origin.y, r: d.rad[i], g: g, i: i});
        } else {
          drawn.push({x: x, y: y, r: clusterSize(c.count[g]) / 2, g: g, i: -1});
        }
      }
      var frame = {ctx: ctx, c: c, marks: drawn, open: open, ratio: ratio,
                   view: [pad.x, pad.y, pad.x + size.x, pad.y + size.y]};
      this.frame = frame;
      if (this.later) { clearTimeout(this.later); this.later = null; }
      var spread = this.paintMarks(frame, lazy ? 'view' : null);
      if (lazy) {
        var self = this;
        L.Util.requestAnimFrame(function () {  // after this paint: the margin, seen only when panning
          if (self.frame !== frame) return;
          self.later = setTimeout(function () { self.later = null; self.paintMarks(frame, 'margin'); }, 0);
        });
      }
      this.drawn = spread ? drawn.concat(spread) : drawn;
      this.drawnCount = counted;
      this.timings.draw = performance.now() - started;  // grouping of a new zoom level included
      map.fire('pkirdrawn');  // for what keeps clear of the marks (the legend, town labels)
    },

    // paint a draw's marks: all (part null); or only the numbered circles touching the 'view'
    // (unclipped: its pixels are exactly those of a whole draw); or, cleared and clipped to the
    // 'margin' beyond the view, those touching it (incidents drawn alone: all, each time).
    // Returns what the spread group drew ({x, y, r, g, i, spread} each), if one is open.
    paintMarks: function (frame, part) {
      var ctx = frame.ctx, v = frame.view, c = frame.c, marks = frame.marks, d = this.d, reach = 8;
      if (frame !== this.frame || ctx.canvas !== this.canvas) return null;  // drawn again, or removed, since
      ctx.save();
      if (part === 'margin') {
        var q = frame.ratio, box = [Math.round(v[0] * q), Math.round(v[1] * q), Math.round(v[2] * q), Math.round(v[3] * q)];
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.beginPath();
        ctx.rect(0, 0, ctx.canvas.width, ctx.canvas.height);
        ctx.rect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
        ctx.clip('evenodd');
        ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
        ctx.setTransform(q, 0, 0, q, 0, 0);
      }
      if (part) {  // numbered circles only: a path of incidents rasterises (by a hair) otherwise in part
        marks = marks.filter(function (h) {
          if (h.i >= 0) return true;
          var r = h.r + reach, inside = h.x - r >= v[0] && h.y - r >= v[1] && h.x + r <= v[2] && h.y + r <= v[3];
          var touches = h.x + r > v[0] && h.y + r > v[1] && h.x - r < v[2] && h.y - r < v[3];
          return part === 'view' ? touches : !inside;
        });
      }
      var singles = [], at = {};
      marks.forEach(function (h) { if (h.i >= 0) { singles.push(h.i); at[h.i] = h; } });
      this.paintPoints(ctx, singles, function (i) { return [at[i].x, at[i].y]; });
      ctx.font = '600 12px sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
      var shares = this.shares || (this.shares = new Int32Array(d.colours.length));
      for (var k = 0; k < marks.length; k++) if (marks[k].i < 0) this.paintCluster(ctx, marks[k].x, marks[k].y, marks[k].g, c, shares);
      var spread = frame.open ? this.paintSpread(ctx, frame.open) : null;
      ctx.restore();
      return spread;
    },

    // incidents with one style drawn as one path: by precision level, then category
    paintPoints: function (ctx, rows, at) {
      var d = this.d, buckets = {};
      rows.forEach(function (i) { var b = d.prec[i] * 256 + d.cat[i]; (buckets[b] = buckets[b] || []).push(i); });
      Object.keys(buckets).forEach(function (b) {
        var level = Math.floor(b / 256) & 3, ringed = Math.floor(b / 256) & 4, colour = d.colours[b % 256], list = buckets[b];
        ctx.beginPath();
        list.forEach(function (i) { var p = at(i); ctx.moveTo(p[0] + d.rad[i], p[1]); ctx.arc(p[0], p[1], d.rad[i], 0, 2 * Math.PI); });
        ctx.globalAlpha = FILL_OPACITY[level]; ctx.fillStyle = colour; ctx.fill();
        ctx.globalAlpha = 1;
        ctx.setLineDash(level === 2 ? [4, 3] : []);
        ctx.lineWidth = level === 0 ? 1 : 2.5; ctx.strokeStyle = level === 0 ? '#ffffff' : colour; ctx.stroke();
        if (ringed) {  // verification: single source, claimed or disputed — a thin dark ring outside the mark
          ctx.beginPath(); ctx.setLineDash([2, 2]);
          list.forEach(function (i) { var p = at(i), r = d.rad[i] + 3.5; ctx.moveTo(p[0] + r, p[1]); ctx.arc(p[0], p[1], r, 0, 2 * Math.PI); });
          ctx.lineWidth = 1.5; ctx.strokeStyle = '#222222'; ctx.stroke();
        }
      });
      ctx.setLineDash([]);
    },

    // a numbered circle ringed by what it holds: one arc a category, as long as its share (shares:
    // zeros, one a category, left zeros; the font and its alignment are set by the caller)
    paintCluster: function (ctx, x, y, g, c, shares) {
      var count = c.count[g], r = clusterSize(count) / 2, d = this.d, a = -Math.PI / 2, k;
      ctx.beginPath(); ctx.arc(x, y, r - 1, 0, 2 * Math.PI);
      ctx.fillStyle = 'rgba(255,255,255,0.9)'; ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = '#333'; ctx.stroke();
      for (k = c.start[g]; k < c.start[g] + count; k++) shares[d.cat[c.order[k]]]++;
      ctx.lineWidth = 4;
      for (k = 0; k < shares.length; k++) {
        if (!shares[k]) continue;
        var end = a + 2 * Math.PI * shares[k] / count;
        ctx.beginPath(); ctx.arc(x, y, r - 3.5, a, end); ctx.strokeStyle = d.colours[k]; ctx.stroke();
        a = end; shares[k] = 0;
      }
      ctx.fillStyle = '#111';
      ctx.fillText(String(count), x, y + 0.5);
    },

    // a stack of incidents at one place, spread around it with a leg to each
    paintSpread: function (ctx, open) {
      var centre = this._map.latLngToContainerPoint(open.ll).add(this.pad), out = [], self = this;
      ctx.beginPath();
      open.items.forEach(function (it) { ctx.moveTo(centre.x, centre.y); ctx.lineTo(centre.x + it.dx, centre.y + it.dy); });
      ctx.lineWidth = 1.5; ctx.strokeStyle = 'rgba(34,34,34,0.6)'; ctx.stroke();
      this.paintPoints(ctx, open.items.map(function (it) { return it.i; }), function (i) {
        var it = open.byRow[i]; return [centre.x + it.dx, centre.y + it.dy];
      });
      open.items.forEach(function (it) {
        out.push({x: centre.x + it.dx, y: centre.y + it.dy, r: self.d.rad[it.i], g: open.g, i: it.i, spread: true});
      });
      return out;
    },

    spread: function (g) {
      var c = this.groupsAt(this._map.getZoom()), d = this.d, total = c.count[g];
      var rows = Array.prototype.slice.call(c.order.subarray(c.start[g], c.start[g] + Math.min(total, SPREAD_LIMIT)));
      var items = [], byRow = {};
      if (rows.length <= 9) {
        var ring = Math.max(24, (rows.length * 26) / (2 * Math.PI));
        rows.forEach(function (i, k) {
          var a = 2 * Math.PI * k / rows.length - Math.PI / 2;
          items.push({i: i, dx: ring * Math.cos(a), dy: ring * Math.sin(a)});
        });
      } else {  // a spiral with about 16 px between neighbours and between turns
        var theta = 0, radius = 20;
        rows.forEach(function (i) {
          items.push({i: i, dx: radius * Math.cos(theta), dy: radius * Math.sin(theta)});
          theta += 16 / radius; radius = 20 + 16 * theta / (2 * Math.PI);
        });
      }
      items.forEach(function (it) { byRow[it.i] = it; });
      var first = c.order[c.start[g]];
      this.spreadOut = {g: g, zoom: this._map.getZoom(), ll: L.latLng(d.lat[first], d.lon[first]), items: items,
                        byRow: byRow, total: total};
      this.draw();
    },

    // the drawn incident or numbered circle under a container point (spread incidents first), or null
    hit: function (point) {
      var found = this.hits(point, 3);
      return found.length ? found[0] : null;
    },

    // every drawn incident or numbered circle within reach of a container point (reach: pixels
    // beyond its radius), nearest first; when a spread group's incident is under it, that one
    // alone (spreading them was the choice: neighbours may touch)
    hits: function (point, reach) {
      var p = point.add(this.pad), found = [];
      for (var k = 0; k < this.drawn.length; k++) {
        var h = this.drawn[k], dx = h.x - p.x, dy = h.y - p.y, r = h.r + reach;
        if (dx * dx + dy * dy <= r * r) found.push({h: h, d: Math.sqrt(dx * dx + dy * dy)});
      }
      var spread = found.filter(function (f) { return f.h.spread; });
      if (spread.length) found = [spread.reduce(function (a, b) { return b.d < a.d ? b : a; })];
      return found.sort(function (a, b) { return a.d - b.d; }).map(function (f) { return f.h; });
    },

    // a click on the map's container, before Leaflet: decide it when anything is under it
    onPress: function (e) {
      var map = this._map;
      if (!map || (map.dragging && map.dragging.moved())) return;
      if (e.target && e.target.closest && e.target.closest('.leaflet-control, .leaflet-popup, .pkir-chooser')) return;
      var point = map.mouseEventToContainerPoint(e);
      var incidents = this.hits(point, 0), places = PKIR.placesAt ? PKIR.placesAt(point, 0) : [];
      if (!incidents.length) incidents = this.hits(point, 3);  // a near miss of a small circle
      // a finger gets some reach, unless it landed on a line (a pipeline, the border): that is its own
      var own = PKIR.bridge.layerOf(map, e.target);
      var onLine = own instanceof L.Polyline && !(own instanceof L.Polygon);
      if (!incidents.length && !places.length && !onLine && (e.pointerType === 'touch' || L.Browser.mobile)) {
        incidents = this.hits(point, TOUCH_REACH);
        places = PKIR.placesAt ? PKIR.placesAt(point, TOUCH_REACH) : [];
      }
      if (!incidents.length && !places.length) return;  // Leaflet's: a line, a polygon, the ground
      L.DomEvent.stop(e);
      PKIR.closeChooser();
      this.decide(incidents, places, map.containerPointToLatLng(point));
    },

    // one incident opens; a numbered circle alone zooms or spreads, as does one too large to
    // list with a place under it (the place is reachable in its middle once spread); several
    // marks, or incidents and a place, open a chooser
    decide: function (incidents, places, latlng) {
      var groups = incidents.filter(function (h) { return h.i < 0; });
      var singles = incidents.filter(function (h) { return h.i >= 0; });
      var c = this.groupsAt(this._map.getZoom());
      if (groups.length === 1 && !singles.length && (!places.length || c.count[groups[0].g] > CHOOSER_LIMIT)) {
        this.openGroup(groups[0].g);
        return;
      }
      if (singles.length === 1 && !groups.length && !places.length) { this.report(singles[0]); return; }
      if (!incidents.length && places.length === 1) { PKIR.openPlace(places[0]); return; }
      this.choose(singles, groups, places, latlng);
    },

    // the chooser: each incident under the pointer (a numbered circle's incidents too, up to
    // CHOOSER_LIMIT), then each place; one tap opens that record
    choose: function (singles, groups, places, latlng) {
      var self = this, d = this.d, c = this.groupsAt(this._map.getZoom()), entries = [], more = 0;
      var rows = singles.map(function (h) { return h; });
      groups.forEach(function (h) {
        for (var k = c.start[h.g]; k < c.start[h.g] + c.count[h.g]; k++) {
          rows.push({x: h.x, y: h.y, r: h.r, g: h.g, i: c.order[k], member: true});
        }
      });
      rows.forEach(function (h) {
        if (entries.length >= CHOOSER_LIMIT) { more++; return; }
        entries.push({text: self.titleOf(h.i), layer: 'Incident', ref: 'incidents|' + self.idOf(h.i),
                      pick: function () { self.report(h); }});
      });
      places.forEach(function (pl) {
        entries.push({text: pl.text, layer: pl.title, ref: pl.layer + '|' + pl.id, pick: function () { PKIR.openPlace(pl); }});
      });
      PKIR.choose(latlng, entries, more ? more.toLocaleString('en') + ' more here: zoom in to see them' : null);
    },

    titleOf: function (i) {
      var d = this.d;
      if (d.tips) return PKIR.textOf(d.tips[i]);
      return PKIR.textOf(d.categories[d.cat[i]]) + (d.fat[i] === UNKNOWN || !d.fat[i] ? '' : ', ' + d.fat[i] + ' killed');
    },

    idOf: function (i) { return this.d.ids ? this.d.ids[i] : '#' + i + '@' + this.key; },

    // a numbered circle: spread its incidents around their spot when they share it or would
    // still overlap at USEFUL_ZOOM; else zoom just far enough to part them, clear of the controls
    openGroup: function (g) {
      var map = this._map, c = this.groupsAt(map.getZoom()), d = this.d, bounds = L.latLngBounds([]);
      for (var k = c.start[g]; k < c.start[g] + c.count[g]; k++) bounds.extend([d.lat[c.order[k]], d.lon[c.order[k]]]);
      var pad = PKIR.clearPadding ? PKIR.clearPadding(40) : {paddingTopLeft: [40, 40], paddingBottomRight: [40, 40]};
      var fit = map.getBoundsZoom(bounds, false, L.point(pad.paddingTopLeft).add(pad.paddingBottomRight));
      var target = Math.min(fit, USEFUL_ZOOM, map.getMaxZoom());
      if (!c.spread[g] || target <= map.getZoom() + 0.01 || this.stillOverlap(g, USEFUL_ZOOM)) { this.spread(g); return; }
      map.fitBounds(bounds, L.extend({maxZoom: target}, pad));
    },

    // whether the group's incidents would all still fall in one grid cell (one circle) at this zoom
    stillOverlap: function (g, zoom) {
      var c = this.groupsAt(this._map.getZoom()), d = this.d, scale = 256 * Math.pow(2, zoom) / this.options.radius;
      var cell = function (i) { return Math.floor(d.mx[i] * scale) + ',' + Math.floor(d.my[i] * scale); };
      var first = cell(c.order[c.start[g]]);
      for (var k = c.start[g] + 1; k < c.start[g] + c.count[g]; k++) if (cell(c.order[k]) !== first) return false;
      return true;
    },

    // a click the capture above let through: on the bare map, fold a spread group back
    onMapClick: function () {
      if (this.spreadOut) { this.spreadOut = null; this.draw(); }
    },

    // tell st_folium (and the highlight) which incident was clicked
    report: function (h) {
      var i = h.i, d = this.d, map = this._map;
      var ll = h.spread ? map.containerPointToLatLng(L.point(h.x, h.y).subtract(this.pad)) : L.latLng(d.lat[i], d.lon[i]);
      var id = d.ids ? d.ids[i] : '#' + i + '@' + this.key;
      var marker = L.circleMarker(ll, {radius: d.rad[i]});
      marker.feature = {type: 'Feature', properties: {layer: 'incidents', id: id, row: i, key: this.key}};
      this.fire('click', {latlng: ll, layer: marker, sourceTarget: marker, propagatedFrom: marker});
    },

    onMove: function (e) {
      var found = this.hits(e.containerPoint, 3), h = found.length ? found[0] : null, map = this._map;
      map.getContainer().style.cursor = h ? 'pointer' : '';
      L.DomUtil[h ? 'addClass' : 'removeClass'](map.getContainer(), 'pkir-over-incident');
      if (!h) { map.closeTooltip(this.tip); this.tipFor = null; return; }
      if (this.tipFor === h) return;
      this.tipFor = h;
      var html;
      if (h.i >= 0) {
        html = tipFor(this.d, h.i);
      } else {
        var c = this.groupsAt(map.getZoom()), n = c.count[h.g], killed = c.killed[h.g];
        html = '<div class="pkir-tip-title">' + n.toLocaleString('en') + ' incidents</div><div class="pkir-tip-meta">' +
               (killed > 0 ? killed.toLocaleString('en') + ' killed &middot; ' : '') +
               (c.spread[h.g] && map.getZoom() < map.getMaxZoom() ? 'click to zoom in' : 'at one place: click to list them') +
               '</div>';
      }
      this.tip.setLatLng(map.containerPointToLatLng(L.point(h.x, h.y).subtract(this.pad))).setContent(html);
      this.tip.options.offset = [0, -h.r];
      map.openTooltip(this.tip);
    },

    onOut: function () {
      if (!this._map) return;
      this._map.closeTooltip(this.tip); this.tipFor = null;
      this._map.getContainer().style.cursor = '';
      L.DomUtil.removeClass(this._map.getContainer(), 'pkir-over-incident');
    },

    // for the note on incidents outside the view (pkir.js): how many lie outside these bounds
    countOutside: function (bounds) {
      var d = this.d, s = bounds.getSouth(), n = bounds.getNorth(), w = bounds.getWest(), e = bounds.getEast(), out = 0;
      var rows = this.rows, m = rows ? rows.length : d.n;
      for (var k = 0; k < m; k++) {
        var i = rows ? rows[k] : k, la = d.lat[i], lo = d.lon[i];
        if (la < s || la > n || lo < w || lo > e) out++;
      }
      return out;
    },

    // the bounds of every incident of the layer, or null when it has none
    extent: function () {
      var d = this.d;
      if (!d.n) return null;
      if (!this._extent) {
        var s = 90, n = -90, w = 180, e = -180;
        for (var i = 0; i < d.n; i++) {
          s = Math.min(s, d.lat[i]); n = Math.max(n, d.lat[i]); w = Math.min(w, d.lon[i]); e = Math.max(e, d.lon[i]);
        }
        this._extent = L.latLngBounds([s, w], [n, e]);
      }
      return this._extent;
    },

    // for the highlight's upkeep (PKIR.present): is this incident drawn by this layer?
    has: function (id) {
      if (this.idSet) return this.idSet.has(id);
      var m = /^#(\d+)@(.+)$/.exec(id);
      if (m) return m[2] === this.key && Number(m[1]) < this.d.n;
      return !!(this.selected && this.selected.id === id && this.selected.row >= 0);
    },

    // the page's selection ({id, row}, row -1 when not drawn): the highlight follows it, so one
    // drawn for a clicked row takes the incident's id and one kept through a filter change stays
    select: function (selected) {
      this.selected = selected || null;
      var hl = PKIR.highlight, d = this.d, i = selected ? selected.row : -1;
      if (i < 0 || i >= d.n || !PKIR.map) return;
      if (hl && (hl.layer !== 'incidents' || hl.id === selected.id)) return;
      var at = L.latLng(d.lat[i], d.lon[i]), open = this.spreadOut && this.spreadOut.byRow[i];
      if (open && this._map) {  // spread around its place: ring it where it is drawn
        var centre = this._map.latLngToContainerPoint(this.spreadOut.ll);
        at = this._map.containerPointToLatLng(centre.add([open.dx, open.dy]));
      }
      PKIR.draw({layer: 'incidents', id: selected.id}, L.circleMarker(at, PKIR.highlightOptions({radius: d.rad[i] + 7})));
    },

    // for tests and the benchmark: is a marker, a dot or a control on top at this container point?
    covered: function (point) {
      var box = this._map.getContainer().getBoundingClientRect();
      return isPointSymbol(document.elementFromPoint(box.left + point.x, box.top + point.y));
    },

    // for tests and the benchmark: every incident drawn on its own in view, as {id, row, x, y} in the container
    visible: function () {
      var pad = this.pad, d = this.d, key = this.key;
      return this.drawn.filter(function (h) { return h.i >= 0; }).map(function (h) {
        return {id: d.ids ? d.ids[h.i] : '#' + h.i + '@' + key, row: h.i, x: h.x - pad.x, y: h.y - pad.y};
      });
    },

    // for tests: every mark drawn in view, incidents on their own and numbered circles, as
    // {kind: 'incident' | 'group', key, id (an incident's), ids (a circle's incidents), x, y, r}
    marks: function () {
      var self = this, pad = this.pad, size = this._map.getSize(), c = this.groupsAt(this._map.getZoom());
      return this.drawn.filter(function (h) {
        var x = h.x - pad.x, y = h.y - pad.y;
        return x >= 0 && y >= 0 && x <= size.x && y <= size.y;
      }).map(function (h) {
        var mark = {kind: h.i >= 0 ? 'incident' : 'group', x: h.x - pad.x, y: h.y - pad.y, r: h.r, spread: !!h.spread};
        if (h.i >= 0) { mark.id = self.idOf(h.i); mark.key = 'i' + h.i; return mark; }
        mark.ids = Array.prototype.map.call(c.order.subarray(c.start[h.g], c.start[h.g] + c.count[h.g]),
                                            function (i) { return self.idOf(i); });
        mark.key = 'g' + c.order[c.start[h.g]];
        return mark;
      });
    },

    // where an incident is in the container (by id, or by row for large sets), or null
    pointOf: function (id) {
      var i = this.d.ids ? this.d.ids.indexOf(id) : Number(id);
      if (i < 0 || !(i < this.d.n)) return null;
      return this._map.latLngToContainerPoint([this.d.lat[i], this.d.lon[i]]);
    }
  });

  // A payload sent beside the map (options.beside): a hidden element of the Streamlit page that
  // holds it (ui/map_panel.py), found by its key; it is normally there before this frame loads.
  function payloadFromPage(key, then) {
    var tries = 0;
    (function look() {
      var page = (PKIR.bridge.page() || {}).doc;
      var el = page && page.querySelector('.pkir-payload[data-key="' + key + '"]');
      if (el) { then(JSON.parse(el.getAttribute('data-json'))); return; }
      if (++tries === 200) PKIR.progress('The incidents have not arrived: reload the page if this stays.');
      if (tries < 1200) setTimeout(look, 50);  // a minute, then give up (a rerun sends a new key)
    })();
  }

  function addIncidents(parent, options, data) {
    var entry = PKIR.cache[options.key], layer;
    if (entry) {
      layer = entry.layer;
    } else {
      var note = options.chunked ? PKIR.progress('Loading ' + options.count.toLocaleString('en') + ' incidents\u2026') : null;
      layer = new IncidentCanvas(data, {radius: options.radius, key: options.key});
      entry = PKIR.remember(options.key, {layer: layer, parent: null, loaded: true});
      if (note) setTimeout(function () { note.done(); }, 0);
    }
    layer.select(options.selected);
    if (entry.parent && entry.parent !== parent) entry.parent.removeLayer(layer);
    entry.parent = parent;
    PKIR.present.incidents = layer;
    PKIR.register('incidents', layer).addTo(parent);
  }

  PKIR.incidentLayer = function (parent, options, data) {
    if (data !== null || PKIR.cache[options.key] || !options.beside) {
      addIncidents(parent, options, data);
      return;
    }
    var now = true;  // found at once: added in order, before the glue that follows this call
    payloadFromPage(options.key, function (found) {
      addIncidents(parent, options, found);
      if (!now && PKIR.updateOutside) PKIR.updateOutside();
    });
    now = false;
  };
})();
