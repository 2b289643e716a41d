"""Charts for chapter 5: the critiques, and a survey result that does not add up.

Every text colour here reaches 4.5:1 on white and every mark 3:1 (no yellow, no light
blue or orange): black for figures as printed, Okabe-Ito blue for the book's readings,
vermilion for the survey's own counts. Shapes, dashes or words always say the same as
the colour.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from ..models.surveys import LEVELS
from ..parameters import Parameter
from .render import MODELLED_COLOUR, OKABE_ITO, PUBLISHED_COLOUR, ChartT, describe, dropdown

LEVEL_WORDS = {"low": "Low", "medium": "Medium", "high": "High"}
COUNTS_COLOUR = OKABE_ITO[3]  # vermilion #D55E00, 3.9:1 on white: a mark, never text
INSIDE_MIN_PCT = 15.0  # a bar at least this long carries its label inside, in white
FONT = 12  # axis and legend text: at least 11 px at 1280 px and on a phone


def readable(chart: ChartT) -> ChartT:
    """Axis and legend text large enough to read at 1280 px and on a phone."""
    return chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT).configure_legend(
        labelFontSize=FONT, titleFontSize=FONT
    )


# --- Python twins of the browser's expressions ----------------------------------------


def share_label(value: float) -> str:
    """A share as the chart prints it: whole numbers without decimals (66%), others to
    one decimal (57.9%). The Python twin of ``SHARE_LABEL_EXPR``."""
    if abs(value - round(value)) < 0.05:
        return f"{round(value):.0f}%"
    return f"{value:.1f}%"


SHARE_LABEL_EXPR = (
    "(abs(datum.share_pct - round(datum.share_pct)) < 0.05 ? "
    "format(datum.share_pct, '.0f') : format(datum.share_pct, '.1f')) + '%'"
)


def reading_title(description: str, shares: Mapping[str, float]) -> list[str]:
    """The chart's title lines for one reading: a finding that holds under every reading,
    then the reading's name and its three shares (low + medium + high) with their sum.
    Every line fits a phone's column."""
    total = sum(shares[k] for k in LEVELS)
    return [
        "Under every reading, at most 1% of CCG",
        "leaders were highly confident",
        f"{description}:",
        " + ".join(share_label(shares[k]) for k in LEVELS) + f" = {share_label(total)}",
    ]


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def title_expr(param: str, titles: Mapping[str, list[str]]) -> str:
    """A Vega expression choosing ``titles[choice]`` (lists of lines) by the value of the
    parameter ``param``; the first choice is the fallback."""
    names = list(titles)
    expr = "[" + ", ".join(_quote(t) for t in titles[names[0]]) + "]"
    for name in reversed(names[1:]):
        lines = "[" + ", ".join(_quote(t) for t in titles[name]) + "]"
        expr = f"{param} == {_quote(name)} ? {lines} : ({expr})"
    return expr


# --- the charts -------------------------------------------------------------------------


def readings_chart(
    rows: pd.DataFrame,
    counts: Mapping[str, float],
    respondents: int,
    param: Parameter,
    value: str,
    labels: Mapping[str, str],
    sliders: bool = True,
) -> alt.LayerChart | alt.FacetChart:
    """CCG leaders' confidence under the reading chosen in the drop-down, with the
    survey's own counts marked.

    ``rows`` are ``stpbook.models.surveys.all_readings`` (reading, description, level,
    share_pct, total_pct): the whole grid is inline and the drop-down filters it, so the
    browser only selects rows the Python model computed. ``counts`` maps each level to
    the share the HSJ's counts give it (``surveys.from_counts``) of ``respondents``
    answers. ``labels`` are the
    drop-down's words for each reading. With ``sliders`` False (the live panel redraws
    the chart instead) the reading is fixed at ``value``.
    """
    pick = (
        dropdown(param, value, labels=dict(labels))
        if sliders
        else alt.param(name=param.name, value=value)
    )
    grid = rows.assign(level_label=rows["level"].map(LEVEL_WORDS))
    titles = {}
    for name, group in grid.groupby("reading", sort=False):
        shares = dict(zip(group["level"], group["share_pct"], strict=True))
        titles[name] = reading_title(str(group["description"].iloc[0]), shares)
    order = [LEVEL_WORDS[k] for k in LEVELS]
    y = alt.Y(
        "level_label:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelFontSize=12, labelColor="#000000"),
    )
    x = alt.X(
        "share_pct:Q",
        title=f"Share of the {respondents} CCG leaders (%)",
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(tickCount=5),
    )
    base = alt.Chart(grid).transform_filter(f"datum.reading == {param.name}")
    bars = (
        base.mark_bar(height={"band": 0.55})
        .encode(
            y=y,
            x=x,
            color=alt.condition(
                "datum.reading == 'as_reported'",
                alt.value(PUBLISHED_COLOUR),
                alt.value(MODELLED_COLOUR),
            ),
            tooltip=[
                alt.Tooltip("description:N", title="Reading"),
                alt.Tooltip("level_label:N", title="Confidence"),
                alt.Tooltip("share_pct:Q", title="Share (%)", format=".1f"),
                alt.Tooltip("total_pct:Q", title="All three add up to (%)", format=".1f"),
            ],
        )
        .add_params(pick)
    )
    # Long bars carry their label at the start, in white, clear of the count ticks that
    # sit near the bars' ends; short bars carry it just after the end, in black.
    inside = (
        base.transform_filter(f"datum.share_pct >= {INSIDE_MIN_PCT}")
        .transform_calculate(label=SHARE_LABEL_EXPR)
        .mark_text(align="left", dx=6, color="#FFFFFF", fontWeight="bold")
        .encode(text="label:N", y=y, x=alt.value(0))
    )
    outside = (
        base.transform_filter(f"datum.share_pct < {INSIDE_MIN_PCT}")
        .transform_calculate(label=SHARE_LABEL_EXPR)
        .mark_text(align="left", dx=6, color="#000000", fontWeight="bold")
        .encode(text="label:N", y=y, x=x)
    )
    marks = pd.DataFrame(
        {"level_label": [LEVEL_WORDS[k] for k in LEVELS], "count_pct": [counts[k] for k in LEVELS]}
    )
    ticks = (
        alt.Chart(marks)
        .mark_tick(color=COUNTS_COLOUR, thickness=3, size=52)
        .encode(
            y=y,
            x=alt.X("count_pct:Q"),
            tooltip=[
                alt.Tooltip("level_label:N", title="Confidence"),
                alt.Tooltip("count_pct:Q", title="HSJ's counts (%)", format=".1f"),
            ],
        )
    )
    chart = alt.layer(bars, ticks, inside, outside).properties(
        width="container" if sliders else 520,
        height=170,
        title=alt.Title(
            text=alt.ExprRef(expr=title_expr(param.name, titles)),
            subtitle=[
                "Low + medium + high. Bars: the reading chosen",
                "below (black: as printed; blue: a reading that",
                "adds up to 100%). Vermilion ticks, taller than",
                "the bars: what the survey's own counts of the",
                f"{respondents} answers give.",
            ],
            anchor="start",
            fontSize=14,
            subtitleFontSize=12,
            subtitleColor="#333333",
        ),
    )
    return describe(
        readable(chart),
        alt_text="Bar chart of CCG leaders' low, medium and high confidence that their plan "
        "would have its planned impact, under the reading chosen in the drop-down: as "
        "printed the shares are 66, 47 and 1 per cent, adding up to 114; ticks mark "
        "what the survey's own counts give: about 66, 33 and 1 per cent.",
        source="equwell blog (autumn 2016), as printed; PA Consulting (2016); Health Service "
        f"Journal (October 2016), counts of {respondents} answers. Readings: this book.",
        data_files=("surveys.csv",),
        modelled=value != "as_reported",
    )


