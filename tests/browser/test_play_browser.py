"""The map's time control (issue 23, item 3) at three laptop sizes and on a phone with touch: the
bar is whole on screen and usable; playback changes what is drawn with no rerun (the drawn
count, through the incident layer's shownCount, against a pandas count of each window); a pause
makes the window the date filter (one rerun: the page's count line follows); closing gives
every incident back."""

from __future__ import annotations

import re
from datetime import date

import pytest

from geo.features import located
from geo.filters import IncidentFilter, filter_mask

from .harness import app_errors, run_and_wait
from .test_map_browser import SCREENS, map_on_screen, shipped  # noqa: F401

DATES = re.compile(r"^(\d{4}-\d{2}-\d{2}) \u2013 (\d{4}-\d{2}-\d{2})$")
# the bar's window, the drawn count and whether it plays, as the page shows them
STATE_JS = """() => ({dates: document.querySelector('.pkir-play-dates').textContent,
  shown: PKIR.layers.incidents.shownCount(), playing: PKIR.play.playing, open: PKIR.play.open,
  legend: (document.querySelector('.pkir-play-legend') || {}).textContent || null})"""
# every control of the bar: whole inside the map and on top at its centre (nothing lies over it)
CONTROLS_JS = """() => {
  const box = PKIR.map.getContainer().getBoundingClientRect();
  return [...document.querySelectorAll('.pkir-play-bar button, .pkir-play-bar select')].map((el) => {
    const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    return {cls: el.className, w: r.width, h: r.height, top: document.elementFromPoint(x, y) === el ||
            el.contains(document.elementFromPoint(x, y)),
            inside: r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom};
  });
}"""


# the boxes of the bar and of the map's other controls, in the frame
BOXES_JS = """() => Object.fromEntries(Object.entries({bar: '.pkir-play-bar', legend: '.pkir-legend',
  scale: '.leaflet-control-scale', credits: '.leaflet-control-attribution', zoom: '.leaflet-control-zoom'})
  .map(([k, sel]) => { const r = document.querySelector(sel).getBoundingClientRect();
    return [k, {x: r.left, y: r.top, width: r.width, height: r.height}]; }))"""


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and (b["y"] < a["y"] + a["height"])
    )


def window_of(text: str) -> tuple[date, date]:
    found = DATES.match(text)
    assert found, f"the bar shows no window: {text!r}"
    return date.fromisoformat(found[1]), date.fromisoformat(found[2])


def expected(incidents, window: tuple[date, date]) -> int:
    """Located incidents overlapping the window, as geo.filters counts them."""
    mask = filter_mask(incidents, IncidentFilter(date_from=window[0], date_to=window[1]))
    return int((mask & located(incidents)).sum())


def count_line(page) -> tuple[int, int]:
    text = page.locator(".st-key-map_head").inner_text()
    found = re.search(r"([\d,]+) of ([\d,]+) incidents shown", text)
    assert found, text
    return int(found[1].replace(",", "")), int(found[2].replace(",", ""))


def press(frame, selector: str, touch: bool) -> None:
    target = frame.locator(selector)
    target.tap() if touch else target.click()


def in_viewport(page, box: dict) -> bool:
    size = page.viewport_size
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and (box["y"] + box["height"] <= size["height"])
    )


