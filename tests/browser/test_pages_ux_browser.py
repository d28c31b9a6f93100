"""The explorer, the chronology and the navigation on a 390x844 phone (touch) and a 1366x768
laptop: icons that need no emoji font, charts that draw at phone width, a sidebar that folds
after choosing a page, and records that come into view when a row or an event is picked."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import (
    app_errors,
    external_requests,
    goto_page,
    nav_link,
    run_and_wait,
    sideways_overflow,
    wait_for_app,
)

RECORD = ".pkir-record[data-id='{}']"


def open_page(page, base_url: str, path: str) -> None:
    page.goto(f"{base_url}/{path}")
    wait_for_app(page)


def open_expander(page, label: str, tries: int = 3) -> None:
    """Tap an expander's label until it is open: on a loaded machine a tap while the page is still
    running can land on an element Streamlit then replaces."""
    opened = page.locator("details[open]", has_text=label)
    for _ in range(tries):
        page.get_by_text(label).tap()
        try:
            opened.wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the expander {label!r} did not open after {tries} taps")


def in_view(page, selector: str) -> bool:
    """True when the element's top part (its heading) is inside the window."""
    return page.evaluate(
        """(sel) => { const el = document.querySelector(sel); if (!el) return false;
             const r = el.getBoundingClientRect();
             return r.top >= 0 && r.top + Math.min(r.height, 60) <= window.innerHeight; }""",
        selector,
    )


def wait_in_view(page, selector: str) -> bool:
    for _ in range(30):  # smooth scrolling takes a few hundred ms
        if in_view(page, selector):
            return True
        page.wait_for_timeout(100)
    return False


