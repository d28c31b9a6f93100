"""The Iran–Pakistan pipeline penalty clause: day-exact liability schedules and the sources' claims.

The sources disagree on the rate and the totals. Nothing here decides who is right: it computes
what a given rate adds up to, so the claims can be set beside the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

SCHEDULE_COLUMNS = ["year", "period_start", "period_end", "days", "amount", "cumulative"]
PER = ("day", "year")

# Dates the sources give for the clause.
CLAUSE = (
    "Under the gas sales and purchase agreement Pakistan owes Iran a penalty for not taking gas from "
    "1 January 2015. The sources disagree on the rate, and on the totals."
)  # the claims below, each with its source, say how
FIRST_GAS_DUE = date(2015, 1, 1)  # contractual first gas; the $1 m/day penalty runs from here (ProPakistani)
ARTICLE_START = date(2014, 1, 1)  # the article's "from 2014 onwards"
AMENDMENT_GRACE_END = date(2024, 8, 26)  # 2019 amendment: no arbitration or compensation before this
ARTICLE_PUBLISHED = date(2023, 6, 30)  # the last day counted before the article appeared (July 2023)

PROPAKISTANI = (
    "https://propakistani.pk/2023/02/01/iran-threatens-pakistan-with-18-billion-fine-for-not-completing-gas-pipeline/"
)
FINANCIAL_TRIBUNE = "https://financialtribune.com/articles/energy/29982/tehran-not-to-penalize-for-ip-pipeline-delay"
ARY = "https://arynews.tv/en/pakistan-iran-extension-ip-gas-line-agreement/"
ZAWYA_2014 = "https://zawya.com/story/Pakistan_seeking_revision_of_pipeline_deadline-ZAWYA20140204050726"
BUSINESS_STANDARD_2014 = (
    "https://business-standard.com/article/news-ani/"
    "pak-tells-iran-can-t-undertake-ip-gas-pipeline-project-till-us-sanction-threat-lifted-114020500373_1.html"
)
TEHRAN_TIMES_2023 = "https://www.tehrantimes.com/news/482523/Pakistan-could-face-18b-penalty-for-IP-gas-pipeline-delay"
ENERGY_UPDATE = (
    "https://www.energyupdate.com.pk/2024/02/19/"
    "pakistan-plans-to-lay-81-kilometer-gas-pipeline-from-gwadar-to-iranian-border/"
)


@dataclass(frozen=True)
class Claim:
    """One figure a source states about the penalty.

    kind: "rate" (amount_usd per `per`, from `start`), "total" (amount_usd owed as of `as_of`)
    or "condition" (a date that changes the clause; no amount).
    """

    id: str
    kind: str
    outlet: str
    url: str | None
    published: str
    statement: str  # paraphrase, or a short quote in quotation marks
    amount_usd: float | None = None
    per: str | None = None
    start: date | None = None
    as_of: date | None = None
    note: str = ""
    label: str = ""  # a few words for a chart label


def claims() -> list[Claim]:
    """The penalty figures found in the sources, each with where it comes from."""
    return [
        Claim(
            "propakistani_rate",
            "rate",
            "ProPakistani",
            PROPAKISTANI,
            "2023-02-01",
            "US$1 million per day from 1 January 2015 under the GSPA penalty clause",
            1e6,
            "day",
            FIRST_GAS_DUE,
        ),
        Claim(
            "zawya_rate",
            "rate",
            "Zawya",
            ZAWYA_2014,
            "2014-02-04",
            "a daily penalty of US$1 million from the end of 2014 until the project is completed (citing The Nation)",
            1e6,
            "day",
            FIRST_GAS_DUE,
        ),
        Claim(
            "ani_rate",
            "rate",
            "Business Standard (ANI)",
            BUSINESS_STANDARD_2014,
            "2014-02-05",
            "US$3 million per day under the GSPA if first gas does not flow by December 2014 (citing Express Tribune)",
            3e6,
            "day",
            FIRST_GAS_DUE,
        ),
        Claim(
            "tribune_rate",
            "rate",
            "Financial Tribune",
            FINANCIAL_TRIBUNE,
            "2015",
            "'up to US$3 million a day' (quoting Pakistan's petroleum minister Shahid Khaqan Abbasi)",
            3e6,
            "day",
            None,
            note="an upper bound; no start date given",
        ),
        Claim(
            "article_rate",
            "rate",
            "Source article",
            None,
            "2023 (July)",
            "'a fine of $1 billion for each year from 2014 onwards'",
            1e9,
            "year",
            ARTICLE_START,
        ),
        Claim(
            "article_total",
            "total",
            "Source article",
            None,
            "2023 (July)",
            "'which totals $19 billion in 2023'",
            19e9,
            as_of=date(2023, 12, 31),
            note="plotted at the end of 2023, the reading most generous to the figure",
            label="the article's total 'in 2023'",
        ),
        Claim(
            "iran_claim",
            "total",
            "ProPakistani",
            PROPAKISTANI,
            "2023-02-01",
            "Iran threatens a claim of about US$18 billion if Pakistan does not build its section",
            18e9,
            as_of=date(2023, 2, 1),
            label="Iran's threatened claim (2023, 2024)",
        ),
        Claim(
            "iran_claim_mna",
            "total",
            "Tehran Times",
            TEHRAN_TIMES_2023,
            "2023-03-03",
            "Pakistan risks a fine of US$18 billion if it does not build its section by February-March 2024 "
            "(Noor Alam Khan, chair of the Public Accounts Committee)",
            18e9,
            as_of=date(2023, 3, 3),
            label="Iran's threatened claim (2023, 2024)",
        ),
        Claim(
            "iran_claim_2024",
            "total",
            "energyupdate.com.pk",
            ENERGY_UPDATE,
            "2024-02-19",
            "Iran's threatened Paris arbitration claim of about US$18 billion, with a 180-day deadline",
            18e9,
            as_of=date(2024, 2, 19),
            label="Iran's threatened claim (2023, 2024)",
        ),
        Claim(
            "amendment_2019",
            "condition",
            "ARY News",
            ARY,
            "2019-09",
            "2019 amendment: no arbitration and no compensation claims until 26 August 2024",
            as_of=AMENDMENT_GRACE_END,
        ),
    ]


def as_date(value) -> date:
    """A date from a date, a pandas Timestamp or an ISO string."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def days_between(start, end) -> int:
    """Days from start to end, both counted (0 when end is before start)."""
    return max((as_date(end) - as_date(start)).days + 1, 0)


