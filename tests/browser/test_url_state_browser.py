"""The view in the URL, in a real browser: a view's address opened in a fresh browser context shows
the same count line, centre and zoom and selected record; bad values give a one-line note, not an
error; Copy link copies the current view (or shows it selected where the clipboard is refused);
Save view keeps the view with its centre and zoom."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.features import located
from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer
from tests.browser.harness import app_errors, goto_page, instrument, run_and_wait, wait_for_app, wait_for_map

SCREENS = {
    "1366x768": ({"width": 1366, "height": 768}, False),
    "1280x720": ({"width": 1280, "height": 720}, False),
    "1920x1080": ({"width": 1920, "height": 1080}, False),
    "390x844-touch": ({"width": 390, "height": 844}, True),
}
FILTER = IncidentFilter(categories=("attack",), min_fatalities=1)
VIEW_JS = "() => { const c = PKIR.map.getCenter(); return [c.lat, c.lng, PKIR.map.getZoom()]; }"


def fresh(browser, screen: str, **extra):
    viewport, touch = SCREENS[screen]
    context = browser.new_context(viewport=viewport, has_touch=touch, is_mobile=touch, **extra)
    context.set_default_timeout(90_000)
    page = context.new_page()
    instrument(page)
    return context, page


def count_line(page) -> str:
    text = page.locator(".st-key-map_head").inner_text()
    return re.search(r"[\d,]+ of [\d,]+ incidents shown", text).group(0)


def record_text(page) -> str:
    box = page.locator(".st-key-map_record")
    box.wait_for(state="attached")
    return box.inner_text()


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def wait_for_view_in_address(page, lat: float, lon: float, zoom: float) -> None:
    """Until the address names this centre (within two pixels: a pan at the same zoom moves by
    whole pixels) and zoom (the map writes it without a rerun)."""
    tolerance = 2 * 360 / (256 * 2**zoom)
    page.wait_for_function(
        """([lat, lon, zoom, tol]) => {
             const q = new URLSearchParams(location.search), c = (q.get('c') || '').split(',').map(Number);
             return Math.abs(c[0] - lat) < tol && Math.abs(c[1] - lon) < tol && Number(q.get('z')) === zoom;
           }""",
        arg=[lat, lon, zoom, tolerance],
        polling=100,
    )


@pytest.fixture(scope="module")
def chosen():
    """An attack with at least one death, located, and how many incidents the filter draws."""
    incidents = load_layer("incidents")[0]
    shown = apply_filter(incidents, FILTER)
    shown = shown[located(shown)]
    return str(shown["id"].iloc[0]), f"{len(shown)} of {len(incidents)} incidents shown"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_views_address_shows_the_same_view_in_a_fresh_browser(browser, app_server, chosen, screen):
    incident_id, expected_line = chosen
    context, page = fresh(browser, screen)
    try:
        page.goto(f"{app_server}/?cat=attack&fat=1&incident={incident_id}")
        wait_for_app(page)
        frame = wait_for_map(page)
        assert count_line(page) == expected_line
        mine = record_text(page)
        assert incident_id in page.url
        # the map centres on the linked incident (zoom 9), and the address names that view
        page.wait_for_function("() => new URLSearchParams(location.search).get('z') === '9'", polling=100)
        wait_for_app(page)
        # the reader moves the map: the address follows, no rerun needed
        frame.evaluate("() => PKIR.map.setView([27.25, 62.75], 8.5, {animate: false})")
        wait_for_view_in_address(page, 27.25, 62.75, 8.5)
        address = page.url
    finally:
        context.close()
    assert query(address)["cat"] == ["attack"] and query(address)["incident"] == [incident_id]

    context, page = fresh(browser, screen)  # another browser: nothing shared but the address
    try:
        page.goto(address)
        wait_for_app(page)
        frame = wait_for_map(page)
        page.wait_for_timeout(800)  # the frame is sized after the map starts: the view must hold through it
        lat, lon, zoom = frame.evaluate(VIEW_JS)
        assert zoom == 8.5
        assert abs(lat - 27.25) < 0.01 and abs(lon - 62.75) < 0.01
        assert count_line(page) == expected_line
        assert record_text(page) == mine
        assert query(page.url)["incident"] == [incident_id]
        assert app_errors(page) == []
        page.screenshot(path=f"test-artifacts/url_state_{screen}.png")
    finally:
        context.close()


def test_bad_values_give_a_one_line_note_and_a_clean_address(browser, app_server):
    context, page = fresh(browser, "1366x768")
    try:
        page.goto(f"{app_server}/?cat=attack&cat=bogus&z=99&c=1,2&from=someday&layers=border,rivers")
        wait_for_app(page)
        wait_for_map(page)
        note = page.locator('[data-testid="stAlert"]').filter(has_text="link's values")
        assert note.count() == 1
        text = note.inner_text()
        for named in ("cat “bogus”", "z “99”", "from “someday”", "layers “rivers”"):
            assert named in text
        assert [line for line in text.splitlines() if line.strip() not in ("", "link_off")] == [text.split("\n")[-1]]
        assert app_errors(page) == []
        page.wait_for_function("() => !location.search.includes('bogus')")
        assert query(page.url) == {"cat": ["attack"], "layers": ["border"]}
        page.screenshot(path="test-artifacts/url_state_bad_values.png")
    finally:
        context.close()


def test_copy_link_and_save_view(browser, start_app, tmp_path):
    server = start_app(env={"PKIR_WORKSPACE": str(tmp_path)})
    context, page = fresh(browser, "1366x768", permissions=["clipboard-read", "clipboard-write"])
    try:
        page.goto(f"{server.url}/?fat=2")
        wait_for_app(page)
        frame = wait_for_map(page)
        frame.evaluate("() => PKIR.map.setView([26.5, 63.0], 7.5, {animate: false})")
        page.get_by_role("button", name="Copy link").click()
        page.get_by_text("Link copied.").wait_for()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert query(copied) == {"fat": ["2"], "c": ["26.5,63"], "z": ["7.5"]}
        page.get_by_placeholder("Name this view").fill("Deadly, south")
        run_and_wait(page, lambda: page.get_by_role("button", name="Save view").click())
        page.get_by_text("Saved the view “Deadly, south”.").wait_for()
        kept = json.loads((tmp_path / "views.json").read_text())["views"]
        assert kept == {"Deadly, south": {"fat": ["2"], "c": ["26.5,63"], "z": ["7.5"]}}
    finally:
        context.close()


def test_copy_link_shows_the_link_selected_where_the_clipboard_is_refused(browser, app_server):
    context, page = fresh(browser, "390x844-touch")
    context.add_init_script("navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));")
    try:
        page.goto(f"{app_server}/?fat=3")
        wait_for_app(page)
        wait_for_map(page)
        sidebar_open = page.locator('[data-testid="stSidebar"][aria-expanded="true"]')
        if not sidebar_open.count():
            page.locator(
                '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button'
            ).first.click()
        page.get_by_role("button", name="Copy link").click()
        field = page.locator(".pkir-url")
        field.wait_for(state="visible")
        assert query(field.input_value()) == {"fat": ["3"]}
        assert field.evaluate("(el) => el.selectionStart === 0 && el.selectionEnd === el.value.length")
        assert page.get_by_text("Copy the selected link").is_visible()
    finally:
        context.close()


def test_another_page_keeps_the_filters_in_its_address_and_names_no_map_view(browser, app_server):
    """The map moves without telling the server: another page's address keeps the filters and
    names no centre or zoom (it would be one the reader has left); the map page names its own."""
    context, page = fresh(browser, "1366x768")
    try:
        page.goto(f"{app_server}/?fat=1&c=27.5,62.5&z=8")
        wait_for_app(page)
        frame = wait_for_map(page)
        frame.wait_for_function("() => PKIR.map.getZoom() === 8", polling=100)  # the link's view is shown
        wait_for_app(page)
        frame.evaluate("() => PKIR.map.setView([28.1, 61.9], 9.25, {animate: false})")
        wait_for_view_in_address(page, 28.1, 61.9, 9.25)
        goto_page(page, app_server, "Incidents explorer")
        page.wait_for_function("() => location.search.includes('fat=1')", polling=100)
        page.wait_for_timeout(1000)  # the map's last writes, had it any, would land by now
        assert query(page.url) == {"fat": ["1"]}
        goto_page(page, app_server, "Border map")
        wait_for_map(page)
        page.wait_for_function("() => new URLSearchParams(location.search).has('z')", polling=100)
        assert query(page.url)["fat"] == ["1"]
        assert app_errors(page) == []
    finally:
        context.close()


def test_back_shows_the_previous_view(browser, app_server):
    """Every change of the view is an entry in the browser's history: Back shows the one before."""
    context, page = fresh(browser, "1366x768")
    try:
        page.goto(f"{app_server}/?fat=1")
        wait_for_app(page)
        wait_for_map(page)
        before = count_line(page)
        box = page.get_by_label("Minimum fatalities")
        run_and_wait(page, lambda: (box.fill("5"), box.press("Enter")))
        page.wait_for_function("() => location.search.includes('fat=5')", polling=100)
        assert count_line(page) != before
        run_and_wait(page, page.go_back)
        page.wait_for_function("() => location.search.includes('fat=1')", polling=100)
        wait_for_app(page)
        assert count_line(page) == before
        assert box.input_value() == "1"
        assert app_errors(page) == []
    finally:
        context.close()


def test_moving_the_map_updates_the_address_without_a_rerun(browser, app_server):
    context, page = fresh(browser, "1280x720")
    try:
        page.goto(f"{app_server}/")
        wait_for_app(page)
        frame = wait_for_map(page)
        page.wait_for_timeout(1000)
        assert "z=" not in page.url  # the fitted region needs no view in the address
        received = len(page.ws_messages)
        for lat, zoom in ((26.0, 6.5), (27.0, 7.0), (28.0, 7.75), (29.0, 8.0), (27.75, 8.25)):
            frame.evaluate("([lat, zoom]) => PKIR.map.setView([lat, 63.0], zoom, {animate: false})", [lat, zoom])
            wait_for_view_in_address(page, lat, 63.0, zoom)
        page.wait_for_timeout(1000)
        assert len(page.ws_messages) == received  # the server heard nothing: no rerun per move
    finally:
        context.close()
