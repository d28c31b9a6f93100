/* The border map's view in the page's address: ?c=lat,lon&z=zoom follow the map as it moves.
 * The map runs in st_folium's iframe; it writes into the parent page's address with
 * history.replaceState (same origin only; no rerun, no history entry), and puts the view back
 * when Streamlit rewrites the address. While the map shows the region it first fitted (nobody
 * moved it), the address names no view. */
(function () {
  'use strict';
  var PKIR = window.PKIR;

  function parentPage() {  // null for a page of another origin: its address is not ours to change
    var page = PKIR.bridge.page();
    return page && page.win;
  }

  function fixed(x, places) { return String(Number(x.toFixed(places))); }

  // {c: 'lat,lon', z: 'zoom'} of the map now, or null while it shows the fitted region
  PKIR.viewParams = function () {
    var map = PKIR.map;
    if (!map || !map.getSize().y || (PKIR.framed && PKIR.framed())) return null;
    var c = map.getCenter();
    return {c: fixed(c.lat, 5) + ',' + fixed(c.lng, 5), z: fixed(map.getZoom(), 2)};
  };

  // names: {c: 'c', z: 'z'}, the codec's parameter names (ui/url_codec.py)
  PKIR.viewInUrl = function (map, names) {
    var page = parentPage();
    PKIR.viewNames = names;
    if (!page) return;
    var write = function () {
      if (!map.getSize().y || PKIR.bridge.animatingZoom(map)) return;
      var view = PKIR.viewParams(), url = new URL(page.location.href), q = url.searchParams;
      PKIR.bridge.tellPage('view', view ? JSON.stringify(view) : '');  // for Copy link (ui/js/view_link.js)
      if (view ? q.get(names.c) === view.c && q.get(names.z) === view.z : !q.has(names.c) && !q.has(names.z)) return;
      if (view) { q.set(names.c, view.c); q.set(names.z, view.z); } else { q.delete(names.c); q.delete(names.z); }
      page.history.replaceState(page.history.state, '', url.toString());
    };
    map.on('moveend zoomend resize', write);
    setInterval(write, 500);  // Streamlit rewrites the address when the page's own state changes
  };
})();
