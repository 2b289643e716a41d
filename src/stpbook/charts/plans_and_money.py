"""Charts for chapter 3, the plans and their money.

Every chart here is one container-wide chart (no concatenation), so it fits the column at
1280 px and at 375 px. Long labels are written above their bars, wrapped, never cut;
titles are short lines. The stress chart's browser formulas (Vega expressions) have a
Python twin, ``stpbook.chapters.plans_and_money.browser_readout``, which the tests hold
to them.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from .. import dates
from ..parameters import Parameter
from .render import (
    MODELLED_COLOUR,
    OKABE_ITO,
    PUBLISHED_COLOUR,
    TEXT_COLOURS,
    ChartT,
    describe,
    dropdown,
    slider,
)

CATEGORY_COLOURS = {
    "policy": OKABE_ITO[0],
    "deadline": OKABE_ITO[3],
    "commentary": OKABE_ITO[4],
    "publication": OKABE_ITO[2],
    "funding": OKABE_ITO[1],
    "legislation": PUBLISHED_COLOUR,
}
CATEGORY_SHAPES = {
    "policy": "circle",
    "deadline": "diamond",
    "publication": "square",
    "funding": "triangle-up",
    "legislation": "cross",
    "commentary": "circle",
}
LABEL_GREY = "#444444"  # 9.7:1 on white
# Text on the charts: at least 11 px for every label at any width.
LABEL_PX, TITLE_PX = 11, 12
# About this many ticks on a value axis: more run together on a phone or a slide.
TICKS = 6
# Charts whose rows are laid out in pixels keep exactly their height ("fit-x").
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
ROW_PX = 36  # one bar row: a line of label above a bar
LINE_PX = 15  # one line of 11 px text
READOUT_LINES = 5  # the stress chart's readout above the plot


def readable(chart: ChartT) -> ChartT:
    """``chart`` with axis and legend text large enough to read at 1280 px and 375 px."""
    return chart.configure_axis(labelFontSize=LABEL_PX, titleFontSize=TITLE_PX).configure_legend(
        labelFontSize=LABEL_PX, titleFontSize=LABEL_PX
    )


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters, joined by newlines (the
    text marks' ``lineBreak``)."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


@dataclass(frozen=True)
class TimelineLayout:
    """One way of setting out the timeline: text size, line height (px), where the
    spine and the event text start (px from the left) and how many characters an event's
    line may hold."""

    font: int
    line_px: int
    spine_x: int
    text_x: int
    chars: int


# A phone's column (about 290 px) takes the narrow layout; a desktop column (about 630
# px) the wide one, in larger type with the event text across the width. The chart picks
# one in the browser from its own width (``WIDE_EXPR``).
NARROW = TimelineLayout(font=11, line_px=15, spine_x=80, text_x=92, chars=31)
WIDE = TimelineLayout(font=13, line_px=18, spine_x=100, text_x=114, chars=70)
WIDE_FROM_PX = 600  # 114 px + 70 characters of 13 px text (about 6.5 px each), and a margin
WIDE_EXPR = f"width >= {WIDE_FROM_PX}"
EVENT_GAP = 0.7  # blank lines between events


def timeline_rows(events: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The timeline's rows in date order, laid out both ways: for each layout ``n`` and
    ``w``, the event wrapped to its width (``text_n``, ``text_w``) and each row's top in
    px (``y_n``, ``y_w``); the height is the taller layout's, in px."""
    rows = events.sort_values("date").reset_index(drop=True).copy()
    when = pd.to_datetime(rows["date"])
    rows["date_label"] = [dates.when(w, p) for w, p in zip(when, rows["date_precision"])]
    event = [e.replace("GBP ", "£") for e in rows["event"]]
    heights = {}
    for key, lay in (("n", NARROW), ("w", WIDE)):
        rows[f"text_{key}"] = [wrap(e, lay.chars) for e in event]
        tops, top = [], 0.0
        for text in rows[f"text_{key}"]:
            tops.append(top)
            # date and kind take two lines on the left, so an event takes at least two
            top += (max(2, text.count("\n") + 1) + EVENT_GAP) * lay.line_px
        rows[f"y_{key}"] = tops
        heights[key] = top - EVENT_GAP * lay.line_px
    return rows, int(max(heights.values())) + 4


