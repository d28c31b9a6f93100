/* The time control: a small bar at the map's bottom left that steps or plays through the period
 * in windows (a week, a calendar month, quarter or year), moving or cumulative. Each frame is drawn in
 * the browser from the payload already there (the incident layer's setWindow, incidents.js): no
 * rerun. At rest (paused, stepped, stopped at the end) the window goes to Streamlit once, as a
 * clicked feature {layer: 'play', action: 'window', from, to, size, mode} (st_folium's value, sent
 * by PKIR.sendClick), and the page makes it the date filter; closing sends {action: 'close'} and
 * every incident is drawn again. Python calls PKIR.playInit once (the static map) and
 * PKIR.playState on every rerun (the period, the window the page holds). Needs pkir.js. */
(function () {
  'use strict';
  var PKIR = window.PKIR;
  var DAY = 86400000;
  var SIZES = [['week', 'Week'], ['month', 'Month'], ['quarter', 'Quarter'], ['year', 'Year']];
  // the first window size offered, by the period's length in days: some 10 to 50 windows
  var FIRST_SIZE = [[180, 'week'], [1500, 'month'], [4500, 'quarter'], [Infinity, 'year']];
  var MODES = [['moving', 'Moving'], ['cumulative', 'Cumulative']];
  var FRAME_MS = 900;     // one window shown this long while playing
  var REST_MS = 500;      // at rest this long (after a step or a pause): tell the page the window
  var ICONS = {           // drawn, not font glyphs: a viewer's fonts may lack them
    back: 'M14 5v14l-8-7zM5 5h2v14H5z', forward: 'M6 5v14l8-7zM17 5h2v14h-2z',
    play: 'M7 4.5v15l12-7.5z', pause: 'M6 5h4v14H6zM14 5h4v14h-4z', close: 'M6 6l12 12M18 6L6 18'
  };

  function iso(day) { return new Date(day * DAY).toISOString().slice(0, 10); }

  // [from, to] days of each window of this size over the period [lo, hi], clipped to it
  // (weeks from Monday; months and quarters by the calendar), cumulative ones from lo
  function windows(lo, hi, size, mode) {
    var out = [], start;
    if (size === 'week') {
      start = lo - ((lo + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
      for (; start <= hi; start += 7) out.push([start, start + 6]);
    } else {
      var step = {month: 1, quarter: 3, year: 12}[size], d = new Date(lo * DAY), y = d.getUTCFullYear();
      var m = d.getUTCMonth() - d.getUTCMonth() % step;
      for (;;) {
        start = Date.UTC(y, m, 1) / DAY;
        if (start > hi) break;
        m += step;
        out.push([start, Date.UTC(y, m, 1) / DAY - 1]);
      }
    }
    return out.map(function (w) { return [mode === 'cumulative' ? lo : Math.max(w[0], lo), Math.min(w[1], hi)]; });
  }

  function button(parent, cls, icon, label) {
    var b = L.DomUtil.create('button', 'pkir-play-btn ' + cls, parent);
    b.type = 'button';
    b.setAttribute('aria-label', label); b.title = label;
    b.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="' + ICONS[icon] + '"/></svg>';
    return b;
  }

  function select(parent, cls, label, choices) {
    var s = L.DomUtil.create('select', 'pkir-play-select ' + cls, parent);
    s.setAttribute('aria-label', label);
    choices.forEach(function (c) {
      var o = L.DomUtil.create('option', '', s); o.value = c[0]; o.textContent = c[1];
    });
    return s;
  }

  var play = PKIR.play = {
    open: false, playing: false, resting: false, size: 'month', mode: 'moving', index: 0, list: [], period: null,
    sent: null, timer: null, rest: null, frameMs: FRAME_MS, timings: [],

    // the incident layer in use (incidents.js), or null
    layer: function () { var l = PKIR.layers.incidents; return l && l.setWindow ? l : null; },

    // the period: the page's, else the incidents' own first start to last end
    periodOf: function () {
      if (this.period) return this.period;
      var l = this.layer(), d = l && l.d, lo = Infinity, hi = -Infinity;
      if (!d || !d.start) return null;
      for (var i = 0; i < d.n; i++) {
        if (d.end[i] < d.start[i]) continue;  // a missing date
        if (d.start[i] < lo) lo = d.start[i];
        if (d.end[i] > hi) hi = d.end[i];
      }
      return lo <= hi ? [lo, hi] : null;
    },

    current: function () { return this.open && this.list.length ? this.list[this.index] : null; },

    // the windows for the size, mode and period; the one ending at `end` if given, else the
    // first holding an incident
    plan: function (end) {
      var p = this.periodOf(), l = this.layer(), d = l && l.d, k = 0;
      this.list = p ? windows(p[0], p[1], this.size, this.mode) : [];
      if (end != null) {
        while (k < this.list.length - 1 && this.list[k][1] < end) k++;
      } else if (d && d.start) {
        var first = Infinity;
        for (var i = 0; i < d.n; i++) if (d.end[i] >= p[0] && d.start[i] <= p[1]) first = Math.min(first, Math.max(d.start[i], p[0]));
        while (first < Infinity && k < this.list.length - 1 && this.list[k][1] < first) k++;
      }
      this.index = k;
    },

    // draw the current window (or everything when closed) and say which it is
    show: function () {
      var t0 = performance.now(), w = this.current(), l = this.layer();
      PKIR.playWindow = w;
      if (l) l.setWindow(w);
      var off = PKIR.active && PKIR.active.indexOf('incidents') < 0;  // the incidents layer is off: no control
      this.ui.box.hidden = !!off;
      this.ui.bar.hidden = !this.open;
      this.ui.toggle.hidden = this.open;
      var count = l ? l.shownCount() : 0;
      this.ui.dates.textContent = w ? iso(w[0]) + ' \u2013 ' + iso(w[1]) : 'No dated incidents';
      this.ui.count.textContent = w ? count.toLocaleString('en') + (count === 1 ? ' incident' : ' incidents') : '';
      this.ui.back.disabled = !w || this.index === 0;
      this.ui.forward.disabled = !w || this.index >= this.list.length - 1;
      this.ui.run.disabled = !w;
      this.legendLine(w);
      this.timings.push(performance.now() - t0);
      if (this.timings.length > 200) this.timings.shift();
    },

    // the window, on a line of its own at the top of the legend
    legendLine: function (w) {
      var legend = PKIR.map.getContainer().querySelector('.pkir-legend'), line = legend && legend.querySelector('.pkir-play-legend');
      if (!legend) return;
      if (!w) { if (line) L.DomUtil.remove(line); return; }
      if (!line) { line = L.DomUtil.create('div', 'pkir-play-legend'); legend.insertBefore(line, legend.firstChild); }
      // short: a phone's folded legend must stay clear of the scale on the left
      line.textContent = 'Window ' + iso(w[0]) + ' \u2013 ' + iso(w[1]);
      line.title = 'Incidents shown: ' + this.mode + ' ' + this.size + ' window of the time control';
    },

    setRunning: function (on) {
      var self = this;
      this.playing = on;
      clearInterval(this.timer); this.timer = null;
      this.ui.run.innerHTML = this.ui[on ? 'pauseIcon' : 'playIcon'];
      this.ui.run.setAttribute('aria-label', on ? 'Pause' : 'Play'); this.ui.run.title = on ? 'Pause' : 'Play';
      L.DomUtil[on ? 'addClass' : 'removeClass'](this.ui.box, 'pkir-playing');
      if (on) {
        clearTimeout(this.rest); this.resting = false;
        if (this.index >= this.list.length - 1) { this.index = 0; this.show(); }  // from the start again
        this.timer = setInterval(function () { self.step(1); }, this.frameMs);
      } else {
        this.atRest();
      }
    },

    // one window on (or back); playing stops at the last
    step: function (by) {
      if (!this.list.length) return;
      this.index = Math.max(0, Math.min(this.list.length - 1, this.index + by));
      this.show();
      if (this.playing && this.index >= this.list.length - 1) this.setRunning(false);
      else if (!this.playing) this.atRest();
    },

    // the page hears of the window once the control has been still for REST_MS
    atRest: function () {
      var self = this;
      clearTimeout(this.rest);
      this.resting = true;
      this.rest = setTimeout(function () { self.resting = false; if (!self.playing) self.send(); }, REST_MS);
    },

    send: function () {
      var w = this.current(), g = PKIR.bridge.stFolium();
      var props = w ? {layer: 'play', action: 'window', from: iso(w[0]), to: iso(w[1]), size: this.size, mode: this.mode}
                    : {layer: 'play', action: 'close'};
      var said = JSON.stringify(props);
      if (said === this.sent || (!w && this.sent === null)) return;
      this.sent = w ? said : null;
      if (!g) return;  // a map on its own (an HTML file): nothing to tell
      g.last_active_drawing = {type: 'Feature', geometry: null, properties: props};
      PKIR.sendClick();
    },

    openBar: function () {
      var p = this.periodOf();
      if (p && !this.chosen) {
        for (var k = 0; k < FIRST_SIZE.length && p[1] - p[0] > FIRST_SIZE[k][0]; k++);
        this.size = FIRST_SIZE[k][1]; this.ui.size.value = this.size;
      }
      this.open = true;
      this.plan(null);
      this.show();
      this.atRest();
    },

    close: function () {
      this.setRunning(false);
      clearTimeout(this.rest); this.resting = false;
      this.open = false;
      this.show();
      this.send();
    },

    // what the page holds, on every rerun: the period, and the window it filters by (or null).
    // The control's own state wins while it plays or has a window yet to send (the page's answer
    // is older); else it takes the page's (a new map, or the page dropped the window: its dates
    // were changed in the sidebar).
    sync: function (state) {
      var p = state && state.period, w = state && state.window;
      this.period = p ? [p[0], p[1]] : null;
      if (this.playing || this.resting) { this.show(); return; }
      if (w) {
        var said = JSON.stringify({layer: 'play', action: 'window', from: w.from_iso, to: w.to_iso, size: w.size, mode: w.mode});
        if (this.sent === null || this.sent !== said) {
          this.open = true; this.size = w.size; this.mode = w.mode; this.chosen = true;
          this.ui.size.value = this.size; this.ui.mode.value = this.mode;
          this.plan(w.to);
        }
        this.sent = said;
      } else if (this.open && this.sent !== null) {
        this.open = false; this.sent = null;
      } else if (this.open) {
        var now = this.current();
        this.plan(now ? now[1] : null);
      }
      this.show();
    }
  };

  PKIR.playInit = function (map, panel) {
    var control = L.control({position: 'bottomleft'}), ui = play.ui = {};
    control.onAdd = function () {
      var box = ui.box = L.DomUtil.create('div', 'pkir-play');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      ui.toggle = L.DomUtil.create('button', 'pkir-play-open', box);
      ui.toggle.type = 'button';
      ui.toggle.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="' + ICONS.play + '"/></svg><span>Play period</span>';
      ui.toggle.title = 'Step or play through the period, a week, month or quarter at a time';
      var bar = ui.bar = L.DomUtil.create('div', 'pkir-play-bar', box);
      bar.setAttribute('role', 'group'); bar.setAttribute('aria-label', 'Time control');
      bar.hidden = true;
      var top = L.DomUtil.create('div', 'pkir-play-row', bar);
      ui.back = button(top, 'pkir-play-back', 'back', 'Previous window');
      ui.run = button(top, 'pkir-play-run', 'play', 'Play');
      ui.forward = button(top, 'pkir-play-forward', 'forward', 'Next window');
      var text = L.DomUtil.create('div', 'pkir-play-text', top);
      ui.dates = L.DomUtil.create('div', 'pkir-play-dates', text);
      ui.count = L.DomUtil.create('div', 'pkir-play-count', text);
      ui.close = button(top, 'pkir-play-close', 'close', 'Close the time control: show the whole period');
      var low = L.DomUtil.create('div', 'pkir-play-row', bar);
      ui.size = select(low, 'pkir-play-size', 'Window', SIZES);
      ui.mode = select(low, 'pkir-play-mode', 'Moving or cumulative', MODES);
      ui.size.value = play.size; ui.mode.value = play.mode;
      ui.playIcon = ui.run.innerHTML;
      ui.pauseIcon = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="' + ICONS.pause + '"/></svg>';
      L.DomEvent.on(ui.toggle, 'click', function () { play.openBar(); });
      L.DomEvent.on(ui.run, 'click', function () { play.setRunning(!play.playing); });
      L.DomEvent.on(ui.back, 'click', function () { play.step(-1); });
      L.DomEvent.on(ui.forward, 'click', function () { play.step(1); });
      L.DomEvent.on(ui.close, 'click', function () { play.close(); });
      var replan = function () {
        var now = play.current();
        play.size = ui.size.value; play.mode = ui.mode.value; play.chosen = true;
        play.plan(now ? now[1] : null);
        play.show();
        if (!play.playing) play.atRest();
      };
      L.DomEvent.on(ui.size, 'change', replan);
      L.DomEvent.on(ui.mode, 'change', replan);
      return box;
    };
    control.addTo(map);
    if (panel && PKIR.keepClearOf) PKIR.keepClearOf(control.getContainer(), panel);
    map.on('pkirdrawn', function () { if (play.open && !play.playing) play.legendLine(play.current()); });
    return control;
  };

  PKIR.playState = function (state) { if (play.ui) play.sync(state); };
})();
