"""The map's cells (views/map/cells.py): the cell size and box a view asks for, the browser's
report checked, the colour classes, what cells.js receives, and the test-only limit setting."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from geo.settings import MAP_POINT_LIMIT_ENV, Settings, SettingsError
from views.map.build import build_map, map_html
from views.map.cells import (
    CHUNK,
    CellSet,
    ViewBox,
    cell_size,
    cells_data,
    class_breaks,
    class_of,
    first_view,
    guess_view,
    level_of,
    reported_view,
    view_box,
)


def test_the_cell_size_halves_with_each_zoom_level():
    assert [cell_size(level_of(z)) for z in (3, 5.5, 6, 6.99, 7, 12.25)] == [4, 1, 0.5, 0.5, 0.25, 2**-7]
    assert level_of(1) == 3 and level_of(25) == 18  # the map's zoom range


@pytest.mark.parametrize("zoom", [3, 5.75, 6.25, 9, 12.5, 18])
@pytest.mark.parametrize("bounds", [(60.1, 25.3, 66.7, 29.9), (61.01, 27.2, 61.07, 27.24), (-179.9, -80, 179.9, 85)])
def test_the_box_holds_the_view_and_lies_on_the_cell_grid(bounds, zoom):
    got = view_box(bounds, zoom)
    west, south, east, north = got.box
    assert west <= bounds[0] and south <= bounds[1] and east >= bounds[2] and north >= bounds[3]
    assert -180 <= west < east <= 180 and -90 <= south < north <= 90
    chunk = got.cell * CHUNK
    for edge in got.box:
        assert abs(edge) in (180, 90) or math.isclose(edge / chunk, round(edge / chunk))


def test_a_small_pan_asks_for_the_same_box():
    here = view_box((62.0, 26.0, 68.0, 29.0), 6.5)
    assert view_box((62.3, 26.1, 68.3, 29.1), 6.5) == here
    assert view_box((62.0, 26.0, 68.0, 29.0), 6.75) == here  # the same zoom level
    assert view_box((62.0, 26.0, 68.0, 29.0), 7.0).level == 7


@pytest.mark.parametrize(
    "props",
    [
        None,
        {"layer": "incidents", "bounds": [60, 25, 70, 30], "zoom": 7},
        {"layer": "view", "bounds": [70, 25, 60, 30], "zoom": 7},  # west east of east
        {"layer": "view", "bounds": [60, 30, 70, 25], "zoom": 7},
        {"layer": "view", "bounds": [60, 25, 70], "zoom": 7},
        {"layer": "view", "bounds": "60,25,70,30", "zoom": 7},
        {"layer": "view", "bounds": [60, 25, 70, float("inf")], "zoom": 7},
        {"layer": "view", "bounds": [60, 25, 70, 30], "zoom": "x"},
        {"layer": "view", "bounds": [60, 25, 70, 30], "zoom": 99},
        {"layer": "view", "bounds": [60, 25, 70, 30]},
    ],
)
def test_a_malformed_report_is_no_view(props):
    assert reported_view(props) is None


def test_a_report_is_a_view_clamped_to_the_world():
    got = reported_view({"layer": "view", "bounds": [-250, -95, 250, 95], "zoom": 3.5})
    assert got == ViewBox((-180.0, -90.0, 180.0, 90.0), 3)
    assert reported_view({"layer": "view", "bounds": ["60.5", 25, 70, 30], "zoom": 7}).level == 7


def test_the_first_view_is_the_address_or_the_region():
    region = [[24.5, 58.5], [32.5, 70.5]]
    first = first_view(region, None)
    assert first.level == 6 and first.box[0] <= 58.5 and first.box[2] >= 70.5
    linked = first_view(region, ((27.5, 62.5), 10))
    assert linked == guess_view((27.5, 62.5), 10) and linked.level == 10
    assert linked.box[0] < 62.5 < linked.box[2] and linked.box[2] - linked.box[0] < 5


def test_colour_classes_cover_the_counts():
    counts = np.array([1, 2, 5, 40, 999, 100_000])
    breaks = class_breaks(counts)
    assert breaks == sorted(set(breaks)) and breaks[-1] == 100_000 and len(breaks) == 5
    assert breaks == [10, 100, 1000, 10_000, 100_000]
    assert class_of(counts, breaks).tolist() == [0, 0, 0, 1, 2, 4]
    assert class_breaks(np.array([1, 1])) == [1]
    assert class_breaks(np.array([], dtype=int)) == [1]


def _cells() -> CellSet:
    frame = pd.DataFrame({"cell_x": [120, 121], "cell_y": [54, 55], "incidents": [3, 70], "fatalities": [0, 12]})
    return CellSet(frame, ViewBox((56.0, 24.0, 72.0, 32.0), 6))


def test_cells_js_gets_numbers_only():
    data = cells_data(_cells())
    assert data["cell"] == 0.5 and data["x"] == [120, 121] and data["y"] == [54, 55]
    assert data["n"] == [3, 70] and data["f"] == [0, 12]
    assert len(data["colours"]) == len(data["breaks"]) and data["k"][1] == len(data["breaks"]) - 1
    assert all(isinstance(v, (int, float)) for key in ("x", "y", "n", "f", "k", "breaks") for v in data[key])
    json.dumps(data)


def test_the_map_draws_cells_instead_of_incidents_and_tells_the_browser_what_they_cover():
    from geo.catalog import LAYERS
    from geo.loading import load_layer

    layers = {lid: load_layer(lid)[0] for lid in LAYERS if lid != "incidents"}
    built = build_map(layers, cells=_cells(), incident_total=999, standalone=True)
    page = map_html(built)
    assert "PKIR.cellLayer(" in page and "PKIR.incidentLayer(" not in page
    assert '<script src="/app/static/vendor/cells.js">' in page
    assert built.summary["cells"] == 2 and built.summary["incidents_in_cells"] == 73
    assert "PKIR.followView(null)" in page  # nothing to follow unless the page says so


def test_the_point_limit_setting():
    assert Settings.from_env({}).map_point_limit is None
    assert Settings.from_env({MAP_POINT_LIMIT_ENV: " 25 "}).map_point_limit == 25
    for bad in ("0", "-3", "ten", "1e3", "²"):
        with pytest.raises(SettingsError, match=MAP_POINT_LIMIT_ENV):
            Settings.from_env({MAP_POINT_LIMIT_ENV: bad})
