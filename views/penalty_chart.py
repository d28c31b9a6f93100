"""The penalty chart: cumulative liability of a chosen rate beside the sources' rates and claims.

Presentation only (Altair, no Streamlit); the figures come from geo.penalty.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from geo import penalty


def liability_chart(rate_usd: float, start, end, per: str = "day", height: int = 440):
    """Altair chart: cumulative liability of the chosen rate and of each sourced rate, with the
    claimed totals as labelled points and rules, and the 2019 amendment's date as a rule."""
    start, end = penalty.as_date(start), penalty.as_date(end)
    lines = penalty.comparison_series(rate_usd, start, end, per).assign(usd_bn=lambda f: f["cumulative"] / 1e9)
    mine_label = f"Your assumption: {penalty.short_money(rate_usd)}/{per} from {start.isoformat()}"
    lines.loc[lines["series"] == "Your assumption", "series"] = mine_label
    # the user's line leads the legend even when it has no point (as-of before its start)
    order = [mine_label, *(s for s in dict.fromkeys(lines["series"]) if s != mine_label)]
    colours = ["#c51b7d", "#2166ac", "#e08214", "#1b7837"][: len(order)]
    lo = pd.Timestamp(min(start, penalty.ARTICLE_START))
    hi = pd.Timestamp(max(end, date(2024, 12, 31)))
    x = alt.X("date:T", title=None, scale=alt.Scale(domain=[lo, hi]), axis=alt.Axis(format="%Y", tickCount="year"))
    y_title = "Cumulative liability (US$ bn)"
    money_fmt = ",.2f"

    line_layer = (
        alt.Chart(lines)
        .mark_line(point=alt.OverlayMarkDef(size=28))
        .encode(
            x=x,
            y=alt.Y("usd_bn:Q", title=y_title),
            color=alt.Color(
                "series:N",
                sort=order,
                scale=alt.Scale(domain=order, range=colours),
                legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=420),
            ),
            strokeWidth=alt.condition(alt.datum.series == order[0], alt.value(3.5), alt.value(1.6)),
            strokeDash=alt.condition(alt.datum.series == order[0], alt.value([1, 0]), alt.value([6, 4])),
            tooltip=[
                alt.Tooltip("series:N", title="rate"),
                alt.Tooltip("date:T", title="as of", format="%Y-%m-%d"),
                alt.Tooltip("usd_bn:Q", title="US$ bn", format=money_fmt),
            ],
        )
    )
    points = penalty.claim_points()
    levels = points.groupby("usd_bn", as_index=False).agg(said=("label", lambda s: "; ".join(dict.fromkeys(s))))
    levels["label"] = [
        f"claimed total US${v:g} bn: {said}" for v, said in zip(levels["usd_bn"], levels["said"], strict=True)
    ]
    rules = alt.Chart(levels).mark_rule(color="#555", strokeDash=[2, 3], opacity=0.7).encode(y="usd_bn:Q")
    rule_text = (
        alt.Chart(levels.assign(date=lo))
        .mark_text(align="left", dx=4, dy=-7, color="#333", fontSize=12)
        .encode(x=x, y="usd_bn:Q", text="label:N")
    )
    claim_marks = (
        alt.Chart(points)
        .mark_point(shape="diamond", size=170, filled=True, color="#111")
        .encode(
            x=x,
            y="usd_bn:Q",
            tooltip=[
                alt.Tooltip("claim:N", title="claim"),
                alt.Tooltip("published:N", title="published"),
                alt.Tooltip("usd_bn:Q", title="US$ bn", format=money_fmt),
            ],
        )
    )
    amendment = pd.DataFrame(
        {
            "date": [pd.Timestamp(penalty.AMENDMENT_GRACE_END)],
            "usd_bn": [0.0],
            "label": ["2019 amendment: no claims before 26 Aug 2024 →"],
        }
    )
    amend_rule = (
        alt.Chart(amendment)
        .mark_rule(color="#7f3b08", strokeWidth=1.5)
        .encode(x=x, tooltip=[alt.Tooltip("label:N", title="condition")])
    )
    amend_text = (
        alt.Chart(amendment)
        .mark_text(
            align="right",
            baseline="bottom",
            dx=-4,
            dy=-4,
            color="#7f3b08",
            fontSize=11,
        )
        .encode(x=x, y="usd_bn:Q", text="label:N")
    )
    return (
        alt.layer(rules, rule_text, line_layer, claim_marks, amend_rule, amend_text)
        .properties(height=height)
        .configure_axis(labelFontSize=12, titleFontSize=13)
        .configure_legend(labelFontSize=12)
    )
