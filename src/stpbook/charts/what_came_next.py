"""Charts for chapter 6: what came after the plans.

Every chart fits the content column at 1280 and 375 px: single or layered charts at
``width="container"``, horizontal bars so that long category names sit on the y axis,
and titles given as short lines (Vega-Lite does not wrap titles).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..parameters import Parameter
from .render import OKABE_ITO, PUBLISHED_COLOUR, describe, dropdown, slider

RATING_ORDER = ["Outstanding", "Advanced", "Making progress", "Needs most improvement"]
RATING_COLOURS = [OKABE_ITO[2], OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3]]
INK = "#222222"

# The timeline: one colour and one shape per kind of event (colour is never the only cue;
# the light orange has a dark outline like every point).
CATEGORY_ORDER = ["policy", "legislation", "funding", "deadline", "publication", "commentary"]
CATEGORY_COLOURS = [OKABE_ITO[0], PUBLISHED_COLOUR, OKABE_ITO[2], OKABE_ITO[3], OKABE_ITO[1],
                    OKABE_ITO[4]]
CATEGORY_SHAPES = ["circle", "square", "diamond", "triangle-up", "triangle-down", "cross"]

# Geometry of the timeline, in pixels: a spine of points at the real dates, leader lines
# out to the labels, which are spaced one event per row whatever the filter.
SPINE_X = 9
LABEL_X = 34
LINE_PX = 11.0  # height of one line of label text (font 10 px)


def dashboard_chart(counts: pd.DataFrame) -> alt.LayerChart:
    """How NHS England rated the 44 footprints in July 2017. ``counts`` needs
    rating_label, n_stps and named (the footprints the sources name, or '')."""
    y = alt.Y("rating_label:N", sort=RATING_ORDER, title=None,
              axis=alt.Axis(labelLimit=150))
    bars = alt.Chart(counts).mark_bar(stroke=INK, strokeWidth=0.5).encode(
        y=y,
        x=alt.X("n_stps:Q", title="Footprints (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("rating_label:N", sort=RATING_ORDER, legend=None,
                        scale=alt.Scale(domain=RATING_ORDER, range=RATING_COLOURS)),
        tooltip=[alt.Tooltip("rating_label:N", title="Rating"),
                 alt.Tooltip("n_stps:Q", title="Footprints"),
                 alt.Tooltip("named:N", title="Named in the sources")],
    )
    text = bars.mark_text(align="left", dx=4, color=INK).encode(text="n_stps:Q",
                                                                color=alt.value(INK))
    chart = alt.layer(bars, text).properties(
        width="container", height=alt.Step(34),
        title=alt.Title(["Most footprints were rated advanced", "or making progress, July 2017"],
                        anchor="start"))
    return describe(
        chart,
        alt_text="Horizontal bar chart of NHS England's July 2017 progress dashboard: 5 "
                 "footprints outstanding, 20 advanced, 14 making progress and 5 needing most "
                 "improvement.",
        source="NHS England, STP progress dashboard (board paper, 21 July 2017), as "
               "reported by Healthcare Leader (July 2017).",
        data_files=("dashboard_2017.csv", "dashboard_2017_ratings.csv"))


def leadership_chart(leaders: pd.DataFrame) -> alt.LayerChart:
    """Who led the 44 footprints when the leaders were named (March 2016). ``leaders``
    needs background (words), n and note (for the tooltip), in display order."""
    order = list(leaders["background"])
    colours = [OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[3], "#bdbdbd", "#8c8c8c"][:len(order)]
    bars = alt.Chart(leaders).mark_bar(stroke=INK, strokeWidth=0.5).encode(
        y=alt.Y("background:N", sort=order, title=None, axis=alt.Axis(labelLimit=170)),
        x=alt.X("n:Q", title="Footprint leaders (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("background:N", sort=order, legend=None,
                        scale=alt.Scale(domain=order, range=colours)),
        tooltip=[alt.Tooltip("background:N", title="Background"),
                 alt.Tooltip("n:Q", title="Leaders"), alt.Tooltip("note:N", title="Note")],
    )
    text = bars.mark_text(align="left", dx=4).encode(text="n:Q", color=alt.value(INK))
    chart = alt.layer(bars, text).properties(
        width="container", height=alt.Step(34),
        title=alt.Title(["NHS bodies led 36 of the 44 footprints;", "councils led three or four"],
                        anchor="start"))
    return describe(
        chart,
        alt_text="Horizontal bar chart of the leaders named for the 44 footprints on 30 March "
                 "2016: 18 provider chief executives, 18 clinical commissioning group leaders, "
                 "3 from local authorities, 2 others and 3 footprints still to name a leader.",
        source="Health Service Journal (March 2016); Public Sector Executive (2016) counted "
               "four council leaders.")


def ics_chart(milestones: pd.DataFrame) -> alt.LayerChart:
    """How many integrated care systems (accountable care systems at first) there were
    at each designation. ``milestones`` needs when (words), systems and note, in order."""
    order = list(milestones["when"])
    bars = alt.Chart(milestones).mark_bar(color=OKABE_ITO[0], stroke=INK,
                                          strokeWidth=0.5).encode(
        y=alt.Y("when:N", sort=order, title=None, axis=alt.Axis(labelLimit=150)),
        x=alt.X("systems:Q", title="Systems (count)", scale=alt.Scale(domain=[0, 44])),
        tooltip=[alt.Tooltip("when:N", title="When"), alt.Tooltip("systems:Q", title="Systems"),
                 alt.Tooltip("note:N", title="What changed")],
    )
    text = bars.mark_text(align="left", dx=4).encode(text="systems:Q", color=alt.value(INK))
    chart = alt.layer(bars, text).properties(
        width="container", height=alt.Step(32),
        title=alt.Title(["Four years from the first ten systems", "to all 42, April 2021"],
                        anchor="start",
                        subtitle=["Accountable care systems until the 2018 renaming."]))
    return describe(
        chart,
        alt_text="Horizontal bar chart of the number of integrated care systems: 10 in the "
                 "first wave of June 2017, 14 in 2018, 14 in June 2019 after mergers, 18 in "
                 "May 2020, 29 in December 2020 and 42 from April 2021.",
        source="NHS England (2017, 2020); Respiratory Futures (2018); Health Service Journal "
               "(June 2019); PharmaTimes (May 2020); Healthcare Leader (March 2021).")


def providers_chart(providers: pd.DataFrame, added_back: pd.DataFrame) -> alt.LayerChart:
    """NHS providers' reported net position by year, with the years whose fund support is
    known drawn again with it added back. ``providers`` needs financial_year,
    net_position_gbp_m and basis_note; ``added_back`` needs financial_year,
    without_support_gbp_m and label."""
    frame = providers.assign(
        position=["Surplus" if v >= 0 else "Deficit" for v in providers["net_position_gbp_m"]])
    order = list(providers["financial_year"])
    y = alt.Y("financial_year:N", sort=order, title="Financial year")
    x_title = "Net position of NHS trusts (£m, cash)"
    bars = alt.Chart(frame).mark_bar(stroke=INK, strokeWidth=0.5).encode(
        y=y,
        x=alt.X("net_position_gbp_m:Q", title=x_title,
                scale=alt.Scale(domain=[-3500, 1500], nice=False)),
        color=alt.Color("position:N", title="Reported",
                        scale=alt.Scale(domain=["Surplus", "Deficit"],
                                        range=[OKABE_ITO[2], OKABE_ITO[3]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("financial_year:N", title="Year"),
                 alt.Tooltip("net_position_gbp_m:Q", title="Reported (£m)", format=",.0f"),
                 alt.Tooltip("basis_note:N", title="Basis")],
    )
    # Values to the right of zero (or of a surplus bar), clear of the bars and diamonds.
    values = bars.transform_calculate(at="max(datum.net_position_gbp_m, 0)").mark_text(
        align="left", dx=4, fontSize=10).encode(
        x="at:Q", text=alt.Text("net_position_gbp_m:Q", format=",.0f"), color=alt.value(INK))
    back = alt.Chart(added_back).mark_point(shape="diamond", filled=True, size=110,
                                             opacity=1, color=PUBLISHED_COLOUR).encode(
        y=y, x="without_support_gbp_m:Q",
        tooltip=[alt.Tooltip("financial_year:N", title="Year"),
                 alt.Tooltip("without_support_gbp_m:Q", title="Fund support added back (£m)",
                             format=",.0f"),
                 alt.Tooltip("label:N", title="How")])
    chart = alt.layer(bars, values, back).properties(
        width="container", height=alt.Step(30),
        title=alt.Title(["Providers stayed in deficit every year", "from 2013/14 to 2019/20"],
                        anchor="start",
                        subtitle=["Bars: as reported; deficits to the left.",
                                  "Diamonds: with the funds' support added back."]))
    return describe(
        chart,
        alt_text="Horizontal bar chart of the net position of NHS trusts from 2012/13 to "
                 "2019/20: a surplus of about 600 million pounds, then deficits every year, "
                 "largest at 2.45 billion in 2015/16 and 0.6 to 1 billion after 2016/17 "
                 "once fund support is counted; diamonds show 2016/17 and 2018/19 with the "
                 "fund's money added back, both deeper than 2015/16.",
        source="The King's Fund (NHS in a nutshell, 2018-2020 updates and The NHS long-term "
               "plan explained, 2019); Centre for Health and the Public Interest (2015); The "
               "Health Foundation (2016); Health Service Journal (2019).",
        data_files=("provider_finances.csv",))


def timeline_chart(events: pd.DataFrame, declared: dict[str, Parameter],
                   values: dict[str, object], labels: dict[str, str], domain: tuple[int, int],
                   units: float, filter_expr: str, label_exprs: dict[str, str],
                   sliders: bool = True) -> alt.LayerChart:
    """A vertical timeline: a temporal axis over the whole ``domain`` (epoch ms, UTC) with a
    tick each year, a point for each event at its real date, and its label (date first)
    on its own row, joined to the point by a leader line.

    ``events`` needs t (epoch ms), year, category, category_label, when, event, source,
    label (its lines joined by newlines) and h (its height in lines, gap included).
    The axis is ``units`` lines of label text tall. ``filter_expr`` (which events) and
    ``label_exprs`` (prev, q, row, slot: the top of each label, anchor: where its leader
    line ends) are the Vega expressions that the recipe module keeps beside their Python
    twins. With ``sliders`` the drop-down and the
    slider drive the filter in the browser; without, the values are fixed (live panel).
    """
    cat, start = declared["timeline_category"], declared["start_year"]
    if sliders:
        params = [dropdown(cat, values[cat.name], labels=labels),
                  slider(start, values[start.name])]
    else:
        params = [alt.param(name=cat.name, value=values[cat.name]),
                  alt.param(name=start.name, value=values[start.name])]
    exprs = label_exprs
    order = [alt.SortField("t"), alt.SortField("order")]
    shown = (
        alt.Chart(events)
        .transform_filter(filter_expr)
        .transform_window(cum="sum(h)", sort=order, frame=[None, 0])
        .transform_calculate(prev=exprs["prev"])
        .transform_calculate(q=exprs["q"])
        .transform_window(runmax="max(q)", sort=order, frame=[None, 0])
        .transform_joinaggregate(total="sum(h)")
        .transform_calculate(row=exprs["row"])
        .transform_calculate(slot=exprs["slot"], anchor=exprs["anchor"])
    )
    scale = alt.Scale(type="utc", domain=list(domain), reverse=True, nice=False)
    axis = alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}, labelFontSize=11,
                    labelFontWeight="bold", labelColor=INK, grid=False,
                    domain=False, ticks=True)

    def y(field: str) -> alt.Y:
        return alt.Y(f"{field}:T", title=None, scale=scale, axis=axis)

    tooltip = [alt.Tooltip("when:N", title="Date"), alt.Tooltip("event:N", title="Event"),
               alt.Tooltip("category_label:N", title="Kind"),
               alt.Tooltip("source:N", title="Source")]
    spine = alt.Chart(pd.DataFrame({"t": [domain[0]], "t2": [domain[1]]})).mark_rule(
        color="#9a9a9a", strokeWidth=1).encode(x=alt.value(SPINE_X), y=y("t"), y2="t2:T")
    leaders = shown.mark_rule(color="#8a8a8a", strokeWidth=0.7).encode(
        x=alt.value(SPINE_X + 5), x2=alt.value(LABEL_X - 4), y=y("t"), y2="anchor:T")
    names = [labels[c] for c in CATEGORY_ORDER]
    points = shown.mark_point(filled=True, size=55, opacity=1, stroke=INK,
                              strokeWidth=0.7).encode(
        x=alt.value(SPINE_X), y=y("t"),
        color=alt.Color("category_label:N", title=None,
                        scale=alt.Scale(domain=names, range=CATEGORY_COLOURS),
                        legend=alt.Legend(orient="top", columns=2, labelLimit=125,
                                          columnPadding=8,
                                          symbolStrokeColor=INK, symbolStrokeWidth=0.7)),
        shape=alt.Shape("category_label:N", scale=alt.Scale(domain=names,
                                                            range=CATEGORY_SHAPES)),
        tooltip=tooltip,
    ).add_params(*params)
    text = shown.mark_text(align="left", baseline="top", fontSize=10, lineHeight=LINE_PX,
                           lineBreak="\n", color=INK).encode(
        x=alt.value(LABEL_X), y=y("slot"), text="label:N", tooltip=tooltip)
    chart = alt.layer(spine, leaders, points, text).properties(
        width="container" if sliders else 560,
        height=int(round(units * LINE_PX)),
        title=alt.Title(["Ten years from the 2012 Act", "to statutory integrated care boards"],
                        anchor="start",
                        subtitle=["Each point at its date; each label on its own row.",
                                  "Hover over a point or a label for its source."]))
    return describe(
        chart,
        alt_text="Vertical timeline from 2012 to 2022 with a tick for each year: each event "
                 "is a point at its date on the left, joined by a line to its label, which "
                 "gives the date and what happened; the drop-down and slider choose the "
                 "kind of event and the first year shown.",
        source="Each event's own source, named when you hover over it; listed in the "
               "bibliography.",
        data_files=("timeline.csv",))
