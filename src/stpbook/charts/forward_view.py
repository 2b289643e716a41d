"""Charts for chapter 1, the Five Year Forward View and its gap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..models.gap import financial_year
from ..parameters import Parameter
from .render import MODELLED_COLOUR, OKABE_ITO, PUBLISHED_COLOUR, ChartT, describe, slider

GAP_SERIES = {
    "do_nothing_gap_bn": "Gap before efficiency (modelled)",
    "remaining_gap_bn": "Gap left after efficiency (modelled)",
}

# The formulas of stpbook.models.gap written as Vega expressions, so the static book
# recomputes the chart in the browser when a slider moves. Each has a Python twin
# (need_bn, funding_bn, cost_after_efficiency_bn) and tests/test_chapter_forward_view.py
# evaluates these strings against it.
NEED_EXPR = "datum.base_bn * pow(1 + demand_growth, datum.years)"
FUNDING_EXPR = "datum.base_bn * pow(1 + funding_growth, datum.years)"
AFTER_EFFICIENCY_EXPR = (
    "datum.base_bn * pow((1 + demand_growth) * (1 - efficiency_rate), datum.years)"
)
CALCULATIONS = {
    "do_nothing_gap_bn": f"{NEED_EXPR} - {FUNDING_EXPR}",
    "remaining_gap_bn": f"{AFTER_EFFICIENCY_EXPR} - {FUNDING_EXPR}",
}

# Text on the charts: at least 11 px for axis and legend labels at any width.
LABEL_PX, TITLE_PX = 11, 12


def readable(chart: ChartT) -> ChartT:
    """``chart`` with axis and legend text large enough to read at 1280 px and 375 px."""
    return chart.configure_axis(labelFontSize=LABEL_PX, titleFontSize=TITLE_PX).configure_legend(
        labelFontSize=LABEL_PX, titleFontSize=LABEL_PX
    )


# Room above the published GBP 30bn diamond for its label: the y axis always reaches
# at least this far (GBP bn), further when the lines do.
Y_HEADROOM_BN = 33


def final_gap_exprs(base_bn: float, years: int) -> tuple[str, str]:
    """Vega expressions for the gap at the horizon (``years`` after the base): before
    efficiency (need minus funding), and after it. Same formulas as ``CALCULATIONS``."""

    def at_horizon(expr: str) -> str:
        return expr.replace("datum.base_bn", f"{base_bn!r}").replace("datum.years", str(years))

    return at_horizon(CALCULATIONS["do_nothing_gap_bn"]), at_horizon(
        CALCULATIONS["remaining_gap_bn"]
    )


def title_expr(base_bn: float, years: int, horizon: str) -> str:
    """The gap chart's title as a Vega expression: two lines that follow the sliders."""
    gap, left = final_gap_exprs(base_bn, years)
    return (
        f"['By {horizon} the gap is £' + format({gap}, '.1f') + 'bn a year', "
        f"'before efficiency, and £' + format({left}, '.1f') + 'bn after it']"
    )


