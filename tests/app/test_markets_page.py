"""AppTest of the markets and crossings page: every site listed, unlocated ones said plainly."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_helpers import ROOT

pytestmark = pytest.mark.app


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/markets.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_six_markets_and_the_unlocated_ones_are_stated():
    at = start()
    markets = at.table[0].value
    assert markets["Id"].tolist() == ["M1", "M2", "M3", "M4", "M5", "M6"]
    located = dict(zip(markets["Id"], markets["Location"], strict=True))
    for fid in ("M4", "M5", "M6"):
        assert located[fid].startswith("**not mapped"), located[fid]
    assert "approximate" in located["M1"] and not located["M1"].startswith("**")
    assert dict(zip(markets["Id"], markets["Opened"], strict=True))["M1"] == r"2023\-05\-18"
    intro = " ".join(m.value for m in at.markdown)
    assert "3 of the 6 (M4, M5, M6) are not named" in intro
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Markets planned"] == "6" and metrics["Named and mapped"] == "3 of 6"


def test_crossings_table_and_x6():
    at = start()
    crossings = at.table[1].value
    assert crossings["Id"].tolist() == ["X1", "X2", "X3", "X4", "X5", "X6"]
    x6 = crossings.set_index("Id").loc["X6", "Location"]
    assert x6.startswith("**not mapped")
    assert any("X6 cannot be placed" in c.value for c in at.caption)
    assert "https://" in crossings.set_index("Id").loc["X2", "Sources"]


def test_openings_and_power_line():
    at = start()
    opened = next(d.value for d in at.dataframe if "type" in d.value.columns)
    assert opened["name"].tolist()[0] == "Gabd – Rimdan"
    power = next(d.value for d in at.dataframe if "voltage_kv" in d.value.columns)
    assert len(power) == 3
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Capacity supplied over it"] == "100 MW"
    assert metrics["Voltage (Pakistani side)"] == "132 kV"
    assert metrics["Inaugurated"] == "2023-05-18"


def test_record_selector_shows_an_unlocated_market():
    at = start()
    box = at.selectbox(key="markets_record")
    # options are shown formatted; the value is the index into the list of sites
    box.set_value(next(i for i, label in enumerate(box.options) if label.startswith("M4 ")))
    at.run()
    assert not at.exception
    html = " ".join(m.value for m in at.markdown)
    assert 'data-id="M4"' in html and "do not name or locate this market" in html
