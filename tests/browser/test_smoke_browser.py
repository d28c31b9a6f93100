"""Every page opens through the navigation without a Streamlit exception, and offline the app
asks nothing of any host but itself."""

import subprocess
import sys
import time

import pytest

from .conftest import (
    ROOT,
    app_errors,
    external_requests,
    free_port,
    goto_page,
    nav_link,
    sideways_overflow,
    wait_for_app,
)

PAGES = [
    "Border map",
    "Incidents explorer",
    "Trends",
    "Chronology",
    "Gas pipeline",
    "Markets and crossings",
    "Sources and data",
]


def nav_titles(page) -> list[str]:
    texts = page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in texts]


def test_every_page_renders_without_exception_and_offline_requests_stay_local(page, app_server):
    page.goto(app_server)
    wait_for_app(page)
    assert nav_link(page, PAGES[0]).get_attribute("aria-current") == "page", "the map is not the default page"
    titles = nav_titles(page)
    assert set(PAGES) <= set(titles), f"navigation shows {titles}"
    errors, overflow = {}, {}
    for title in titles:
        goto_page(page, app_server, title)
        assert nav_link(page, title).get_attribute("aria-current") == "page"
        if found := app_errors(page):
            errors[title] = found
        if wider := sideways_overflow(page):
            overflow[title] = wider
    assert errors == {}, f"Streamlit exceptions shown: {errors}"
    assert overflow == {}, f"pages that scroll sideways at {page.viewport_size['width']} px: {overflow}"
    assert page.recorded_requests, "the request recorder saw nothing"
    assert external_requests(page.recorded_requests) == []


def test_request_recorder_sees_requests_made_inside_iframes(page, app_server):
    """st_folium draws inside an iframe: what that iframe loads must reach page.recorded_requests."""
    page.goto(app_server)
    wait_for_app(page)
    probe = f"{app_server}/_stcore/health?probe=inside-iframe"
    with page.expect_request(probe) as seen:
        page.evaluate(
            "(src) => { const f = document.createElement('iframe');"
            " f.srcdoc = '<img src=\"' + src + '\">'; document.body.appendChild(f); }",
            probe,
        )
    assert seen.value.frame != page.main_frame, "the probe was not requested from inside the iframe"
    assert probe in page.recorded_requests


def test_external_requests_flags_only_other_hosts():
    urls = [
        "http://127.0.0.1:8501/app/static/vendor/leaflet.js",
        "ws://localhost:8501/_stcore/stream",
        "data:image/png;base64,AAAA",
        "blob:http://127.0.0.1:8501/x",
        "about:srcdoc",
        "https://unpkg.com/leaflet.js",
        "https://tile.openstreetmap.org/1/1/1.png",
    ]
    assert external_requests(urls) == ["https://unpkg.com/leaflet.js", "https://tile.openstreetmap.org/1/1/1.png"]


@pytest.mark.parametrize(("path", "title"), [("incidents", "Incidents explorer"), ("import_data", "Import incidents")])
def test_first_visit_to_a_page_url_gets_the_whole_app(start_app, page, path, title):
    """A server's first visitor opening a bookmarked page URL gets app.py's navigation, layout and
    shared filters, not the page run alone in Streamlit's old pages/ mode."""
    server = start_app()
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    page.get_by_text("Filter incidents").wait_for(timeout=30_000)
    assert nav_link(page, title).get_attribute("aria-current") == "page"
    assert set(PAGES) <= set(nav_titles(page))
    assert page.locator("h1").first.inner_text().strip() == title
    assert not app_errors(page)


def test_start_up_does_not_look_up_the_public_address(tmp_path):
    """`streamlit run app.py` as the README has it: Streamlit asks checkip.amazonaws.com for the
    machine's public address unless browser.serverAddress is set (.streamlit/config.toml)."""
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(free_port())],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while "URL:" not in log.read_text() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        time.sleep(2)  # the lookup, when made, is logged just after the first URL line
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log.read_text()
    assert "URL: http://localhost" in text, text
    assert "External URL" not in text and "Did not auto detect external IP" not in text, text


def test_the_preloading_launcher_serves_the_whole_app(page):
    """`python -m ui.serve` loads the data before Streamlit starts: the map (a component, whose
    files must still be served) draws its incidents, and no page shows an exception."""
    from .harness import launch_app, wait_for_map

    server = launch_app(preload=True)
    try:
        assert "Data loaded in" in server.output()
        page.goto(server.url)
        wait_for_app(page)
        frame = wait_for_map(page)
        frame.wait_for_function("() => window.PKIR && PKIR.layers.incidents && PKIR.layers.incidents.drawnCount > 0")
        goto_page(page, server.url, "Incidents explorer")
        assert app_errors(page) == []
    finally:
        server.stop()
