"""Charts for chapter 3, the plans and their money."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..parameters import Parameter
from .render import MODELLED_COLOUR, OKABE_ITO, PUBLISHED_COLOUR, describe, slider

SCOPE_LABELS = {
    "nhs_only": "NHS only",
    "nhs_and_social_care": "NHS and social care",
    "unclear": "Scope not stated",
}
SCOPE_COLOURS = [OKABE_ITO[0], OKABE_ITO[1], "#9a9a9a"]
CATEGORY_COLOURS = {"policy": OKABE_ITO[0], "deadline": OKABE_ITO[3],
                    "commentary": OKABE_ITO[4], "publication": OKABE_ITO[2],
                    "funding": OKABE_ITO[1], "legislation": PUBLISHED_COLOUR}


def _lanes(dates: pd.Series, labels: pd.Series, width_px: int = 620,
           char_px: float = 5.6) -> list[int]:
    """Put each label in the first row where it does not run into the previous label.
    Labels of the later half of the events run leftwards from their point."""
    span = max((dates.max() - dates.min()).days, 1)
    days_per_px = span / width_px
    ends: list[pd.Timestamp] = []
    lanes = []
    middle = dates.median()
    for when, text in zip(dates, labels):
        length = pd.Timedelta(days=(len(text) * char_px + 20) * days_per_px)
        start, end = (when, when + length) if when <= middle else (when - length, when)
        lane = next((i for i, last in enumerate(ends) if last < start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        lanes.append(lane)
    return lanes


def timeline_chart(events: pd.DataFrame) -> alt.Chart:
    """Dated events as labelled points on a time line. ``events`` needs date (ISO),
    event and category."""
    events = events.sort_values("date").reset_index(drop=True).copy()
    when = pd.to_datetime(events["date"])
    events["lane"] = _lanes(when, events["event"])
    events["late"] = when > when.median()
    cats = list(dict.fromkeys(events["category"]))
    base = alt.Chart(events).encode(
        x=alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("lane:O", axis=None),
        color=alt.Color("category:N", title="Kind of event",
                        scale=alt.Scale(domain=cats,
                                        range=[CATEGORY_COLOURS.get(c, "#777") for c in cats]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "event:N", "category:N"],
    )
    late = "datum.late"
    chart = (base.mark_point(filled=True, size=90)
             + base.transform_filter(f"!({late})").mark_text(align="left", dx=7, fontSize=10)
             .encode(text="event:N", color=alt.value("#222"))
             + base.transform_filter(late).mark_text(align="right", dx=-7, fontSize=10)
             .encode(text="event:N", color=alt.value("#222")))
    chart = chart.properties(width=620, height=28 * (events["lane"].max() + 1), title=alt.Title(
        "Ten months from planning guidance to 'final' plans, then a slow reveal",
        subtitle="Hover over a point for the full event."))
    return describe(
        chart,
        alt_text="Timeline from the planning guidance of December 2015 through the June 2016 "
                 "drafts and October 2016 submissions to the plans' publication and the "
                 "commentary that followed.",
        source="data/timeline.csv (each event with its own source).",
        data_files=("timeline.csv",))


def gaps_chart(gaps: pd.DataFrame, modelled_col: str | None = None) -> alt.HConcatChart:
    """Published do-nothing gaps (GBP m and GBP per head), by scope, with doubtful figures
    flagged; optionally the book's modelled median remaining gap beside each.

    ``gaps`` needs stp17nm, gap_gbp_m, gap_per_head_gbp, scope, reliability and
    plan_version; ``modelled_col`` names a column of modelled GBP m values."""
    gaps = gaps.copy()
    gaps["scope_label"] = gaps["scope"].map(SCOPE_LABELS)
    gaps["flag"] = [
        "doubtful" if r == "doubtful" else ("draft" if str(v).startswith("draft") else "")
        for r, v in zip(gaps["reliability"], gaps["plan_version"])]
    gaps["label"] = gaps["stp17nm"] + gaps["flag"].map(lambda f: f" ({f})" if f else "")
    order = gaps.sort_values("gap_gbp_m", ascending=False)["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    colour = alt.Color("scope_label:N", title="Scope of the published figure",
                       scale=alt.Scale(domain=list(SCOPE_LABELS.values()), range=SCOPE_COLOURS),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    opacity = alt.condition("datum.flag == 'doubtful'", alt.value(0.35), alt.value(1.0))
    tip = [alt.Tooltip("stp17nm:N", title="Footprint"),
           alt.Tooltip("gap_gbp_m:Q", title="Published gap (GBP m)"),
           alt.Tooltip("gap_per_head_gbp:Q", title="GBP per head", format=",.0f"),
           alt.Tooltip("scope_label:N", title="Scope"), alt.Tooltip("flag:N", title="Flag"),
           alt.Tooltip("note:N", title="Note")]
    left = alt.Chart(gaps).mark_bar().encode(
        x=alt.X("gap_gbp_m:Q", title="Do-nothing gap by 2020/21 (GBP m a year, as published)"),
        y=y, color=colour, opacity=opacity, tooltip=tip)
    if modelled_col:
        left = left + alt.Chart(gaps).mark_point(
            shape="diamond", filled=True, size=70, color=MODELLED_COLOUR,
            stroke="white", strokeWidth=0.8).encode(
            x=f"{modelled_col}:Q", y=y,
            tooltip=[alt.Tooltip(f"{modelled_col}:Q", format=",.0f",
                                 title="Modelled median gap left (GBP m)")])
    right = alt.Chart(gaps).mark_bar().encode(
        x=alt.X("gap_per_head_gbp:Q", title="Per head (GBP, mid-2016 population)"),
        y=alt.Y("label:N", sort=order, axis=None),
        color=colour, opacity=opacity, tooltip=tip)
    subtitle = ("Bars: published figures (faded: doubtful). "
                + ("Blue diamonds: this book's modelled median gap left after the plan "
                   "(chapter parameters). " if modelled_col else ""))
    chart = alt.hconcat(left.properties(width=330, height=420),
                        right.properties(width=180, height=420)).properties(
        title=alt.Title("The published gaps run from a few hundred million to about £1bn "
                        "a footprint", subtitle=subtitle))
    return describe(
        chart,
        alt_text="Bar charts of the do-nothing financial gaps by 2020/21 published by STP "
                 "footprints, in GBP million and per head, coloured by whether the figure "
                 "covers the NHS only or also social care.",
        source="data/financial_gaps.csv (each figure with its own source); populations from "
               "data/footprints.csv; modelled points: stpbook.models.stress.",
        data_files=("financial_gaps.csv", "footprints.csv"), modelled=bool(modelled_col))


def stf_chart(stf_bn: float, deficits_bn: float) -> alt.Chart:
    """The 2016/17 Sustainability and Transformation Fund: deficit support vs the rest."""
    parts = pd.DataFrame({
        "use": ["Support for providers in deficit", "Left for everything else"],
        "gbp_bn": [deficits_bn, stf_bn - deficits_bn],
        "order": [0, 1],
    })
    chart = alt.Chart(parts).mark_bar(height=44).encode(
        x=alt.X("sum(gbp_bn):Q", title="Sustainability and Transformation Fund 2016/17 "
                "(GBP bn, cash)", scale=alt.Scale(domain=[0, stf_bn])),
        color=alt.Color("use:N", title=None, sort=parts["use"].tolist(),
                        scale=alt.Scale(range=[OKABE_ITO[3], OKABE_ITO[2]]),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("order:Q"),
        tooltip=["use:N", alt.Tooltip("gbp_bn:Q", format=".1f", title="GBP bn")],
    ).properties(width=520, height=70, title=alt.Title(
        f"£{deficits_bn:.1f}bn of the £{stf_bn:.1f}bn fund went to providers' deficits"))
    return describe(
        chart,
        alt_text="A single stacked bar: most of the 2016/17 Sustainability and "
                 "Transformation Fund was set aside for providers in deficit.",
        source="data/national_facts.csv (NHS England planning guidance, Dec 2015; "
               "King's Fund, 2016).", data_files=("national_facts.csv",))


def stress_chart(summary: pd.DataFrame, hist: pd.DataFrame, declared: dict[str, Parameter],
                 efficiency_value: float, plan_label: str, gap_gbp_m: float) -> alt.VConcatChart:
    """The stress test: the distribution of the gap left for the slider's efficiency
    delivery (histogram, filtered in the browser from the precomputed grid), and the
    median with 50% and 90% bands across all delivery rates.

    ``summary`` and ``hist`` come from ``stpbook.models.stress.grid``."""
    param = slider(declared["efficiency_delivered"], efficiency_value)
    pick = "abs(datum.efficiency_delivered - efficiency_delivered) < 1e-6"
    hist_chart = alt.Chart(hist).transform_filter(pick).mark_bar(
        color=MODELLED_COLOUR, opacity=0.8).encode(
        x=alt.X("bin_start:Q", bin="binned", title="Gap left in 2020/21 (GBP m a year; "
                "below zero: surplus)"),
        x2="bin_end:Q",
        y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("bin_start:Q", title="From (GBP m)", format=",.0f"),
                 alt.Tooltip("bin_end:Q", title="To (GBP m)", format=",.0f"),
                 alt.Tooltip("share:Q", format=".1%")],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=PUBLISHED_COLOUR).encode(x="x:Q")
    readout = alt.Chart(summary).transform_filter(pick).transform_calculate(
        label="'Median gap left: £' + format(datum.q50, ',.0f') + 'm; plan fully closed in ' "
              "+ format(datum.share_closed, '.0%') + ' of draws'"
    ).mark_text(align="left", fontSize=12, color=MODELLED_COLOUR).encode(
        text="label:N", x=alt.value(0), y=alt.value(-8))
    top = alt.layer(hist_chart, zero, readout).properties(width=560, height=220)
    x = alt.X("efficiency_delivered:Q", title="Share of planned efficiency delivered",
              axis=alt.Axis(format="%"))
    base = alt.Chart(summary)
    fan = alt.layer(
        base.mark_area(opacity=0.2, color=MODELLED_COLOUR).encode(
            x=x, y=alt.Y("q05:Q", title="Gap left in 2020/21 (GBP m a year)"), y2="q95:Q"),
        base.mark_area(opacity=0.35, color=MODELLED_COLOUR).encode(x=x, y="q25:Q", y2="q75:Q"),
        base.mark_line(color=MODELLED_COLOUR, strokeWidth=2.5).encode(
            x=x, y="q50:Q",
            tooltip=[alt.Tooltip("efficiency_delivered:Q", format=".0%"),
                     alt.Tooltip("q05:Q", format=",.0f"), alt.Tooltip("q50:Q", format=",.0f"),
                     alt.Tooltip("q95:Q", format=",.0f")]),
        alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=PUBLISHED_COLOUR).encode(y="y:Q"),
        alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=OKABE_ITO[3], strokeDash=[4, 3])
        .transform_calculate(e="efficiency_delivered").encode(x="e:Q"),
    ).properties(width=560, height=220)
    chart = alt.vconcat(top, fan).add_params(param).properties(title=alt.Title(
        f"Stress test of {plan_label} (published gap £{gap_gbp_m:,.0f}m): "
        "partial delivery leaves much of it open",
        subtitle="Modelled by this book. Top: distribution of the gap left at the slider's "
                 "efficiency delivery. Bottom: median, 50% and 90% bands."))
    return describe(
        chart,
        alt_text="Histogram of the modelled remaining gap for the chosen plan at the "
                 "selected efficiency delivery, and a fan chart of the remaining gap against "
                 "the share of planned efficiency delivered.",
        source="this book's Monte Carlo model (stpbook.models.stress); activity assumptions "
               "from the Nuffield Trust (data/activity_assumptions.csv); gaps from "
               "data/financial_gaps.csv.",
        data_files=("activity_assumptions.csv", "financial_gaps.csv"), modelled=True)
