"""Charts for chapter 6: what came after the plans.

Every chart fits the content column at 1280 and 375 px: single or layered charts at
``width="container"``, horizontal bars so that long category names sit on the y axis,
and titles given as short lines (Vega-Lite does not wrap titles).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from ..parameters import Parameter
from .render import MODELLED_COLOUR, OKABE_ITO, PUBLISHED_COLOUR, ChartT, describe, dropdown, slider

RATING_ORDER = ["Outstanding", "Advanced", "Making progress", "Needs most improvement"]
RATING_COLOURS = [OKABE_ITO[2], OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3]]
INK = "#222222"

# The timeline: one colour and one shape per kind of event (colour is never the only cue;
# the light orange has a dark outline like every point).
CATEGORY_ORDER = ["policy", "legislation", "funding", "deadline", "publication", "commentary"]
CATEGORY_COLOURS = [
    OKABE_ITO[0],
    PUBLISHED_COLOUR,
    OKABE_ITO[2],
    OKABE_ITO[3],
    OKABE_ITO[1],
    OKABE_ITO[4],
]
CATEGORY_SHAPES = ["circle", "square", "diamond", "triangle-up", "triangle-down", "cross"]

# Geometry of the timeline list, in pixels: a column of points, the labels beside them.
POINT_X = 8
LABEL_X = 22
LINE_PX = 17  # one line of label text (font 12 px)
FONT = 12  # axis, legend and label text: at least 11 px at 1280 px and on a phone
LAST_YEAR = 2022


def readable(chart: ChartT) -> ChartT:
    """Axis, legend and title text large enough to read at 1280 px and on a phone."""
    return (
        chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT)
        .configure_legend(labelFontSize=FONT, titleFontSize=FONT)
        .configure_title(fontSize=15, subtitleFontSize=FONT)
    )


def dashboard_chart(counts: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """How NHS England rated the 44 footprints in July 2017. ``counts`` needs
    rating_label, n_stps and named (the footprints the sources name, or '')."""
    y = alt.Y("rating_label:N", sort=RATING_ORDER, title=None, axis=alt.Axis(labelLimit=150))
    bars = (
        alt.Chart(counts)
        .mark_bar(stroke=INK, strokeWidth=0.5)
        .encode(
            y=y,
            x=alt.X("n_stps:Q", title="Footprints (count)", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "rating_label:N",
                sort=RATING_ORDER,
                legend=None,
                scale=alt.Scale(domain=RATING_ORDER, range=RATING_COLOURS),
            ),
            tooltip=[
                alt.Tooltip("rating_label:N", title="Rating"),
                alt.Tooltip("n_stps:Q", title="Footprints"),
                alt.Tooltip("named:N", title="Named in the sources"),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4, color=INK, fontSize=FONT).encode(
        text="n_stps:Q", color=alt.value(INK)
    )
    chart = alt.layer(bars, text).properties(
        width="container",
        height=alt.Step(34),
        title=alt.Title(
            ["Most footprints were rated advanced", "or making progress, July 2017"], anchor="start"
        ),
    )
    return describe(
        readable(chart),
        alt_text="Horizontal bar chart of NHS England's July 2017 progress dashboard: 5 "
        "footprints outstanding, 20 advanced, 14 making progress and 5 needing most "
        "improvement.",
        source="NHS England, STP progress dashboard (board paper, 21 July 2017), as "
        "reported by Healthcare Leader (July 2017).",
        data_files=("dashboard_2017.csv", "dashboard_2017_ratings.csv"),
    )


def leadership_chart(leaders: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Who led the 44 footprints when the leaders were named (March 2016). ``leaders``
    needs background (words), n and note (for the tooltip), in display order."""
    order = list(leaders["background"])
    colours = [OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[3], "#bdbdbd", "#8c8c8c"][: len(order)]
    bars = (
        alt.Chart(leaders)
        .mark_bar(stroke=INK, strokeWidth=0.5)
        .encode(
            y=alt.Y("background:N", sort=order, title=None, axis=alt.Axis(labelLimit=170)),
            x=alt.X("n:Q", title="Footprint leaders (count)", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "background:N",
                sort=order,
                legend=None,
                scale=alt.Scale(domain=order, range=colours),
            ),
            tooltip=[
                alt.Tooltip("background:N", title="Background"),
                alt.Tooltip("n:Q", title="Leaders"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4, fontSize=FONT).encode(
        text="n:Q", color=alt.value(INK)
    )
    chart = alt.layer(bars, text).properties(
        width="container",
        height=alt.Step(34),
        title=alt.Title(
            ["NHS bodies led 36 of the 44 footprints;", "councils led three or four"],
            anchor="start",
        ),
    )
    return describe(
        readable(chart),
        alt_text="Horizontal bar chart of the leaders named for the 44 footprints on 30 March "
        "2016: 18 provider chief executives, 18 clinical commissioning group leaders, "
        "3 from local authorities, 2 others and 3 footprints still to name a leader.",
        source="Health Service Journal (March 2016); Public Sector Executive (2016) counted "
        "four council leaders.",
    )


def ics_chart(milestones: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """How many integrated care systems (accountable care systems at first) there were
    at each designation. ``milestones`` needs when (words), systems and note, in order."""
    order = list(milestones["when"])
    bars = (
        alt.Chart(milestones)
        .mark_bar(color=OKABE_ITO[0], stroke=INK, strokeWidth=0.5)
        .encode(
            y=alt.Y("when:N", sort=order, title=None, axis=alt.Axis(labelLimit=150)),
            x=alt.X("systems:Q", title="Systems (count)", scale=alt.Scale(domain=[0, 44])),
            tooltip=[
                alt.Tooltip("when:N", title="When"),
                alt.Tooltip("systems:Q", title="Systems"),
                alt.Tooltip("note:N", title="What changed"),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4, fontSize=FONT).encode(
        text="systems:Q", color=alt.value(INK)
    )
    chart = alt.layer(bars, text).properties(
        width="container",
        height=alt.Step(32),
        title=alt.Title(
            ["Four years from the first ten systems", "to all 42, April 2021"],
            anchor="start",
            subtitle=[
                "Accountable care systems until the 2018 renaming.",
                "June 2019: three more were designated, but they",
                "absorbed three earlier systems (Cumbria,",
                "Buckinghamshire and Berkshire West), so the",
                "count stayed at 14.",
            ],
        ),
    )
    return describe(
        readable(chart),
        alt_text="Horizontal bar chart of the number of integrated care systems: 10 in the "
        "first wave of June 2017, 14 in 2018, still 14 in June 2019 (three more "
        "designated, three absorbed in mergers), 18 in "
        "May 2020, 29 in December 2020 and 42 from April 2021.",
        source="NHS England (2017, 2020); Respiratory Futures (2018); Health Service Journal "
        "(June 2019); PharmaTimes (May 2020); Healthcare Leader (March 2021).",
    )


def providers_chart(
    providers: pd.DataFrame, added_back: pd.DataFrame, source: str
) -> alt.LayerChart | alt.FacetChart:
    """NHS providers' reported net position by year, with the years whose fund support is
    known drawn again with it added back (the book's own sum: marked as modelled, with
    its value written beside it). ``providers`` needs financial_year, net_position_gbp_m
    and basis_note; ``added_back`` needs financial_year, without_support_gbp_m and label;
    ``source`` is the source line (each row's own source)."""
    frame = providers.assign(
        position=["Surplus" if v >= 0 else "Deficit" for v in providers["net_position_gbp_m"]]
    )
    order = list(providers["financial_year"])
    y = alt.Y("financial_year:N", sort=order, title="Financial year")
    x_title = "Net position of NHS trusts (£m, cash)"
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke=INK, strokeWidth=0.5)
        .encode(
            y=y,
            x=alt.X(
                "net_position_gbp_m:Q",
                title=x_title,
                scale=alt.Scale(domain=[-3500, 1500], nice=False),
            ),
            color=alt.Color(
                "position:N",
                title="Reported",
                scale=alt.Scale(domain=["Surplus", "Deficit"], range=[OKABE_ITO[2], OKABE_ITO[3]]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("financial_year:N", title="Year"),
                alt.Tooltip("net_position_gbp_m:Q", title="Reported (£m)", format=",.0f"),
                alt.Tooltip("basis_note:N", title="Basis"),
            ],
        )
    )
    # Values to the right of zero (or of a surplus bar), clear of the bars and diamonds.
    values = (
        bars.transform_calculate(at="max(datum.net_position_gbp_m, 0)")
        .mark_text(align="left", dx=4, fontSize=FONT)
        .encode(
            x="at:Q", text=alt.Text("net_position_gbp_m:Q", format=",.0f"), color=alt.value(INK)
        )
    )
    back_tooltip = [
        alt.Tooltip("financial_year:N", title="Year"),
        alt.Tooltip(
            "without_support_gbp_m:Q",
            title="Without the fund's support (£m, this book's sum)",
            format=",.0f",
        ),
        alt.Tooltip("label:N", title="How"),
    ]
    back = (
        alt.Chart(added_back)
        .mark_point(
            shape="diamond", filled=False, size=130, opacity=1, strokeWidth=2, color=MODELLED_COLOUR
        )
        .encode(y=y, x="without_support_gbp_m:Q", tooltip=back_tooltip)
    )
    back_text = (
        alt.Chart(added_back)
        .transform_calculate(
            words="'−£' + format(-datum.without_support_gbp_m / 1000, '.1f') + 'bn (modelled)'"
        )
        .mark_text(align="left", dx=9, dy=-11, fontSize=FONT, color=MODELLED_COLOUR)
        .encode(y=y, x="without_support_gbp_m:Q", text="words:N", tooltip=back_tooltip)
    )
    chart = alt.layer(bars, values, back, back_text).properties(
        width="container",
        height=alt.Step(34),
        title=alt.Title(
            ["Providers stayed in deficit every year", "from 2013/14 to 2019/20"],
            anchor="start",
            subtitle=[
                "Bars: as reported; deficits to the left.",
                "Blue open diamonds: modelled by this book,",
                "the reported position less the funds' support",
                "(2016/17 and 2018/19). Not the published",
                "underlying deficits, which also take out other",
                "one-off items: see the text.",
            ],
        ),
    )
    return describe(
        readable(chart),
        alt_text="Horizontal bar chart of the net position of NHS trusts from 2012/13 to "
        "2019/20: a surplus of about 600 million pounds, then deficits every year, "
        "largest at 2.45 billion in 2015/16 and 0.6 to 1 billion after 2016/17 "
        "once fund support is counted; open diamonds, modelled by this book, show "
        "2016/17 and 2018/19 with the funds' money taken off, about 2.6 and 3.0 "
        "billion pounds, both deeper than 2015/16.",
        source=source,
        data_files=("provider_finances.csv",),
    )


def timeline_chart(
    records: list[dict],
    declared: dict[str, Parameter],
    values: dict[str, Any],
    labels: dict[str, str],
    row_filter: str,
    lines_expr: str,
    first_line_filter: str,
    sliders: bool = True,
) -> alt.LayerChart:
    """The timeline as a dated list: each year's heading, then its events in date order,
    one line of text a row; a shaped, coloured point beside each event's first line.

    ``records`` are the recipe module's ``list_records`` (kind "year" or "event", year, t,
    order, category, category_label, when, event, source, and the label's lines for a
    phone and a desktop, ``narrow`` and ``wide``, as lists of {k, s}). ``row_filter``
    (which headings and events), ``lines_expr`` (which set of lines, by the chart's
    width) and ``first_line_filter`` (no blank line at the top) are the Vega expressions
    the recipe module keeps beside their Python twins.
    The chart's height follows the rows shown: nothing is drawn for the years the filter
    leaves out. With ``sliders`` the drop-down and the slider drive the filter in the
    browser; without, the values are fixed (live panel).
    """
    cat, start = declared["timeline_category"], declared["start_year"]
    if sliders:
        params = [dropdown(cat, values[cat.name], labels=labels), slider(start, values[start.name])]
    else:
        params = [
            alt.param(name=cat.name, value=values[cat.name]),
            alt.param(name=start.name, value=values[start.name]),
        ]
    rows = (
        alt.Chart(alt.InlineData(values=records))
        .transform_filter(row_filter)
        .transform_calculate(is_event="datum.kind == 'event' ? 1 : 0")
        .transform_joinaggregate(events_in_year="sum(is_event)", groupby=["year"])
        .transform_joinaggregate(events_shown="sum(is_event)")
        .transform_filter(
            "datum.kind == 'none' ? datum.events_shown == 0 : datum.events_in_year > 0"
        )
        .transform_calculate(lines=lines_expr)
        .transform_flatten(["lines"], as_=["line"])
        .transform_calculate(k="datum.line.k", s="datum.line.s")
        .transform_joinaggregate(first_t="min(t)")
        .transform_filter(first_line_filter)
        .transform_window(
            row="row_number()",
            sort=[alt.SortField("t"), alt.SortField("order"), alt.SortField("k")],
        )
    )
    y = alt.Y("row:O", axis=None, scale=alt.Scale(paddingOuter=0.5))
    tooltip = [
        alt.Tooltip("when:N", title="Date"),
        alt.Tooltip("event:N", title="Event"),
        alt.Tooltip("category_label:N", title="Kind"),
        alt.Tooltip("source:N", title="Source"),
    ]
    names = [labels[c] for c in CATEGORY_ORDER]
    points = (
        rows.transform_filter("datum.kind == 'event' && datum.k == 0")
        .mark_point(filled=True, size=70, opacity=1, stroke=INK, strokeWidth=0.7)
        .encode(
            x=alt.value(POINT_X),
            y=y,
            color=alt.Color(
                "category_label:N",
                title=None,
                scale=alt.Scale(domain=names, range=CATEGORY_COLOURS),
                legend=alt.Legend(
                    orient="top",
                    columns=2,
                    labelLimit=150,
                    columnPadding=6,
                    symbolStrokeColor=INK,
                    symbolStrokeWidth=0.7,
                ),
            ),
            shape=alt.Shape(
                "category_label:N", scale=alt.Scale(domain=names, range=CATEGORY_SHAPES)
            ),
            tooltip=tooltip,
        )
        .add_params(*params)
    )
    years = (
        rows.transform_filter("datum.kind == 'year'")
        .mark_text(align="left", baseline="middle", fontSize=15, fontWeight="bold", color=INK)
        .encode(x=alt.value(0), y=y, text="s:N")
    )
    text = (
        rows.transform_filter("datum.kind != 'year'")
        .mark_text(align="left", baseline="middle", fontSize=FONT, color=INK)
        .encode(x=alt.value(LABEL_X), y=y, text="s:N", tooltip=tooltip)
    )
    chart = alt.layer(points, years, text).properties(
        width="container" if sliders else 560,
        height=alt.Step(LINE_PX),
        title=alt.Title(
            text=alt.ExprRef(
                expr=f"['The STPs and what followed,', {start.name} + ' to {LAST_YEAR}']"
            ),
            subtitle=[
                "One row per event, oldest first, under its year.",
                "Hover over an event for its source.",
            ],
            anchor="start",
        ),
    )
    return describe(
        readable(chart).configure_view(stroke=None),
        alt_text="A dated list of events from 2012 to 2022, a heading for each year and, "
        "under it, each event in date order with its date and what happened, "
        "marked by a coloured shape for its kind; the drop-down and slider choose "
        "the kind of event and the first year shown.",
        source="Each event's own source, named when you hover over it; listed in the bibliography.",
        data_files=("timeline.csv",),
        controls_first=True,
    )
