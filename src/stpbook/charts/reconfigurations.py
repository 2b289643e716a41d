"""Charts for chapter 4: hospital reconfigurations, what became of them, and what they cost.

Every chart is one container-wide chart (no concatenation), so it fits the column at 1280
px and at 375 px. Titles are given as short lines; long labels are written above their
row, never cut. The appraisal chart recomputes in the browser from the chapter's sliders:
its Vega expressions (``CUMULATIVE_EXPR``, ``PAYBACK_EXPR``) have Python twins in
``stpbook.models.reconfiguration`` (``cumulative_discounted``, ``payback_year``), and the
chapter's tests hold them to each other.
"""

from __future__ import annotations

import math
import textwrap

import altair as alt
import pandas as pd

from ..parameters import Parameter
from .render import (
    MODELLED_COLOUR,
    OKABE_ITO,
    PUBLISHED_COLOUR,
    TEXT_COLOURS,
    ChartT,
    describe,
    slider,
)

KIND_LABELS = {
    "acute_site_reduction": "Fewer acute hospital sites",
    "ae_closure_or_downgrade": "A&E closed or downgraded",
    "bed_reduction": "Fewer beds",
    "community_hospital_reduction": "Fewer community hospitals",
    "community_hub": "Primary care hubs",
    "service_consolidation": "Services on fewer sites",
}

APPRAISAL_PARAMS = (
    "annual_saving_gbp_m",
    "capital_cost_gbp_m",
    "dual_running_years",
    "transition_cost_gbp_m",
    "discount_rate",
    "horizon_years",
)

# The same closed form as stpbook.models.reconfiguration.cumulative_discounted, as Vega
# expressions: A(n) is the annuity factor, cum(t) the cumulative discounted cash flow.
_A = "(discount_rate == 0 ? {n} : (1 - pow(1 + discount_rate, -({n}))) / discount_rate)"


def cumulative_expr(year: str) -> str:
    """The cumulative discounted cash flow after ``year`` years (a Vega expression over
    the six appraisal parameters; ``year`` is itself an expression)."""
    dual = f"min({year}, dual_running_years)"
    return (
        f"-capital_cost_gbp_m - transition_cost_gbp_m * {_A.format(n=dual)}"
        f" + annual_saving_gbp_m * ({_A.format(n=year)} - {_A.format(n=dual)})"
    )


CUMULATIVE_EXPR = cumulative_expr("datum.year")
NPV_EXPR = cumulative_expr("horizon_years")
# A year counts as paid back when the running total is zero or more (a tolerance of
# 1e-9 GBP m, as in the Python model); year 0 only when nothing is spent up front.
PAID_EXPR = (
    "datum.cumulative_gbp_m >= -1e-9 && (datum.year > 0 || capital_cost_gbp_m == 0)"
    " ? datum.year : 9999"
)
PAYBACK_EXPR = (
    "datum.payback == 9999 ? 'Never pays back within ' + horizon_years + "
    "' years' : 'Pays back in year ' + datum.payback"
)

# Milestones of a proposal: a shape and a colour each (colour is never the only cue).
# Shapes are Vega symbol names or SVG paths in a -1..1 box.
_STAR = (
    "M"
    + "L".join(
        f"{r * math.sin(math.pi * k / 5):.3f},{-r * math.cos(math.pi * k / 5):.3f}"
        for k, r in zip(range(10), [1, 0.45] * 5, strict=True)
    )
    + "Z"
)
_CROSS = "M-1,-0.6L-0.6,-1L0,-0.4L0.6,-1L1,-0.6L0.4,0L1,0.6L0.6,1L0,0.4L-0.6,1L-1,0.6L-0.4,0Z"
_PAUSE = "M-0.9,-1H-0.2V1H-0.9Z M0.2,-1H0.9V1H0.2Z"
# Short labels, so that the two-column legend fits a phone's column; the subtitle and the
# tooltips say the rest ("Referred": by a council to the Health Secretary).
STAGES = {  # stage: (reader's label, shape, colour with at least 3:1 contrast on white)
    "proposed": ("Proposed", "circle", "#767676"),
    "consulted": ("Consulted on", "square", OKABE_ITO[0]),
    "referred": ("Referred", "triangle-up", OKABE_ITO[3]),
    "decided": ("Decided", "diamond", TEXT_COLOURS["#CC79A7"]),
    "implemented": ("Carried out", _STAR, OKABE_ITO[2]),
    "partial": ("Carried out in part", _STAR, OKABE_ITO[2]),
    "stalled": ("Stalled", _PAUSE, TEXT_COLOURS["#E69F00"]),
    "dropped": ("Dropped", _CROSS, PUBLISHED_COLOUR),
}
HOLLOW = ("partial",)  # drawn as an outline only
LABEL_COLOUR = "#222222"
# Charts whose height is a step per row fit the column's width only.
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
ROW_PX = 40  # one proposal: a line of label above its row of milestones
LABEL_GAP = 10  # pixels between a label's foot and its row's line: clear of the marks
FONT = 12  # axis, legend and label text (at least 11 px at 1280 px and on a phone)
LABEL_FONT = 11  # the outcome chart's row labels: the longest (50 characters) fit a phone