def timeline_chart(events: pd.DataFrame) -> alt.LayerChart:
    """Dated events as a vertical list: date and kind on the left, a symbol, the event
    wrapped on the right. ``events`` needs date, date_precision, event and category.

    The chart sets itself out for its width in the browser (``WIDE_EXPR``): larger type
    and longer lines in a desktop column, the narrow layout on a phone."""
    rows, height = timeline_rows(events)
    cats = list(dict.fromkeys(rows["category"]))

    def pick(narrow: float | str, wide: float | str) -> alt.ExprRef:
        return alt.ExprRef(expr=f"wide ? {wide} : {narrow}")

    scale = alt.Scale(domain=[0, height], reverse=True, nice=False, zero=False)
    base = alt.Chart(rows).transform_calculate(
        text="wide ? datum.text_w : datum.text_n",
        y="wide ? datum.y_w : datum.y_n",
        y_kind=f"(wide ? datum.y_w + {WIDE.line_px} : datum.y_n + {NARROW.line_px})",
        y_mark=f"(wide ? datum.y_w + {WIDE.line_px * 0.55} : datum.y_n + {NARROW.line_px * 0.55})",
    )
    y = alt.Y("y:Q", axis=None, scale=scale)
    last = rows.iloc[-1]
    spine = (
        alt.Chart(
            pd.DataFrame(
                {
                    "a": [0.0],
                    "b_n": [last["y_n"] + NARROW.line_px * 2],
                    "b_w": [last["y_w"] + WIDE.line_px * 2],
                }
            )
        )
        .transform_calculate(b="wide ? datum.b_w : datum.b_n")
        .mark_rule(color="#bbbbbb", x=pick(NARROW.spine_x, WIDE.spine_x))
        .encode(y=alt.Y("a:Q", axis=None, scale=scale), y2="b:Q")
    )
    marks = base.mark_point(
        filled=True,
        size=pick(80, 110),
        stroke="#333333",
        strokeWidth=0.8,
        opacity=1,
        x=pick(NARROW.spine_x, WIDE.spine_x),
    ).encode(
        y=alt.Y("y_mark:Q", axis=None, scale=scale),
        color=alt.Color(
            "category:N",
            legend=None,
            scale=alt.Scale(domain=cats, range=[CATEGORY_COLOURS.get(c, "#777777") for c in cats]),
        ),
        shape=alt.Shape(
            "category:N",
            legend=None,
            scale=alt.Scale(domain=cats, range=[CATEGORY_SHAPES.get(c, "circle") for c in cats]),
        ),
        tooltip=[
            alt.Tooltip("date_label:N", title="Date"),
            alt.Tooltip("event:N", title="Event"),
            alt.Tooltip("category:N", title="Kind"),
        ],
    )
    dates = base.mark_text(
        align="left",
        baseline="top",
        fontWeight="bold",
        color="#222222",
        fontSize=pick(NARROW.font, WIDE.font),
        x=0,
    ).encode(y=y, text="date_label:N")
    kinds = base.mark_text(
        align="left",
        baseline="top",
        color=LABEL_GREY,
        fontSize=pick(NARROW.font, WIDE.font - 1),
        x=0,
    ).encode(y=alt.Y("y_kind:Q", axis=None, scale=scale), text="category:N")
    text = base.mark_text(
        align="left",
        baseline="top",
        lineBreak="\n",
        color="#222222",
        fontSize=pick(NARROW.font, WIDE.font),
        lineHeight=pick(NARROW.line_px, WIDE.line_px),
        x=pick(NARROW.text_x, WIDE.text_x),
    ).encode(y=y, text="text:N")
    chart = (
        alt.layer(spine, marks, dates, kinds, text)
        .add_params(alt.param(name="wide", expr=WIDE_EXPR))
        .configure_view(stroke=None)
        .properties(
            width="container",
            height=height,
            autosize=FIT_X,
            title=alt.Title(
                ["Ten months from planning guidance", "to 'final' plans, then a slow reveal"],
                subtitle="The kind of event is under each date.",
                anchor="start",
            ),
        )
    )
    return describe(
        readable(chart),
        alt_text="Timeline from the planning guidance of December 2015 through the June 2016 "
        "drafts and October 2016 submissions to the plans' publication, the Spring "
        "Budget of March 2017 and the Next Steps of 31 March 2017.",
        source="NHS England, the House of Commons Health Committee, the Health Service "
        "Journal, the BMA and others: each event with its own source (bibliography).",
        data_files=("timeline.csv",),
    )


