"""The Trends choropleth built without a browser: one feature per unit in its class colour, the
chosen district outlined, data text escaped, the ODbL credit on the districts, no outside URL."""

from __future__ import annotations

import json
import re

import pandas as pd

from geo.catalog import DISTRICTS_CREDIT
from geo.districts import shipped_districts
from geo.loading import load_layer
from geo.trends import (
    CLASS_COLOURS,
    COUNT_COLOURS,
    NO_EVENT_COLOUR,
    count_colours,
    count_labels,
    count_scale,
    district_trends,
    hexagon_trends,
)
from tests.test_trends import answer
from views.map.build import map_html
from views.map.trends_map import change_text, count_legend, trends_map

LAYERS = {k: load_layer(k)[0] for k in ("countries", "provinces", "border")}


def _cells(points, unit="district"):
    """The store's answer for these points, per district (or per H3 hexagon at resolution 5)."""
    return answer(points, unit=unit)


def _features(html: str, layer: str) -> list[dict]:
    """The FeatureCollection handed to PKIR.featureLayer for a layer."""
    for match in re.finditer(r"PKIR\.featureLayer\([^,]+, (\{.*?\}), (\{[^}]*\})\);", html):
        options = json.loads(match.group(2))
        if options["layer"] == layer:
            return json.loads(match.group(1))["features"], options
    raise AssertionError(f"no {layer} layer")


def test_districts_are_coloured_by_class_and_the_chosen_one_is_outlined():
    districts = shipped_districts().copy()
    districts.loc[districts["id"] == "IRN.SB.chabahar", "name"] = "<img src=x onerror=alert(1)>"
    now = _cells([(60.87, 29.49)] * 8 + [(60.64, 25.30)] * 6)
    before = _cells([(60.87, 29.49)] * 2 + [(60.64, 25.30)] * 6)
    table = district_trends(now, before, districts)
    shown = districts.set_index("id")[["geometry"]].join(table)
    html = map_html(trends_map({**LAYERS, "districts": districts}, shown, selected="IRN.SB.zahedan", standalone=True))
    features, options = _features(html, "districts")
    assert len(features) == len(districts) and options["attribution"] == DISTRICTS_CREDIT
    by_id = {f["properties"]["id"]: f["properties"] for f in features}
    assert by_id["IRN.SB.zahedan"]["style"]["fillColor"] == CLASS_COLOURS["large increase"]
    assert by_id["IRN.SB.chabahar"]["style"]["fillColor"] == CLASS_COLOURS["stable"]
    assert by_id["IRN.SB.khash"]["style"]["fillColor"] == CLASS_COLOURS["too few to say"]
    assert by_id["IRN.SB.zahedan"]["style"]["weight"] == 3
    assert sorted(p["style"]["weight"] for p in by_id.values())[-2] < 3
    assert "&lt;img src=x" in by_id["IRN.SB.chabahar"]["tip"] and "<img" not in by_id["IRN.SB.chabahar"]["tip"]
    assert "8 now, 2 before (+300 %)" in by_id["IRN.SB.zahedan"]["tip"]
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)[^\"' ]+\.(js|css)", html)


def test_hexagons_draw_one_polygon_each():
    now = _cells([(60.87, 29.49)] * 6 + [(66.99, 30.18)], "h3")
    hexes = hexagon_trends(now, _cells([(60.87, 29.49)], "h3"), 5)
    html = map_html(trends_map(LAYERS, hexes, unit="hexagons", standalone=True))
    features, _ = _features(html, "hexagons")
    assert len(features) == 2 and all(len(f["geometry"]["coordinates"][0]) == 7 for f in features)


def test_change_text():
    assert [change_text(v) for v in (40.0, -12.4, float("inf"), float("nan"))] == ["+40 %", "-12 %", "new", "–"]
    assert change_text(pd.NA) == "–"


def test_the_two_periods_share_one_count_scale():
    districts = shipped_districts()
    now = _cells([(60.87, 29.49)] * 40 + [(60.64, 25.30)] * 2)
    before = _cells([(60.87, 29.49)] * 2)
    table = district_trends(now, before, districts)
    shown = districts.set_index("id")[["geometry"]].join(table)
    scale = count_scale(shown["baseline"], shown["current"])
    assert scale[0] == 1 and scale[-1] <= 40 and list(scale) == sorted(set(scale))
    fills = {}
    for column in ("baseline", "current"):
        colours = count_colours(shown[column], scale)
        legend = count_legend(f"Incidents, {column}", scale)
        html = map_html(
            trends_map({**LAYERS, "districts": districts}, shown, fills=colours, legend=legend, standalone=True)
        )
        features, _ = _features(html, "districts")
        fills[column] = {f["properties"]["id"]: f["properties"]["style"]["fillColor"] for f in features}
        assert f"Incidents, {column}" in html and "none" in html
    # the same count has the same colour on both maps; no event is the neutral colour
    assert fills["current"]["IRN.SB.zahedan"] == COUNT_COLOURS[-1]
    assert fills["baseline"]["IRN.SB.zahedan"] == fills["current"]["IRN.SB.chabahar"] != COUNT_COLOURS[-1]
    assert fills["baseline"]["IRN.SB.chabahar"] == NO_EVENT_COLOUR


def test_count_bins_are_named_by_their_bounds():
    assert count_scale([0], [0]) == (1,)
    scale = count_scale([999], [12])
    assert count_labels(scale)[0].startswith("1") and count_labels(scale)[-1].endswith("+")
    assert count_colours([0, 1, 999], scale)[1:] == [COUNT_COLOURS[0], COUNT_COLOURS[-1]]