def before_after_chart(
    surveys: pd.DataFrame, before_n: int, after_n: int
) -> alt.LayerChart | alt.FacetChart:
    """Confidence in two HSJ barometers, before (February 2016, ``before_n`` answers) and
    after (October 2016, ``after_n``) the plans were written. ``surveys`` needs
    survey_short (e.g. "Feb 2016"), response, share_pct and question; one row per answer
    offered."""
    order = ["Very high", "High", "Moderate", "Low", "Very low"]
    frame = surveys.assign(
        response=surveys["response"].str.capitalize(),
        label=[
            f"{s}: {share_label(v)}"
            for s, v in zip(surveys["survey_short"], surveys["share_pct"], strict=True)
        ],
    )
    surveys_order = list(dict.fromkeys(frame["survey_short"]))
    colours = [PUBLISHED_COLOUR, MODELLED_COLOUR][: len(surveys_order)]
    y = alt.Y(
        "response:N", sort=order, title=None, axis=alt.Axis(labelFontSize=12, labelColor="#000000")
    )
    y_offset = alt.YOffset("survey_short:N", sort=surveys_order)
    x = alt.X(
        "share_pct:Q",
        title="Share of respondents (%)",
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(tickCount=5),
    )
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        y=y,
        yOffset=y_offset,
        x=x,
        color=alt.Color(
            "survey_short:N",
            sort=surveys_order,
            title=None,
            scale=alt.Scale(domain=surveys_order, range=colours),
            legend=alt.Legend(orient="top", labelFontSize=12),
        ),
        tooltip=[
            alt.Tooltip("survey_short:N", title="Survey"),
            alt.Tooltip("question:N", title="Question"),
            alt.Tooltip("response:N", title="Answer"),
            alt.Tooltip("share_pct:Q", title="Share (%)", format=".1f"),
        ],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=12, color="#000000").encode(
        y=y, yOffset=y_offset, x=x, text="label:N"
    )
    chart = alt.layer(bars, labels).properties(
        width="container",
        height=330,
        title=alt.Title(
            [
                "Two surveys, two questions: confident a",
                "plan could be agreed (February 2016),",
                "doubtful it would work (October 2016)",
            ],
            subtitle=[
                f"February asked {before_n} leaders: could the area",
                f"agree a strong plan? October asked {after_n}: would",
                "the plan have its planned impact in 2017/18?",
                "Different questions: compare with care.",
                "February offered no 'moderate' answer.",
            ],
            anchor="start",
            fontSize=14,
            subtitleFontSize=12,
            subtitleColor="#333333",
        ),
    )
    return describe(
        readable(chart),
        alt_text="Grouped bar chart of CCG leaders' confidence in two HSJ surveys: in February "
        "2016 62 per cent said high or very high confidence that their area could agree "
        "a strong plan; in October 2016 66 per cent said low or very low confidence that "
        "the plan would have its planned impact, and 1 per cent high.",
        source="Health Service Journal CCG barometers, February 2016 and October 2016 (with "
        "PA Consulting).",
        data_files=("surveys.csv",),
    )


__all__ = [
    "COUNTS_COLOUR",
    "LEVEL_WORDS",
    "SHARE_LABEL_EXPR",
    "before_after_chart",
    "reading_title",
    "readings_chart",
    "share_label",
    "title_expr",
]
