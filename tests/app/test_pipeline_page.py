"""AppTest of the pipeline page: segments table, and the penalty widgets driving the figures."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_helpers import ROOT

pytestmark = pytest.mark.app


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/pipeline.py")
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_loads_with_segments_and_default_penalty():
    at = start()
    assert at.title[0].value == "Iran–Pakistan gas pipeline"
    segments = at.dataframe(key="pipeline_segments").value
    assert segments["segment"].tolist()[0] == "Asaluyeh – Iranshahr (IGAT-7)"
    assert len(segments) == 4
    assert {"reported_km", "measured_km", "diff_pct", "status", "date", "diameter_in"} <= set(segments.columns)
    m = metrics(at)
    assert m["Pakistan section — not built"] == "781 km reported"
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
    schedule = next(d.value for d in at.dataframe if "days" in d.value.columns)
    assert schedule["year"].tolist()[-1] == 2024 and schedule["days"].tolist()[-1] == 239


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


def test_article_arithmetic_and_claims_are_shown():
    at = start()
    text = " ".join(w.value for w in at.warning)
    assert "does not follow from its own rate" in text
    assert "10 years" in text and r"US\$5\.78 m a day" in text
    claims = at.table[0].value
    said = " ".join(claims.iloc[:, 0].astype(str))
    assert "propakistani.pk" in said and "financialtribune.com" in said and "arynews.tv" in said
    assert "no link in our copy" in said  # the article itself
