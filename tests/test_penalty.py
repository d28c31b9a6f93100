"""The penalty schedule: day-exact arithmetic, golden schedules, and the sources' claims checked."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo import penalty
from views import penalty_chart

GOLDEN = Path(__file__).parent / "data" / "golden"


def _golden(name: str) -> pd.DataFrame:
    frame = pd.read_csv(GOLDEN / name)
    for col in ("period_start", "period_end"):
        frame[col] = [date.fromisoformat(v) for v in frame[col]]
    return frame.astype({"amount": "float64", "cumulative": "float64"})


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("penalty_1m_per_day_2015-01-01_2023-12-31.csv", (1e6, "2015-01-01", "2023-12-31", "day")),
        ("penalty_1m_per_day_2015-07-01_2024-08-26.csv", (1e6, "2015-07-01", "2024-08-26", "day")),
        ("penalty_1bn_per_year_2014-01-01_2023-12-31.csv", (1e9, "2014-01-01", "2023-12-31", "year")),
    ],
)
def test_schedule_matches_golden(name, args):
    pd.testing.assert_frame_equal(penalty.penalty_schedule(*args), _golden(name))


def test_one_million_a_day_from_2015_counts_leap_days():
    sched = penalty.penalty_schedule(1e6, date(2015, 1, 1), date(2023, 12, 31))
    assert sched["days"].sum() == 3287  # 9 years, two of them (2016, 2020) leap years
    assert dict(zip(sched["year"], sched["days"], strict=True))[2016] == 366
    assert sched["cumulative"].iloc[-1] == pytest.approx(3.287e9)
    assert (sched["amount"] == sched["days"] * 1e6).all()


def test_partial_first_and_last_year():
    sched = penalty.penalty_schedule(2e6, "2015-07-01", "2016-02-29")
    assert sched["year"].tolist() == [2015, 2016]
    assert sched["days"].tolist() == [184, 60]
    assert sched["amount"].tolist() == [368e6, 120e6]
    assert sched["period_start"].tolist() == [date(2015, 7, 1), date(2016, 1, 1)]
    assert sched["period_end"].tolist() == [date(2015, 12, 31), date(2016, 2, 29)]


def test_yearly_rate_prorates_a_partial_year_by_its_own_days():
    sched = penalty.penalty_schedule(366e6, "2016-01-01", "2016-01-31", per="year")
    assert sched["amount"].tolist() == [31e6]  # 2016 has 366 days: 1 m per day exactly
    full = penalty.penalty_schedule(1e9, "2016-01-01", "2016-12-31", per="year")
    assert full["amount"].tolist() == [1e9]


def test_single_day_and_empty_range():
    assert penalty.penalty_schedule(1e6, "2020-02-29", "2020-02-29")["amount"].tolist() == [1e6]
    empty = penalty.penalty_schedule(1e6, "2020-01-02", "2020-01-01")
    assert empty.empty and list(empty.columns) == penalty.SCHEDULE_COLUMNS
    assert penalty.total_liability(1e6, "2020-01-02", "2020-01-01") == 0.0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="per must be one of"):
        penalty.penalty_schedule(1e6, "2015-01-01", "2016-01-01", per="month")
    with pytest.raises(ValueError, match="cannot be negative"):
        penalty.penalty_schedule(-1, "2015-01-01", "2016-01-01")
    with pytest.raises(ValueError, match="no days between"):
        penalty.rate_for_total(1e9, "2016-01-02", "2016-01-01")


def test_the_articles_arithmetic_does_not_reach_its_own_total():
    check = penalty.article_check()
    assert check.years_counted == 10  # 2014..2023 both included
    assert check.total_at_stated_rate == pytest.approx(10e9)
    assert check.claimed_total == 19e9
    assert check.shortfall == pytest.approx(9e9)
    assert check.years_needed_at_stated_rate == pytest.approx(19.0)
    assert check.rate_per_day_for_claim_2015 == pytest.approx(19e9 / 3287)  # ~US$5.78 m a day
    assert round(check.rate_per_day_for_claim_2015 / 1e6, 2) == 5.78
    assert check.rate_per_day_for_claim_2014 == pytest.approx(19e9 / 3652)
    assert check.total_at_1m_per_day == pytest.approx(3.287e9)
    assert check.total_at_3m_per_day == pytest.approx(9.861e9)


def test_claims_are_sourced_and_complete():
    by_id = {c.id: c for c in penalty.claims()}
    assert {
        "propakistani_rate",
        "tribune_rate",
        "article_rate",
        "article_total",
        "iran_claim",
        "amendment_2019",
    } <= set(by_id)
    assert by_id["propakistani_rate"].amount_usd == 1e6 and by_id["propakistani_rate"].start == date(2015, 1, 1)
    assert by_id["tribune_rate"].amount_usd == 3e6
    assert by_id["article_total"].amount_usd == 19e9
    assert by_id["iran_claim"].amount_usd == 18e9
    assert by_id["amendment_2019"].as_of == date(2024, 8, 26)
    for c in by_id.values():
        assert c.url is None or c.url.startswith("https://"), c.id
        assert c.url or c.outlet == "Source article", c.id
        assert c.kind in ("rate", "total", "condition")


def test_claim_table_gives_what_each_rate_adds_up_to():
    table = penalty.claim_table("2023-12-31").set_index("id")
    assert table.loc["propakistani_rate", "implied_total_usd"] == pytest.approx(3.287e9)
    assert table.loc["tribune_rate", "implied_total_usd"] == pytest.approx(9.861e9)
    assert table.loc["article_rate", "implied_total_usd"] == pytest.approx(10e9)
    assert pd.isna(table.loc["iran_claim", "implied_total_usd"])


def test_comparison_series_starts_each_line_at_zero_and_follows_the_chosen_rate():
    frame = penalty.comparison_series(2e6, "2015-01-01", "2016-12-31")
    mine = frame[frame["series"] == "Your assumption"]
    assert mine["cumulative"].tolist() == [0.0, 730e6, 1462e6]
    assert mine["date"].dt.date.tolist() == [date(2015, 1, 1), date(2015, 12, 31), date(2016, 12, 31)]
    assert frame["series"].nunique() == 4  # the chosen rate and the three sourced rates
    article = frame[frame["series"].str.startswith("Source article")]
    assert article["cumulative"].iloc[-1] == pytest.approx(3e9)  # 2014, 2015, 2016


def test_money_formatting():
    assert penalty.money(3.287e9) == "US$3.29 bn"
    assert penalty.money(5.78e6) == "US$5.78 m"
    assert penalty.money(None) == "–"


def test_money_below_a_million():
    assert penalty.money(5479.45) == "US$5,479"
    assert penalty.money(0) == "US$0.00 m"


def test_liability_chart_carries_the_chosen_rate_the_claims_and_the_amendment():
    spec = penalty_chart.liability_chart(2e6, "2015-01-01", "2016-12-31").to_dict()
    datasets = spec["datasets"].values()
    rows = [row for ds in datasets for row in ds]
    mine = [r for r in rows if str(r.get("series", "")).startswith("Your assumption")]
    assert [round(r["usd_bn"], 3) for r in mine] == [0.0, 0.73, 1.462]
    assert mine[0]["series"] == "Your assumption: US$2 m/day from 2015-01-01"
    claimed = sorted({r["usd_bn"] for r in rows if "claim" in r})
    assert claimed == [18.0, 19.0]
    assert any(r.get("label", "").startswith("2019 amendment") for r in rows)
    assert {r.get("label") for r in rows} >= {
        "claimed total US$18 bn: Iran's threatened claim (2023, 2024)",
        "claimed total US$19 bn: the article's total 'in 2023'",
    }


@pytest.mark.parametrize("per", ["day", "year"])
@pytest.mark.parametrize("end", [date(2013, 6, 30), date(2010, 1, 1), date(2014, 6, 30)])
def test_liability_chart_draws_when_as_of_is_before_the_start(per, end):
    # issue 8: "As of" before "Penalty runs from" raised IndexError once no line had a point
    spec = penalty_chart.liability_chart(1e6 if per == "day" else 1e9, date(2015, 1, 1), end, per).to_dict()
    layer = next(part for part in spec["layer"] if "color" in part.get("encoding", {}))
    domain = layer["encoding"]["color"]["scale"]["domain"]
    assert domain[0].startswith("Your assumption")  # the user's line keeps its legend entry and style
    rows = [row for ds in spec["datasets"].values() for row in ds]
    assert not [r for r in rows if str(r.get("series", "")).startswith("Your assumption")]


def test_each_claimed_figure_is_backed_by_its_sources_side_by_side():
    table = penalty.claim_table("2023-12-31")
    rates = table[table["kind"] == "rate"]
    by_rate = rates.groupby(["amount_usd", "per"])["outlet"].apply(set).to_dict()
    assert by_rate[(1e6, "day")] == {"ProPakistani", "Zawya"}
    assert by_rate[(3e6, "day")] == {"Financial Tribune", "Business Standard (ANI)"}
    assert by_rate[(1e9, "year")] == {"Source article"}
    totals = table[table["kind"] == "total"]
    assert set(totals.loc[totals["amount_usd"] == 18e9, "outlet"]) == {
        "ProPakistani",
        "Tehran Times",
        "energyupdate.com.pk",
    }
    assert totals.loc[totals["amount_usd"] == 19e9, "outlet"].tolist() == ["Source article"]
    assert table["url"].dropna().str.startswith("https://").all()


def test_sources_giving_the_same_rate_share_one_line():
    frame = penalty.comparison_series(2e6, "2015-01-01", "2016-12-31")
    labels = set(frame["series"])
    assert "ProPakistani, Zawya: US$1 m/day" in labels
    assert "Business Standard (ANI), Financial Tribune: US$3 m/day" in labels


def test_the_articles_own_rate_by_the_time_it_appeared():
    check = penalty.article_check()
    assert check.total_at_publication == pytest.approx(9e9 + 181 / 365 * 1e9)  # 2014-01-01 .. 2023-06-30


def test_the_article_check_says_its_arithmetic_in_words():
    check = penalty.article_check()
    finding, arithmetic = check.finding()
    assert finding == "The article's figure does not follow from its own rate."
    assert penalty.money(check.total_at_stated_rate) in arithmetic and "gives 10 years" in arithmetic
    assert penalty.money(check.rate_per_day_for_claim_2015) in arithmetic