def readable(chart: ChartT) -> ChartT:
    """Axis, legend and title text large enough to read at 1280 px and on a phone."""
    return (
        chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT)
        .configure_legend(labelFontSize=FONT, titleFontSize=FONT)
        .configure_title(fontSize=15, subtitleFontSize=FONT)
    )


def kind_label(kind: str) -> str:
    """A reader's label for a ``reconfigurations.kind`` code."""
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def lines(text: str, width: int = 44) -> list[str]:
    """A title or subtitle as short lines, so it fits a phone's column."""
    return textwrap.wrap(text, width) or [text]


def proposals_chart(
    counts: pd.DataFrame, title: str, subtitle: str
) -> alt.LayerChart | alt.FacetChart:
    """How many proposals of each kind. ``counts`` has kind_label and proposals."""
    order = counts.sort_values("proposals", ascending=False)["kind_label"].tolist()
    y = alt.Y("kind_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=170))
    bars = (
        alt.Chart(counts)
        .mark_bar(color=MODELLED_COLOUR)
        .encode(
            y=y,
            x=alt.X("proposals:Q", title="Proposals (count)", axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip("kind_label:N", title="Kind of change"),
                alt.Tooltip("proposals:Q", title="Proposals"),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=4, color=LABEL_COLOUR, fontSize=FONT).encode(
        text="proposals:Q"
    )
    chart = alt.layer(bars, labels).properties(
        width="container",
        height=alt.Step(28),
        autosize=FIT_X,
        title=alt.Title(lines(title), subtitle=lines(subtitle, 50), anchor="start"),
    )
    return describe(
        readable(chart),
        alt_text="Horizontal bar chart counting the proposals in the 2016-17 plans by kind "
        "of change: fewer beds, A&E departments closed or downgraded, fewer acute "
        "sites, fewer community hospitals, services on fewer sites and hubs.",
        source="The plans and press reports of 2016-17 (Digital Health, the King's Fund, "
        "Press Association, the i, local councils and campaign sites), one source "
        "per proposal.",
        data_files=("reconfigurations.csv",),
    )


def outcomes_chart(
    milestones: pd.DataFrame,
    rows: pd.DataFrame,
    title: str,
    subtitle: str,
    start: str = "2011-01-01",
    end: str = "2026-06-30",
) -> alt.LayerChart | alt.FacetChart:
    """Every proposal followed to its outcome: one row each, its milestones as shaped marks
    along a time axis, grouped under headers by where it stood at the latest source.

    ``rows`` has row (int, top to bottom), text, header (bool), first and last (dates of
    the first and last milestone; empty for headers). ``milestones`` has row, stage
    (a key of ``STAGES``), plot_date, proposal, when, what and source.
    """
    frame = milestones.assign(
        stage_label=milestones["stage"].map(lambda s: STAGES[s][0]),
        mark_size=milestones["stage"].map(lambda s: 150 if s in ("implemented", *HOLLOW) else 80),
    )
    present = [s for s in STAGES if s in set(milestones["stage"]) and s not in HOLLOW]
    tips = [
        alt.Tooltip("proposal:N", title="Proposal"),
        alt.Tooltip("stage_label:N", title="Milestone"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("what:N", title="What"),
        alt.Tooltip("source:N", title="Source"),
    ]
    order = [STAGES[s][0] for s in present]
    domain = list(range(int(rows["row"].max()) + 1))
    y = alt.Y("row:O", axis=None, scale=alt.Scale(domain=domain, paddingOuter=0.6))
    x = alt.X(
        "plot_date:T",
        title=None,
        scale=alt.Scale(domain=[start, end]),
        axis=alt.Axis(
            orient="top",
            format="%Y",
            labelAngle=0,
            labelOverlap="greedy",
            tickCount={"interval": "year", "step": 2},
            grid=True,
            gridColor="#dddddd",
        ),
    )
    spans = (
        alt.Chart(rows[~rows["header"]])
        .mark_rule(color="#767676", strokeWidth=1.5)
        .encode(x=alt.X("first:T"), x2="last:T", y=y)
    )
    label_frame = rows.assign(at=pd.Timestamp(start))
    headers = (
        alt.Chart(label_frame[label_frame["header"]])
        .mark_text(
            align="left", baseline="middle", fontSize=12, fontWeight="bold", color=PUBLISHED_COLOUR
        )
        .encode(x=alt.X("at:T"), y=y, text="text:N")
    )
    labels = (
        alt.Chart(label_frame[~label_frame["header"]])
        .mark_text(
            align="left", baseline="bottom", dy=-LABEL_GAP, fontSize=LABEL_FONT, color=LABEL_COLOUR
        )
        .encode(x=alt.X("at:T"), y=y, text="text:N")
    )
    submitted = (
        alt.Chart(pd.DataFrame({"plot_date": [pd.Timestamp("2016-10-21")]}))
        .mark_rule(color=PUBLISHED_COLOUR, strokeDash=[4, 3], strokeWidth=1)
        .encode(x=x)
    )
    colours = alt.Scale(domain=order, range=[STAGES[s][2] for s in present])
    solid = frame[~frame["stage"].isin(HOLLOW)]
    points = (
        alt.Chart(solid)
        .mark_point(filled=True, opacity=1, stroke="white", strokeWidth=0.6)
        .encode(
            x=x,
            y=y,
            size=alt.Size("mark_size:Q", legend=None, scale=None),
            shape=alt.Shape(
                "stage_label:N",
                title=None,
                scale=alt.Scale(domain=order, range=[STAGES[s][1] for s in present]),
            ),
            color=alt.Color(
                "stage_label:N",
                title=None,
                scale=colours,
                legend=alt.Legend(
                    orient="top", columns=2, labelLimit=150, symbolSize=110, columnPadding=10
                ),
            ),
            tooltip=tips,
        )
    )
    # Carried out in part: the same star, hollow (an outline in the same green), kept out
    # of the legend, which cannot draw it hollow; the subtitle says what it means.
    hollow = (
        alt.Chart(frame[frame["stage"].isin(HOLLOW)])
        .mark_point(
            filled=False,
            opacity=1,
            strokeWidth=1.6,
            size=170,
            shape=STAGES["partial"][1],
            color=STAGES["partial"][2],
        )
        .encode(x=x, y=y, tooltip=tips)
    )
    chart = alt.layer(submitted, spans, headers, labels, points, hollow).properties(
        width="container",
        height=alt.Step(ROW_PX),
        autosize=FIT_X,
        title=alt.Title(lines(title), subtitle=lines(subtitle, 50), anchor="start"),
    )
    return describe(
        readable(chart),
        alt_text="Timeline with one row for each reconfiguration proposed in the 2016-17 "
        "plans, grouped by outcome, from 2011 to 2026: shaped marks show when each "
        "was proposed, consulted on, referred to the Health Secretary, decided, "
        "carried out, stalled or dropped.",
        source="Local and national press, NHS and council papers, Hansard and campaign "
        "sites, 2016-2025 (one source per milestone, named in the tooltip).",
        data_files=("reconfiguration_outcomes.csv", "proposal_status.csv"),
    )


def payback_chart(
    declared: dict[str, Parameter], values: dict[str, float], sliders: bool = True
) -> alt.LayerChart | alt.FacetChart:
    """Cumulative discounted cash flow of a consolidation, year by year, recomputed in
    the browser from six sliders (the chapter's parameters); with ``sliders`` False (the
    live panel redraws the chart instead) the values are fixed. The title gives the net
    present value at the horizon, a note in the plot the payback year; both follow the
    sliders."""
    horizon = declared["horizon_years"]
    assert horizon.maximum is not None  # a number's declaration always has a range
    max_years = int(horizon.maximum)
    years = pd.DataFrame({"year": range(max_years + 1)})
    params = [
        slider(declared[n], values[n]) if sliders else alt.param(name=n, value=values[n])
        for n in APPRAISAL_PARAMS
    ]
    base = (
        alt.Chart(years)
        .transform_filter("datum.year <= horizon_years")
        .transform_calculate(cumulative_gbp_m=CUMULATIVE_EXPR)
        .transform_calculate(
            position=alt.expr.if_(alt.datum.cumulative_gbp_m >= 0, "Paid back", "Not yet paid back")
        )
    )
    x = alt.X(
        "year:O",
        title="Years after the decision",
        axis=alt.Axis(labelAngle=0, labelOverlap="greedy"),
    )
    bars = (
        base.mark_bar()
        .encode(
            x=x,
            y=alt.Y("cumulative_gbp_m:Q", title="Cumulative net present value (£m)"),
            color=alt.Color(
                "position:N",
                title=None,
                scale=alt.Scale(
                    domain=["Not yet paid back", "Paid back"], range=[OKABE_ITO[3], MODELLED_COLOUR]
                ),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("year:O", title="Years after the decision"),
                alt.Tooltip("cumulative_gbp_m:Q", title="Cumulative (£m)", format=",.1f"),
            ],
        )
        .add_params(*params)
    )
    note = (
        base.transform_calculate(paid=PAID_EXPR)
        .transform_aggregate(payback="min(paid)")
        .transform_calculate(note=PAYBACK_EXPR)
        .mark_text(
            align="left", baseline="top", fontSize=13, fontWeight="bold", color=PUBLISHED_COLOUR
        )
        .encode(text="note:N", x=alt.value(6), y=alt.value(6))
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=PUBLISHED_COLOUR).encode(y="y:Q")
    title = alt.Title(
        text=alt.ExprRef(
            expr=f"['Over ' + horizon_years + ' years the change is worth', "
            f"({NPV_EXPR}) < 0 ? '-£' + format(-({NPV_EXPR}), ',.1f') + 'm' "
            f": '£' + format({NPV_EXPR}, ',.1f') + 'm']"
        ),
        subtitle=lines(
            "Net present value year by year under your assumptions (move the "
            "sliders); modelled, not a published appraisal.",
            50,
        ),
        anchor="start",
    )
    chart = alt.layer(bars, zero, note).properties(
        width="container" if sliders else 560, height=300, title=title
    )
    return describe(
        readable(chart),
        alt_text="Bar chart of the cumulative discounted cash flow of a hospital "
        "consolidation by year: negative during capital spending and dual running, "
        "rising once savings start, crossing zero in the payback year.",
        source="This book's appraisal model; discount rate from HM Treasury's Green Book "
        "(2020 edition); default capital cost from the BMA's estimate of the plans' "
        "capital needs (February 2017).",
        data_files=("national_facts.csv",),
        modelled=True,
    )


def capital_chart(amounts: pd.DataFrame, title: str) -> alt.LayerChart | alt.FacetChart:
    """Capital the plans asked for against capital offered, each bar labelled above it
    (label and amount), so nothing is cut at 375 px. ``amounts`` has label, gbp_m, kind
    (``Needed`` or ``Offered``), when and text (the amount in words)."""
    frame = amounts.assign(caption=amounts["label"] + ": " + amounts["text"])
    y = alt.Y(
        "label:N",
        sort=None,
        title=None,
        axis=None,
        scale=alt.Scale(paddingInner=0.55, paddingOuter=0.2),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "gbp_m:Q",
                title="Capital (£m, cash)",
                axis=alt.Axis(format=",.0f", tickCount=4, labelOverlap="greedy"),
            ),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["Needed", "Offered"], range=[OKABE_ITO[3], OKABE_ITO[2]]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="What"),
                alt.Tooltip("when:N", title="When"),
                alt.Tooltip("gbp_m:Q", title="£m", format=",.0f"),
            ],
        )
    )
    labels = (
        alt.Chart(frame)
        .mark_text(align="left", baseline="bottom", dy=-13, color=LABEL_COLOUR, fontSize=FONT)
        .encode(y=y, x=alt.datum(0), text="caption:N")
    )
    chart = alt.layer(bars, labels).properties(
        width="container",
        height=alt.Step(56),
        autosize=FIT_X,
        title=alt.Title(lines(title), anchor="start"),
    )
    return describe(
        readable(chart),
        alt_text="Bar chart comparing the BMA's estimate of about 9.5 billion pounds of "
        "capital needed by the plans with the 325 million pounds of the Spring "
        "Budget 2017 and the 2.6 billion pounds of the Autumn Budget 2017, and the "
        "more than 8.7 billion pounds trusts bid for by 2019 with the about 2.3 "
        "billion pounds allocated.",
        source="BMA (14 February 2017); HM Treasury, Spring Budget 2017 (8 March 2017) and "
        "Autumn Budget 2017 (22 November 2017), as reported by CCG Alert and "
        "Healthcare Leader; Health Service Journal (2019) for the bids and the "
        "allocations to 2019.",
        data_files=("national_facts.csv",),
    )
