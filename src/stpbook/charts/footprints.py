"""Charts for chapter 2, from planning guidance to 44 footprints."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..models import footprints as fp
from ..parameters import Parameter
from .render import OKABE_ITO, PUBLISHED_COLOUR, describe, slider

MEASURE_TITLES = {
    "population": "Population, mid-2016 (million people)",
    "area_km2": "Area (square km)",
    "population_density": "Population density (people per square km)",
}
SOURCE = ("ONS STP boundaries (February 2017, ultra-generalised) and April 2017 lookups; "
          "populations: ONS mid-2016 estimates allocated to footprints by this book "
          "(data/footprints.csv).")
# The same rule as stpbook.models.footprints.above_threshold, in Vega's expression language.
_ABOVE = "datum.population_m >= population_threshold"


def footprint_table(footprints: pd.DataFrame) -> pd.DataFrame:
    """The per-footprint fields the charts show (population in million people)."""
    out = footprints[["stp17cd", "stp17nm", "nhser17nm", "n_ccgs", "area_km2"]].copy()
    out["population_m"] = (footprints["population_mid2016"] / 1e6).round(4)
    out["population_density"] = fp.measure_column(footprints, "population_density").round(1)
    return out


def map_chart(footprints: pd.DataFrame, boundaries: dict, measure: str,
              threshold: Parameter, threshold_value: float) -> alt.Chart:
    """A choropleth of the 44 footprints coloured by ``measure``, with those of at least
    ``population_threshold`` million people outlined and the rest faded (in the browser)."""
    fp.measure_column(footprints, measure)  # refuses an unknown measure
    table = footprint_table(footprints).set_index("stp17cd")
    features = []
    for feature in boundaries["features"]:
        code = feature["properties"]["stp17cd"]
        row = table.loc[code]
        features.append({
            **feature,
            "stp17nm": row["stp17nm"], "nhser17nm": row["nhser17nm"],
            "population_m": float(row["population_m"]), "n_ccgs": int(row["n_ccgs"]),
            "area_km2": float(row["area_km2"]),
            "population_density": float(row["population_density"]),
            "value": float(row["population_m"] if measure == "population" else row[measure]),
        })
    param = slider(threshold, threshold_value)
    chart = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(strokeWidth=0.6)
        .encode(
            color=alt.Color("value:Q", title=MEASURE_TITLES[measure],
                            scale=alt.Scale(scheme="blues"),
                            legend=alt.Legend(orient="bottom", gradientLength=260,
                                              titleLimit=320)),
            opacity=alt.condition(_ABOVE, alt.value(1.0), alt.value(0.25)),
            stroke=alt.condition(_ABOVE, alt.value(PUBLISHED_COLOUR), alt.value("#999999")),
            tooltip=[alt.Tooltip("stp17nm:N", title="Footprint"),
                     alt.Tooltip("nhser17nm:N", title="NHS England region"),
                     alt.Tooltip("population_m:Q", title="Population (m)", format=".2f"),
                     alt.Tooltip("n_ccgs:Q", title="CCGs"),
                     alt.Tooltip("area_km2:Q", title="Area (sq km)", format=",.0f"),
                     alt.Tooltip("population_density:Q", title="People per sq km",
                                 format=",.0f")],
        )
        .add_params(param)
        .project(type="mercator")
        .properties(width=460, height=560, title=alt.Title(
            "England was cut into 44 footprints of very different sizes",
            subtitle="Footprints with at least the slider's population are outlined; "
                     "the rest fade."))
    )
    return describe(
        chart,
        alt_text=f"Map of England's 44 STP footprints coloured by {MEASURE_TITLES[measure]}; "
                 "a slider sets a population threshold and fades the footprints below it.",
        source=SOURCE, data_files=("footprints.csv", "footprint_boundaries.geojson"))


def ranked_chart(footprints: pd.DataFrame, threshold: Parameter,
                 threshold_value: float) -> alt.LayerChart:
    """The 44 populations ranked, with a threshold rule and, computed in the browser, how
    many footprints reach it."""
    table = footprint_table(footprints)
    param = slider(threshold, threshold_value)
    base = alt.Chart(table)
    order = table.sort_values("population_m", ascending=False)["stp17nm"].tolist()
    y = alt.Y("stp17nm:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=260, labelFontSize=9))
    bars = base.mark_bar().encode(
        x=alt.X("population_m:Q", title="Population, mid-2016 (million people)"),
        y=y,
        color=alt.condition(_ABOVE, alt.value(OKABE_ITO[0]), alt.value("#c8c8c8")),
        tooltip=[alt.Tooltip("stp17nm:N", title="Footprint"), "nhser17nm:N",
                 alt.Tooltip("population_m:Q", format=".2f", title="Population (m)")],
    ).add_params(param)
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(
        color=OKABE_ITO[3], strokeDash=[4, 3], strokeWidth=2).encode(
        x=alt.X("t:Q")).transform_calculate(t="population_threshold")
    count = (base.transform_filter(_ABOVE)
             .transform_aggregate(n="count()")
             .transform_calculate(label="datum.n + ' of 44 footprints have at least ' + "
                                        "format(population_threshold, '.1f') + 'm people'")
             .mark_text(align="right", baseline="bottom", fontSize=13, color=OKABE_ITO[3])
             .encode(text="label:N", x=alt.value(470), y=alt.value(-4)))
    ratio = fp.population_summary(footprints["population_mid2016"])["max_to_min"]
    chart = alt.layer(bars, rule, count).properties(width=480, height=620, title=alt.Title(
        f"The largest footprint has about {ratio:.0f} times the people of the smallest",
        dy=-14))
    return describe(
        chart,
        alt_text="Horizontal bar chart of the 44 footprints' populations from largest "
                 "(Greater Manchester, about 2.8 million) to smallest (West, North and East "
                 "Cumbria, about 0.3 million), with a movable threshold line.",
        source=SOURCE, data_files=("footprints.csv",))


def region_chart(regions: pd.DataFrame) -> alt.Chart:
    """Footprints per NHS England region (``models.footprints.per_region`` output)."""
    chart = alt.Chart(regions).mark_bar(color=OKABE_ITO[2]).encode(
        x=alt.X("footprints:Q", title="Number of footprints"),
        y=alt.Y("nhser17nm:N", sort=regions["nhser17nm"].tolist(),
                title="NHS England region (2017)"),
        tooltip=["nhser17nm:N", "footprints:Q",
                 alt.Tooltip("population_m:Q", format=".1f", title="Population (m)"),
                 alt.Tooltip("mean_population_m:Q", format=".2f",
                             title="Mean per footprint (m)"),
                 alt.Tooltip("ccgs:Q", title="CCGs")],
    ).properties(width=480, height=160, title=alt.Title(
        "Regions of similar size were cut into very different numbers of footprints"))
    text = chart.mark_text(align="left", dx=4).encode(text="footprints:Q", color=alt.value("black"))
    return describe(
        chart + text,
        alt_text="Bar chart of the number of STP footprints in each of the four 2017 NHS "
                 "England regions.",
        source="ONS CCG to NHS England region lookup, April 2017 (data/footprints.csv).",
        data_files=("footprints.csv",))