@pytest.mark.parametrize("screen", list(SCREENS))
def test_play_draws_windows_without_rerun_and_a_pause_sets_the_date_filter(browser, app_server, shipped, screen):  # noqa: F811
    touch = SCREENS[screen][1]
    incidents = shipped["incidents"]
    total_drawn = int(located(incidents).sum())
    with map_on_screen(browser, app_server, shipped, screen) as (page, frame, _box):
        opener = frame.locator(".pkir-play-open")
        assert opener.is_visible() and in_viewport(page, opener.bounding_box())

        # opening shows the first window holding an incident; at rest it becomes the date filter
        run_and_wait(page, lambda: press(frame, ".pkir-play-open", touch))
        state = frame.evaluate(STATE_JS)
        first = window_of(state["dates"])
        assert state["open"] and state["shown"] == expected(incidents, first) > 0
        assert state["legend"] and first[0].isoformat() in state["legend"] and first[1].isoformat() in state["legend"]
        assert count_line(page) == (expected(incidents, first), len(incidents))
        assert first[1].isoformat() in page.locator(".st-key-map_head").inner_text()  # the filter line

        # the bar: whole on screen, nothing over any control, fingers' size on a phone
        bar = frame.locator(".pkir-play-bar").bounding_box()
        assert in_viewport(page, bar), (bar, page.viewport_size)
        assert (
            page.evaluate(
                "([x, y]) => document.elementFromPoint(x, y)?.tagName",
                [bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2],
            )
            == "IFRAME"
        )
        controls = frame.evaluate(CONTROLS_JS)
        assert len(controls) == 6 and all(c["top"] and c["inside"] for c in controls), controls
        assert all(c["h"] >= 30 for c in controls), controls
        boxes = frame.evaluate(BOXES_JS)  # clear of the zoom buttons, the scale, the credits and the legend
        assert not [k for k in ("legend", "scale", "credits", "zoom") if overlap(boxes["bar"], boxes[k])], boxes
        assert not overlap(boxes["legend"], boxes["scale"]), boxes  # the legend's window line keeps it narrow

        # a step back to an empty window: the page says none match, the map stays the same frame
        frame.evaluate("() => { window.__pkirSameMap = true; }")
        run_and_wait(page, lambda: press(frame, ".pkir-play-back", touch))
        empty = window_of(frame.evaluate(STATE_JS)["dates"])
        assert empty < first and expected(incidents, empty) == 0 == frame.evaluate(STATE_JS)["shown"]
        assert count_line(page)[0] == 0 and frame.evaluate("() => window.__pkirSameMap === true")
        assert not page.locator('[data-testid="stAlert"]').count()  # no note pushes the map down

        # playback: windows follow one another, each drawing its own incidents, with no rerun
        frame.evaluate("() => { PKIR.play.frameMs = 350; }")
        messages = len(page.ws_messages)
        press(frame, ".pkir-play-run", touch)
        seen: dict[tuple[date, date], int] = {}
        for _ in range(100):
            state = frame.evaluate(STATE_JS)
            seen[window_of(state["dates"])] = state["shown"]
            if len(seen) >= 5 or not state["playing"]:
                break
            page.wait_for_timeout(100)
        assert len(seen) >= 4, seen
        assert all(shown == expected(incidents, w) for w, shown in seen.items()), seen
        assert len(set(seen.values())) > 1, seen  # what is drawn changed
        assert len(page.ws_messages) == messages, "a frame of the playback reran the page"

        # a pause: one rerun, the window is the date filter and the page counts it
        run_and_wait(page, lambda: press(frame, ".pkir-play-run", touch))
        state = frame.evaluate(STATE_JS)
        paused = window_of(state["dates"])
        assert not state["playing"] and paused != first
        assert count_line(page) == (expected(incidents, paused), len(incidents)) == (state["shown"], len(incidents))
        assert (
            f"dates {paused[0].isoformat()} to {paused[1].isoformat()}" in page.locator(".st-key-map_head").inner_text()
        )
        assert frame.evaluate(STATE_JS)["dates"] == state["dates"]  # the rerun kept the control's window

        # a step back, then closing: every incident again, the whole period as the filter
        run_and_wait(page, lambda: press(frame, ".pkir-play-back", touch))
        back = window_of(frame.evaluate(STATE_JS)["dates"])
        assert back < paused and count_line(page)[0] == expected(incidents, back)
        run_and_wait(page, lambda: press(frame, ".pkir-play-close", touch))
        state = frame.evaluate(STATE_JS)
        assert not state["open"] and state["shown"] == total_drawn and state["legend"] is None
        assert count_line(page) == (total_drawn, len(incidents))
        assert "dates" not in page.locator(".st-key-map_head").inner_text()
        assert opener.is_visible()
        assert not app_errors(page)
