"""The map page's Publish buttons give the figure and the brief as files, drawn on the server from
what the page shows (issue 23, item 5)."""

import io

from PIL import Image
from pypdf import PdfReader

from .harness import app_errors, wait_for_app, wait_for_map


def _download(page, label: str) -> bytes:
    button = page.get_by_role("button", name=label)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as got:
        button.click()
    with open(got.value.path(), "rb") as fh:
        return fh.read()


def test_the_map_page_downloads_a_wide_png_and_a_brief_naming_the_filter(page, app_server):
    page.goto(app_server)
    wait_for_app(page)
    wait_for_map(page)
    png = _download(page, "Download map")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.width >= 2000
    brief = PdfReader(io.BytesIO(_download(page, "Download brief (PDF)")))
    text = " ".join(p.extract_text() for p in brief.pages)
    assert len(brief.pages) == 1
    assert "no filters (all incidents)" in text
    assert "Natural Earth" in text
    page.get_by_text("SVG", exact=True).click()
    wait_for_app(page)
    svg = _download(page, "Download map").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert app_errors(page) == []
