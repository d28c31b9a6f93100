"""The hostile corpus (tests/hostile) through every page in headless Chromium.

Every request is recorded: none may leave this machine, no dialog may open, and no <img>,
<a href>, <iframe> or <script> made from a payload may exist in the page or its frames.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from geo.loading import load_layer
from tests.app_helpers import ROOT
from tests.hostile.folders import hostile_data_dir
from tests.hostile.payloads import HOST, PAYLOADS

from .conftest import app_errors, external_requests, goto_page, run_and_wait, wait_for_app

PAGES = [
    "Incidents explorer",
    "Trends",
    "Chronology",
    "Gas pipeline",
    "Markets and crossings",
    "Sources and data",
    "Import incidents",
]

# every element of a document (and of its st_folium / st.html frames) that a payload could turn
# into a request or a live link
_LIVE_FROM_PAYLOAD_JS = """
([host]) => {
  const bad = [];
  const tags = 'img, a[href], iframe, script, link, source, video, audio, object, embed';
  for (const el of document.querySelectorAll(tags)) {
    const url = el.getAttribute('src') || el.getAttribute('href') || el.getAttribute('data') || '';
    if (url.includes(host) || /^\\s*javascript:/i.test(url)) bad.push(el.outerHTML.slice(0, 200));
  }
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.getAttributeNames()) {
      if (/^on/i.test(a)) bad.push(el.tagName + ' ' + a);
    }
  }
  return bad;
}
"""


def live_from_payload(page) -> list[str]:
    """Elements made from a payload, in the page and every frame."""
    bad = []
    for frame in page.frames:
        try:
            bad += frame.evaluate(_LIVE_FROM_PAYLOAD_JS, [HOST])
        except Exception as exc:  # a frame that went away during a rerun
            if "detached" not in str(exc).lower() and "destroyed" not in str(exc).lower():
                raise
    return bad


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    return hostile_data_dir(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture
def dialogs(page):
    opened: list[str] = []

    def on_dialog(dialog):
        opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def check(page, dialogs) -> None:
    assert app_errors(page) == []
    assert live_from_payload(page) == []
    assert dialogs == []
    assert external_requests(page.recorded_requests) == []


def test_every_page_with_hostile_data_stays_local_and_inert(start_app, page, dialogs, hostile_dir):
    server = start_app(data_dir=hostile_dir)
    url_attack = f"{PAYLOADS['md_image']} {PAYLOADS['md_link']}"
    page.goto(f"{server.url}/?incident={quote(url_attack)}")
    wait_for_app(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]').first
    assert "![x](http://evil.example/q.png)" in warning.inner_text().replace("\u2060", "")  # the text it is
    check(page, dialogs)
    for title in PAGES:
        goto_page(page, server.url, title)
        check(page, dialogs)


def test_a_hostile_record_renders_as_text_with_its_style(start_app, page, dialogs, hostile_dir):
    gdf, _ = load_layer("incidents", hostile_dir)
    ids = [i for i, g in zip(gdf["id"], gdf.geometry, strict=True) if g is not None and HOST in i]
    server = start_app(data_dir=hostile_dir)
    for fid in ids[: len(PAYLOADS)]:
        page.goto(f"{server.url}/?incident={quote(fid)}")
        wait_for_app(page)
        record = page.locator(".pkir-record").first
        record.wait_for(state="visible")
        check(page, dialogs)
    # the record's stylesheet applies (st.html keeps the <style> of ui/css/record.css)
    weight = record.locator("dt").first.evaluate("e => getComputedStyle(e).fontWeight")
    white_space = record.locator("dd").first.evaluate("e => getComputedStyle(e).whiteSpace")
    assert (weight, white_space) == ("600", "pre-line")
    assert HOST in record.inner_text()  # the payload is there, as text


def test_a_hostile_file_name_on_the_import_page_is_text(start_app, page, dialogs):
    server = start_app()
    goto_page(page, server.url, "Import incidents")
    name = f"![x](https:{HOST}) <img src=x onerror=alert(1)> ``` [a](javascript:alert(1)).csv"
    body = (ROOT / "tests" / "data" / "import" / "acled_new.csv").read_bytes()
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    run_and_wait(page, lambda: upload.set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": body}]))
    check(page, dialogs)
    use = page.get_by_role("button", name="Use these")
    run_and_wait(page, use.click)
    check(page, dialogs)
    goto_page(page, server.url, "Incidents explorer")  # the session now uses the file: its name is shown
    check(page, dialogs)
    goto_page(page, server.url, "Import incidents")
    info = page.locator('[data-testid="stAlertContentInfo"]').first
    assert "<img src=x onerror=alert(1)>" in info.inner_text()
    check(page, dialogs)
