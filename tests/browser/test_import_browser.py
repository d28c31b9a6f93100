"""The Import page in headless Chromium: real uploads of hostile files get a one-line answer,
never a traceback; the page states the upload limit; no request leaves the machine."""

import pytest

from tests.app.test_import_page import HOSTILE, LATLON

from .conftest import app_errors, external_requests, goto_page, run_and_wait, wait_for_app

FILES = ["image.geojson", "nan.geojson", "xxe.kml", "huge.csv", "header_only.csv"]


@pytest.fixture
def import_page(page, app_server):
    goto_page(page, app_server, "Import incidents")
    return page


def send(page, name: str, content: bytes) -> None:
    chooser = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    run_and_wait(page, lambda: chooser.set_input_files({"name": name, "mimeType": "text/plain", "buffer": content}))
    wait_for_app(page)


def test_hostile_uploads_are_answered_in_one_line(import_page):
    page = import_page
    assert page.get_by_text("Files up to 50 MB").count() == 1
    for name in FILES:
        send(page, name, HOSTILE[name])
        alerts = page.locator('[data-testid="stAlertContentError"], [data-testid="stMetricValue"]').all_inner_texts()
        assert alerts, name
        assert app_errors(page) == [], name
        for text in page.locator('[data-testid="stAlertContentError"]').all_inner_texts():
            assert name in text and "Traceback" not in text
    send(page, "points.csv", LATLON)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "2 of 2"
    assert external_requests(page.recorded_requests) == []
