"""The incidents explorer and the chronology in a real browser: the CSV download holds exactly the
filtered rows, a selected row's "Show on map" link opens the map with that incident, a click on the
chronology opens an event's record, nothing is fetched from outside and nothing scrolls sideways."""

import io
import zipfile

import pandas as pd
import pytest

from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer

from .conftest import app_errors, external_requests, goto_page, run_and_wait, sideways_overflow, wait_for_app

RECORD = ".pkir-record[data-id='{}']"


@pytest.fixture(scope="module")
def incidents():
    return load_layer("incidents")[0]


def set_keyword(page, word: str) -> None:
    box = page.get_by_role("textbox", name="Keyword")
    box.fill(word)
    run_and_wait(page, lambda: box.press("Enter"))


def test_csv_download_holds_exactly_the_filtered_rows(page, app_server, incidents):
    goto_page(page, app_server, "Incidents explorer")
    set_keyword(page, "Jaish")
    expected = apply_filter(incidents, IncidentFilter(keyword="Jaish"))
    assert 0 < len(expected) < len(incidents)
    button = page.get_by_role("button", name=f"CSV ({len(expected)})")
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "pkir-incidents.zip"
    with zipfile.ZipFile(download.path()) as zf:
        text, citation = (zf.read(n).decode("utf-8") for n in ("pkir-incidents.csv", "CITATION.txt"))
    rows = pd.read_csv(io.StringIO(text))
    assert sorted(rows["id"]) == sorted(expected["id"])
    assert rows["title"].tolist() == [expected.set_index("id").loc[i, "title"] for i in rows["id"]]
    assert "filters: keyword “Jaish”" in citation and "licences:" in citation
    assert app_errors(page) == []
    assert sideways_overflow(page) == 0
    assert external_requests(page.recorded_requests) == []


def test_selected_row_links_to_the_map_with_the_incident_selected(page, app_server):
    goto_page(page, app_server, "Incidents explorer")
    set_keyword(page, "Sabz Koh")  # one incident: PKIR-C12
    grid = page.locator("[class*='st-key-incidents_table'] [data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # the tick box of the first row: left column, below the header row (both about 35 px high)
    run_and_wait(page, lambda: page.mouse.click(box["x"] + 16, box["y"] + 35 + 17))
    page.locator(RECORD.format("PKIR-C12")).wait_for()
    link = page.get_by_role("link", name="Show on map")
    # the link carries the session's view (ui.url_state): the new tab shows the same filters
    assert link.get_attribute("href").endswith("?q=Sabz+Koh&incident=PKIR-C12")
    with page.context.expect_page() as opened:
        link.click()
    map_page = opened.value
    wait_for_app(map_page)
    assert map_page.url.split("/")[-1] == "?q=Sabz+Koh&incident=PKIR-C12"
    assert "1 of" in map_page.locator(".st-key-map_head").inner_text()
    map_page.locator(RECORD.format("PKIR-C12")).wait_for()
    assert app_errors(map_page) == []


def test_clicking_a_chronology_event_opens_its_record(page, app_server):
    goto_page(page, app_server, "Chronology")
    point = page.locator("[data-testid='stVegaLiteChart'] g.mark-symbol path[aria-label$='ID: PKIR-D05']")
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box is not None, "the state visit of April 2024 is not drawn"
    run_and_wait(page, lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    page.locator(RECORD.format("PKIR-D05")).wait_for()
    assert page.get_by_role("link", name="Show on map").get_attribute("href").endswith("?incident=PKIR-D05")
    assert app_errors(page) == []
    assert sideways_overflow(page) == 0
    assert external_requests(page.recorded_requests) == []
