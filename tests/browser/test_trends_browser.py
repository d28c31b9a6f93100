"""The Trends page in a browser at 1366x768 and on a 390 px phone: the choropleth is drawn (district
polygons filled in their class colours, not a blank map) and a click on a district filters every page."""

import pytest

from geo.trends import CLASS_COLOURS

from .conftest import ARTIFACTS, app_errors, run_and_wait, sideways_overflow, wait_for_app, wait_for_map

DISTRICTS = 60  # Balochistan's 34 districts and Sistan and Baluchestan's 26 counties (geo/data/districts.geojson)
CLICKED = "Zahedan"
INSIDE = (29.49, 60.87)  # Zahedan city, well inside its county

# the district polygons' fill colours and the point (in the map's frame) inside a named district
DRAWN_JS = """() => {
  const layer = PKIR.layers.districts;
  if (!layer) return null;
  const out = [];
  layer.eachLayer(l => out.push({id: l.feature.properties.id, fill: l.options.fillColor,
                                 drawn: !!(l._path && l._path.getAttribute('d'))}));
  return out;
}"""
POINT_IN_JS = """([lat, lng]) => {
  PKIR.map.setView([lat, lng], Math.max(PKIR.map.getZoom(), 7), {animate: false});
  const p = PKIR.map.latLngToContainerPoint([lat, lng]);
  const r = PKIR.map.getContainer().getBoundingClientRect();
  return {x: r.left + p.x, y: r.top + p.y};
}"""


@pytest.mark.parametrize("device", ["laptop", "phone"])
def test_choropleth_draws_and_a_district_click_filters(device, request, app_server):
    page = request.getfixturevalue(device)
    page.goto(f"{app_server}/trends")
    wait_for_app(page)
    assert app_errors(page) == []
    frame = wait_for_map(page, min_features=DISTRICTS)
    drawn = frame.evaluate(DRAWN_JS)
    assert drawn is not None and len(drawn) == DISTRICTS
    assert all(d["drawn"] for d in drawn)
    assert {d["fill"] for d in drawn} <= set(CLASS_COLOURS.values())
    # filled, not outlines over an empty map: the polygons' computed fill is opaque enough to see
    opacity = frame.evaluate(
        "() => { const o = []; PKIR.layers.districts.eachLayer(l => o.push(getComputedStyle(l._path).fillOpacity));"
        " return o; }"
    )
    assert min(float(o) for o in opacity) >= 0.5
    assert sideways_overflow(page) == 0

    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    iframe.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"trends-{device}.png"), full_page=False)
    point = frame.evaluate(POINT_IN_JS, list(INSIDE))
    page.wait_for_timeout(300)
    box = iframe.bounding_box()
    assert point is not None
    run_and_wait(page, lambda: page.mouse.click(box["x"] + point["x"], box["y"] + point["y"]))
    wait_for_app(page)
    assert app_errors(page) == []
    # the sidebar's district filter now names it, and the page outlines it
    chosen = page.get_by_role("combobox", name="District").input_value()
    assert chosen == f"{CLICKED} (Iran)"
    frame = wait_for_map(page, min_features=DISTRICTS)
    weights = frame.evaluate(
        "() => { const o = {}; PKIR.layers.districts.eachLayer(l => o[l.feature.properties.id] = l.options.weight);"
        " return o; }"
    )
    assert weights[f"IRN.SB.{CLICKED.lower()}"] == 3
    assert sorted(weights.values())[-2] < 3  # only the chosen one


def test_a_row_picked_in_the_table_filters_to_its_district(laptop, app_server):
    page = laptop
    page.goto(f"{app_server}/trends")
    wait_for_app(page)
    wait_for_map(page, min_features=DISTRICTS)
    district = page.get_by_role("combobox", name="District")
    assert district.input_value() == "All districts"
    grid = page.locator("[class*='st-key-trends_table'] [data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # the tick box of the first row (the district with most incidents now): left column, below the header
    run_and_wait(page, lambda: page.mouse.click(box["x"] + 16, box["y"] + 35 + 17))
    chosen = district.input_value()
    assert chosen.endswith(" (Iran)"), chosen
    frame = wait_for_map(page, min_features=DISTRICTS)
    outlined = frame.evaluate(
        "() => { const o = []; PKIR.layers.districts.eachLayer(l => { if (l.options.weight === 3)"
        " o.push(l.feature.properties.tip); }); return o; }"
    )
    assert len(outlined) == 1 and chosen.removesuffix(" (Iran)") in outlined[0]
    assert app_errors(page) == []