def _bar_rows(
    frame: pd.DataFrame, value: str, label: str, row_px: int = ROW_PX
) -> tuple[alt.Y, int, float]:
    """The shared y encoding of a bar list with labels above the bars: (y, height, the
    label's offset above the bar)."""
    order = frame.sort_values(value, ascending=False)[label].tolist()
    y = alt.Y(f"{label}:N", sort=order, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    return y, row_px * len(frame), row_px / 2 - 14


def _plan_label(row: pd.Series, suffix: str = "") -> str:
    words = {"nhs_only": "NHS only", "nhs_and_social_care": "incl. social care"}
    notes = [
        w
        for w in (
            words.get(row["scope"], ""),
            "draft" if row["draft"] else "",
            "doubtful" if not row["usable"] else "",
        )
        if w
    ]
    return f"{row['stp17nm']}{suffix}" + (f" ({', '.join(notes)})" if notes else "")


def gaps_chart(
    published: pd.DataFrame, modelled_col: str | None, title: list[str], assumptions: str
) -> alt.LayerChart:
    """Published do-nothing gaps (GBP m a year by 2020/21), one bar each with its name
    above it (doubtful figures faded), and the book's modelled median gap left beside each
    usable one. ``published`` is the recipe's published_gaps."""
    rows = published.copy()
    rows["note"] = rows["note"].fillna("").str.replace("GBP ", "£", regex=False)
    rows["label"] = [_plan_label(r) for _, r in rows.iterrows()]
    rows["value_text"] = [f"£{v:,.0f}m" for v in rows["gap_gbp_m"]]
    y, height, _ = _bar_rows(rows, "gap_gbp_m", "label")
    xmax = float(rows["gap_gbp_m"].max()) * 1.22
    x = alt.X(
        "gap_gbp_m:Q",
        title="Do-nothing gap by 2020/21 (£m a year)",
        scale=alt.Scale(domain=[0, xmax], nice=False),
        axis=alt.Axis(tickCount=TICKS),
    )
    opacity = alt.condition("datum.usable", alt.value(0.85), alt.value(0.3))
    tip = [
        alt.Tooltip("stp17nm:N", title="Footprint"),
        alt.Tooltip("gap_gbp_m:Q", title="Published gap (£m a year)", format=",.0f"),
        alt.Tooltip("note:N", title="Note"),
    ]
    base = alt.Chart(rows)
    layers = [
        base.mark_bar(height=12, yOffset=8, color=PUBLISHED_COLOUR).encode(
            x=x, y=y, opacity=opacity, tooltip=tip
        ),
        base.mark_text(
            align="left", baseline="bottom", dy=-1, fontSize=LABEL_PX, color="#222222"
        ).encode(x=alt.value(0), y=y, text="label:N"),
        base.mark_text(
            align="left", baseline="middle", dx=4, yOffset=8, fontSize=LABEL_PX, color=LABEL_GREY
        ).encode(x="gap_gbp_m:Q", y=y, text="value_text:N"),
    ]
    subtitle = ["Black bars: published figures (faded: doubtful)."]
    if modelled_col:
        layers.append(
            base.transform_filter("datum.usable")
            .mark_point(
                shape="diamond",
                filled=True,
                size=70,
                yOffset=8,
                color=MODELLED_COLOUR,
                stroke="white",
                strokeWidth=1,
            )
            .encode(
                x=f"{modelled_col}:Q",
                y=y,
                tooltip=[
                    alt.Tooltip("stp17nm:N", title="Footprint"),
                    alt.Tooltip(
                        f"{modelled_col}:Q",
                        format=",.0f",
                        title="Modelled median gap left (£m a year)",
                    ),
                ],
            )
        )
        subtitle += ["Blue diamonds: this book's modelled median gap left", f"({assumptions})."]
    chart = (
        alt.layer(*layers)
        .configure_view(stroke=None)
        .properties(
            width="container",
            height=height,
            title=alt.Title(title, subtitle=subtitle, anchor="start"),
        )
    )
    return describe(
        readable(chart),
        alt_text="Bars of the do-nothing financial gaps by 2020/21 published for the STP "
        "footprints where a figure was found, largest first, with the book's "
        "modelled median gap left after each plan.",
        source="The plans as published and reported (the King's Fund, local councils, NHS "
        "bodies, local press and campaign pages), each figure with its own source; "
        "modelled points: this book's stress test.",
        data_files=("financial_gaps.csv",),
        modelled=bool(modelled_col),
    )


def per_head_chart(
    published: pd.DataFrame, ippr_low: float, ippr_high: float, title: list[str]
) -> alt.LayerChart:
    """The published gaps per head of population (GBP), with IPPR's range over all 44
    plans behind them. Names marked * have a population that is the book's estimate."""
    rows = published.copy()
    rows["label"] = [_plan_label(r, "*" if r["apportioned"] else "") for _, r in rows.iterrows()]
    rows["value_text"] = [f"£{v:,.0f}" for v in rows["gap_per_head_gbp"]]
    rows["population_words"] = [
        "estimated by this book" if a else "ONS estimate" for a in rows["apportioned"]
    ]
    y, height, _ = _bar_rows(rows, "gap_per_head_gbp", "label")
    xmax = max(float(rows["gap_per_head_gbp"].max()), ippr_high) * 1.15
    xscale = alt.Scale(domain=[0, xmax], nice=False)
    x = alt.X(
        "gap_per_head_gbp:Q",
        title="Gap per head (£; * population partly modelled)",
        scale=xscale,
        axis=alt.Axis(tickCount=TICKS),
    )
    band = pd.DataFrame(
        {
            "lo": [ippr_low],
            "hi": [ippr_high],
            "text": [f"IPPR's range for all 44: £{ippr_low:,.0f}-£{ippr_high:,.0f}"],
        }
    )
    opacity = alt.condition("datum.usable", alt.value(0.85), alt.value(0.3))
    base = alt.Chart(rows)
    chart = (
        alt.layer(
            alt.Chart(band)
            .mark_rect(color="#e6e6e6")
            .encode(x=alt.X("lo:Q", scale=xscale), x2="hi:Q"),
            alt.Chart(band)
            .mark_text(align="left", baseline="bottom", dy=-4, fontSize=LABEL_PX, color=LABEL_GREY)
            .encode(x=alt.X("lo:Q", scale=xscale), y=alt.value(0), text="text:N"),
            base.mark_bar(height=12, yOffset=8, color=PUBLISHED_COLOUR).encode(
                x=x,
                y=y,
                opacity=opacity,
                tooltip=[
                    alt.Tooltip("stp17nm:N", title="Footprint"),
                    alt.Tooltip("gap_per_head_gbp:Q", title="£ per head", format=",.0f"),
                    alt.Tooltip("population:Q", title="Population, mid-2016", format=",.0f"),
                    alt.Tooltip("population_words:N", title="Population"),
                ],
            ),
            base.mark_text(
                align="left", baseline="bottom", dy=-1, fontSize=LABEL_PX, color="#222222"
            ).encode(x=alt.value(0), y=y, text="label:N"),
            base.mark_text(
                align="left",
                baseline="middle",
                dx=4,
                yOffset=8,
                fontSize=LABEL_PX,
                color=LABEL_GREY,
            ).encode(x="gap_per_head_gbp:Q", y=y, text="value_text:N"),
        )
        .configure_view(stroke=None)
        .properties(
            width="container",
            height=height,
            title=alt.Title(
                title,
                subtitle=[
                    "Published gap divided by mid-2016 population.",
                    "* Population estimated by this book (districts",
                    "shared with a neighbour split by small areas).",
                    "Grey band: IPPR's per-head range for all 44 plans.",
                ],
                anchor="start",
            ),
        )
    )
    return describe(
        readable(chart),
        alt_text="Bars of each published do-nothing gap per head of population, against a "
        "grey band showing the range IPPR found across all 44 plans.",
        source="Gaps as published (one source each); populations: ONS mid-2016 estimates, "
        "apportioned by this book for footprints that share a district (ONS lookups); "
        "range: IPPR, STPs: kill or cure? (January 2017).",
        data_files=("financial_gaps.csv", "footprints.csv", "gap_per_head_ippr.csv"),
        modelled=bool(rows["apportioned"].any()),
    )


def stf_chart(stf_bn: float, deficits_bn: float) -> alt.Chart:
    """The 2016/17 Sustainability and Transformation Fund: deficit support vs the rest."""
    parts = pd.DataFrame(
        {
            "use": [
                f"Support for trusts in deficit: £{deficits_bn:.1f}bn",
                f"Left for everything else: £{stf_bn - deficits_bn:.1f}bn",
            ],
            "gbp_bn": [deficits_bn, stf_bn - deficits_bn],
            "order": [0, 1],
        }
    )
    chart = (
        alt.Chart(parts)
        .mark_bar(height=40, stroke="#333333", strokeWidth=0.8)
        .encode(
            x=alt.X(
                "sum(gbp_bn):Q",
                title="Fund in 2016/17 (£bn, cash)",
                scale=alt.Scale(domain=[0, stf_bn]),
                # ticks every £0.5bn: at £0.1bn they ran together on a phone and on slides
                axis=alt.Axis(values=[v / 2 for v in range(int(stf_bn * 2) + 1)], format=".1f"),
            ),
            color=alt.Color(
                "use:N",
                title=None,
                sort=parts["use"].tolist(),
                scale=alt.Scale(range=[OKABE_ITO[3], OKABE_ITO[2]]),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320),
            ),
            order=alt.Order("order:Q"),
            tooltip=["use:N", alt.Tooltip("gbp_bn:Q", format=".1f", title="£bn")],
        )
        .properties(
            width="container",
            height=60,
            title=alt.Title(
                [
                    f"£{deficits_bn:.1f}bn of the £{stf_bn:.1f}bn fund was",
                    "set aside for trusts' deficits",
                ],
                anchor="start",
            ),
        )
    )
    return describe(
        readable(chart),
        alt_text="A single stacked bar: most of the 2016/17 Sustainability and "
        "Transformation Fund was set aside for providers in deficit.",
        source="NHS England and partners, planning guidance (December 2015); The King's Fund "
        "(2016).",
        data_files=("national_facts.csv",),
    )


