"""Charts for chapter 6: what came after the plans."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..parameters import Parameter
from .render import OKABE_ITO, describe, slider

RATING_ORDER = ["Outstanding", "Advanced", "Making progress", "Needs most improvement"]
RATING_COLOURS = [OKABE_ITO[0], OKABE_ITO[5], OKABE_ITO[1], OKABE_ITO[3]]


def dashboard_chart(counts: pd.DataFrame) -> alt.Chart:
    """How NHS England rated the 44 footprints in July 2017. ``counts`` needs
    rating_label, n_stps and named (the footprints the sources name, or '')."""
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("rating_label:N", sort=RATING_ORDER, title="Overall rating, July 2017",
                    axis=alt.Axis(labelAngle=0, labelLimit=160)),
            y=alt.Y("n_stps:Q", title="Footprints (count)"),
            color=alt.Color("rating_label:N", sort=RATING_ORDER, legend=None,
                            scale=alt.Scale(domain=RATING_ORDER, range=RATING_COLOURS)),
            tooltip=[alt.Tooltip("rating_label:N", title="Rating"),
                     alt.Tooltip("n_stps:Q", title="Footprints"),
                     alt.Tooltip("named:N", title="Named in sources")],
        )
        .properties(width=480, height=240, title=alt.Title(
            "Most footprints were rated advanced or making progress in July 2017"))
    )
    text = chart.mark_text(dy=-8).encode(text="n_stps:Q", color=alt.value("black"))
    return describe(
        alt.layer(chart, text),
        alt_text="Bar chart of the July 2017 STP progress dashboard: 5 outstanding, 20 "
                 "advanced, 14 making progress and 5 needing most improvement.",
        source="NHS England STP progress dashboard, 21 July 2017, as reported by Healthcare "
               "Leader, Public Finance and others (data/dashboard_2017*.csv).",
        data_files=("dashboard_2017.csv", "dashboard_2017_ratings.csv"))


def providers_chart(providers: pd.DataFrame) -> alt.Chart:
    """Provider sector net position by year. ``providers`` needs financial_year,
    net_position_gbp_m and basis_note."""
    frame = providers.assign(
        position=["Surplus" if v >= 0 else "Deficit" for v in providers["net_position_gbp_m"]])
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("financial_year:O", title="Financial year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("net_position_gbp_m:Q", title="Net position of NHS providers (GBP m, cash)"),
            color=alt.Color("position:N", title=None,
                            scale=alt.Scale(domain=["Surplus", "Deficit"],
                                            range=[OKABE_ITO[2], OKABE_ITO[3]]),
                            legend=alt.Legend(orient="top")),
            tooltip=["financial_year:N", alt.Tooltip("net_position_gbp_m:Q", format=",.0f"),
                     "basis_note:N"],
        )
        .properties(width=480, height=260, title=alt.Title(
            "Provider deficits shrank after 2015/16 only with Transformation Fund money",
            subtitle="From 2016/17 the figures are after Sustainability and Transformation "
                     "Fund support (GBP 1.8bn in 2016/17)."))
    )
    return describe(
        chart,
        alt_text="Bar chart of NHS provider sector net position from 2012/13 to 2017/18: a "
                 "small surplus, then deficits peaking at 2.45 billion pounds in 2015/16, and "
                 "smaller deficits after STF support in 2016/17 and 2017/18.",
        source="King's Fund, NHS Improvement, NAO, Health Foundation "
               "(data/provider_finances.csv).",
        data_files=("provider_finances.csv",))


def timeline_chart(events: pd.DataFrame, declared: dict[str, Parameter],
                   values: dict[str, object]) -> alt.LayerChart:
    """Every dated event, one row per category, with a drop-down of categories and a
    slider for the first year shown. ``events`` needs date, event, category, source_id."""
    cat = declared["timeline_category"]
    pick = alt.param(name=cat.name, value=values[cat.name], bind=alt.binding_select(
        options=list(cat.choices), name=f"{cat.name} "))
    start = slider(declared["start_year"], values["start_year"])
    frame = events.assign(date=pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d"))
    categories = sorted(set(events["category"]) | {c for c in cat.choices if c != "all"})
    base = (
        alt.Chart(frame)
        .transform_calculate(year="year(toDate(datum.date))")
        .transform_filter(f"({cat.name} == 'all' || datum.category == {cat.name}) && "
                          "datum.year >= start_year")
    )
    x = alt.X("date:T", title="Date", axis=alt.Axis(format="%Y"))
    y = alt.Y("category:N", title=None, sort=categories)
    points = base.mark_point(filled=True, size=110, opacity=0.85).encode(
        x=x, y=y,
        color=alt.Color("category:N", title="Category", sort=categories,
                        scale=alt.Scale(domain=categories,
                                        range=OKABE_ITO[:len(categories)]),
                        legend=None),
        shape=alt.Shape("category:N", sort=categories, legend=None),
        tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "event:N", "category:N",
                 alt.Tooltip("source_id:N", title="source")],
    ).add_params(pick, start)
    chart = points.properties(width=600, height=alt.Step(40), title=alt.Title(
        "From plans to statutory integrated care boards in six years",
        subtitle="Every dated event in the book's data; hover for the event and its source."))
    return describe(
        chart,
        alt_text="Timeline of dated events from the Health and Social Care Act 2012 to the "
                 "statutory integrated care boards of July 2022, one row per category: "
                 "legislation, policy, funding, deadlines, publications and commentary.",
        source="data/timeline.csv (one source per event).",
        data_files=("timeline.csv",))