_CHART_GEOMETRY = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(chart => {
  // the plot cell of every view (concat_0_group, view_1_group, ...), not legends or axes
  const frames = [...chart.querySelectorAll('g.role-scope[class*="_group"] > g > path.background')]
      .map(p => p.getBoundingClientRect().width);
  const overlaps = [...chart.querySelectorAll('g.role-axis')].map(axis => {
    const boxes = [...axis.querySelectorAll('g.role-axis-label text')]
      .filter(t => t.getAttribute('opacity') !== '0' && getComputedStyle(t).opacity !== '0' && t.textContent)
      .map(t => t.getBoundingClientRect()).filter(r => r.width > 0);
    let n = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) n++;
    }
    return n;
  });
  return {widest: Math.max(0, ...frames), narrowest: frames.length ? Math.min(...frames) : 0,
          overlaps: overlaps.reduce((a, b) => a + b, 0)};
})"""


def test_navigation_uses_streamlit_material_icons(laptop, app_server):
    open_page(laptop, app_server, "")
    links = laptop.locator('[data-testid="stSidebarNavLink"]')
    links.first.wait_for()
    count = links.count()
    from tests.app_helpers import PAGES

    assert count == len(PAGES)
    assert laptop.locator('[data-testid="stSidebarNavLink"] [data-testid="stIconMaterial"]').count() == count
    assert laptop.locator('[data-testid="stSidebarNavLink"] [data-testid="stIconEmoji"]').count() == 0
    # the icons come with Streamlit's frontend; the tab icon is a local file (a Material page_icon
    # would be fetched from fonts.gstatic.com)
    assert external_requests(laptop.recorded_requests) == []
    assert laptop.evaluate("() => document.querySelector('link[rel~=icon]').href").startswith("data:image/svg+xml")


@pytest.mark.parametrize(("path", "charts"), [("incidents", 1), ("chronology", 1)])
def test_charts_draw_at_phone_width_without_overlapping_labels(phone, app_server, path, charts):
    open_page(phone, app_server, path)
    chart = phone.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    phone.wait_for_timeout(500)
    geometry = phone.evaluate(_CHART_GEOMETRY)
    assert len(geometry) == charts
    for g in geometry:
        assert g["narrowest"] >= 150, g  # every plot (bars, events, the overview strip) has room
        assert g["overlaps"] == 0, g
    assert app_errors(phone) == []


SIDEBAR_OPEN = """() => { const s = document.querySelector('[data-testid="stSidebar"]');
  return !!s && s.getBoundingClientRect().right > 0; }"""


def open_sidebar(page) -> None:
    if not page.evaluate(SIDEBAR_OPEN):
        page.locator('[data-testid="stExpandSidebarButton"]').tap()
        page.wait_for_function(SIDEBAR_OPEN)
        page.wait_for_timeout(400)  # the slide-in animation


def close_sidebar(page) -> None:
    if page.evaluate(SIDEBAR_OPEN):
        page.locator('[data-testid="stSidebarCollapseButton"] button').tap()
        page.wait_for_function(f"() => !({SIDEBAR_OPEN})()")


def test_sidebar_folds_after_choosing_a_page_on_a_phone(phone, app_server):
    open_page(phone, app_server, "")
    open_sidebar(phone)
    run_and_wait(phone, lambda: nav_link(phone, "Chronology").tap())
    phone.locator("h1", has_text="Chronology").wait_for()
    phone.wait_for_function(f"() => !({SIDEBAR_OPEN})()", timeout=10_000)
    # a filter changed in the sidebar on the same page does not fold it
    open_sidebar(phone)
    box = phone.get_by_role("textbox", name="Keyword")
    box.fill("Jaish")
    run_and_wait(phone, lambda: box.press("Enter"))
    assert phone.evaluate(SIDEBAR_OPEN)


TABLE_SCROLLS_SIDEWAYS = """(sel) => Math.max(0, ...[...document.querySelectorAll(sel + ' *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
  .map(el => el.scrollWidth - el.clientWidth))"""


def visible_table(device: str) -> str:
    return ".st-key-narrow_explorer" if device == "phone" else ".st-key-wide_explorer"


def _tick_first_row(page, touch: bool) -> None:
    grid = page.locator(f"{visible_table('phone' if touch else 'laptop')} [data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    x, y = box["x"] + 16, box["y"] + 35 + 17  # the first row's tick box, below the header row
    run_and_wait(page, (lambda: page.touchscreen.tap(x, y)) if touch else (lambda: page.mouse.click(x, y)))


@pytest.mark.parametrize("device", ["laptop", "phone"])
def test_a_record_picked_in_the_explorer_table_comes_into_view(request, app_server, device):
    page = request.getfixturevalue(device)
    if device == "laptop":
        goto_page(page, app_server, "Incidents explorer")
    else:
        open_page(page, app_server, "incidents")
    box = page.get_by_role("textbox", name="Keyword")
    if device == "phone":
        open_sidebar(page)
    box.fill("Sabz Koh")  # one incident: PKIR-C12
    run_and_wait(page, lambda: box.press("Enter"))
    if device == "phone":
        close_sidebar(page)
    assert page.evaluate(TABLE_SCROLLS_SIDEWAYS, visible_table(device)) == 0, "the table scrolls sideways"
    _tick_first_row(page, touch=device == "phone")
    record = RECORD.format("PKIR-C12")
    page.locator(record).wait_for()
    assert wait_in_view(page, record), "the record opened below the table is out of view"
    assert sideways_overflow(page) == 0
    width = page.evaluate("(sel) => document.querySelector(sel).getBoundingClientRect().right", record)
    assert width <= page.viewport_size["width"]
    assert app_errors(page) == []


def test_an_event_picked_on_the_chronology_chart_comes_into_view(laptop, app_server):
    goto_page(laptop, app_server, "Chronology")
    point = laptop.locator("[data-testid='stVegaLiteChart'] g.mark-symbol path[aria-label$='ID: PKIR-D05']")
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box is not None, "the state visit of April 2024 is not drawn"
    run_and_wait(laptop, lambda: laptop.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    record = RECORD.format("PKIR-D05")
    laptop.locator(record).wait_for()
    assert wait_in_view(laptop, record), "the record opened below the chart is out of view"
    assert app_errors(laptop) == []


def test_the_chronology_table_reads_without_sideways_scrolling_on_a_phone(phone, app_server):
    open_page(phone, app_server, "chronology")
    open_expander(phone, "All events shown, as a table")
    table = phone.locator(".st-key-narrow_chronology [data-testid='stDataFrame']")
    table.wait_for()
    phone.wait_for_timeout(500)
    assert phone.evaluate(TABLE_SCROLLS_SIDEWAYS, ".st-key-narrow_chronology") == 0
    assert phone.locator(".st-key-wide_chronology").is_hidden()
    assert sideways_overflow(phone) == 0
