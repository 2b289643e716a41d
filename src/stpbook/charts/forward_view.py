"""Charts for chapter 1, the Five Year Forward View and its gap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..models.gap import financial_year
from ..parameters import Parameter
from .render import MODELLED_COLOUR, OKABE_ITO, PUBLISHED_COLOUR, describe, slider

GAP_SERIES = {
    "do_nothing_gap_bn": "Gap if nothing changes (modelled)",
    "remaining_gap_bn": "Gap left after efficiency (modelled)",
}

# The same formulas as stpbook.models.gap, written as Vega expressions so the static
# book recomputes the chart in the browser when a slider moves.
_NEED = "datum.base_bn * pow(1 + demand_growth, datum.years)"
_FUNDING = "datum.base_bn * pow(1 + funding_growth, datum.years)"
_AFTER_EFFICIENCY = "datum.base_bn * pow((1 + demand_growth) * (1 - efficiency_rate), datum.years)"


def gap_chart(base_bn: float, base_year: int, horizon_year: int,
              declared: dict[str, Parameter], values: dict[str, float],
              published: pd.DataFrame, sliders: bool = True) -> alt.LayerChart:
    """The gap opening year by year under the reader's assumptions, beside the
    Forward View's published figures for 2020/21.

    ``values`` holds the chapter's demand_growth, funding_growth and efficiency_rate
    (the sliders start there); ``published`` has columns financial_year, value_bn, label.
    With ``sliders`` False (a live panel redraws the chart instead) the values are fixed.
    The title states the gap at the horizon and follows the sliders.
    """
    years = pd.DataFrame({
        "years": range(horizon_year - base_year + 1),
        "base_bn": base_bn,
    })
    years["financial_year"] = [financial_year(base_year + t) for t in years["years"]]
    names = ("demand_growth", "funding_growth", "efficiency_rate")
    params = [slider(declared[n], values[n]) if sliders else alt.param(name=n, value=values[n])
              for n in names]
    t = horizon_year - base_year
    final_gap = (f"{base_bn} * pow(1 + demand_growth, {t}) - "
                 f"{base_bn} * pow(1 + funding_growth, {t})")
    final_left = (f"{base_bn} * pow((1 + demand_growth) * (1 - efficiency_rate), {t}) - "
                  f"{base_bn} * pow(1 + funding_growth, {t})")
    title = alt.Title(
        text=alt.ExprRef(expr=f"'By {financial_year(horizon_year)} the gap is £' + "
                         f"format({final_gap}, '.1f') + 'bn a year if nothing changes; "
                         f"£' + format({final_left}, '.1f') + 'bn after efficiency'"),
        subtitle="Lines: this book's model. Black diamonds: the Forward View's published "
                 "figures for 2020/21.", anchor="start")
    x = alt.X("financial_year:O", title="Financial year")
    lines = (
        alt.Chart(years)
        .transform_calculate(do_nothing_gap_bn=f"{_NEED} - {_FUNDING}",
                             remaining_gap_bn=f"{_AFTER_EFFICIENCY} - {_FUNDING}")
        .transform_fold(list(GAP_SERIES), as_=["measure", "gap_bn"])
        .transform_calculate(series=alt.expr.if_(
            alt.datum.measure == "do_nothing_gap_bn", GAP_SERIES["do_nothing_gap_bn"],
            GAP_SERIES["remaining_gap_bn"]))
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("gap_bn:Q", title="Gap (£bn a year, 2013/14 prices)"),
            color=alt.Color("series:N", title=None,
                            scale=alt.Scale(range=[MODELLED_COLOUR, OKABE_ITO[1]]),
                            legend=alt.Legend(orient="top", labelLimit=320)),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=[x, alt.Tooltip("series:N"), alt.Tooltip("gap_bn:Q", format=".1f")],
        )
        .add_params(*params)
    )
    points = (
        alt.Chart(published)
        .mark_point(shape="diamond", size=140, filled=True, color=PUBLISHED_COLOUR)
        .encode(x=x, y="value_bn:Q",
                tooltip=["label:N", alt.Tooltip("value_bn:Q", title="GBP bn")])
    )
    labels = points.mark_text(align="right", dx=-10, dy=-8, color=PUBLISHED_COLOUR).encode(
        text="label:N")
    chart = alt.layer(lines, points, labels).properties(
        width="container" if sliders else 560, height=320, title=title)
    return describe(
        chart,
        alt_text="Line chart of the NHS England funding gap by financial year from 2013/14, "
                 "with the do-nothing gap rising to about 30 billion pounds by 2020/21 and a "
                 "smaller gap left after efficiency, beside the published 30 and 8 billion.",
        source="model in stpbook.models.gap; base budget and published figures from "
               "data/fyfv_assumptions.csv (NHS England, Five Year Forward View, 2014).",
        data_files=("fyfv_assumptions.csv",), modelled=True)


def spending_chart(spending: pd.DataFrame, long_run_growth: float,
                   decade_growth: float) -> alt.Chart:
    """England's health spending in real terms since 1979/80: fast growth for decades,
    then a flat 2010s. ``spending`` needs financial_year, fiscal_year_start,
    real_gbp_bn_2018_19_prices and status."""
    chart = (
        alt.Chart(spending)
        .mark_area(line={"color": MODELLED_COLOUR}, color=OKABE_ITO[5], opacity=0.5)
        .encode(
            x=alt.X("fiscal_year_start:Q", title="Financial year (start)",
                    axis=alt.Axis(format="d")),
            y=alt.Y("real_gbp_bn_2018_19_prices:Q",
                    title="Health spending, England (£bn, 2018/19 prices)"),
            tooltip=["financial_year:N", "status:N",
                     alt.Tooltip("real_gbp_bn_2018_19_prices:Q", format=".1f")],
        )
        .properties(width="container", height=280, title=alt.Title(
            f"Real growth averaged about {long_run_growth:.1%} a year over the long run, "
            f"about {decade_growth:.0%} in the 2010s"))
    )
    return describe(
        chart,
        alt_text="Area chart of real health spending in England from 1979/80 to 2019/20, "
                 "rising steeply to 2009/10 and much more slowly afterwards.",
        source="House of Commons Library, NHS Funding and Expenditure (CBP0724), Table 2.",
        data_files=("health_spending.csv",))