def nao_chart(frame: pd.DataFrame, title: list[str]) -> alt.LayerChart:
    """The NHS's combined net position as reported, and 2016/17 without the fund.
    ``frame`` has row, position_gbp_m and kind ("published" or "arithmetic")."""
    rows = frame.copy()
    rows["label"] = [
        f"{r}: {'-' if v < 0 else '+'}£{abs(v):,.0f}m"
        for r, v in zip(rows["row"], rows["position_gbp_m"])
    ]
    order = rows["label"].tolist()
    y = alt.Y("label:N", sort=order, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    lo = min(0.0, float(rows["position_gbp_m"].min())) * 1.1
    hi = max(0.0, float(rows["position_gbp_m"].max())) * 1.1 + 100
    x = alt.X(
        "position_gbp_m:Q",
        title="Net position (£m; below zero: deficit)",
        scale=alt.Scale(domain=[lo, hi], nice=False),
        axis=alt.Axis(tickCount=TICKS),
    )
    base = alt.Chart(rows)
    chart = (
        alt.layer(
            base.mark_bar(height=12, yOffset=8, strokeWidth=1.2).encode(
                x=x,
                y=y,
                color=alt.Color(
                    "kind:N",
                    legend=None,
                    scale=alt.Scale(
                        domain=["published", "arithmetic"],
                        range=[PUBLISHED_COLOUR, MODELLED_COLOUR],
                    ),
                ),
                strokeDash=alt.StrokeDash(
                    "kind:N",
                    legend=None,
                    scale=alt.Scale(domain=["published", "arithmetic"], range=[[1, 0], [4, 2]]),
                ),
                tooltip=[
                    alt.Tooltip("row:N", title="Year"),
                    alt.Tooltip("position_gbp_m:Q", title="£m", format=",.0f"),
                ],
            ),
            base.mark_text(
                align="left", baseline="bottom", dy=-1, fontSize=LABEL_PX, color="#222222"
            ).encode(x=alt.value(0), y=y, text="label:N"),
            alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#555555").encode(x="x:Q"),
        )
        .configure_view(stroke=None)
        .properties(
            width="container",
            height=ROW_PX * len(rows),
            title=alt.Title(
                title,
                subtitle=[
                    "NHS England, CCGs and trusts together. Blue: the",
                    "book's arithmetic, the 2016/17 figure less the fund.",
                ],
                anchor="start",
            ),
        )
    )
    return describe(
        readable(chart),
        alt_text="Bars of the NHS's combined net position: a deficit of about 1.8 billion "
        "pounds in 2015/16, a small surplus in 2016/17, and a deficit of about 1.7 "
        "billion pounds in 2016/17 if the fund's 1.8 billion is taken out.",
        source="National Audit Office, Sustainability and transformation in the NHS "
        "(January 2018); Public Accounts Committee (2018); blue bar: this book's "
        "arithmetic.",
        data_files=("national_facts.csv",),
        modelled=True,
    )


def capital_chart(frame: pd.DataFrame, title: list[str]) -> alt.LayerChart:
    """Capital for the plans, GBP bn: needed, asked for, promised, allocated. ``frame``
    has row, gbp_bn and kind."""
    rows = frame.copy()
    wrapped = [wrap(r, 40) for r in rows["row"]]
    lines = max(r.count("\n") + 1 for r in wrapped)
    rows["label"] = [r + "\n" * (lines - 1 - r.count("\n")) for r in wrapped]
    rows["value_text"] = [f"£{v:,.1f}bn" for v in rows["gbp_bn"]]
    # each row: the label's lines, then its bar just under them, then a small gap
    row_px = 14 * lines + 26
    top = -row_px / 2
    bar_offset = top + 14 * lines + 11
    order = rows["label"].tolist()
    y = alt.Y("label:N", sort=order, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    kinds = ["asked", "promised", "allocated"]
    colours = [PUBLISHED_COLOUR, OKABE_ITO[0], OKABE_ITO[2]]
    base = alt.Chart(rows)
    x = alt.X(
        "gbp_bn:Q",
        title="Capital (£bn, cash)",
        scale=alt.Scale(domain=[0, float(rows["gbp_bn"].max()) * 1.25], nice=False),
        axis=alt.Axis(tickCount=TICKS),
    )
    chart = (
        alt.layer(
            base.mark_bar(height=12, yOffset=bar_offset).encode(
                x=x,
                y=y,
                color=alt.Color(
                    "kind:N", legend=None, scale=alt.Scale(domain=kinds, range=colours)
                ),
                tooltip=[
                    alt.Tooltip("row:N", title="What"),
                    alt.Tooltip("gbp_bn:Q", title="£bn", format=",.2f"),
                ],
            ),
            base.mark_text(
                align="left",
                baseline="top",
                dy=top + 2,
                fontSize=LABEL_PX,
                lineBreak="\n",
                color="#222222",
            ).encode(x=alt.value(0), y=y, text="label:N"),
            base.mark_text(
                align="left",
                baseline="middle",
                dx=4,
                yOffset=bar_offset,
                fontSize=LABEL_PX,
                color=LABEL_GREY,
            ).encode(x="gbp_bn:Q", y=y, text="value_text:N"),
        )
        .configure_view(stroke=None)
        .properties(
            width="container", height=row_px * len(rows), title=alt.Title(title, anchor="start")
        )
    )
    return describe(
        readable(chart),
        alt_text="Bars comparing the capital the plans said they needed and asked for in "
        "bids with the capital promised for STPs in 2017 and allocated by 2019.",
        source="BMA (February 2017); HM Treasury budgets of March and November 2017 as "
        "reported by CCG Alert and Healthcare Leader; Health Service Journal (2019).",
        data_files=("national_facts.csv",),
    )


# --- the stress test -------------------------------------------------------------------


def _money(expr: str) -> str:
    """Vega: GBP m with a leading minus, as ``stpbook.chapters._common.m``."""
    return f"(({expr}) < 0 ? '-£' : '£') + format(abs({expr}), ',.0f') + 'm'"


def readout_lines(
    name_lines: str,
    gap: float,
    efficiency: float,
    q50: float,
    q05: float,
    q95: float,
    per_mille: int,
) -> str:
    """The stress chart's readout, as the browser writes it (Python twin of
    ``_readout_expr``)."""

    def money(v: float) -> str:
        return f"{'-' if v < 0 else ''}£{abs(v):,.0f}m"

    return "\n".join(
        [
            name_lines,
            f"Gap £{gap:,.0f}m a year; {efficiency:.0%} of efficiency delivered",
            f"Median gap left {money(q50)}",
            f"90% of draws: {money(q05)} to {money(q95)}",
            f"Whole gap closed in {per_mille / 10:.1f}% of draws",
        ]
    )


def _readout_expr() -> str:
    return (
        "datum.name_lines + '\\n' + 'Gap £' + format(datum.gap, ',.0f') + 'm a year; ' "
        "+ format(efficiency_delivered, '.0%') + ' of efficiency delivered' + '\\n' "
        f"+ 'Median gap left ' + {_money('datum.mid')} + '\\n' "
        f"+ '90% of draws: ' + {_money('datum.lo')} + ' to ' + {_money('datum.hi')} + '\\n' "
        "+ 'Whole gap closed in ' + format(datum.per_mille / 10, '.1f') + '% of draws'"
    )


def fan_layers(fan: alt.Chart, x: alt.X, ytitle: str) -> list[alt.Chart]:
    """The stress test's fan, drawn the same in chapter 3 and on each footprint's page:
    the 90% and 50% bands of the simulated gap left, its median line (with a tooltip)
    and the zero line (the whole gap closed). ``fan`` holds ``lo90 lo50 mid hi50 hi90``
    (GBP m) by ``efficiency_delivered``."""
    tip = [
        alt.Tooltip("efficiency_delivered:Q", title="Efficiency delivered", format=".0%"),
        alt.Tooltip("mid:Q", title="Median gap left (£m)", format=",.0f"),
        alt.Tooltip("lo90:Q", title="5th percentile (£m)", format=",.0f"),
        alt.Tooltip("hi90:Q", title="95th percentile (£m)", format=",.0f"),
    ]
    return [
        fan.mark_area(opacity=0.18, color=MODELLED_COLOUR).encode(
            x=x, y=alt.Y("lo90:Q", title=ytitle), y2="hi90:Q"
        ),
        fan.mark_area(opacity=0.3, color=MODELLED_COLOUR).encode(x=x, y="lo50:Q", y2="hi50:Q"),
        fan.mark_line(color=MODELLED_COLOUR, strokeWidth=2.5).encode(x=x, y="mid:Q", tooltip=tip),
        alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=PUBLISHED_COLOUR).encode(y="y:Q"),
    ]


def stress_chart(
    grid: Any,
    params: dict[str, Parameter],
    values: dict[str, Any],
    labels: dict[str, str],
    sliders: bool = True,
) -> alt.LayerChart | alt.FacetChart:
    """The stress test: the median gap left and its 50% and 90% bands against the share
    of planned efficiency delivered, for the chosen plan and extra funding, with a readout
    at the chosen efficiency. ``grid`` is the recipe's StressGrid; the browser scales its
    per-pound figures by the plan's gap and subtracts the extra funding."""
    names = ("footprint", "efficiency_delivered", "extra_funding_gbp_m")
    if sliders:
        controls = [
            dropdown(params["footprint"], values["footprint"], labels=labels),
            slider(params["efficiency_delivered"], values["efficiency_delivered"]),
            slider(params["extra_funding_gbp_m"], values["extra_funding_gbp_m"]),
        ]
    else:
        controls = [alt.param(name=n, value=values[n]) for n in names]
    plans = grid.plans[["code", "gap", "name_lines"]]
    funds = "[" + ",".join(repr(float(f)) for f in grid.funding_values) + "]"
    x = alt.X(
        "efficiency_delivered:Q",
        title="Share of planned efficiency delivered",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    ytitle = "Gap left in 2020/21 (£m a year)"
    fan = (
        alt.Chart(grid.fan)
        .transform_calculate(code="footprint")
        .transform_lookup(lookup="code", from_=alt.LookupData(plans, "code", ["gap"]))
        .transform_calculate(
            lo90="datum.gap * datum.q05 - extra_funding_gbp_m",
            lo50="datum.gap * datum.q25 - extra_funding_gbp_m",
            mid="datum.gap * datum.q50 - extra_funding_gbp_m",
            hi50="datum.gap * datum.q75 - extra_funding_gbp_m",
            hi90="datum.gap * datum.q95 - extra_funding_gbp_m",
        )
    )
    readout = (
        alt.Chart(grid.closed)
        .transform_filter(
            "datum.code == footprint && datum.ek == round(efficiency_delivered * 10000)"
        )
        .transform_lookup(lookup="ek", from_=alt.LookupData(grid.fan, "ek", ["q05", "q50", "q95"]))
        .transform_lookup(lookup="code", from_=alt.LookupData(plans, "code", ["gap", "name_lines"]))
        .transform_calculate(
            per_mille=f"toNumber(split(datum.closed, ',')[indexof({funds}, extra_funding_gbp_m)])",
            mid="datum.gap * datum.q50 - extra_funding_gbp_m",
            lo="datum.gap * datum.q05 - extra_funding_gbp_m",
            hi="datum.gap * datum.q95 - extra_funding_gbp_m",
            e="efficiency_delivered",
        )
        .transform_calculate(readout=_readout_expr())
    )
    chart = (
        alt.layer(
            *fan_layers(fan, x, ytitle),
            alt.Chart(pd.DataFrame({"y": [0], "t": ["0 = whole gap closed"]}))
            .mark_text(
                align="left", baseline="bottom", dx=4, dy=-3, fontSize=LABEL_PX, color="#222222"
            )
            .encode(y="y:Q", x=alt.value(0), text="t:N"),
            readout.mark_rule(color=OKABE_ITO[3], strokeDash=[5, 3], strokeWidth=1.5).encode(
                x="e:Q"
            ),
            readout.mark_point(
                filled=True, size=70, color=TEXT_COLOURS[OKABE_ITO[3]], stroke="white"
            ).encode(x="e:Q", y="mid:Q"),
            readout.mark_text(
                align="left",
                baseline="top",
                fontSize=LABEL_PX,
                lineBreak="\n",
                lineHeight=LINE_PX,
                color="#222222",
            ).encode(x=alt.value(0), y=alt.value(-READOUT_LINES * LINE_PX - 10), text="readout:N"),
        )
        .add_params(*controls)
        .properties(
            width="container" if sliders else 560,
            height=260,
            title=alt.Title(
                ["The gap left shrinks only as fast as", "the savings are delivered"],
                subtitle=[
                    "Modelled by this book. Line: median; bands: the",
                    "middle 50% and 90% of draws. Dashed: your choice.",
                ],
                anchor="start",
            ),
        )
    )
    return describe(
        readable(chart),
        alt_text="Fan chart of the modelled gap left in 2020/21 against the share of planned "
        "efficiency delivered, for the chosen plan and extra funding, with the "
        "median, the 5th and 95th percentiles and whether the whole gap closes at "
        "the chosen efficiency.",
        source="This book's Monte Carlo model; activity-cut assumptions from the Nuffield "
        "Trust (March 2017); gaps as published (one source each).",
        data_files=("activity_assumptions.csv", "financial_gaps.csv"),
        modelled=True,
    )
