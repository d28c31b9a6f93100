"""A playback frame paints the view first and the canvas' margin beyond it after the next paint
(incidents.js, draw(true)): in headless Chromium, on the standalone map page with 20,000 dated
synthetic incidents at zoom 9, the view is painted at once, pixel for pixel as one whole draw paints it, and the margin
(seen only while a pan lasts: the pan's end draws all again) follows within a hair of it, at a
device pixel ratio of 1 and of 1.5."""

from __future__ import annotations

import pytest

N = 20_000
READY_JS = "() => window.PKIR && PKIR.layers.incidents && PKIR.layers.incidents.drawn && PKIR.play && PKIR.play.ui"
# one playback step (month windows, cumulative): the canvas' pixels at once and after the
# margin's turn, against one whole draw (as a pan or a zoom draws): per part (the 'view' and the
# 'margin' beyond it) how many pixels differ and by how much at most (premultiplied, 0-255), and
# how much is drawn there (the sum of alpha)
STEP_JS = """async () => {
  const play = PKIR.play, ui = play.ui, l = PKIR.layers.incidents, c = l.canvas, q = window.devicePixelRatio || 1;
  const frames = (n) => new Promise((done) => {
    const one = () => (n-- ? requestAnimationFrame(one) : done());
    one();
  });
  const pixels = () => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.slice();
  play.openBar();
  ui.size.value = 'month'; ui.mode.value = 'cumulative'; ui.size.dispatchEvent(new Event('change'));
  play.index = 6; play.show();
  await frames(3); await new Promise((done) => setTimeout(done, 50));
  play.step(1);
  const now = pixels(), shown = l.shownCount(), drawn = l.drawnCount;
  await frames(3); await new Promise((done) => setTimeout(done, 50));
  const later = pixels();
  l.draw();
  const whole = pixels();
  const size = PKIR.map.getSize();
  const v = [l.pad.x, l.pad.y, l.pad.x + size.x, l.pad.y + size.y].map((a) => Math.round(a * q));
  const compare = (got) => {
    const out = {view: {differ: 0, most: 0, alpha: 0}, margin: {differ: 0, most: 0, alpha: 0}};
    for (let k = 0; k < whole.length; k += 4) {
      const x = (k / 4) % c.width, y = Math.floor(k / 4 / c.width);
      const part = out[x >= v[0] && x < v[2] && y >= v[1] && y < v[3] ? 'view' : 'margin'];
      let most = Math.abs(got[k + 3] - whole[k + 3]);
      for (let j = 0; j < 3; j++) {
        most = Math.max(most, Math.abs(got[k + j] * got[k + 3] - whole[k + j] * whole[k + 3]) / 255);
      }
      if (most > 0) { part.differ++; part.most = Math.max(part.most, most); }
      part.alpha += got[k + 3];
    }
    return out;
  };
  return {now: compare(now), later: compare(later), whole: compare(whole), shown, drawn};
}"""


@pytest.fixture(scope="module")
def play_page(tmp_path_factory):
    from bench.bench_play import build_page

    page_file, _, _ = build_page(N, tmp_path_factory.mktemp("play_canvas"))
    return page_file


@pytest.mark.parametrize("ratio", [1, 1.5])
def test_a_playback_frame_paints_the_view_then_the_margin_with_the_same_pixels(browser, play_page, ratio):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, device_scale_factor=ratio)
    try:
        page = context.new_page()
        page.goto(play_page.as_uri(), timeout=120_000)
        page.wait_for_function(READY_JS, polling=50, timeout=120_000)
        page.evaluate("() => PKIR.map.setView([27.5, 63.5], 9, {animate: false})")
        got = page.evaluate(STEP_JS)
    finally:
        context.close()
    now, later, whole = got["now"], got["later"], got["whole"]
    assert 0 < got["shown"] < N and got["drawn"] > 0
    assert whole["view"]["alpha"] > 0 and whole["margin"]["alpha"] > 0, "marks in view and in the margin"
    assert now["view"]["differ"] == 0, "the view painted at once is pixel for pixel the whole draw's"
    assert now["margin"]["alpha"] < whole["margin"]["alpha"] / 2, "most of the margin waits for the next paint"
    assert later["view"]["differ"] == 0, "the margin's turn leaves the view alone"
    # the margin's turn is clipped to it: the clip's blending may differ from a whole draw by a hair
    assert later["margin"]["alpha"] > 0.99 * whole["margin"]["alpha"], later
    assert later["margin"]["most"] <= 16, later