def gap_chart(
    base_bn: float,
    base_year: int,
    horizon_year: int,
    declared: dict[str, Parameter],
    values: dict[str, float],
    published: pd.DataFrame,
    sliders: bool = True,
) -> alt.LayerChart | alt.FacetChart:
    """The gap opening year by year under the reader's assumptions, beside the
    Forward View's published figures for 2020/21.

    ``values`` holds the chapter's demand_growth, funding_growth and efficiency_rate
    (the sliders start there); ``published`` has columns financial_year, value_bn, label
    (a short label drawn by the diamond), name (what the figure is, for the tooltip) and
    above (True to put the label above the diamond, False below). With ``sliders`` False
    (a live panel redraws the chart instead) the values are fixed. The title states the
    gap at the horizon and follows the sliders.
    """
    years = pd.DataFrame(
        {
            "years": range(horizon_year - base_year + 1),
            "base_bn": base_bn,
        }
    )
    years["financial_year"] = [financial_year(base_year + t) for t in years["years"]]
    names = ("demand_growth", "funding_growth", "efficiency_rate")
    params = [
        slider(declared[n], values[n]) if sliders else alt.param(name=n, value=values[n])
        for n in names
    ]
    title = alt.Title(
        text=alt.ExprRef(
            expr=title_expr(base_bn, horizon_year - base_year, financial_year(horizon_year))
        ),
        subtitle=[
            f"Lines: this book's reconstruction, from {financial_year(base_year)}.",
            "Diamonds: the Forward View's published figures.",
        ],
        anchor="start",
    )
    x = alt.X("financial_year:O", title="Financial year", axis=alt.Axis(labelAngle=-90))
    # One legend for colour and dash, so it shows both cues.
    legend = alt.Legend(
        orient="top",
        direction="vertical",
        labelLimit=300,
        symbolType="stroke",
        symbolStrokeWidth=2.5,
        symbolSize=300,
    )
    lines = (
        alt.Chart(years)
        .transform_calculate(**CALCULATIONS)
        .transform_fold(list(GAP_SERIES), as_=["measure", "gap_bn"])
        .transform_calculate(
            series=alt.expr.if_(
                alt.datum.measure == "do_nothing_gap_bn",
                GAP_SERIES["do_nothing_gap_bn"],
                GAP_SERIES["remaining_gap_bn"],
            )
        )
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("gap_bn:Q", title="Gap (£bn a year, 2013/14 prices)"),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(range=[MODELLED_COLOUR, OKABE_ITO[3]]),
                legend=legend,
            ),
            strokeDash=alt.StrokeDash("series:N", title=None, legend=legend),
            tooltip=[
                alt.Tooltip("financial_year:O", title="Financial year"),
                alt.Tooltip("series:N", title="Line"),
                alt.Tooltip("gap_bn:Q", title="Gap (£bn a year)", format=".1f"),
            ],
        )
        .add_params(*params)
    )
    points = (
        alt.Chart(published)
        .mark_point(shape="diamond", size=140, filled=True, color=PUBLISHED_COLOUR)
        .encode(
            x=x,
            y=alt.Y("value_bn:Q"),
            tooltip=[
                alt.Tooltip("name:N", title="Published"),
                alt.Tooltip("value_bn:Q", title="£bn a year"),
            ],
        )
    )
    # Short labels, left of the diamonds: the £30bn one above (clear of the line before
    # efficiency, which ends just below it), the £8bn one below (clear of the line after
    # efficiency, which passes above it in the last two years).
    above = (
        points.transform_filter(alt.datum.above)
        .mark_text(
            align="right",
            baseline="bottom",
            dx=-8,
            dy=-4,
            fontWeight="bold",
            color=PUBLISHED_COLOUR,
        )
        .encode(text="label:N")
    )
    below = (
        points.transform_filter(~alt.datum.above)
        .mark_text(
            align="right", baseline="top", dx=-8, dy=4, fontWeight="bold", color=PUBLISHED_COLOUR
        )
        .encode(text="label:N")
    )
    # An invisible point at the top keeps room for the £30bn label (a domain set on the
    # scale would be repeated in every layer, and Vega-Lite warns when it merges them).
    headroom = (
        alt.Chart(pd.DataFrame({"value_bn": [Y_HEADROOM_BN]}))
        .mark_point(opacity=0)
        .encode(y="value_bn:Q")
    )
    chart = readable(
        alt.layer(lines, points, above, below, headroom).properties(
            width="container" if sliders else 560, height=320, title=title
        )
    )
    return describe(
        chart,
        alt_text="Line chart of the funding gap in this book's reconstruction by financial "
        "year from 2013/14: the gap before efficiency rises to about 30 billion "
        "pounds a year by 2020/21, and a smaller gap is left after efficiency; black "
        "diamonds mark the Forward View's published 30 billion and 8 billion.",
        source="This book's reconstruction; NHS England's 2013/14 budget from the Health "
        "Foundation REAL Centre (2025); published figures from NHS England, Five Year "
        "Forward View (2014), and Full Fact (2015).",
        data_files=("fyfv_assumptions.csv",),
        modelled=True,
    )


def spending_chart(
    spending: pd.DataFrame, long_run: float, decade: float, decade_from: int
) -> alt.LayerChart | alt.FacetChart:
    """England's health spending in real terms: fast growth for decades, then a slow
    2010s. ``spending`` holds the years to draw (financial_year, fiscal_year_start,
    real_gbp_bn_2018_19_prices); ``long_run`` and ``decade`` are the average real growth
    a year over the whole series and from ``decade_from`` (a start year) to its end,
    computed from the same rows, so the title states what the chart shows."""
    first, last = spending["financial_year"].iloc[0], spending["financial_year"].iloc[-1]
    x = alt.X(
        "fiscal_year_start:Q",
        title="Financial year (start)",
        axis=alt.Axis(format="d", tickCount=5),
        scale=alt.Scale(nice=False, zero=False),
    )
    area = (
        alt.Chart(spending)
        .mark_area(
            line={"color": MODELLED_COLOUR, "strokeWidth": 2}, color=OKABE_ITO[5], opacity=0.5
        )
        .encode(
            x=x,
            y=alt.Y(
                "real_gbp_bn_2018_19_prices:Q",
                title="Health spending, England (£bn, 2018/19 prices)",
            ),
            tooltip=[
                alt.Tooltip("financial_year:N", title="Financial year"),
                alt.Tooltip(
                    "real_gbp_bn_2018_19_prices:Q", title="£bn, 2018/19 prices", format=".1f"
                ),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"fiscal_year_start": [decade_from]}))
        .mark_rule(strokeDash=[4, 3], color=PUBLISHED_COLOUR)
        .encode(x=x)
    )
    chart = readable(alt.layer(area, rule)).properties(
        width="container",
        height=280,
        title=alt.Title(
            [
                "Real health spending in England grew",
                f"about {long_run:.1%} a year, {first} to {last},",
                f"and about {decade:.1%} a year after {financial_year(decade_from)}",
            ],
            subtitle=[
                "Department of Health spending in England, outturn.",
                f"Dashed line: {financial_year(decade_from)}.",
            ],
            anchor="start",
        ),
    )
    return describe(
        chart,
        alt_text=f"Area chart of real health spending in England from {first} to {last}, "
        f"rising steeply to {financial_year(decade_from)} and much more slowly "
        "afterwards.",
        source="House of Commons Library, NHS Funding and Expenditure (CBP0724), table 2 "
        "(2019); growth rates computed by this book.",
        data_files=("health_spending.csv",),
    )