def penalty_schedule(rate_usd: float, start, end, per: str = "day") -> pd.DataFrame:
    """Liability accrued per calendar year from start to end (both days included).

    per="day": every day costs rate_usd, so leap years cost one day more.
    per="year": a full calendar year costs exactly rate_usd; a partial year costs its share of
    that year's days (days / 365 or 366).
    """
    if per not in PER:
        raise ValueError(f"per must be one of {PER}, got {per!r}")
    if rate_usd < 0:
        raise ValueError(f"the rate cannot be negative, got {rate_usd!r}")
    start, end = as_date(start), as_date(end)
    rows = []
    total = 0.0
    for year in range(start.year, end.year + 1 if end >= start else start.year):
        lo, hi = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        days = days_between(lo, hi)
        amount = rate_usd * days if per == "day" else rate_usd * days / _days_in_year(year)
        total += amount
        rows.append((year, lo, hi, days, amount, total))
    frame = pd.DataFrame(rows, columns=SCHEDULE_COLUMNS)
    return frame.astype({"year": "int64", "days": "int64", "amount": "float64", "cumulative": "float64"})


def total_liability(rate_usd: float, start, end, per: str = "day") -> float:
    """Penalty owed at rate_usd per day, month or year from start to end."""
    schedule = penalty_schedule(rate_usd, start, end, per)
    return float(schedule["cumulative"].iloc[-1]) if len(schedule) else 0.0


