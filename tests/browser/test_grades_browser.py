"""The verification ring on the border map in headless Chromium (shipped data): incidents.js reads
the ring from the payload's precision byte, draws it, and the legend explains it."""

from __future__ import annotations

from geo.loading import load_layer
from geo.schema import GRADE

from .test_map_browser import INCIDENTS_READY, open_map

RINGED_JS = """() => {
  const d = PKIR.layers.incidents.d;
  let ringed = 0, levels = new Set();
  for (let i = 0; i < d.n; i++) { if (d.prec[i] & 4) ringed++; levels.add(d.prec[i] & 3); }
  const legend = document.querySelector('.pkir-legend').textContent;
  return {ringed: ringed, levels: Array.from(levels).sort(), legend: legend};
}"""
# A ringed mark's outer ring: dark pixels where the canvas is read at the mark's radius + 3.5 px.
DARK_AROUND_JS = """() => {
  const layer = PKIR.layers.incidents, d = layer.d, canvas = document.querySelector('canvas');
  const ctx = canvas.getContext('2d'), scale = canvas.width / canvas.getBoundingClientRect().width;
  const box = canvas.getBoundingClientRect(), mapBox = PKIR.map.getContainer().getBoundingClientRect();
  const out = {ringed: 0, plain: 0};
  for (let i = 0; i < d.n; i++) {
    const p = PKIR.map.latLngToContainerPoint([d.lat[i], d.lon[i]]);
    const x = (p.x + mapBox.left - box.left) * scale, y = (p.y + mapBox.top - box.top + d.rad[i] + 3.5) * scale;
    if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) continue;
    const px = ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data;
    const dark = px[3] > 0 && px[0] < 90 && px[1] < 90 && px[2] < 90;
    if (dark) out[(d.prec[i] & 4) ? 'ringed' : 'plain']++;
  }
  return out;
}"""


def test_single_source_claimed_and_disputed_marks_are_ringed(app_server, page):
    incidents = load_layer("incidents")[0]
    located = incidents[incidents.geometry.notna()]
    want = int(located["grade"].map(lambda g: GRADE[g].ring).sum())
    assert 0 < want < len(located)
    frame = open_map(page, app_server)
    frame.wait_for_function(INCIDENTS_READY, arg=len(located), polling=100)
    got = frame.evaluate(RINGED_JS)
    assert got["ringed"] == want
    assert set(got["levels"]) <= {0, 1, 2}  # the ring leaves the precision level intact
    assert "Verification" in got["legend"] and "single source, claimed, disputed (dark outer ring)" in got["legend"]
    dark = frame.evaluate(DARK_AROUND_JS)
    assert dark["ringed"] > 0, dark  # a dark ring below some ringed marks, where nothing else is drawn
