"""The border map with 100,000 incidents in headless Chromium: a click on an incident opens the
record of that incident, a filter redraws the map and keeps or drops the highlight, and a click
on the filtered map still finds its record. Also: incidents stacked at one place are spread on a
click and each can be opened. Timing is bench/bench_scale.py's business, not these tests'.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from geo.catalog import DATA_DIR, LAYERS

from .harness import app_errors, find_single_incident, launch_app, run_and_wait, wait_for_app, wait_for_map

N = 100_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
READY = "() => window.PKIR && PKIR.layers.incidents && PKIR.layers.incidents.drawnCount > 0"
SHOWN = re.compile(r"([\d,]+) of ([\d,]+) incidents shown")
POINT = re.compile(r"Map point \(lat, lon\)\s*(-?\d+\.\d+), (-?\d+\.\d+)")


@pytest.fixture(scope="module")
def large_app(tmp_path_factory, browser):
    from bench.synthetic import make_data_dir

    folder = make_data_dir(tmp_path_factory.mktemp("scale") / "data", N)
    server = launch_app(data_dir=folder, timeout=300)
    yield server
    server.stop()


def open_map(page, url: str):
    page.goto(url, timeout=300_000)
    wait_for_app(page, timeout=300_000)
    frame = wait_for_map(page, timeout=300_000)
    frame.wait_for_function(READY, polling=100, timeout=300_000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    return frame


def click(page, frame, target) -> None:
    box = page.locator(MAP_FRAME).bounding_box()
    run_and_wait(page, lambda: page.mouse.click(box["x"] + target["x"], box["y"] + target["y"]), timeout=120_000)


def record_point(page) -> tuple[str, float, float]:
    panel = page.locator(".pkir-record").first
    match = POINT.search(panel.inner_text())
    assert match, panel.inner_text()
    return panel.get_attribute("data-id"), float(match.group(1)), float(match.group(2))


def received_bytes(page) -> list[int]:
    """A counter of what the page's websocket brings in (register before the page loads)."""
    got = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: got.__setitem__(0, got[0] + len(data))))
    return got


def test_click_filter_and_click_again_at_100k(large_app, page):
    received = received_bytes(page)
    frame = open_map(page, large_app.url)
    shown, total = (int(v.replace(",", "")) for v in SHOWN.search(page.inner_text("body")).groups())
    assert total == N and frame.evaluate("() => PKIR.layers.incidents.d.n") == shown
    assert frame.evaluate("() => PKIR.layers.incidents.d.ids") is None, "100k incidents travel without ids"

    first = find_single_incident(frame)
    assert first, "no incident drawn on its own in view"
    assert first["id"].startswith("#")
    # the payload travels beside the map, hidden, and is not sent again for a click
    payload = page.locator(".pkir-payload")
    assert payload.count() == 1 and not payload.is_visible()
    assert payload.get_attribute("data-key") == frame.evaluate("() => PKIR.layers.incidents.key")
    payload_size = len(payload.get_attribute("data-json"))
    assert payload_size > 13 * shown
    before = received[0]
    click(page, frame, first)
    incident_id, lat, lon = record_point(page)
    assert (lat, lon) == (pytest.approx(first["lat"], abs=2e-4), pytest.approx(first["lon"], abs=2e-4))
    assert re.fullmatch(r"SYN-\d{7}", incident_id)
    assert f"incident={incident_id}" in page.url
    assert received[0] - before < payload_size / 4, "a click sent the incidents again"
    frame.wait_for_function("(id) => PKIR.selectedRef() === 'incidents|' + id", arg=incident_id)
    assert frame.locator("path.pkir-highlight").count() == 1

    key = frame.evaluate("() => PKIR.layers.incidents.key")
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Category")
    box.click()
    page.keyboard.type("attack")  # the list opens once something is typed
    run_and_wait(page, lambda: page.get_by_role("option", name="attack", exact=True).click(), timeout=120_000)
    page.keyboard.press("Escape")
    frame.wait_for_function("(k) => PKIR.layers.incidents.key !== k && PKIR.layers.incidents.drawnCount > 0", arg=key)
    filtered = int(SHOWN.search(page.inner_text("body")).group(1).replace(",", ""))
    assert 0 < filtered < shown and frame.evaluate("() => PKIR.layers.incidents.d.n") == filtered
    hidden = page.get_by_text("This incident is hidden on the map by the current filters.").count() == 1
    assert frame.locator("path.pkir-highlight").count() == (0 if hidden else 1)

    second = find_single_incident(frame, first["row"])
    assert second, "no incident drawn on its own in the filtered view"
    click(page, frame, second)
    second_id, lat, lon = record_point(page)
    assert (lat, lon) == (pytest.approx(second["lat"], abs=2e-4), pytest.approx(second["lon"], abs=2e-4))
    assert (
        "Attack" in page.locator(".pkir-record").first.inner_text()
        or "attack" in page.locator(".pkir-record").first.inner_text()
    )
    frame.wait_for_function("(id) => PKIR.selectedRef() === 'incidents|' + id", arg=second_id)
    assert not app_errors(page)


def stacked_data_dir(folder: Path, n: int = 12) -> Path:
    """The shipped layers plus n incidents at one place (a town centroid, as imported data has them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for layer in LAYERS.values():
        shutil.copyfile(DATA_DIR / layer.file, folder / layer.file)
    doc = json.loads((DATA_DIR / "incidents.geojson").read_text(encoding="utf-8"))
    base = next(f for f in doc["features"] if f["properties"]["id"] == "PKIR-A01")
    for k in range(n):
        f = json.loads(json.dumps(base))
        f["properties"].update(id=f"STACK-{k:02d}", title=f"Stacked incident {k}", location_precision="town")
        f["geometry"] = {"type": "Point", "coordinates": [65.0, 26.2]}  # nothing else near
        doc["features"].append(f)
    (folder / "incidents.geojson").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def test_a_stack_at_one_place_is_spread_and_each_incident_opens(start_app, page, tmp_path):
    server = start_app(data_dir=stacked_data_dir(tmp_path / "data"))
    frame = open_map(page, server.url)
    where = frame.evaluate(
        "() => { const p = PKIR.map.latLngToContainerPoint([26.2, 65.0]);"
        " const b = PKIR.map.getContainer().getBoundingClientRect();"
        " return {x: b.left + p.x, y: b.top + p.y}; }"
    )
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    frame.wait_for_function("() => PKIR.layers.incidents.spreadOut && PKIR.layers.incidents.spreadOut.total >= 12")
    spread = frame.evaluate(
        "() => { const l = PKIR.layers.incidents, b = PKIR.map.getContainer().getBoundingClientRect();"
        " return l.visible().filter(v => v.id.startsWith('STACK-'))"
        "   .map(v => ({id: v.id, x: b.left + v.x, y: b.top + v.y})); }"
    )
    assert len(spread) == 12 and len({(round(v["x"]), round(v["y"])) for v in spread}) == 12, "each has its own place"
    target = spread[5]
    box = page.locator(MAP_FRAME).bounding_box()
    run_and_wait(page, lambda: page.mouse.click(box["x"] + target["x"], box["y"] + target["y"]))
    assert page.locator(".pkir-record").first.get_attribute("data-id") == target["id"]
    assert frame.evaluate("() => PKIR.selectedRef()") == f"incidents|{target['id']}"
    assert not app_errors(page)