def rate_for_total(total_usd: float, start, end) -> float:
    """The daily rate that adds up to total_usd from start to end (both days included)."""
    days = days_between(start, end)
    if days <= 0:
        raise ValueError(f"no days between {start} and {end}")
    return total_usd / days


def per_day(rate_usd: float, per: str, year: int | None = None) -> float:
    """A rate expressed per day; a yearly rate is spread over 365 days, or that year's days."""
    if per == "day":
        return rate_usd
    return rate_usd / (_days_in_year(year) if year else 365)


@dataclass(frozen=True)
class ArticleCheck:
    """The article's "$1 billion for each year from 2014 onwards ... $19 billion in 2023", checked."""

    years_counted: int  # 2014..2023, both included
    total_at_stated_rate: float
    total_at_publication: float  # the stated rate to 30 June 2023, just before the article appeared
    claimed_total: float
    shortfall: float  # claimed minus what the stated rate gives
    years_needed_at_stated_rate: float
    rate_per_day_for_claim_2015: float  # $19 bn from 2015-01-01 to 2023-12-31
    rate_per_day_for_claim_2014: float  # $19 bn from 2014-01-01 to 2023-12-31
    total_at_1m_per_day: float  # the ProPakistani rate from 2015-01-01 to 2023-12-31
    total_at_3m_per_day: float  # the Financial Tribune ceiling over the same days

    def finding(self) -> tuple[str, str]:
        """The check in words, plain text: (the finding, the arithmetic behind it)."""
        return (
            "The article's figure does not follow from its own rate.",
            f'"$1 billion for each year from 2014 onwards" gives {self.years_counted} years to the end of 2023 '
            f"(2014 to 2023, both included), that is {money(self.total_at_stated_rate)}, not "
            f"{money(self.claimed_total, 0)}; by mid-2023, when the article appeared, the same rate gives about "
            f"{money(self.total_at_publication, 1)}. At $1 billion a year, $19 billion would take "
            f"{self.years_needed_at_stated_rate:g} years. To reach $19 billion by 31 December 2023 the penalty "
            f"would have to run at {money(self.rate_per_day_for_claim_2015)} a day from 1 January 2015 "
            f"({money(self.rate_per_day_for_claim_2014)} a day from 1 January 2014). For comparison, "
            f"ProPakistani's $1 million a day from 2015 adds up to {money(self.total_at_1m_per_day)} by the end "
            f"of 2023, and the Financial Tribune's ceiling of $3 million a day to {money(self.total_at_3m_per_day)}.",
        )


def article_check(as_of: date = date(2023, 12, 31)) -> ArticleCheck:
    """The seed article's penalty claims checked against its own rate and dates."""
    stated = next(c for c in claims() if c.id == "article_rate")
    claimed = next(c for c in claims() if c.id == "article_total").amount_usd
    assert stated.amount_usd is not None and stated.start is not None and claimed is not None  # both stated
    at_rate = total_liability(stated.amount_usd, stated.start, as_of, per="year")
    return ArticleCheck(
        years_counted=as_of.year - stated.start.year + 1,
        total_at_stated_rate=at_rate,
        total_at_publication=total_liability(stated.amount_usd, stated.start, ARTICLE_PUBLISHED, per="year"),
        claimed_total=claimed,
        shortfall=claimed - at_rate,
        years_needed_at_stated_rate=claimed / stated.amount_usd,
        rate_per_day_for_claim_2015=rate_for_total(claimed, FIRST_GAS_DUE, as_of),
        rate_per_day_for_claim_2014=rate_for_total(claimed, ARTICLE_START, as_of),
        total_at_1m_per_day=total_liability(1e6, FIRST_GAS_DUE, as_of),
        total_at_3m_per_day=total_liability(3e6, FIRST_GAS_DUE, as_of),
    )


