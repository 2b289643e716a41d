"""Charts for chapter 5: the critiques, and a survey result that does not add up."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..models.surveys import LEVELS
from ..parameters import Parameter
from .render import MODELLED_COLOUR, OKABE_ITO, PUBLISHED_COLOUR, describe


def dropdown(param: Parameter, value: str) -> alt.Parameter:
    """An Altair parameter bound to a drop-down of the declared choices."""
    return alt.param(name=param.name, value=value, bind=alt.binding_select(
        options=list(param.choices), name=f"{param.name} "))


def readings_chart(rows: pd.DataFrame, param: Parameter, value: str) -> alt.LayerChart:
    """The confidence shares under the reading picked in the drop-down.

    ``rows`` are stpbook.models.surveys.all_readings: reading, description, level,
    share_pct, total_pct. The whole grid is inline; the drop-down filters it."""
    pick = dropdown(param, value)
    base = alt.Chart(rows).transform_filter(f"datum.reading == {param.name}")
    y = alt.Y("level:N", sort=list(LEVELS), title="Confidence")
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("share_pct:Q", title="Share of 99 CCG leaders (%)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.condition("datum.reading == 'as_reported'", alt.value(PUBLISHED_COLOUR),
                            alt.value(MODELLED_COLOUR)),
        tooltip=["description:N", "level:N", alt.Tooltip("share_pct:Q", format=".1f"),
                 alt.Tooltip("total_pct:Q", title="all three (%)", format=".0f")],
    ).add_params(pick)
    labels = base.mark_text(align="left", dx=4).encode(
        y=y, x="share_pct:Q", text=alt.Text("share_pct:Q", format=".1f"))
    total = base.transform_filter("datum.level == 'low'").mark_text(
        align="right", x=470, y=-8, fontWeight="bold").encode(
        text=alt.Text("label:N")).transform_calculate(
        label="datum.description + ': total ' + format(datum.total_pct, '.0f') + '%'")
    chart = alt.layer(bars, labels, total).properties(
        width=480, height=150,
        title=alt.Title("As printed, the confidence shares add up to 114%",
                        subtitle=["Confidence that the plan will have its desired impact.",
                                  ("Black: as reported (seed 004). Blue: a reading that adds "
                                  "to 100% (pick one in the drop-down).")]))
    return describe(
        chart,
        alt_text="Bar chart of CCG leaders' low, medium and high confidence in their STP "
                 "under a chosen reading of the published shares, with the total shown; as "
                 "reported the three shares sum to 114 per cent.",
        source="seed 004 as reported; PA Consulting and HSJ (Oct 2016); readings in "
               "stpbook.models.surveys (data/surveys.csv).",
        data_files=("surveys.csv",), modelled=value != "as_reported")


def counts_chart(surveys: pd.DataFrame) -> alt.Chart:
    """Confidence in two HSJ barometers, before (Feb 2016) and after (Oct 2016) the
    plans were written. ``surveys`` needs survey_label, response, share_pct, question."""
    order = ["very low", "low", "moderate", "high", "very high"]
    chart = (
        alt.Chart(surveys)
        .mark_bar()
        .encode(
            x=alt.X("response:N", sort=order, title="Confidence"),
            y=alt.Y("share_pct:Q", title="Share of respondents (%)"),
            color=alt.Color("response:N", sort=order, legend=None,
                            scale=alt.Scale(domain=order, range=[OKABE_ITO[3], OKABE_ITO[1],
                                                                  OKABE_ITO[6], OKABE_ITO[5],
                                                                  OKABE_ITO[0]])),
            column=alt.Column("survey_label:N", title=None, sort="descending",
                              header=alt.Header(labelLimit=300)),
            tooltip=["survey_label:N", "question:N", "response:N",
                     alt.Tooltip("share_pct:Q", format=".1f")],
        )
        .properties(width=230, height=220, title=alt.Title(
            "Before the plans were written most CCG leaders were confident; after, few were",
            subtitle="Two HSJ barometers that asked different questions: compare with care."))
    )
    return describe(
        chart,
        alt_text="Two bar charts of CCG leaders' confidence: in February 2016 most said high "
                 "confidence that a strong STP could be agreed; in October 2016 most said low "
                 "or very low confidence that it would have its planned impact.",
        source="HSJ CCG barometers, Feb 2016 and Oct 2016 (data/surveys.csv).",
        data_files=("surveys.csv",))
