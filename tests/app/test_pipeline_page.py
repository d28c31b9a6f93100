"""AppTest of the pipeline page: segments table, and the penalty widgets driving the figures."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.map_spy import MapSpy
from tests.app_helpers import open_page

pytestmark = pytest.mark.app


def start() -> AppTest:
    return open_page("pages/pipeline.py")


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_loads_with_segments_and_default_penalty():
    at = start()
    assert at.title[0].value == "Iran–Pakistan gas pipeline"
    segments = next(t.value for t in at.table if "Segment" in t.value.columns)
    assert segments["Segment"].tolist()[0] == r"Asaluyeh – Iranshahr \(IGAT\-7\)"
    assert segments["Reported km"].tolist()[0] == "902" and segments["Measured km"].tolist()[0] == "801.6"
    assert segments["Difference"].tolist() == ["-11.1%", "-20.7%", "-10.3%", "-10.0%"]
    assert segments["Diameter"].tolist() == ["56 in", "56 in", "42 in", "42 in"]
    assert set(segments.columns) >= {"Status", "Date"}
    m = metrics(at)
    assert m["Pakistan: not built"] == "781 km"
    # US$1 m a day from 2015-01-01 to 2023-12-31: 3,287 days
    assert m["Liability at the assumed rate"] == "US$3.29 bn"
    assert m["Days counted"] == "3,287"


def test_setting_rate_and_dates_by_key_changes_the_figures():
    at = start()
    at.number_input(key="penalty_rate_musd").set_value(3.0).run()
    assert metrics(at)["Liability at the assumed rate"] == "US$9.86 bn"
    assert at.selectbox(key="penalty_preset").value == "My own assumption"
    at.date_input(key="penalty_end").set_value(date(2024, 8, 26)).run()
    m = metrics(at)
    assert m["Days counted"] == "3,526"  # 3,287 + the 239 days of 2024 to 26 August
    assert m["Liability at the assumed rate"] == "US$10.58 bn"
    schedule = next(t.value for t in at.table if "Cumulative (US$ m)" in t.value.columns)
    assert schedule["Year"].tolist()[-1] == "2024" and schedule["Days"].tolist()[-1] == "239"
    assert schedule["Cumulative (US$ m)"].tolist()[-1] == "10,578.0"


def test_yearly_rate_and_start_date():
    at = start()
    at.number_input(key="penalty_rate_musd").set_value(1000.0)
    at.radio(key="penalty_per").set_value("year")
    at.date_input(key="penalty_start").set_value(date(2014, 1, 1))
    at.run()
    assert not at.exception
    assert metrics(at)["Liability at the assumed rate"] == "US$10.00 bn"  # the article's rate: 10 years, not 19


def test_a_source_preset_fills_the_widgets():
    at = start()
    at.selectbox(key="penalty_preset").set_value("Source article: US$1 bn a year from 2014").run()
    assert at.number_input(key="penalty_rate_musd").value == 1000.0
    assert at.radio(key="penalty_per").value == "year"
    assert at.date_input(key="penalty_start").value == date(2014, 1, 1)
    assert metrics(at)["Liability at the assumed rate"] == "US$10.00 bn"


def test_end_before_start_accrues_nothing():
    at = start()
    at.date_input(key="penalty_end").set_value(date(2014, 6, 30)).run()
    assert not at.exception
    assert metrics(at)["Liability at the assumed rate"] == "US$0.00 m"
    assert any("before the start date" in w.value for w in at.warning)


@pytest.mark.parametrize("per", ["day", "year"])
def test_as_of_years_before_the_start_warns_without_a_traceback(per):
    # issue 8: the warning showed, then an IndexError from geo/penalty.py's chart
    at = start()
    at.radio(key="penalty_per").set_value(per)
    at.date_input(key="penalty_end").set_value(date(2012, 3, 1)).run()
    assert not at.exception
    assert any("before the start date" in w.value for w in at.warning)
    assert metrics(at)["Days counted"] == "0"


def test_article_arithmetic_and_claims_are_shown():
    at = start()
    text = " ".join(w.value for w in at.warning)
    assert "does not follow from its own rate" in text
    assert "10 years" in text and r"US\$5\.78 m a day" in text
    claims = next(t.value for t in at.table if "Says" in t.value.columns)
    said = " ".join(claims.iloc[:, 0].astype(str))
    assert "propakistani.pk" in said and "financialtribune.com" in said and "arynews.tv" in said
    assert "no link in our copy" in said  # the article itself


def test_claims_are_set_side_by_side_with_their_sources():
    at = start()
    claims = next(t.value for t in at.table if "Says" in t.value.columns)
    figures = claims["Figure"].tolist()
    # rates first, then claimed totals, then the amendment's date, each with its own source
    sources = claims["Source"].astype(str).tolist()
    said = " ".join(sources)
    for host in ("propakistani.pk", "zawya.com", "financialtribune.com", "business-standard.com", "tehrantimes.com"):
        assert host in said, host
    kinds = ["rate" if " per " in f else "total" if "in total" in f else "condition" for f in figures]
    assert kinds == sorted(kinds, key=["rate", "total", "condition"].index)
    assert kinds.count("rate") == 5
    assert sum("in total" in f for f in figures) == 4  # the article's 19 bn and three reports of 18 bn
    text = " ".join(w.value for w in at.warning)
    assert r"US\$9\.5 bn" in text  # the article's own rate by the time it appeared


@pytest.fixture
def fake_folium(monkeypatch):
    """Stands in for st_folium (see tests/app/map_spy.py): returns a scripted click."""
    return MapSpy(monkeypatch)


def records(at: AppTest) -> str:
    return "\n".join(m.value for m in at.get("html") if "pkir-record" in m.value)


def test_route_map_is_given_the_route_and_its_places(monkeypatch):
    map_spy = MapSpy(monkeypatch)
    start()
    given = map_spy.last
    assert given["key"] == "pipeline_map"
    assert given["layers"]["pipeline"] == 4 and given["basemap"] == "offline"
    assert sorted(given["labels"]) == ["Asaluyeh", "Gwadar", "Iranshahr", "Nawabshah"]


def test_clicking_a_segment_on_the_map_shows_its_record(fake_folium):
    at = start()
    assert fake_folium.calls[-1]["key"] == "pipeline_map"
    assert records(at) == ""
    fake_folium.click("pipeline", "P3")
    at.run()
    assert not at.exception
    assert 'data-id="P3"' in records(at)
    assert at.selectbox(key="pipeline_record").value == ("pipeline", "P3")
    # the choice holds on the next run (the map reports each click once)
    at.number_input(key="penalty_rate_musd").set_value(2.0).run()
    assert 'data-id="P3"' in records(at)


def test_choosing_a_segment_in_the_list_shows_its_record():
    at = start()
    at.selectbox(key="pipeline_record").select_index(0).run()
    html = records(at)
    assert 'data-id="P1"' in html and "https://en.trend.az/" in html