def claim_table(as_of=None) -> pd.DataFrame:
    """The claims as rows, with what each rate adds up to by as_of (default: end of 2023)."""
    as_of = as_date(as_of) if as_of else date(2023, 12, 31)
    rows = []
    for c in claims():
        implied = None
        if c.kind == "rate":
            assert c.amount_usd is not None and c.per is not None  # a rate claim states both
            implied = total_liability(c.amount_usd, c.start or FIRST_GAS_DUE, as_of, c.per)
        rows.append(
            {
                "id": c.id,
                "kind": c.kind,
                "outlet": c.outlet,
                "published": c.published,
                "statement": c.statement,
                "amount_usd": c.amount_usd,
                "per": c.per,
                "start": c.start,
                "as_of": c.as_of,
                "implied_total_usd": implied,
                "note": c.note,
                "url": c.url,
            }
        )
    return pd.DataFrame(rows)


def comparison_series(rate_usd: float, start, end, per: str = "day") -> pd.DataFrame:
    """Cumulative liability at the end of each year for the chosen rate and each sourced rate.

    Long format (series, date, cumulative), ready for a line chart; the sourced rates start
    where their source says (the Financial Tribune ceiling, which gives no start, from 2015-01-01);
    sources that give the same rate from the same day share one line.
    """
    start, end = as_date(start), as_date(end)
    parts = [("Your assumption", penalty_schedule(rate_usd, start, end, per))]
    by_rate: dict[tuple, list[str]] = {}
    for c in claims():
        if c.kind == "rate":
            by_rate.setdefault((c.amount_usd, c.per, c.start or FIRST_GAS_DUE), []).append(c.outlet)
    for (amount, rate_per, rate_start), outlets in by_rate.items():
        label = f"{', '.join(dict.fromkeys(outlets))}: {short_money(amount)}/{rate_per}"
        parts.append((label, penalty_schedule(amount, rate_start, end, rate_per)))
    frames = []
    for label, sched in parts:
        if sched.empty:
            continue
        # each line starts from zero on its first day
        dates = [sched["period_start"].iloc[0], *sched["period_end"]]
        frames.append(
            pd.DataFrame({"series": label, "date": pd.to_datetime(dates), "cumulative": [0.0, *sched["cumulative"]]})
        )
    if not frames:
        return pd.DataFrame(
            {
                "series": pd.Series(dtype=object),
                "date": pd.Series(dtype="datetime64[ns]"),
                "cumulative": pd.Series(dtype="float64"),
            }
        )
    return pd.concat(frames, ignore_index=True)


def short_money(usd: float) -> str:
    """US$ in whole billions or millions for labels: 3e6 -> 'US$3 m'."""
    if usd >= 1e9:
        return f"US${usd / 1e9:g} bn"
    return f"US${usd / 1e6:g} m"


def money(usd: float | None, digits: int = 2) -> str:
    """US$ in billions or millions for display: 3287000000 -> 'US$3.29 bn'."""
    if usd is None or pd.isna(usd):
        return "–"
    if abs(usd) >= 1e9:
        return f"US${usd / 1e9:,.{digits}f} bn"
    if abs(usd) >= 1e6 or usd == 0:
        return f"US${usd / 1e6:,.{digits}f} m"
    return f"US${usd:,.0f}"


def _stated(amount: float | None) -> float:
    """A total claim's amount, which every total claim states."""
    assert amount is not None
    return amount


def claim_points() -> pd.DataFrame:
    """The totals the sources claim, as (date, US$ bn, label) points for the chart."""
    rows = [
        {
            "date": pd.Timestamp(c.as_of),
            "usd_bn": _stated(c.amount_usd) / 1e9,
            "claim": f"{c.outlet}: {c.statement}",
            "published": c.published,
            "label": c.label,
        }
        for c in claims()
        if c.kind == "total"
    ]
    return pd.DataFrame(rows)
