"""Charts for chapter 4: hospital reconfigurations and what they cost."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..parameters import Parameter
from .render import MODELLED_COLOUR, OKABE_ITO, PUBLISHED_COLOUR, describe, slider

KIND_LABELS = {
    "acute_site_reduction": "Fewer acute hospital sites",
    "ae_closure_or_downgrade": "A&E closed or downgraded",
    "bed_reduction": "Fewer beds",
    "community_hospital_reduction": "Fewer community hospitals",
    "community_hub": "Primary care hubs",
    "service_consolidation": "Service consolidated on fewer sites",
}

APPRAISAL_PARAMS = ("annual_saving_gbp_m", "capital_cost_gbp_m", "dual_running_years",
                    "transition_cost_gbp_m", "discount_rate", "horizon_years")

# The same closed form as stpbook.models.reconfiguration.cumulative_discounted, as Vega
# expressions: A(n) is the annuity factor, cum(t) the cumulative discounted cash flow.
_A = "(discount_rate == 0 ? {n} : (1 - pow(1 + discount_rate, -({n}))) / discount_rate)"
_DUAL = "min(datum.year, dual_running_years)"
CUMULATIVE_EXPR = (
    f"-capital_cost_gbp_m - transition_cost_gbp_m * {_A.format(n=_DUAL)}"
    f" + annual_saving_gbp_m * ({_A.format(n='datum.year')} - {_A.format(n=_DUAL)})"
)


def kind_label(kind: str) -> str:
    """A reader's label for a ``reconfigurations.kind`` code."""
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def reconfigurations_chart(items: pd.DataFrame) -> alt.Chart:
    """Every proposed change in the data, counted by kind and footprint.

    ``items`` needs stp17cd, footprint (name), kind and site_or_service."""
    frame = items.assign(kind_label=items["kind"].map(kind_label))
    order = frame["footprint"].value_counts().index.tolist()
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("footprint:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("count():Q", title="Proposed changes in the data (count)",
                    axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("kind_label:N", title="Kind of change",
                            scale=alt.Scale(range=OKABE_ITO[:6]),
                            legend=alt.Legend(orient="bottom", columns=2, labelLimit=200)),
            tooltip=[alt.Tooltip("footprint:N", title="Footprint"),
                     alt.Tooltip("kind_label:N", title="Kind"),
                     alt.Tooltip("site_or_service:N", title="Site or service"),
                     alt.Tooltip("status:N", title="Status")],
        )
        .properties(width=300, height=alt.Step(18), title=alt.Title(
            ["Proposed changes cluster in under half the footprints,",
             "most of them cuts to beds or A&E"],
            subtitle=["Changes reported in plans and press analyses, 2016-17;",
                      "not a complete census of the 44 plans."]))
    )
    return describe(
        chart,
        alt_text="Horizontal stacked bar chart counting the proposed hospital changes in "
                 "the book's data for each footprint, coloured by kind: fewer acute sites, "
                 "A&E closures or downgrades, bed cuts, community hospitals, hubs and "
                 "consolidated services.",
        source="data/reconfigurations.csv (plans, King's Fund, HSJ, i, press reports; "
               "one source per row).",
        data_files=("reconfigurations.csv", "footprints.csv"))


def payback_chart(declared: dict[str, Parameter], values: dict[str, float]) -> alt.LayerChart:
    """Cumulative discounted cash flow of a consolidation, year by year, recomputed in
    the browser from six sliders (the chapter's parameters)."""
    max_years = int(declared["horizon_years"].maximum)
    years = pd.DataFrame({"year": range(max_years + 1)})
    params = [slider(declared[n], values[n]) for n in APPRAISAL_PARAMS]
    base = (
        alt.Chart(years)
        .transform_filter("datum.year <= horizon_years")
        .transform_calculate(cumulative_gbp_m=CUMULATIVE_EXPR)
        .transform_calculate(position=alt.expr.if_(alt.datum.cumulative_gbp_m >= 0,
                                                   "Paid back", "Not yet paid back"))
    )
    x = alt.X("year:O", title="Years after the decision")
    bars = base.mark_bar().encode(
        x=x,
        y=alt.Y("cumulative_gbp_m:Q",
                title="Cumulative discounted cash flow (GBP m, today's prices)"),
        color=alt.Color("position:N", title=None,
                        scale=alt.Scale(domain=["Not yet paid back", "Paid back"],
                                        range=[OKABE_ITO[3], MODELLED_COLOUR]),
                        legend=alt.Legend(orient="top")),
        tooltip=[x, alt.Tooltip("cumulative_gbp_m:Q", title="GBP m", format=",.1f")],
    ).add_params(*params)
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=PUBLISHED_COLOUR).encode(y="y:Q")
    chart = alt.layer(bars, zero).properties(
        width=560, height=300,
        title=alt.Title("Years of dual running push a consolidation's payback far out",
                        subtitle="Cumulative net present value under your assumptions "
                                 "(move the sliders); modelled, not a published appraisal."))
    return describe(
        chart,
        alt_text="Bar chart of the cumulative discounted cash flow of a hospital "
                 "consolidation by year: negative during capital spending and dual running, "
                 "rising once savings start, crossing zero in the payback year.",
        source="model in stpbook.models.reconfiguration; discount rate from HM Treasury's "
               "Green Book; default capital cost from the BMA's 2017 estimate "
               "(data/national_facts.csv).",
        data_files=("national_facts.csv",), modelled=True)


def capital_chart(amounts: pd.DataFrame) -> alt.Chart:
    """Capital the plans asked for against capital offered. ``amounts`` has label,
    gbp_m, kind (``needed`` or ``offered``) and when."""
    chart = (
        alt.Chart(amounts)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("gbp_m:Q", title="Capital (GBP m, cash)"),
            color=alt.Color("kind:N", title=None,
                            scale=alt.Scale(domain=["needed", "offered"],
                                            range=[OKABE_ITO[3], OKABE_ITO[2]]),
                            legend=alt.Legend(orient="top")),
            tooltip=["label:N", "when:N", alt.Tooltip("gbp_m:Q", title="GBP m", format=",")],
        )
        .properties(width=480, height=alt.Step(36), title=alt.Title(
            "The plans' capital needs dwarfed what the 2017 budgets offered"))
    )
    return describe(
        chart,
        alt_text="Bar chart comparing the BMA's estimate of about 9.5 billion pounds of STP "
                 "capital needs with the 325 million pounds of the Spring Budget 2017 and "
                 "the 2.6 billion pounds of the Autumn Budget 2017.",
        source="BMA (14 Feb 2017); Spring Budget 2017 para 5.8; Autumn Budget 2017 "
               "(data/national_facts.csv).",
        data_files=("national_facts.csv",))
