"""AppTest of the markets and crossings page: every site listed, unlocated ones said plainly."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.map_spy import MapSpy
from tests.app_helpers import open_page

pytestmark = pytest.mark.app


def start() -> AppTest:
    return open_page("pages/markets.py")


def test_six_markets_and_the_unlocated_ones_are_stated():
    at = start()
    markets = next(t.value for t in at.table if "Market" in t.value.columns)
    assert markets["Id"].tolist() == ["M1", "M2", "M3", "M4", "M5", "M6"]
    located = dict(zip(markets["Id"], markets["Location"], strict=True))
    for fid in ("M4", "M5", "M6"):
        assert located[fid].startswith("**not mapped"), located[fid]
    assert "approximate" in located["M1"] and not located["M1"].startswith("**")
    assert dict(zip(markets["Id"], markets["Opened"], strict=True))["M1"] == r"2023\-05\-18"
    intro = " ".join(m.value for m in at.markdown)
    assert r"3 of the 6 (M4\, M5\, M6) are not named" in intro
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Markets planned"] == "6" and metrics["Named and mapped"] == "3 of 6"


def test_crossings_table_and_x6():
    at = start()
    crossings = next(t.value for t in at.table if "Crossing" in t.value.columns)
    assert crossings["Id"].tolist() == ["X1", "X2", "X3", "X4", "X5", "X6"]
    x6 = crossings.set_index("Id").loc["X6", "Location"]
    assert x6.startswith("**not mapped")
    assert any("X6 cannot be placed" in c.value for c in at.caption)
    assert "https://" in crossings.set_index("Id").loc["X2", "Sources"]


def test_openings_and_power_line():
    at = start()
    opened = next(t.value for t in at.table if "Opened" in t.value.columns and "Site" in t.value.columns)
    assert opened["Site"].tolist()[0] == r"Gabd – Rimdan \(crossing\)"
    assert opened["Opened"].tolist() == [
        r"2020\-12\-19",
        r"2021\-04\-21 \(approx\.\)",
        r"2023\-04\-09 \(approx\.\)",
        r"2023\-05\-18",
    ]
    power = next(t.value for t in at.table if "Voltage" in t.value.columns)
    assert power["Voltage"].tolist() == ["not reported", "132 kV", "132 kV"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Capacity added by the line"] == "100 MW"
    assert metrics["Voltage (Pakistani side)"] == "132 kV"
    assert metrics["Inaugurated"] == "2023-05-18"


def test_record_selector_shows_an_unlocated_market():
    at = start()
    box = at.selectbox(key="markets_record")
    # options are shown formatted; the value is the site's (layer id, feature id)
    box.select_index(next(i for i, label in enumerate(box.options) if label.startswith("M4 ")))
    at.run()
    assert not at.exception
    html = " ".join(m.value for m in at.get("html"))
    assert 'data-id="M4"' in html and "do not name or locate this market" in html


def test_clicking_a_crossing_on_the_map_shows_its_record(monkeypatch):
    map_spy = MapSpy(monkeypatch)
    at = start()
    given = map_spy.last
    assert given["key"] == "markets_map"
    assert given["layers"]["markets"] == 3 and given["layers"]["crossings"] == 5  # M4-M6 and X6 not drawn
    map_spy.click("crossings", "X2", lat=25.31, lng=61.63)
    at.run()
    assert not at.exception
    html = " ".join(m.value for m in at.get("html") if "pkir-record" in m.value)
    assert 'data-id="X2"' in html and "2020-12-19" in html


def test_hostile_names_reach_the_tables_as_inert_text(tmp_path, settings_env):
    import json
    import shutil

    from geo.catalog import DATA_DIR, DATA_DIR_ENV, LAYERS

    for layer in LAYERS.values():
        shutil.copy(DATA_DIR / layer.file, tmp_path / layer.file)
    doc = json.loads((tmp_path / "markets.geojson").read_text(encoding="utf-8"))
    hostile = "<script>alert(1)</script> [click](javascript:alert(2)) **x** $a$ `b`"
    doc["features"][0]["properties"]["name"] = hostile
    doc["features"][0]["properties"]["sources"][0]["outlet"] = "<img src=x onerror=alert(3)>"
    (tmp_path / "markets.geojson").write_text(json.dumps(doc), encoding="utf-8")
    settings_env.setenv(DATA_DIR_ENV, str(tmp_path))
    at = start()
    markets = next(t.value for t in at.table if "Market" in t.value.columns)
    cell = markets["Market"].iloc[0]
    assert cell == (
        r"\<script\>alert\(1\)\<\/script\> \[click\]\(javascript\:alert\(2\)\) \*\*x\*\* \$a\$ "
        r"\`b\`"
    )
    sources = markets["Sources"].iloc[0]
    assert sources.startswith(r"[\<img src\=x onerror\=alert\(3\)\>](<https://")
    html = " ".join(m.value for m in at.get("html") if "pkir-record" in m.value)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_dates_say_their_precision_once_in_plain_words():
    at = start()
    cells = [str(v) for t in at.table for col in t.value.columns for v in t.value[col]]
    assert not [c for c in cells if "(day (" in c or "day \\(approx" in c]
    assert any(c.endswith(r"\(approx\.\)") for c in cells)


def stacked_lists(at: AppTest) -> list[list[str]]:
    """The phone form of the tables (ui.tables): one Markdown list per table, one item per row."""
    return [m.value.split("\n- ") for m in at.markdown if m.value.startswith("- **") and ":gray[" in m.value]


def test_a_phone_gets_every_cell_of_every_table_as_stacked_rows():
    at = start()
    tables, lists = [t.value for t in at.table], stacked_lists(at)
    assert len(tables) == len(lists) == 4
    for table, items in zip(tables, lists, strict=True):
        assert len(items) == len(table)
        for item, row in zip(items, table.to_dict("records"), strict=True):
            for label, cell in row.items():
                if cell:
                    assert cell in item, (label, cell, item)
    markets = lists[1]
    assert markets[0].startswith("- **M1 · Mand – Pishin**  \n  :gray[Phase:] 1")
