/* The one file of the map's browser code that uses other code's private parts: streamlit-folium's
 * frame globals and message, Leaflet's private members, and the page around st_folium's iframe.
 * Written for the versions in views/map/_compat/bridge.py (requirements.txt pins them); the rest
 * of the map calls PKIR.bridge.* (tests/test_compat_boundary.py keeps it so). Loaded after
 * Leaflet, before pkir.js. */
(function () {
  'use strict';
  var PKIR = window.PKIR = window.PKIR || {};
  var bridge = PKIR.bridge = {};

  // Leaflet's keyboard handler focuses the map's container on every press (mousedown). The
  // container is in st_folium's iframe; when part of it lies below the window, focus() scrolls
  // the page to it between press and release, the release lands elsewhere and the click is
  // lost. Focus without scrolling: the keyboard still pans and zooms the map.
  if (L.Map.Keyboard && !L.Map.Keyboard.prototype.pkirNoScroll) {
    L.Map.Keyboard.include({
      pkirNoScroll: true,
      _onMouseDown: function () {
        if (this._focused) return;
        this._map.getContainer().focus({preventScroll: true});
      }
    });
  }

  // true while Leaflet animates a zoom (the view it reports then is not the one it ends on)
  bridge.animatingZoom = function (map) { return !!map._animatingZoom; };

  // the Leaflet layer a DOM event's target belongs to (an SVG path of a line, say), or null
  bridge.layerOf = function (map, target) {
    return map._targets && target ? map._targets[L.Util.stamp(target)] || null : null;
  };

  // the corner elements holding a map's controls, by corner name ('topleft', ...)
  bridge.controlCorners = function (map) { return map._controlCorners || {}; };

  // st_folium's state in its iframe (what it reports to Streamlit), or null on a map on its own
  bridge.stFolium = function () { return window.__GLOBAL_DATA__ || null; };

  // st_folium tells Streamlit of a click only after 250 ms without another event. Tell it at
  // once instead, with the very value st_folium would send: its own call then finds the value
  // unchanged and sends nothing. Only for click fields; anything else is left to st_folium.
  var CLICK_FIELDS = ['last_clicked', 'last_object_clicked', 'last_object_clicked_count',
                      'last_object_clicked_tooltip', 'last_object_clicked_popup', 'last_active_drawing'];
  bridge.sendClick = function () {
    var g = bridge.stFolium(), asked = g && g.returned_objects;
    if (!asked || g.wrap_longitude || window.parent === window) return;
    if (asked.some(function (k) { return CLICK_FIELDS.indexOf(k) < 0; })) return;
    var value = {}, from = {last_clicked: g.lat_lng_clicked};
    CLICK_FIELDS.forEach(function (k) {
      if (asked.indexOf(k) >= 0) value[k] = k in from ? from[k] : g[k];
    });
    if (JSON.stringify(g.previous_data) === JSON.stringify(value)) return;
    g.previous_data = value;
    window.parent.postMessage({isStreamlitMessage: true, type: 'streamlit:setComponentValue',
                               value: value, dataType: 'json'}, '*');
  };

  // The Streamlit page around this frame when it can be read (same origin): {win, doc, frame}
  // (its window, its document, this frame's iframe element in it), else null.
  bridge.page = function () {
    try {
      var win = window.parent;
      if (win === window || win.location.origin !== window.location.origin) return null;
      return {win: win, doc: win.document, frame: window.frameElement};
    } catch (e) {
      return null;  // another origin: not ours to read
    }
  };

  // the width of the window showing the page (this frame's own when the page cannot be read)
  bridge.pageWidth = function () {
    var page = bridge.page();
    return (page && page.win.innerWidth) || window.innerWidth;
  };

  // Tell the page something on this frame's iframe element (an attribute data-pkir-<name>; null
  // removes it): the page reads it there without reaching into the frame.
  bridge.tellPage = function (name, value) {
    var page = bridge.page(), frame = page && page.frame;
    if (!frame) return;
    if (value === null) frame.removeAttribute('data-pkir-' + name);
    else if (frame.getAttribute('data-pkir-' + name) !== value) frame.setAttribute('data-pkir-' + name, value);
  };
})();
